using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SampleBroker.Http;

namespace SampleBroker.Functions;

/// <summary><c>GET /api/openapi.json</c>.</summary>
public static class OpenApiFunctions
{
    [Function("GetOpenApi")]
    public static Task<IResult> GetOpenApi([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.OpenApi)] HttpRequest req) =>
        Task.FromResult(OpenApiDocument.Get(req));
}
