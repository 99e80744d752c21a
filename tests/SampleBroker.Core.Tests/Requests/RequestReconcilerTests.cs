using Microsoft.DurableTask.Client;
using Moq;
using SampleBroker.Monitoring;
using SampleBroker.Orchestration;
using SampleBroker.Requests;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Requests;

/// <summary>
/// Nothing stuck (issue 11): what the reconciler repairs, on Azurite with the durable client mocked and the
/// clock moved by hand. Each repair is visible on the request's timeline.
/// </summary>
public sealed class RequestReconcilerTests : IAsyncLifetime
{
    private CoreOnAzurite core = null!;

    public async Task InitializeAsync()
    {
        core = await CoreOnAzurite.StartAsync();
        await core.RegisterAsync("bb-liege");
        await core.RegisterAsync("bb-torino");
    }

    public async Task DisposeAsync() => await core.DisposeAsync();

    [Fact]
    public async Task A_start_that_never_reached_the_engine_is_left_alone_while_fresh_and_taken_over_once_stale()
    {
        core.ScheduleFails = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => core.SubmitAsync(idempotencyKey: "order-1"));
        core.ScheduleFails = false;
        var requestId = Assert.Single(await core.Get<SampleRequestStore>().ListOpenAsync(CancellationToken.None)).RequestId;

        core.Clock.Now += TimeSpan.FromSeconds(10);
        var early = await ReconcileAsync();
        core.Clock.Now += RequestLifecycle.StartClaimTimeout;
        var late = await ReconcileAsync();

