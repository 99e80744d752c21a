using DurableTask.Core;
using DurableTask.Core.History;

namespace SampleBroker.LocalHost;

/// <summary>
/// The orchestration service the sidecar dispatches from, with one repair the sidecar lacks: a repeated
/// <c>ExecutionStarted</c> message is dropped before the sidecar applies it. The Durable Task Framework's own
/// dispatcher drops such repeats; the sidecar's (<c>Microsoft.DurableTask.Testing.Sidecar</c>) applies
/// them, its runtime state throws "Multiple ExecutionStartedEvent found", and the work item, with every
/// other message of that instance in it, is abandoned and fails again on each delivery, so the
/// orchestration stops moving. A repeat arrives when a host dies (or a step outlasts the visibility
/// timeout) after the start was written to the history but before its message was deleted, or when a
/// queue send is retried. Dropped messages are still deleted with the batch when the work item completes.
/// </summary>
public sealed partial class DuplicateStartFilter(IOrchestrationService inner, ILogger<DuplicateStartFilter> logger) : IOrchestrationService
{
    public int TaskOrchestrationDispatcherCount => inner.TaskOrchestrationDispatcherCount;

    public int MaxConcurrentTaskOrchestrationWorkItems => inner.MaxConcurrentTaskOrchestrationWorkItems;

    public BehaviorOnContinueAsNew EventBehaviourForContinueAsNew => inner.EventBehaviourForContinueAsNew;

    public int TaskActivityDispatcherCount => inner.TaskActivityDispatcherCount;

    public int MaxConcurrentTaskActivityWorkItems => inner.MaxConcurrentTaskActivityWorkItems;

    /// <summary>
    /// Keeps an <c>ExecutionStarted</c> message only when the instance has not started yet (no start in its
    /// history) and it is the first start in the batch; a start for a new execution of a finished instance passes.
    /// </summary>
    public static IList<TaskMessage> WithoutRepeatedStarts(OrchestrationRuntimeState? state, IList<TaskMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var started = state?.ExecutionStartedEvent is not null
            && state.OrchestrationStatus is OrchestrationStatus.Running or OrchestrationStatus.Pending or OrchestrationStatus.Suspended;
        var kept = new List<TaskMessage>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Event is ExecutionStartedEvent)
            {
                if (started)
                {
                    continue;
                }

                started = true;
            }

            kept.Add(message);
        }

        return kept;
    }

    public async Task<TaskOrchestrationWorkItem> LockNextTaskOrchestrationWorkItemAsync(TimeSpan receiveTimeout, CancellationToken cancellationToken)
    {
        var workItem = await inner.LockNextTaskOrchestrationWorkItemAsync(receiveTimeout, cancellationToken).ConfigureAwait(false);
        if (workItem?.NewMessages is { Count: > 0 } messages)
        {
            var kept = WithoutRepeatedStarts(workItem.OrchestrationRuntimeState, messages);
            if (kept.Count != messages.Count)
            {
                LogDropped(workItem.InstanceId, messages.Count - kept.Count);
                workItem.NewMessages = kept;
            }
        }

        return workItem!;
    }

    public Task StartAsync() => inner.StartAsync();

    public Task StopAsync() => inner.StopAsync();

    public Task StopAsync(bool isForced) => inner.StopAsync(isForced);

    public Task CreateAsync() => inner.CreateAsync();

    public Task CreateAsync(bool recreateInstanceStore) => inner.CreateAsync(recreateInstanceStore);

    public Task CreateIfNotExistsAsync() => inner.CreateIfNotExistsAsync();

    public Task DeleteAsync() => inner.DeleteAsync();

    public Task DeleteAsync(bool deleteInstanceStore) => inner.DeleteAsync(deleteInstanceStore);

    public bool IsMaxMessageCountExceeded(int currentMessageCount, OrchestrationRuntimeState runtimeState) =>
        inner.IsMaxMessageCountExceeded(currentMessageCount, runtimeState);

    public int GetDelayInSecondsAfterOnProcessException(Exception exception) => inner.GetDelayInSecondsAfterOnProcessException(exception);

    public int GetDelayInSecondsAfterOnFetchException(Exception exception) => inner.GetDelayInSecondsAfterOnFetchException(exception);

    public Task RenewTaskOrchestrationWorkItemLockAsync(TaskOrchestrationWorkItem workItem) => inner.RenewTaskOrchestrationWorkItemLockAsync(workItem);

    public Task CompleteTaskOrchestrationWorkItemAsync(
        TaskOrchestrationWorkItem workItem,
        OrchestrationRuntimeState newOrchestrationRuntimeState,
        IList<TaskMessage> outboundMessages,
        IList<TaskMessage> orchestratorMessages,
        IList<TaskMessage> timerMessages,
        TaskMessage continuedAsNewMessage,
        OrchestrationState orchestrationState) =>
        inner.CompleteTaskOrchestrationWorkItemAsync(workItem, newOrchestrationRuntimeState, outboundMessages, orchestratorMessages, timerMessages, continuedAsNewMessage, orchestrationState);

    public Task AbandonTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.AbandonTaskOrchestrationWorkItemAsync(workItem);

    public Task ReleaseTaskOrchestrationWorkItemAsync(TaskOrchestrationWorkItem workItem) => inner.ReleaseTaskOrchestrationWorkItemAsync(workItem);

    public Task<TaskActivityWorkItem> LockNextTaskActivityWorkItem(TimeSpan receiveTimeout, CancellationToken cancellationToken) =>
        inner.LockNextTaskActivityWorkItem(receiveTimeout, cancellationToken);

    public Task<TaskActivityWorkItem> RenewTaskActivityWorkItemLockAsync(TaskActivityWorkItem workItem) => inner.RenewTaskActivityWorkItemLockAsync(workItem);

    public Task CompleteTaskActivityWorkItemAsync(TaskActivityWorkItem workItem, TaskMessage responseMessage) =>
        inner.CompleteTaskActivityWorkItemAsync(workItem, responseMessage);

    public Task AbandonTaskActivityWorkItemAsync(TaskActivityWorkItem workItem) => inner.AbandonTaskActivityWorkItemAsync(workItem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{InstanceId}: dropped {Count} repeated ExecutionStarted message(s); the instance has started already")]
    private partial void LogDropped(string instanceId, int count);
}
