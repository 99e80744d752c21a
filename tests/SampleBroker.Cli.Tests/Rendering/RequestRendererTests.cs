using SampleBroker.Cli.Api;
using SampleBroker.Cli.Rendering;
using SampleBroker.Cli.Tests.Support;
using Spectre.Console.Rendering;
using Spectre.Console.Testing;

namespace SampleBroker.Cli.Tests.Rendering;

public class RequestRendererTests
{
    private static string Render(IRenderable renderable, int width = 140)
    {
        using var console = new TestConsole().Width(width);
        console.Write(renderable);
        return console.Output;
    }

    private static string LineWith(string output, string text) =>
        Assert.Single(output.Split('\n'), line => line.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void The_biobank_table_shows_id_country_outcome_available_price_lead_time_and_latency()
    {
        var output = Render(RequestRenderer.BiobankTable(SampleRequests.DemoCompleted()));

        foreach (var header in new[] { "Biobank", "Country", "Outcome", "Available", "Price/sample", "Lead time", "Latency" })
        {
            Assert.Contains(header, output, StringComparison.Ordinal);
        }

        var torino = LineWith(output, "bb-demo-torino");
        Assert.Matches(@"bb-demo-torino\s+│\s+IT\s+│\s+Available\s+│\s+120\s+│\s+35\.00 EUR\s+│\s+14 days\s+│\s+812 ms", torino);
        Assert.Matches(@"bb-demo-oslo\s+│\s+NO\s+│\s+No match\s+│\s+0\s+│\s+-\s+│\s+-\s+│\s+40 ms", LineWith(output, "bb-demo-oslo"));
    }

    [Fact]
    public void Biobanks_that_have_not_answered_show_pending_and_no_values()
    {
        var output = Render(RequestRenderer.BiobankTable(SampleRequests.DemoHalfAnswered()));

        Assert.Matches(@"bb-demo-oslo\s+│\s+NO\s+│\s+Pending\s+│\s+-\s+│\s+-\s+│\s+-\s+│\s+-", LineWith(output, "bb-demo-oslo"));
        Assert.Contains("42.50 EUR", LineWith(output, "bb-demo-liege"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_biobank_shows_its_reason()
    {
        var request = SampleRequests.Demo(RequestStatuses.Completed, new BiobankRow
        {
            BiobankId = "bb-x", Country = "DE", Outcome = BiobankOutcomes.Failed, Error = "circuit open", LatencyMs = 1500,
        });

        var line = LineWith(Render(RequestRenderer.BiobankTable(request)), "bb-x");

        Assert.Contains("Failed: circuit open", line, StringComparison.Ordinal);
        Assert.Contains("1.5 s", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Brackets_in_values_from_the_broker_are_printed_literally_not_read_as_markup()
    {
        var request = SampleRequests.Demo(RequestStatuses.Completed, new BiobankRow
        {
            BiobankId = "bb-x", Country = "DE", Outcome = BiobankOutcomes.Failed, Error = "invalid answer [bold]x[/]",
        }) with { Reference = "[red]PO[/]" };

        var output = Render(RequestRenderer.Full(request));

        Assert.Contains("invalid answer [bold]x[/]", output, StringComparison.Ordinal);
        Assert.Contains("[red]PO[/]", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_allocation_table_lists_each_share_with_its_cost_and_a_total()
    {
        var output = Render(RequestRenderer.AllocationTable(SampleRequests.DemoCompleted()));

        Assert.Matches(@"bb-demo-torino\s+│\s+IT\s+│\s+120\s+│\s+35\.00 EUR\s+│\s+4,200\.00 EUR\s+│\s+14 days", LineWith(output, "bb-demo-torino"));
        Assert.Matches(@"bb-demo-liege\s+│\s+BE\s+│\s+30\s+│\s+42\.50 EUR\s+│\s+1,275\.00 EUR\s+│\s+21 days", LineWith(output, "bb-demo-liege"));
        Assert.Matches(@"Total\s+│\s+│\s+150 of 150\s+│\s+│\s+5,475\.00 EUR", LineWith(output, "Total"));
        Assert.DoesNotContain("Short by", output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_allocation_short_of_the_quantity_says_by_how_much()
    {
        var request = SampleRequests.Demo(RequestStatuses.Completed, SampleRequests.Available("bb-demo-torino", "IT", 120, 35m, 14, 812), SampleRequests.NoMatch("bb-demo-oslo", "NO", 40));

        var output = Render(RequestRenderer.AllocationTable(request));

        Assert.Contains("120 of 150", output, StringComparison.Ordinal);
        Assert.Contains("Short by 30 samples.", output, StringComparison.Ordinal);
    }

    [Fact]
    public void No_allocation_while_brokering_says_it_comes_at_the_end()
    {
        Assert.Contains("none yet", Render(RequestRenderer.AllocationTable(SampleRequests.DemoHalfAnswered())), StringComparison.Ordinal);
    }

    [Fact]
    public void The_summary_shows_status_criteria_progress_and_the_verdict()
    {
        var output = Render(RequestRenderer.Summary(SampleRequests.DemoCompleted()));

        Assert.Matches(@"Request\s+req-0001", output);
        Assert.Matches(@"Reference\s+demo-1", output);
        Assert.Matches(@"Status\s+Completed", output);
        Assert.Matches(@"Criteria\s+blood-serum; C50; Female; 40-70 years", output);
        Assert.Matches(@"Created\s+2026-11-27 10:15:00Z", output);
        Assert.Matches(@"Biobanks\s+3/3 answered, 0 pending", output);
        Assert.Matches(@"Quantity\s+150 requested, 200 available from 2 biobank\(s\): can fulfil", output);
    }

    [Fact]
    public void The_progress_bar_shows_biobanks_answered_out_of_contacted()
    {
        var output = Render(new AnswerProgressBar(2, 3), width: 80);

        Assert.Contains("2/3 biobanks answered", output, StringComparison.Ordinal);
        Assert.Equal(AnswerProgressBar.MaxBarWidth, output.Count(c => c == '━'));
    }

    [Fact]
    public void The_progress_bar_falls_back_to_ascii_where_unicode_is_not_supported()
    {
        using var console = new TestConsole().Width(80).SupportsUnicode(false);
        console.Write(new AnswerProgressBar(1, 2));

        Assert.Contains(new string('#', 20) + new string('-', 20) + " 1/2 biobanks answered", console.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_live_view_holds_headline_progress_and_the_biobank_table()
    {
        var output = Render(RequestRenderer.LiveView(SampleRequests.DemoHalfAnswered()));

        Assert.Contains("Request req-0001 (demo-1): Brokering, deadline 2026-11-27 10:16:00Z", output, StringComparison.Ordinal);
        Assert.Contains("2/3 biobanks answered", output, StringComparison.Ordinal);
        Assert.Contains("bb-demo-oslo", output, StringComparison.Ordinal);
    }

    [Fact]
    public void The_request_list_has_a_row_per_request()
    {
        var output = Render(RequestRenderer.RequestList([SampleRequests.DemoCompleted(), SampleRequests.DemoHalfAnswered() with { RequestId = "req-0002", Reference = null }]));

        Assert.Matches(@"req-0001\s+│\s+demo-1\s+│\s+Completed\s+│\s+2026-11-27 10:15:00Z\s+│\s+150\s+│\s+3/3\s+│\s+200\s+│\s+yes", LineWith(output, "req-0001"));
        Assert.Matches(@"req-0002\s+│\s+-\s+│\s+Brokering", LineWith(output, "req-0002"));
    }

    [Fact]
    public void An_empty_request_list_says_so()
    {
        Assert.Contains("No sample requests.", Render(RequestRenderer.RequestList([])), StringComparison.Ordinal);
    }
}
