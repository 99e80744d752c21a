using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>
/// Brokers one sample request: queries each biobank chosen at intake in its own branch so a slow
/// biobank never holds up the rest, and ends when every biobank has answered, the deadline passes or
/// the request is cancelled. Everything it learns is stored by its activities as it happens.
/// </summary>
public sealed class BrokerSampleRequestOrchestrator : TaskOrchestrator<BrokeringInput, RequestEnd>
{
    private static readonly TaskOptions StorageRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    /// <summary>The longest wait between two tries of the ending while storage keeps failing.</summary>
    private static readonly TimeSpan MaxEndingRetryWait = TimeSpan.FromMinutes(5);

    public override async Task<RequestEnd> RunAsync(TaskOrchestrationContext context, BrokeringInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<BrokerSampleRequestOrchestrator>();

        // NewGuid is replay-safe and differs between two executions of one instance id: the execution's own token.
        var token = context.NewGuid().ToString("N");
        if (!await context.CallActivityAsync<bool>(TaskNames.BeginBrokering, new BeginBrokeringInput(input.RequestId, input.Generation, token), StorageRetry))
        {
            logger.LogWarning("Sample request {RequestId}: another execution brokers generation {Generation}; this one ends", input.RequestId, input.Generation);
            return RequestEnd.Superseded;
        }

        bool cancelSignalled;
        using (var timers = new CancellationTokenSource())
        {
            var deadline = UntilDeadlineAsync(context, input.DeadlineUtc, timers.Token);
            var cancelled = context.WaitForExternalEvent<string>(TaskNames.CancelEvent, timers.Token);
            var answered = Task.WhenAll(input.Targets.Select(t => QueryAsync(context, input, t, timers.Token)));

            var first = await Task.WhenAny(answered, deadline, cancelled);
            cancelSignalled = first == cancelled;

            // Outstanding timers and event waits are of no use once the request ends.
            timers.Cancel();
        }

        var end = await EndAsync(context, new CompletionInput(input.RequestId, input.Generation, cancelSignalled));
        logger.LogInformation("Sample request {RequestId} ended {Status} ({Reason})", input.RequestId, end.Status, end.Reason);
        if (input.Callback is { } plan && end != RequestEnd.Superseded)
        {
            await NotifyRequesterAsync(context, input.RequestId, plan);
        }

        return end;
    }

    /// <summary>
    /// Stores the ending, retrying on durable timers with backoff for as long as storage keeps failing:
    /// a request must never stay brokering because the ending could not be written for a while.
    /// </summary>
    private static async Task<RequestEnd> EndAsync(TaskOrchestrationContext context, CompletionInput input)
    {
        var wait = TimeSpan.FromSeconds(30);
        while (true)
        {
            try
            {
                return await context.CallActivityAsync<RequestEnd>(TaskNames.CompleteSampleRequest, input, StorageRetry);
            }
            catch (TaskFailedException)
            {
                await context.CreateTimer(context.CurrentUtcDateTime + wait, CancellationToken.None);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, MaxEndingRetryWait.Ticks));
            }
        }
    }

    /// <summary>
    /// POSTs the completion callback until the requester accepts it, waiting on durable timers between
    /// attempts (never a sleeping thread): from the plan's first wait, doubling up to an hour, for 24 hours.
    /// </summary>
    private static async Task NotifyRequesterAsync(TaskOrchestrationContext context, string requestId, CompletionCallbackPlan plan)
    {
        var giveUpAt = context.CurrentUtcDateTime.AddHours(24);
        var wait = TimeSpan.FromSeconds(Math.Max(1, plan.FirstRetrySeconds));
        for (var attempt = 1; ; attempt++)
        {
            if (await context.CallActivityAsync<bool>(TaskNames.SendCompletionCallback, new CallbackAttemptInput(requestId, attempt), StorageRetry))
            {
                return;
            }

            var next = context.CurrentUtcDateTime + wait;
            if (next > giveUpAt)
            {
                return;
            }

            await context.CreateTimer(next, CancellationToken.None);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromHours(1).Ticks));
        }
    }

    /// <summary>One biobank's branch. A branch that cannot record its outcome leaves the biobank
    /// <c>Pending</c> for the completion to settle, and never fails the whole request.</summary>
    private static async Task<QueryResult?> QueryAsync(TaskOrchestrationContext context, BrokeringInput input, BiobankTarget target, CancellationToken stop)
    {
        try
        {
            var result = await context.CallActivityAsync<QueryResult>(
                TaskNames.QueryBiobank,
                new QueryInput(input.RequestId, target.BiobankId, target.QueryId, input.DeadlineUtc, input.Criteria, input.Quantity) { Generation = input.Generation },
                StorageRetry);
            if (result.AwaitingCallback)
            {
                // The answer handler stores the answer, then raises this event; an event that came
                // before this wait began is buffered by the framework and completes it at once.
                await context.WaitForExternalEvent<string>(TaskNames.AnswerEvent(target.QueryId), stop);
            }

            return result;
        }
        catch (TaskFailedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Completes at the deadline by the orchestration's own clock. Durable timers may fire up to a second
    /// early, so the deadline is checked when one fires and a new timer covers what remains.
    /// </summary>
    private static async Task UntilDeadlineAsync(TaskOrchestrationContext context, DateTime deadlineUtc, CancellationToken cancellation)
    {
        while (context.CurrentUtcDateTime < deadlineUtc)
        {
            await context.CreateTimer(deadlineUtc, cancellation);
        }
    }
}
