using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Storage;

namespace SampleBroker.Http;

/// <summary><c>GET /health</c>: healthy while storage answers (contract section 1).</summary>
public sealed class HealthHandler(BrokerTables tables, ILogger<HealthHandler> logger)
{
    public sealed record HealthStatus(string Status);

    public async Task<IResult> GetAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(request.HttpContext.RequestAborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await tables.Organisations.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("health", "probe", cancellationToken: timeout.Token).ConfigureAwait(false);
            return TypedResults.Ok(new HealthStatus("Healthy"));
        }
        catch (Exception e) when (StorageGuard.IsStorageOutage(e) || e is OperationCanceledException || e is Azure.RequestFailedException)
        {
            logger.LogWarning("Health check failed: {Reason}", e.Message);
            return TypedResults.Json(new HealthStatus("Unhealthy"), statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
