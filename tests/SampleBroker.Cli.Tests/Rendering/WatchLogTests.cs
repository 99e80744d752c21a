using SampleBroker.Cli.Api;
using SampleBroker.Cli.Rendering;
using SampleBroker.Cli.Tests.Support;

namespace SampleBroker.Cli.Tests.Rendering;

public class WatchLogTests
{
    [Fact]
    public void The_first_snapshot_announces_the_request_and_its_progress()
    {
        Assert.Equal(
            ["Request req-0001 (demo-1): Brokering, deadline 2026-11-27 10:16:00Z", "0/3 biobanks answered"],
            WatchLog.Changes(null, SampleRequests.DemoBrokering()));
    }

    [Fact]
    public void Each_answer_that_arrives_gets_one_line_then_the_new_progress()
    {
        Assert.Equal(
            [
                "  bb-demo-liege (BE): Available, 80 samples, 42.50 EUR/sample, lead time 21 days, 95 ms",
                "  bb-demo-torino (IT): Available, 120 samples, 35.00 EUR/sample, lead time 14 days, 812 ms",
                "2/3 biobanks answered",
            ],
            WatchLog.Changes(SampleRequests.DemoBrokering(), SampleRequests.DemoHalfAnswered()));
    }

    [Fact]
    public void An_unchanged_snapshot_prints_nothing()
    {
        Assert.Empty(WatchLog.Changes(SampleRequests.DemoHalfAnswered(), SampleRequests.DemoHalfAnswered()));
    }

    [Fact]
    public void Leaving_brokering_is_announced_after_the_last_answers()
    {
        Assert.Equal(
            ["  bb-demo-oslo (NO): No match, 0 samples, 40 ms", "3/3 biobanks answered", "Request req-0001: Completed"],
            WatchLog.Changes(SampleRequests.DemoHalfAnswered(), SampleRequests.DemoCompleted()));
    }

    [Fact]
    public void A_first_snapshot_that_is_already_final_lists_every_answer()
    {
        var lines = WatchLog.Changes(null, SampleRequests.DemoCompleted());

        Assert.Equal(5, lines.Count);
        Assert.Equal("Request req-0001 (demo-1): Completed, deadline 2026-11-27 10:16:00Z", lines[0]);
    }

    [Fact]
    public void A_request_that_has_contacted_no_biobank_yet_says_so_instead_of_zero_of_zero()
    {
        var lines = WatchLog.Changes(null, SampleRequests.Demo(RequestStatuses.Brokering));

        Assert.Equal("no biobank contacted yet", lines[^1]);
    }

    [Fact]
    public void A_timed_out_biobank_reads_as_timed_out()
    {
        var row = new BiobankRow { BiobankId = "bb-slow", Country = "FR", Outcome = BiobankOutcomes.TimedOut };

        Assert.Equal("  bb-slow (FR): Timed out", WatchLog.Describe(row));
    }
}
