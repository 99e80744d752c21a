using SampleBroker.Orchestration;
using SampleBroker.Requests;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Requests;

/// <summary>
/// Submitting on Azurite with the durable client mocked: what is stored, what the orchestration is started
/// with, and that a repeat starts nothing unless the first start went stale.
/// </summary>
public sealed class SampleRequestIntakeTests : IAsyncLifetime
{
    private CoreOnAzurite core = null!;

    public async Task InitializeAsync() => core = await CoreOnAzurite.StartAsync();

    public async Task DisposeAsync() => await core.DisposeAsync();

    [Fact]
    public async Task A_request_is_stored_with_a_Pending_row_per_eligible_biobank_and_started_with_them_as_targets()
    {
        await core.RegisterAsync("bb-torino", ["blood-serum"]);
        await core.RegisterAsync("bb-liege");
        await core.RegisterAsync("bb-oslo", ["tissue-ffpe"]);

        var outcome = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync(idempotencyKey: null));

        var (stored, offers) = await core.GetAsync(outcome.RequestId);
        Assert.Equal(["bb-liege", "bb-torino"], offers.Select(o => o.BiobankId).Order(StringComparer.Ordinal));
        Assert.All(offers, o => Assert.Equal(BiobankOutcome.Pending, o.Outcome));
        Assert.Equal(2, stored.BiobanksContacted);
        var (instanceId, input) = Assert.Single(core.Starts);
        Assert.Equal(outcome.RequestId, instanceId);
        Assert.Equal(
            [new BiobankTarget("bb-liege", QueryId.Create(outcome.RequestId, "bb-liege").ToString()), new BiobankTarget("bb-torino", QueryId.Create(outcome.RequestId, "bb-torino").ToString())],
            input.Targets);
        Assert.Equal(["blood-serum"], input.Criteria.SampleTypes);
        Assert.Equal(150, input.Quantity);
        Assert.Equal(1, input.Generation);
        Assert.Equal(stored.Deadline.UtcDateTime, input.DeadlineUtc);
        Assert.Equal([SampleBroker.Monitoring.TimelineEvents.Submitted], await core.TimelineAsync(outcome.RequestId));
    }

    [Fact]
    public async Task A_repeat_while_the_first_start_is_fresh_starts_nothing_even_though_no_execution_has_begun()
    {
        await core.RegisterAsync("bb-torino");
        var first = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-1"));

        core.Clock.Now += RequestLifecycle.StartClaimTimeout - TimeSpan.FromSeconds(1);
        var repeat = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-1"));

        Assert.Equal(first.RequestId, repeat.RequestId);
        Assert.False(repeat.Created);
        Assert.Single(core.Starts);
    }

    [Fact]
    public async Task A_repeat_after_a_start_that_never_reached_the_engine_went_stale_takes_it_over_as_a_new_generation_with_the_biobanks_chosen_then_and_any_added_since()
    {
        await core.RegisterAsync("bb-torino");

        // The first attempt dies after storing the request, before the engine took its start; a biobank joins since.
        core.ScheduleFails = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => core.SubmitAsync("order-2"));
        core.ScheduleFails = false;
        await core.RegisterAsync("bb-liege");
        core.Clock.Now += RequestLifecycle.StartClaimTimeout + TimeSpan.FromSeconds(1);
        var repeat = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-2"));

        var (instanceId, input) = Assert.Single(core.Starts);
        Assert.Equal($"{repeat.RequestId}-g2", instanceId);
        Assert.Equal(2, input.Generation);
        Assert.Equal(["bb-liege", "bb-torino"], input.Targets.Select(t => t.BiobankId).Order(StringComparer.Ordinal));
        var (stored, offers) = await core.GetAsync(repeat.RequestId);
        Assert.Equal(["bb-liege", "bb-torino"], offers.Select(o => o.BiobankId).Order(StringComparer.Ordinal));
        Assert.Equal(2, stored.BiobanksContacted);
        Assert.Equal(2, stored.Generation);
        Assert.True(RequestLifecycle.StartIsScheduled(stored));
        Assert.Contains(SampleBroker.Monitoring.TimelineEvents.Repaired, await core.TimelineAsync(repeat.RequestId));
    }

    [Fact]
    public async Task A_start_the_engine_took_is_left_to_the_engine_for_minutes_before_a_repeat_takes_it_over()
    {
        await core.RegisterAsync("bb-torino");
        var first = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-5"));

        core.Clock.Now += RequestLifecycle.ScheduledStartTimeout - TimeSpan.FromSeconds(1);
        await core.SubmitAsync("order-5");
        var startsWhileTheEngineHasIt = core.Starts.Count;
        core.Clock.Now += TimeSpan.FromSeconds(2);
        await core.SubmitAsync("order-5");

        Assert.Equal(1, startsWhileTheEngineHasIt);
        Assert.Equal([first.RequestId, $"{first.RequestId}-g2"], core.Starts.Select(s => s.InstanceId));
    }

    [Fact]
    public async Task A_repeat_of_a_request_whose_execution_began_starts_nothing_however_late_it_comes()
    {
        await core.RegisterAsync("bb-torino");
        var first = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-3"));
        Assert.True(await core.Get<SampleRequestStore>().TryBeginExecutionAsync(first.RequestId, 1, "execution-1", CancellationToken.None));

        core.Clock.Now += TimeSpan.FromMinutes(10);
        var repeat = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-3"));

        Assert.Equal(first.RequestId, repeat.RequestId);
        Assert.Single(core.Starts);
    }

    [Fact]
    public async Task Only_the_first_execution_of_a_generation_may_begin_brokering_it()
    {
        await core.RegisterAsync("bb-torino");
        var first = Assert.IsType<SubmitOutcome.Accepted>(await core.SubmitAsync("order-4"));
        var store = core.Get<SampleRequestStore>();

        var begins = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => store.TryBeginExecutionAsync(first.RequestId, 1, $"execution-{i}", CancellationToken.None)));

        Assert.Single(begins, began => began);
        Assert.False(await store.TryBeginExecutionAsync(first.RequestId, 2, "execution-of-a-generation-not-claimed", CancellationToken.None));
    }
}
