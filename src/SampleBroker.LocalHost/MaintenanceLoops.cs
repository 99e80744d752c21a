using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Requests;

namespace SampleBroker.LocalHost;

/// <summary>
/// The broker's timers on the local host, as the Functions app's timer triggers run them: the reconciler
/// every <c>ReconcileIntervalSeconds</c> and the retention pass daily. A pass that fails is logged and
/// the next one runs on time: these repairs must never stop because storage was away for a while.
/// </summary>
public sealed class MaintenanceLoops(
    RequestReconciler reconciler,
    RetentionSweeper retention,
    DurableTaskClient durable,
    IOptions<SampleBrokerOptions> options,
    ILogger<MaintenanceLoops> logger) : BackgroundService
{
    /// <summary>The timers this host runs, by the names the Functions app gives them.</summary>
    public static IReadOnlyList<string> Names { get; } = [MaintenanceTimers.Reconcile, MaintenanceTimers.Retention];

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        EveryAsync(MaintenanceTimers.Reconcile, TimeSpan.FromSeconds(Math.Max(1, options.Value.ReconcileIntervalSeconds)), TimeSpan.FromSeconds(Math.Max(1, options.Value.ReconcileIntervalSeconds)), ct => reconciler.RunAsync(durable, ct), stoppingToken),
        EveryAsync(MaintenanceTimers.Retention, TimeSpan.FromMinutes(1), MaintenanceTimers.RetentionInterval, ct => retention.RunAsync(durable, ct), stoppingToken));

    private async Task EveryAsync(string name, TimeSpan first, TimeSpan interval, Func<CancellationToken, Task> pass, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(first, stoppingToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(interval);
            do
            {
                try
                {
                    await pass(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(e, "Timer {Timer} failed; it runs again in {Interval}", name, interval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
