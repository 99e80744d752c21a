using Microsoft.AspNetCore.Mvc;
using Microsoft.DurableTask.Client;
using SampleBroker.Access;
using SampleBroker.Biobanks;
using SampleBroker.Dashboard;
using SampleBroker.Http;
using SampleBroker.Monitoring;
using SampleBroker.Organisations;
using SampleBroker.Requests;

namespace SampleBroker.LocalHost;

/// <summary>
/// The HTTP API on the local host: each route is one call into the core's handlers, exactly as each
/// Functions trigger is. A test checks that this map and the Functions app's routes are the same.
/// </summary>
public static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapSampleBrokerApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/" + ApiRoutes.Prefix);
        api.MapGet(ApiRoutes.Health, (HttpRequest req, [FromServices] HealthHandler h) => h.GetAsync(req));
        api.MapGet(ApiRoutes.OpenApi, (HttpRequest req) => OpenApiDocument.Get(req));
        api.MapGet(ApiRoutes.Dashboard, (HttpRequest req) => DashboardHandler.Get(req));

        api.MapPut(ApiRoutes.Organisation, (HttpRequest req, string organisationId, [FromServices] OrganisationHandlers h) => h.PutAsync(req, organisationId));
        api.MapPost(ApiRoutes.OrganisationApiKeys, (HttpRequest req, string organisationId, [FromServices] OrganisationHandlers h) => h.IssueKeyAsync(req, organisationId));
        api.MapDelete(ApiRoutes.OrganisationApiKey, (HttpRequest req, string organisationId, string keyId, [FromServices] OrganisationHandlers h) => h.RevokeKeyAsync(req, organisationId, keyId));

        api.MapPut(ApiRoutes.Biobank, (HttpRequest req, string biobankId, [FromServices] BiobankHandlers h) => h.PutAsync(req, biobankId));
        api.MapGet(ApiRoutes.Biobanks, (HttpRequest req, [FromServices] BiobankHandlers h) => h.ListAsync(req));
        api.MapGet(ApiRoutes.Biobank, (HttpRequest req, string biobankId, [FromServices] BiobankHandlers h) => h.GetAsync(req, biobankId));
        api.MapDelete(ApiRoutes.Biobank, (HttpRequest req, string biobankId, [FromServices] BiobankHandlers h) => h.DeleteAsync(req, biobankId));
        api.MapPost(ApiRoutes.BiobankRotateSecret, (HttpRequest req, string biobankId, [FromServices] BiobankHandlers h) => h.RotateSecretAsync(req, biobankId));
        api.MapPost(ApiRoutes.BiobankAnswer, (HttpRequest req, string biobankId, string queryId, [FromServices] DurableTaskClient durable, [FromServices] BiobankAnswerHandlers h) => h.ReceiveAsync(req, biobankId, queryId, durable));

        api.MapPost(ApiRoutes.SampleRequests, (HttpRequest req, [FromServices] DurableTaskClient durable, [FromServices] SampleRequestHandlers h) => h.SubmitAsync(req, durable));
        api.MapGet(ApiRoutes.SampleRequests, (HttpRequest req, [FromServices] SampleRequestHandlers h) => h.ListAsync(req));
        api.MapGet(ApiRoutes.SampleRequest, (HttpRequest req, string requestId, [FromServices] SampleRequestHandlers h) => h.GetAsync(req, requestId));
        api.MapPost(ApiRoutes.SampleRequestCancel, (HttpRequest req, string requestId, [FromServices] DurableTaskClient durable, [FromServices] SampleRequestHandlers h) => h.CancelAsync(req, requestId, durable));

        api.MapGet(ApiRoutes.AdminSampleRequests, (HttpRequest req, [FromServices] AdminRequestHandlers h) => h.ListAsync(req));
        api.MapGet(ApiRoutes.AdminSampleRequest, (HttpRequest req, string requestId, [FromServices] DurableTaskClient durable, [FromServices] AdminRequestHandlers h) => h.GetAsync(req, requestId, durable));
        api.MapPost(ApiRoutes.AdminSampleRequestTerminate, (HttpRequest req, string requestId, [FromServices] DurableTaskClient durable, [FromServices] AdminRequestHandlers h) => h.TerminateAsync(req, requestId, durable));
        api.MapPost(ApiRoutes.AdminSampleRequestRestart, (HttpRequest req, string requestId, [FromServices] DurableTaskClient durable, [FromServices] AdminRequestHandlers h) => h.RestartAsync(req, requestId, durable));
        api.MapDelete(ApiRoutes.AdminSampleRequest, (HttpRequest req, string requestId, [FromServices] DurableTaskClient durable, [FromServices] AdminRequestHandlers h) => h.PurgeAsync(req, requestId, durable));

        api.MapPost(ApiRoutes.StaffKeys, (HttpRequest req, [FromServices] StaffKeyHandlers h) => h.IssueAsync(req));
        api.MapGet(ApiRoutes.StaffKeys, (HttpRequest req, [FromServices] StaffKeyHandlers h) => h.ListAsync(req));
        api.MapDelete(ApiRoutes.StaffKey, (HttpRequest req, string keyId, [FromServices] StaffKeyHandlers h) => h.RevokeAsync(req, keyId));
        api.MapGet(ApiRoutes.AdminAudit, (HttpRequest req, [FromServices] AuditHandlers h) => h.QueryAsync(req));
        api.MapGet(ApiRoutes.AdminMetrics, (HttpRequest req, [FromServices] MetricsHandlers h) => h.GetAsync(req));
        return app;
    }
}
