using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SampleBroker.Requests;

namespace SampleBroker.Functions;

/// <summary>The broker's timers: the reconciler and the daily retention pass.</summary>
public sealed class MaintenanceFunctions(RequestReconciler reconciler, RetentionSweeper retention)
{
    [Function(MaintenanceTimers.Reconcile)]
    public Task ReconcileAsync([TimerTrigger(MaintenanceTimers.ReconcileSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        reconciler.RunAsync(client, cancellationToken);

    [Function(MaintenanceTimers.Retention)]
    public Task RetentionAsync([TimerTrigger(MaintenanceTimers.RetentionSchedule)] TimerInfo timer, [DurableClient] DurableTaskClient client, CancellationToken cancellationToken) =>
        retention.RunAsync(client, cancellationToken);
}
