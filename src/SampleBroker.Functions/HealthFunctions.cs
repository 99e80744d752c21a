using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SampleBroker.Http;

namespace SampleBroker.Functions;

/// <summary><c>GET /api/health</c>.</summary>
public sealed class HealthFunctions(HealthHandler health)
{
    [Function("GetHealth")]
    public Task<IResult> GetHealthAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Health)] HttpRequest req) =>
        health.GetAsync(req);
}
