using SampleBroker.Biobanks;
using SampleBroker.Monitoring;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Monitoring;

public sealed class MetricsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    private static readonly RequestCounts NoRequests = new(0, 0, 0, 0, 0);

    [Fact]
    public void Answer_rate_is_answered_over_queried_across_every_biobank_including_removed_ones()
    {
        var tallies = new Dictionary<string, HealthTally>
        {
            ["bb-a"] = HealthTally.Empty.Add([Answered(T0, 100), Answered(T0.AddSeconds(1), 200), new RecordedOutcome(OutcomeKind.Failed, null, T0)]),
            ["bb-removed"] = HealthTally.Empty.Add([new RecordedOutcome(OutcomeKind.TimedOut, null, T0)]),
        };

        var metrics = MetricsHandlers.Compute(NoRequests, [Registered("bb-a")], tallies, _ => "Closed");

        Assert.Equal(0.5, metrics.AnswerRate);
        var biobank = Assert.Single(metrics.Biobanks);
        Assert.Equal("bb-a", biobank.BiobankId);
        Assert.Equal(3, biobank.Health.Queries);
        Assert.Equal(2, biobank.Health.Answered);
    }

    [Fact]
    public void Median_answer_time_is_taken_over_the_newest_thousand_answers_of_all_biobanks()
    {
        // 1,000 old slow answers at one biobank, then 600 new fast ones at each of two others: the newest
        // thousand are all fast, so the old ones must not count.
        var old = Enumerable.Range(0, 1000).Select(i => Answered(T0.AddSeconds(i), 9000)).ToList();
        var fastA = Enumerable.Range(0, 600).Select(i => Answered(T0.AddHours(1).AddSeconds(i), 400)).ToList();
        var fastB = Enumerable.Range(0, 600).Select(i => Answered(T0.AddHours(1).AddSeconds(i).AddMilliseconds(500), 600)).ToList();
        var tallies = new Dictionary<string, HealthTally>
        {
            ["bb-old"] = HealthTally.Empty.Add(old),
            ["bb-a"] = HealthTally.Empty.Add(fastA),
            ["bb-b"] = HealthTally.Empty.Add(fastB),
        };

        var metrics = MetricsHandlers.Compute(NoRequests, [], tallies, _ => "Closed");

        // Newest 1,000: 500 of A (400 ms) and 500 of B (600 ms); the nearest-rank median is the 500th: 400 ms.
        Assert.Equal(0.4, metrics.P50AnswerSeconds);
    }

    [Fact]
    public void Without_queries_the_rate_and_the_median_are_null()
    {
        var metrics = MetricsHandlers.Compute(new RequestCounts(1, 2, 3, 4, 1), [Registered("bb-new")], new Dictionary<string, HealthTally>(), _ => "Open");

        Assert.Null(metrics.AnswerRate);
        Assert.Null(metrics.P50AnswerSeconds);
        Assert.Equal("Open", Assert.Single(metrics.Biobanks).Health.Circuit);
        Assert.Equal(new RequestCounts(1, 2, 3, 4, 1), metrics.Requests);
    }

    [Fact]
    public void A_tally_keeps_the_newest_thousand_answers_with_their_times_and_they_survive_packing()
    {
        var answers = Enumerable.Range(0, 1200).Select(i => Answered(T0.AddSeconds(i), i)).ToList();

        var tally = HealthTally.Empty.Add(answers.Take(700)).Add(answers.Skip(700));
        var unpacked = TimedAnswer.Unpack(TimedAnswer.Pack(tally.RecentAnswers));

        Assert.Equal(HealthTally.AnswerWindow, tally.RecentAnswers.Count);
        Assert.Equal(200, tally.RecentAnswers[0].LatencyMs);
        Assert.Equal(T0.AddSeconds(1199), tally.RecentAnswers[^1].At);
        Assert.Equal(tally.RecentAnswers, unpacked);
        Assert.True(TimedAnswer.Pack(tally.RecentAnswers).Length <= 64 * 1024, "1,000 answers must fit one table property");
    }

    private static RecordedOutcome Answered(DateTimeOffset at, long latencyMs) => new(OutcomeKind.Answered, latencyMs, at);

    private static BiobankRecord Registered(string biobankId) => new(biobankId, biobankId, "IT", "https://bb.example/q", true, null, 10, 0, ["whsec_x"]);
}
