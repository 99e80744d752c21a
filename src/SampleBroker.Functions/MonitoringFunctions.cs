using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SampleBroker.Access;
using SampleBroker.Http;
using SampleBroker.Monitoring;

namespace SampleBroker.Functions;

/// <summary>Staff routes for staff keys, the audit log and the metrics.</summary>
public sealed class MonitoringFunctions(StaffKeyHandlers staffKeys, AuditHandlers audit, MetricsHandlers metrics)
{
    [Function("IssueStaffKey")]
    public Task<IResult> IssueStaffKeyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.StaffKeys)] HttpRequest req) =>
        staffKeys.IssueAsync(req);

    [Function("ListStaffKeys")]
    public Task<IResult> ListStaffKeysAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.StaffKeys)] HttpRequest req) =>
        staffKeys.ListAsync(req);

    [Function("RevokeStaffKey")]
    public Task<IResult> RevokeStaffKeyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.StaffKey)] HttpRequest req, string keyId) =>
        staffKeys.RevokeAsync(req, keyId);

    [Function("QueryAudit")]
    public Task<IResult> QueryAuditAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.AdminAudit)] HttpRequest req) =>
        audit.QueryAsync(req);

    [Function("GetMetrics")]
    public Task<IResult> GetMetricsAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.AdminMetrics)] HttpRequest req) =>
        metrics.GetAsync(req);
}
