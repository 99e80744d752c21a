using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SampleBroker.Dashboard;
using SampleBroker.Http;

namespace SampleBroker.Functions;

/// <summary><c>GET /api/dashboard</c> and its files: the staff console.</summary>
public static class DashboardFunctions
{
    [Function("GetDashboard")]
    public static IResult GetDashboard([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = ApiRoutes.Dashboard)] HttpRequest req) =>
        DashboardHandler.Get(req);
}
