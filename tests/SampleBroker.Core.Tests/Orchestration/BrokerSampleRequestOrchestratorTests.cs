using Microsoft.DurableTask;
using SampleBroker.Orchestration;
using SampleBroker.Requests;
using static SampleBroker.Tests.Orchestration.OrchestrationHarness;

namespace SampleBroker.Tests.Orchestration;

/// <summary>
/// Contract section 4, "status": Brokering until every contacted biobank has a final outcome or the deadline
/// passes, then Completed; Cancelled after a cancel. Run against a mocked orchestration context.
/// </summary>
public sealed class BrokerSampleRequestOrchestratorTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Brokering_queries_every_eligible_biobank_once_and_completes_when_all_have_answered()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-oslo", "bb-torino");

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestStatus.Completed, end.Status);
        Assert.Equal(
            harness.Targets.Select(t => new QueryInput(RequestId, t.BiobankId, t.QueryId, Deadline, Criteria, Quantity)),
            harness.Queries.OrderBy(q => q.BiobankId, StringComparer.Ordinal));
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: false)], harness.Completions);
    }

    [Fact]
    public async Task Brokering_arms_its_deadline_timer_for_the_deadline_and_cancels_it_when_done()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-oslo", "bb-torino");

        await harness.RunAsync().WaitAsync(Patience);

        var timer = Assert.Single(harness.Timers);
        Assert.Equal(Deadline, timer.FireAt);
        Assert.True(timer.Cancellation.IsCancellationRequested, "the deadline timer outlives the request");
        Assert.All(harness.EventWaits, wait => Assert.True(wait.Cancellation.IsCancellationRequested, $"the wait for {wait.Name} outlives the request"));
        Assert.Contains(harness.EventWaits, wait => wait.Name == TaskNames.CancelEvent);
    }

    [Fact]
    public async Task Timer_that_fires_before_the_deadline_is_followed_by_a_new_one_instead_of_ending()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-torino");
        var secondTimer = new TaskCompletionSource();
        harness.Query = _ => Never<QueryResult>();
        harness.Timer = (n, _) =>
        {
            if (n == 1)
            {
                // Durable timers may fire a little early.
                harness.Now = Deadline.AddMilliseconds(-800);
                return Task.CompletedTask;
            }

            return secondTimer.Task;
        };

        var run = harness.RunAsync();

        Assert.False(run.IsCompleted);
        Assert.Empty(harness.Completions);
        Assert.Equal([Deadline, Deadline], harness.Timers.Select(t => t.FireAt));

        harness.Now = Deadline;
        secondTimer.SetResult();
        var end = await run.WaitAsync(Patience);

        Assert.Equal(RequestStatus.Completed, end.Status);
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: false)], harness.Completions);
        Assert.Equal(2, harness.Timers.Count);
    }

    [Fact]
    public async Task Deadline_ends_brokering_while_biobanks_are_still_pending()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-torino");
        harness.Query = input => input.BiobankId == "bb-liege"
            ? Task.FromResult(new QueryResult(input.BiobankId, BiobankOutcome.NoMatch, AwaitingCallback: false))
            : Never<QueryResult>();
        harness.Timer = (_, fireAt) =>
        {
            harness.Now = fireAt;
            return Task.CompletedTask;
        };

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestStatus.Completed, end.Status);
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: false)], harness.Completions);
        Assert.Equal(2, harness.Queries.Count);
    }

    [Fact]
    public async Task Cancel_event_that_arrives_first_ends_the_request_as_Cancelled()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-oslo", "bb-torino");
        harness.Query = _ => Never<QueryResult>();
        harness.CancelEvent = Task.FromResult("terminated by staff");

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestStatus.Cancelled, end.Status);
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: true)], harness.Completions);
        Assert.Equal(3, harness.Queries.Count);
        Assert.All(harness.Timers, timer => Assert.True(timer.Cancellation.IsCancellationRequested));
    }

    [Fact]
    public async Task Cancel_event_that_arrives_while_brokering_ends_it_as_Cancelled()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-torino");
        var cancel = new TaskCompletionSource<string>();
        harness.Query = _ => Never<QueryResult>();
        harness.CancelEvent = cancel.Task;

        var run = harness.RunAsync();
        Assert.False(run.IsCompleted);
        Assert.Empty(harness.Completions);

        cancel.SetResult("cancelled by requester");
        var end = await run.WaitAsync(Patience);

        Assert.Equal(RequestStatus.Cancelled, end.Status);
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: true)], harness.Completions);
    }

    [Fact]
    public async Task Query_activity_that_fails_does_not_fail_the_request()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-torino");
        harness.Query = input => input.BiobankId == "bb-liege"
            ? Task.FromException<QueryResult>(new TaskFailedException(TaskNames.QueryBiobank, 7, new InvalidOperationException("storage down")))
            : Task.FromResult(new QueryResult(input.BiobankId, BiobankOutcome.Available, AwaitingCallback: false));

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestStatus.Completed, end.Status);
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: false)], harness.Completions);
    }

    [Fact]
    public async Task Request_that_no_biobank_is_eligible_for_completes_at_once()
    {
        var harness = new OrchestrationHarness();

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestStatus.Completed, end.Status);
        Assert.Empty(harness.Queries);
        Assert.Equal([new CompletionInput(RequestId, 1, CancelSignalled: false)], harness.Completions);
    }

    /// <summary>
    /// A biobank that answers <c>202</c> "will answer later through callbackUrl, before replyBy" (contract
    /// section 5), so it is still <c>Pending</c> and the request stays <c>Brokering</c> until it calls back
    /// or the deadline passes (section 4, "status").
    /// </summary>
    [Fact]
    public void Request_keeps_brokering_while_a_biobank_that_accepted_with_202_has_not_called_back()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-torino");
        harness.Query = input => Task.FromResult(input.BiobankId == "bb-torino"
            ? new QueryResult(input.BiobankId, BiobankOutcome.Pending, AwaitingCallback: true)
            : new QueryResult(input.BiobankId, BiobankOutcome.Available, AwaitingCallback: false));

        var run = harness.RunAsync();

        Assert.Empty(harness.Completions);
        Assert.False(run.IsCompleted);
    }

    [Fact]
    public async Task Execution_that_is_refused_the_begin_step_queries_nobody_and_ends_superseded()
    {
        var harness = new OrchestrationHarness("bb-liege", "bb-torino") { MayBegin = false };

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestEnd.Superseded, end);
        Assert.Equal(RequestId, Assert.Single(harness.Begins).RequestId);
        Assert.Empty(harness.Queries);
        Assert.Empty(harness.Completions);
    }

    [Fact]
    public async Task Ending_that_keeps_failing_is_tried_again_on_durable_timers_with_growing_waits_until_it_is_stored()
    {
        var harness = new OrchestrationHarness("bb-liege");
        harness.Complete = (_, attempt) => attempt < 4
            ? Task.FromException<RequestEnd>(new TaskFailedException(TaskNames.CompleteSampleRequest, attempt, new InvalidOperationException("storage down")))
            : Task.FromResult(new RequestEnd(RequestStatus.Completed, EndReason.AllAnswered));
        harness.Timer = (n, fireAt) =>
        {
            // The first timer is the deadline, which never fires here; the others are the ending's waits.
            if (n == 1)
            {
                return Never();
            }

            harness.Now = fireAt;
            return Task.CompletedTask;
        };

        var end = await harness.RunAsync().WaitAsync(Patience);

        Assert.Equal(RequestStatus.Completed, end.Status);
        Assert.Equal(4, harness.Completions.Count);
        var waits = harness.Timers.Skip(1).Select(t => t.FireAt).Prepend(Start).ToList();
        var gaps = waits.Zip(waits.Skip(1), (a, b) => b - a).ToList();
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(120)], gaps);
    }
}
