using System.Net;
using System.Text.Json.Nodes;
using SampleBroker.Cli.Api;
using SampleBroker.Cli.Tests.Support;

namespace SampleBroker.Cli.Tests.Commands;

/// <summary>The whole command line, from arguments to output and exit code, against a fake broker.</summary>
public class CommandTests
{
    private const string RequestPath = "/api/v1/sample-requests/req-0001";

    private readonly CliHarness cli = new();

    private void BrokerAnswersWatchPolls(params Func<HttpResponseMessage>[] snapshots) =>
        cli.Broker.On(HttpMethod.Get, RequestPath, snapshots);

    private static Func<HttpResponseMessage>[] DemoSnapshots() =>
    [
        Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering()),
        Respond.Json(HttpStatusCode.OK, SampleRequests.DemoHalfAnswered()),
        Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()),
    ];

    [Fact]
    public async Task Submit_prints_the_request_id_and_location()
    {
        cli.Broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Accepted("req-0001"));

        var exit = await cli.RunAsync("submit", "--sample-type", "blood-serum", "--diagnosis", "C50", "--quantity", "150", "--idempotency-key", "demo-1");

        Assert.Equal(0, exit);
        Assert.Equal(
            "requestId: req-0001\nstatus:    Brokering\nlocation:  http://broker.test:7071/api/v1/sample-requests/req-0001\n",
            cli.Out.ToString().ReplaceLineEndings("\n"));
        var sent = Assert.Single(cli.Broker.Requests);
        Assert.Equal("demo-1", sent.Header("Idempotency-Key"));
        Assert.True(JsonNode.DeepEquals(
            JsonNode.Parse("""{"criteria":{"sampleTypes":["blood-serum"],"diagnoses":["C50"]},"quantity":150}"""),
            JsonNode.Parse(sent.Body!)));
    }

    [Fact]
    public async Task Submit_from_a_file_sends_the_file_as_the_body()
    {
        cli.Files["request.json"] = """{"reference":"demo-1","criteria":{"sampleTypes":["blood-serum"]},"quantity":150,"answerWithinSeconds":60}""";
        cli.Broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Accepted("req-0001"));

        var exit = await cli.RunAsync("submit", "--file", "request.json");

        Assert.Equal(0, exit);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(cli.Files["request.json"]), JsonNode.Parse(cli.Broker.Requests[0].Body!)));
    }

    [Fact]
    public async Task Submit_without_sample_type_or_file_fails_before_calling_the_broker()
    {
        var exit = await cli.RunAsync("submit", "--quantity", "5");

        Assert.Equal(1, exit);
        Assert.Contains("--sample-type is required unless --file", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty(cli.Broker.Requests);
    }

    [Fact]
    public async Task Submit_with_watch_continues_into_the_watch_and_exits_0_on_completed()
    {
        cli.Broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Accepted("req-0001"));
        BrokerAnswersWatchPolls(DemoSnapshots());

        var exit = await cli.RunAsync("submit", "--sample-type", "blood-serum", "--quantity", "150", "--watch");

        Assert.Equal(0, exit);
        var output = cli.Out.ToString();
        Assert.True(
            output.IndexOf("requestId: req-0001", StringComparison.Ordinal) < output.IndexOf("Request req-0001: Completed", StringComparison.Ordinal),
            output);
        Assert.Contains("Allocation", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_validation_problem_is_printed_as_headline_and_errors_with_exit_1()
    {
        cli.Broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Problem(
            HttpStatusCode.BadRequest,
            "One or more validation errors occurred.",
            "See errors.",
            new Dictionary<string, string[]> { ["criteria.sampleTypes[0]"] = ["'serum' is not a sample type code."] }));

        var exit = await cli.RunAsync("submit", "--sample-type", "serum", "--quantity", "5");

        Assert.Equal(1, exit);
        Assert.Equal(
            "HTTP 400 One or more validation errors occurred.: See errors.\n  criteria.sampleTypes[0]: 'serum' is not a sample type code.\n",
            cli.Error.ToString().ReplaceLineEndings("\n"));
        Assert.Empty(cli.Out.ToString());
    }

    [Fact]
    public async Task Watch_off_a_terminal_prints_a_line_per_change_then_the_summary_and_allocation()
    {
        BrokerAnswersWatchPolls(DemoSnapshots());

        var exit = await cli.RunAsync("watch", "req-0001");

        Assert.Equal(0, exit);
        var lines = cli.Out.ToString().ReplaceLineEndings("\n").Split('\n');
        Assert.Equal(
            [
                "Request req-0001 (demo-1): Brokering, deadline 2026-11-27 10:16:00Z",
                "0/3 biobanks answered",
                "  bb-demo-liege (BE): Available, 80 samples, 42.50 EUR/sample, lead time 21 days, 95 ms",
                "  bb-demo-torino (IT): Available, 120 samples, 35.00 EUR/sample, lead time 14 days, 812 ms",
                "2/3 biobanks answered",
                "  bb-demo-oslo (NO): No match, 0 samples, 40 ms",
                "3/3 biobanks answered",
                "Request req-0001: Completed",
            ],
            lines.Take(8));
        var rest = string.Join('\n', lines.Skip(8));
        Assert.Contains("can fulfil", rest, StringComparison.Ordinal);
        Assert.Matches(@"bb-demo-torino\s+│\s+IT\s+│\s+120", rest);
        Assert.Matches(@"Total\s+│\s+│\s+150 of 150", rest);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500)], cli.Delays);
    }

    [Fact]
    public async Task Watch_exits_non_zero_when_the_request_failed()
    {
        BrokerAnswersWatchPolls(
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering()),
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering() with { Status = "Failed" }));

        var exit = await cli.RunAsync("watch", "req-0001");

        Assert.Equal(3, exit);
        Assert.Contains("Request req-0001: Failed", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_exits_non_zero_when_the_request_was_cancelled()
    {
        BrokerAnswersWatchPolls(Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering() with { Status = "Cancelled" }));

        Assert.Equal(4, await cli.RunAsync("watch", "req-0001"));
    }

    [Fact]
    public async Task Watch_with_a_live_display_ends_with_the_final_tables()
    {
        var live = new CliHarness { LiveDisplay = true };
        live.Broker.On(HttpMethod.Get, RequestPath, DemoSnapshots());

        var exit = await live.RunAsync("watch", "req-0001");

        Assert.Equal(0, exit);
        var output = live.Out.ToString();
        Assert.Contains("3/3 biobanks answered", output, StringComparison.Ordinal);
        Assert.Matches(@"Total\s+│\s+│\s+150 of 150", output);
        Assert.DoesNotContain("0/3 biobanks answered\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_of_an_unknown_request_shows_the_404()
    {
        BrokerAnswersWatchPolls(Respond.Problem(HttpStatusCode.NotFound, "Not Found", "No sample request 'req-0001'."));

        var exit = await cli.RunAsync("watch", "req-0001");

        Assert.Equal(1, exit);
        Assert.Equal("HTTP 404 Not Found: No sample request 'req-0001'.", cli.Error.ToString().Trim());
    }

    [Fact]
    public async Task Status_renders_the_summary_biobank_table_and_allocation()
    {
        BrokerAnswersWatchPolls(Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()));

        var exit = await cli.RunAsync("status", "req-0001");

        Assert.Equal(0, exit);
        var output = cli.Out.ToString();
        Assert.Matches(@"Status\s+Completed", output);
        Assert.Matches(@"bb-demo-oslo\s+│\s+NO\s+│\s+No match", output);
        Assert.Matches(@"bb-demo-liege\s+│\s+BE\s+│\s+30\s+│", output);
        Assert.Single(cli.Broker.Requests);
    }

    [Fact]
    public async Task Status_json_prints_the_brokers_json_exactly()
    {
        const string Json = """{"requestId":"req-0001","status":"Completed","quantity":1,"unknownField":[1,2]}""";
        BrokerAnswersWatchPolls(Respond.Json(HttpStatusCode.OK, Json));

        var exit = await cli.RunAsync("status", "req-0001", "--json");

        Assert.Equal(0, exit);
        Assert.Equal(Json, cli.Out.ToString().TrimEnd());
    }

    [Fact]
    public async Task List_prints_a_table_and_hints_at_more_pages()
    {
        cli.Broker.On(HttpMethod.Get, "/api/v1/sample-requests", Respond.Json(HttpStatusCode.OK, new SampleRequestPage([SampleRequests.DemoCompleted()], "next")));

        var exit = await cli.RunAsync("list", "--status", "Completed", "--top", "1");

        Assert.Equal(0, exit);
        Assert.Matches(@"req-0001\s+│\s+demo-1\s+│\s+Completed", cli.Out.ToString());
        Assert.Contains("add --all", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Equal("?status=Completed&top=1", cli.Broker.Requests[0].Uri.Query);
    }

    [Fact]
    public async Task List_all_puts_every_page_in_one_table()
    {
        cli.Broker.On(
            HttpMethod.Get,
            "/api/v1/sample-requests",
            Respond.Json(HttpStatusCode.OK, new SampleRequestPage([SampleRequests.DemoCompleted() with { RequestId = "r-1" }], "t2")),
            Respond.Json(HttpStatusCode.OK, new SampleRequestPage([SampleRequests.DemoCompleted() with { RequestId = "r-2" }], null)));

        var exit = await cli.RunAsync("list", "--all");

        Assert.Equal(0, exit);
        Assert.Contains("r-1", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Contains("r-2", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("add --all", cli.Out.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, cli.Broker.Requests.Count);
    }

    [Fact]
    public async Task List_rejects_an_unknown_status_before_calling_the_broker()
    {
        var exit = await cli.RunAsync("list", "--status", "Done");

        Assert.NotEqual(0, exit);
        Assert.Empty(cli.Broker.Requests);
    }

    [Fact]
    public async Task Cancel_of_a_brokering_request_succeeds()
    {
        cli.Broker.On(HttpMethod.Post, RequestPath + "/cancel", Respond.Json(HttpStatusCode.Accepted, """{"requestId":"req-0001","status":"Cancelled"}"""));

        var exit = await cli.RunAsync("cancel", "req-0001");

        Assert.Equal(0, exit);
        Assert.StartsWith("Request req-0001 cancelled (status Cancelled)", cli.Out.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancel_of_a_finished_request_explains_it_has_finished_and_exits_non_zero()
    {
        cli.Broker.On(HttpMethod.Post, RequestPath + "/cancel", Respond.Problem(HttpStatusCode.Conflict, "Conflict", "The request is no longer brokering."));
        BrokerAnswersWatchPolls(Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()));

        var exit = await cli.RunAsync("cancel", "req-0001");

        Assert.Equal(1, exit);
        Assert.Equal(
            "Request req-0001 has already finished (Completed): only a Brokering request can be cancelled.\nHTTP 409 Conflict: The request is no longer brokering.\n",
            cli.Error.ToString().ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("submit", "--sample-type", "urine", "--quantity", "1")]
    [InlineData("watch", "req-0001")]
    [InlineData("status", "req-0001")]
    [InlineData("list")]
    [InlineData("cancel", "req-0001")]
    public async Task Every_command_needs_the_api_key_and_calls_nothing_without_it(params string[] args)
    {
        cli.Variables.Remove(CliSettings.ApiKeyVariable);

        var exit = await cli.RunAsync(args);

        Assert.Equal(1, exit);
        Assert.StartsWith("SAMPLEBROKER_API_KEY is not set", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Empty(cli.Broker.Requests);
    }

    [Fact]
    public async Task A_rejected_key_is_reported_without_ever_printing_it()
    {
        BrokerAnswersWatchPolls(Respond.Problem(HttpStatusCode.Unauthorized, "Unauthorized", "Missing or unknown API key."));

        var exit = await cli.RunAsync("status", "req-0001");

        Assert.Equal(1, exit);
        Assert.Contains("Check SAMPLEBROKER_API_KEY", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(CliHarness.ApiKey, cli.Error.ToString() + cli.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_broker_is_reported_with_the_url_to_check()
    {
        BrokerAnswersWatchPolls(Respond.ConnectionRefused());

        var exit = await cli.RunAsync("status", "req-0001");

        Assert.Equal(1, exit);
        Assert.StartsWith("Cannot reach the SampleBroker API at http://broker.test:7071", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("SAMPLEBROKER_URL", cli.Error.ToString(), StringComparison.Ordinal);
    }
}