        Assert.Equal(0, early.Started);
        Assert.Equal(1, late.Started);
        Assert.Equal([$"{requestId}-g2"], core.Starts.Select(s => s.InstanceId));
        Assert.Equal(2, core.Starts[0].Input.Generation);
        // The clock stands still here, so events of one instant may list in any order.
        Assert.Equal([TimelineEvents.Repaired, TimelineEvents.Submitted], (await core.TimelineAsync(requestId)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_scheduled_start_is_left_to_the_engine_while_its_orchestration_waits_and_taken_over_when_the_engine_lost_it()
    {
        var requestId = await SubmitAsync();
        core.Orchestration(requestId, OrchestrationRuntimeStatus.Pending);

        core.Clock.Now += RequestLifecycle.StartClaimTimeout + TimeSpan.FromSeconds(1);
        var waiting = await ReconcileAsync();
        core.Durable
            .Setup(c => c.GetInstanceAsync(requestId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((OrchestrationMetadata?)null);
        var lost = await ReconcileAsync();

        Assert.Equal(0, waiting.Started);
        Assert.Equal(1, lost.Started);
        Assert.Equal([requestId, $"{requestId}-g2"], core.Starts.Select(s => s.InstanceId));
    }

    [Fact]
    public async Task A_brokering_request_whose_orchestration_failed_ends_Failed_with_the_reason_and_can_be_restarted()
    {
        var requestId = await BrokeringAsync();
        core.Orchestration(requestId, OrchestrationRuntimeStatus.Failed, "storage unavailable");

        var report = await ReconcileAsync();

        Assert.Equal(1, report.Ended);
        var (request, offers) = await core.GetAsync(requestId);
        Assert.Equal(RequestStatus.Failed, request.Status);
        Assert.Equal(EndReason.BrokeringFailed, request.EndReason);
        Assert.Contains("Failed: storage unavailable", request.EndDetail, StringComparison.Ordinal);
        Assert.All(offers, o => Assert.Equal(BiobankOutcome.Failed, o.Outcome));
        Assert.Equal([TimelineEvents.Failed, TimelineEvents.Repaired, TimelineEvents.Submitted], (await core.TimelineAsync(requestId)).Order(StringComparer.Ordinal));
        Assert.Empty(await core.Get<SampleRequestStore>().ListOpenAsync(CancellationToken.None));

        var restarted = await core.Get<RequestLifecycle>().RestartAsync(core.Durable.Object, requestId, "staff_0123456789abcdef", CancellationToken.None);

        Assert.NotNull(restarted);
        Assert.Equal($"{requestId}-g2", core.Starts[^1].InstanceId);
        Assert.Equal(2, core.Starts[^1].Input.Targets.Count);
        Assert.Equal(core.Clock.Now.AddSeconds(300), restarted.Deadline);
        Assert.Single(await core.Get<SampleRequestStore>().ListOpenAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_request_whose_orchestration_is_gone_after_every_biobank_answered_ends_Completed_from_the_stored_answers()
    {
        var requestId = await BrokeringAsync();
        await AnswerAllAsync(requestId, messageId: null);

        var report = await ReconcileAsync();

        Assert.Equal(1, report.Ended);
        var (request, offers) = await core.GetAsync(requestId);
        Assert.Equal(RequestStatus.Completed, request.Status);
        Assert.Equal(EndReason.AllAnswered, request.EndReason);
        Assert.All(offers, o => Assert.Equal(BiobankOutcome.NoMatch, o.Outcome));
    }

    [Fact]
    public async Task A_running_request_still_brokering_past_its_deadline_and_grace_ends_Completed_with_the_silent_biobanks_TimedOut()
    {
        var requestId = await BrokeringAsync();
        core.Orchestration(requestId, OrchestrationRuntimeStatus.Running);

        core.Clock.Now += TimeSpan.FromSeconds(300) + RequestReconciler.DeadlineGrace - TimeSpan.FromSeconds(1);
        var withinGrace = await ReconcileAsync();
        core.Clock.Now += TimeSpan.FromSeconds(2);
        var pastGrace = await ReconcileAsync();

        Assert.Equal(0, withinGrace.Ended);
        Assert.Equal(1, pastGrace.Ended);
        var (request, offers) = await core.GetAsync(requestId);
        Assert.Equal(RequestStatus.Completed, request.Status);
        Assert.Equal(EndReason.DeadlinePassed, request.EndReason);
        Assert.All(offers, o => Assert.Equal(BiobankOutcome.TimedOut, o.Outcome));
        var timeline = await core.TimelineAsync(requestId);
        Assert.Equal(2, timeline.Count(e => e == TimelineEvents.TimedOut));
        Assert.Contains(TimelineEvents.Completed, timeline);
    }

    [Fact]
    public async Task A_stored_cancel_whose_signal_was_lost_is_signalled_again_after_the_grace()
    {
        var requestId = await BrokeringAsync();
        core.Orchestration(requestId, OrchestrationRuntimeStatus.Running);
        core.RaiseFails = true;
        var shown = await core.Get<SampleRequestStore>().GetAsync(requestId, CancellationToken.None);
        var resource = Aggregation.View(shown!.Value.Request, shown.Value.Offers);
        Assert.NotNull(await core.Get<RequestLifecycle>().CancelAsync(core.Durable.Object, resource, "key_acme", byStaff: false, CancellationToken.None));
        core.RaiseFails = false;

        core.Clock.Now += RequestReconciler.SignalGrace + TimeSpan.FromSeconds(1);
        var report = await ReconcileAsync();

        Assert.Equal(1, report.Signalled);
        Assert.Equal([(requestId, TaskNames.CancelEvent), (requestId, TaskNames.CancelEvent)], core.Raised);
        Assert.Equal(RequestStatus.Cancelled, (await core.GetAsync(requestId)).Request.Status);
    }

    [Fact]
    public async Task Callback_answers_whose_events_were_lost_are_raised_again_once_every_biobank_answered()
    {
        var requestId = await BrokeringAsync();
        core.Orchestration(requestId, OrchestrationRuntimeStatus.Running);
        await AnswerAllAsync(requestId, messageId: "msg_callback");

        core.Clock.Now += RequestReconciler.SignalGrace + TimeSpan.FromSeconds(1);
        var report = await ReconcileAsync();

        Assert.Equal(1, report.Signalled);
        Assert.Equal(
            new[] { "bb-liege", "bb-torino" }.Select(b => (requestId, TaskNames.AnswerEvent(QueryId.Create(requestId, b).ToString()))).Order(),
            core.Raised.Order());
    }

    [Fact]
    public async Task A_request_whose_ending_was_cut_short_after_its_cancel_is_settled_quietly()
    {
        var requestId = await BrokeringAsync();
        var shown = await core.Get<SampleRequestStore>().GetAsync(requestId, CancellationToken.None);
        await core.Get<RequestLifecycle>().CancelAsync(core.Durable.Object, Aggregation.View(shown!.Value.Request, shown.Value.Offers), "key_acme", byStaff: false, CancellationToken.None);
        core.Orchestration(requestId, OrchestrationRuntimeStatus.Terminated);

        await ReconcileAsync();

        var (request, offers) = await core.GetAsync(requestId);
        Assert.Equal(RequestStatus.Cancelled, request.Status);
        Assert.All(offers, o => Assert.Equal(BiobankOutcome.Cancelled, o.Outcome));
        Assert.DoesNotContain(TimelineEvents.Repaired, await core.TimelineAsync(requestId));
        Assert.Empty(await core.Get<SampleRequestStore>().ListOpenAsync(CancellationToken.None));
    }

    private async Task<string> SubmitAsync() =>
        Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync(idempotencyKey: null)).RequestId;

    /// <summary>A request whose first execution began brokering.</summary>
    private async Task<string> BrokeringAsync()
    {
        var requestId = await SubmitAsync();
        Assert.True(await core.Get<SampleRequestStore>().TryBeginExecutionAsync(requestId, 1, "execution-1", CancellationToken.None));
        return requestId;
    }

    private async Task AnswerAllAsync(string requestId, string? messageId)
    {
        var store = core.Get<SampleRequestStore>();
        foreach (var offer in (await core.GetAsync(requestId)).Offers)
        {
            await store.RecordOutcomeAsync(requestId, offer with { Outcome = BiobankOutcome.NoMatch, AnsweredAt = core.Clock.Now, AnswerMessageId = messageId }, [], CancellationToken.None);
        }
    }

    private Task<ReconcileReport> ReconcileAsync() =>
        core.Get<RequestReconciler>().RunAsync(core.Durable.Object, CancellationToken.None);
}
