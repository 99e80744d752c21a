using SampleBroker.Biobanks;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Biobanks;

public sealed class BiobankHealthTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Percentiles_use_the_nearest_rank()
    {
        int[] latencies = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100];

        Assert.Equal(50, HealthTally.Percentile(latencies, 50));
        Assert.Equal(100, HealthTally.Percentile(latencies, 95));
        Assert.Equal(10, HealthTally.Percentile(latencies, 1));
        Assert.Equal(100, HealthTally.Percentile(latencies, 100));
    }

    [Fact]
    public void Percentiles_of_one_value_are_that_value_and_of_none_are_null()
    {
        Assert.Equal(7, HealthTally.Percentile([7], 50));
        Assert.Equal(7, HealthTally.Percentile([7], 95));
        Assert.Null(HealthTally.Percentile([], 50));
    }

    [Fact]
    public void P95_of_a_hundred_latencies_is_the_95th_smallest()
    {
        var latencies = Enumerable.Range(1, 100).Reverse().ToArray();

        Assert.Equal(50, HealthTally.Percentile(latencies, 50));
        Assert.Equal(95, HealthTally.Percentile(latencies, 95));
    }

    [Theory]
    [InlineData(BiobankOutcome.Available, OutcomeKind.Answered)]
    [InlineData(BiobankOutcome.NoMatch, OutcomeKind.Answered)]
    [InlineData(BiobankOutcome.BelowReportingThreshold, OutcomeKind.Answered)]
    [InlineData(BiobankOutcome.Declined, OutcomeKind.Answered)]
    [InlineData(BiobankOutcome.TimedOut, OutcomeKind.TimedOut)]
    [InlineData(BiobankOutcome.Failed, OutcomeKind.Failed)]
    public void Every_final_outcome_but_Cancelled_counts(BiobankOutcome outcome, OutcomeKind kind) =>
        Assert.Equal(kind, RecordedOutcome.KindOf(outcome));

    [Theory]
    [InlineData(BiobankOutcome.Cancelled)]
    [InlineData(BiobankOutcome.Pending)]
    public void Cancelled_and_pending_outcomes_do_not_count(BiobankOutcome outcome) =>
        Assert.Null(RecordedOutcome.KindOf(outcome));

    [Fact]
    public void A_tally_counts_queries_answers_timeouts_failures_and_the_last_answer()
    {
        var tally = HealthTally.Empty.Add(
        [
            new RecordedOutcome(OutcomeKind.Answered, 100, T0),
            new RecordedOutcome(OutcomeKind.Failed, 3000, T0.AddSeconds(1)),
            new RecordedOutcome(OutcomeKind.Answered, 300, T0.AddSeconds(2)),
            new RecordedOutcome(OutcomeKind.TimedOut, null, T0.AddSeconds(3)),
            new RecordedOutcome(OutcomeKind.Answered, null, T0.AddSeconds(4)),
        ]);

        var health = tally.ToHealth("HalfOpen");

        Assert.Equal(new BiobankHealth(5, 3, 1, 1, 100, 300, "HalfOpen", T0.AddSeconds(4)), health with { });
        Assert.Equal([100, 300], tally.RecentLatenciesMs);
    }

    [Fact]
    public void Only_the_last_200_latencies_are_kept_for_the_percentiles()
    {
        // 300 answers: the first 100 slow, the last 200 fast; only the fast ones are in the window.
        var outcomes = Enumerable.Range(0, 300).Select(i => new RecordedOutcome(OutcomeKind.Answered, i < 100 ? 10_000 : 100, T0.AddSeconds(i)));

        var tally = HealthTally.Empty.Add(outcomes.Take(150)).Add(outcomes.Skip(150));

        Assert.Equal(HealthTally.LatencyWindow, tally.RecentLatenciesMs.Count);
        Assert.Equal(300, tally.Answered);
        Assert.Equal(100, tally.ToHealth("Closed").P95LatencyMs);
    }

    [Fact]
    public void A_biobank_without_outcomes_shows_zeros_no_percentiles_and_its_circuit()
    {
        Assert.Equal(BiobankHealth.NotYetMeasured, HealthTally.Empty.ToHealth("Closed"));
        Assert.Equal("Open", HealthTally.Empty.ToHealth("Open").Circuit);
    }
}
