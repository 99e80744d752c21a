using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SampleBroker.Http;
using SampleBroker.Requests;

namespace SampleBroker.Functions;

/// <summary>Requester routes for sample requests.</summary>
public sealed class SampleRequestFunctions(SampleRequestHandlers requests)
{
    [Function("SubmitSampleRequest")]
    public Task<IResult> SubmitAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.SampleRequests)] HttpRequest req, [DurableClient] DurableTaskClient client) =>
        requests.SubmitAsync(req, client);

    [Function("ListSampleRequests")]
    public Task<IResult> ListAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.SampleRequests)] HttpRequest req) =>
        requests.ListAsync(req);

    [Function("GetSampleRequest")]
    public Task<IResult> GetAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.SampleRequest)] HttpRequest req, string requestId) =>
        requests.GetAsync(req, requestId);

    [Function("CancelSampleRequest")]
    public Task<IResult> CancelAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.SampleRequestCancel)] HttpRequest req, string requestId, [DurableClient] DurableTaskClient client) =>
        requests.CancelAsync(req, requestId, client);
}
