using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Monitoring;

namespace SampleBroker.Requests;

/// <summary>What one retention pass removed.</summary>
public sealed record RetentionReport(int HistoriesPurged, int IdempotencyKeysForgotten);

/// <summary>
/// The daily retention pass (contract section 7): purges the orchestration history of requests that
/// finished more than <c>HistoryRetentionDays</c> ago (the request, its result and its timeline stay
/// until a staff <c>DELETE</c>) and forgets idempotency keys, and biobanks' answer message ids, older
/// than <c>IdempotencyRetentionHours</c>.
/// Only instances in a final state are purged: on this backend a purge also removes a running one.
/// </summary>
public sealed partial class RetentionSweeper(
    IdempotencyStore idempotency,
    Biobanks.AnswerMessageStore answerMessages,
    AuditLog audit,
    IOptions<SampleBrokerOptions> options,
    TimeProvider time,
    ILogger<RetentionSweeper> logger)
{
    public async Task<RetentionReport> RunAsync(DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var cutoff = time.GetUtcNow().AddDays(-options.Value.HistoryRetentionDays);
        var query = new OrchestrationQuery
        {
            CreatedTo = cutoff,
            Statuses = [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated],
        };
        var purged = 0;
        await foreach (var instance in durable.GetAllInstancesAsync(query).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            if (instance.LastUpdatedAt < cutoff && instance.IsCompleted)
            {
                await durable.PurgeInstanceAsync(instance.InstanceId, cancellation: cancellationToken).ConfigureAwait(false);
                purged++;
            }
        }

        var forgotten = await idempotency.ForgetExpiredAsync(cancellationToken).ConfigureAwait(false);
        await answerMessages.ForgetOlderThanAsync(time.GetUtcNow().AddHours(-options.Value.IdempotencyRetentionHours), cancellationToken).ConfigureAwait(false);
        if (purged + forgotten > 0)
        {
            await audit.RecordAsync(AuditLog.SystemActor, AuditActions.HistoryPurged, "retention",
                $"{purged} orchestration histories purged, {forgotten} idempotency keys forgotten", cancellationToken).ConfigureAwait(false);
        }

        LogSwept(purged, forgotten);
        return new RetentionReport(purged, forgotten);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: {Purged} orchestration histories purged, {Forgotten} idempotency keys forgotten")]
    private partial void LogSwept(int purged, int forgotten);
}
