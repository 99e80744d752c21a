using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using SampleBroker.Requests;
using SampleBroker.Storage;

namespace SampleBroker.Functions;

/// <summary>
/// The <c>sample-requests</c> queue. A message the core throws on is retried by the Functions runtime and moved to
/// <c>sample-requests-poison</c> after <c>maxDequeueCount</c> (host.json); one that can never be brokered the core
/// poisons at once.
/// </summary>
public sealed class QueueFunctions(QueueIntake intake)
{
    [Function("IntakeQueuedSampleRequest")]
    public Task IntakeAsync(
        [QueueTrigger(StorageNames.RequestQueue, Connection = StorageNames.ConnectionSetting)] string message,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken) =>
        intake.HandleAsync(message, client, cancellationToken);
}
