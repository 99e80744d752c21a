using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;

namespace SampleBroker.Orchestration;

/// <summary>
/// Brokers one sample request: queries each biobank chosen at intake in its own branch so a slow
/// biobank never holds up the rest, and ends when every biobank has answered, the deadline passes or
/// the request is cancelled. Everything it learns is stored by its activities as it happens.
/// </summary>
public sealed class BrokerSampleRequestOrchestrator : TaskOrchestrator<BrokeringInput, string>
{
    private static readonly TaskOptions StorageRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(
        maxNumberOfAttempts: 6, firstRetryInterval: TimeSpan.FromSeconds(2), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    public override async Task<string> RunAsync(TaskOrchestrationContext context, BrokeringInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var logger = context.CreateReplaySafeLogger<BrokerSampleRequestOrchestrator>();
        Ending ending;
        using (var timers = new CancellationTokenSource())
        {
            var deadline = UntilDeadlineAsync(context, input.DeadlineUtc, timers.Token);
            var cancelled = context.WaitForExternalEvent<string>(TaskNames.CancelEvent, timers.Token);
            var answered = Task.WhenAll(input.Targets.Select(t => QueryAsync(context, input, t, timers.Token)));

            var first = await Task.WhenAny(answered, deadline, cancelled);
            ending = first == cancelled ? Ending.Cancelled : Ending.AllAnsweredOrDeadline;

            // Outstanding timers and event waits are of no use once the request ends.
            timers.Cancel();
        }

        var status = await context.CallActivityAsync<string>(TaskNames.CompleteSampleRequest, new CompletionInput(input.RequestId, ending), StorageRetry);
        logger.LogInformation("Sample request {RequestId} ended {Status}", input.RequestId, status);
        if (input.Callback is { } plan)
        {
            await NotifyRequesterAsync(context, input.RequestId, plan);
        }

        return status;
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
                new QueryInput(input.RequestId, target.BiobankId, target.QueryId, input.DeadlineUtc, input.Criteria, input.Quantity),
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
