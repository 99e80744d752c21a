using Microsoft.Extensions.Logging;

namespace SampleBroker.Storage;

/// <summary>
/// Retries a start-up step while storage is not reachable yet (Azurite still starting, a network blip),
/// for up to two minutes, then lets the host fail with the last error.
/// </summary>
public static class StartupRetry
{
    public static async Task RunAsync(Func<Task> step, string what, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        var giveUpAt = DateTimeOffset.UtcNow.AddMinutes(2);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await step().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (DateTimeOffset.UtcNow < giveUpAt && !cancellationToken.IsCancellationRequested && IsTransient(e))
            {
                logger.LogWarning("Preparing {What} failed (attempt {Attempt}), storage not reachable yet: {Reason}", what, attempt, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(attempt, 5)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool IsTransient(Exception e) => Http.StorageGuard.IsStorageOutage(e) || e.InnerException is not null && IsTransient(e.InnerException);
}
