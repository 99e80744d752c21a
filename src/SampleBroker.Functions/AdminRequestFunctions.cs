using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SampleBroker.Http;
using SampleBroker.Requests;

namespace SampleBroker.Functions;

/// <summary>Staff routes over every organisation's requests.</summary>
public sealed class AdminRequestFunctions(AdminRequestHandlers admin)
{
    [Function("AdminListSampleRequests")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.AdminSampleRequests)] HttpRequest req) =>
        admin.ListAsync(req);

    [Function("AdminGetSampleRequest")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.AdminSampleRequest)] HttpRequest req, string requestId, [DurableClient] DurableTaskClient client) =>
        admin.GetAsync(req, requestId, client);

    [Function("TerminateSampleRequest")]
    public Task<IResult> TerminateAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.AdminSampleRequestTerminate)] HttpRequest req, string requestId, [DurableClient] DurableTaskClient client) =>
        admin.TerminateAsync(req, requestId, client);

    [Function("RestartSampleRequest")]
    public Task<IResult> RestartAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.AdminSampleRequestRestart)] HttpRequest req, string requestId, [DurableClient] DurableTaskClient client) =>
        admin.RestartAsync(req, requestId, client);

    [Function("PurgeSampleRequest")]
    public Task<IResult> PurgeAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.AdminSampleRequest)] HttpRequest req, string requestId, [DurableClient] DurableTaskClient client) =>
        admin.PurgeAsync(req, requestId, client);
}
