using System.Net;
using System.Text.Json.Nodes;
using SampleBroker.Cli.Api;
using SampleBroker.Cli.Tests.Support;

namespace SampleBroker.Cli.Tests.Api;

public sealed class ApiClientTests : IDisposable
{
    private const string RequestPath = "/api/v1/sample-requests/req-0001";
    private static readonly CliSettings Settings = new(new Uri("http://broker.test:7071/"), CliHarness.ApiKey);

    private readonly FakeBroker broker = new();
    private readonly List<TimeSpan> delays = [];

    private ApiClient CreateClient() => new(Settings, broker, (delay, _) =>
    {
        delays.Add(delay);
        return Task.CompletedTask;
    });

    public void Dispose() => broker.Dispose();

    [Fact]
    public async Task Every_call_sends_the_api_key_and_asks_for_json()
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()));
        using var client = CreateClient();

        await client.GetRequestAsync(SampleRequests.Id, CancellationToken.None);

        var request = Assert.Single(broker.Requests);
        Assert.Equal(CliHarness.ApiKey, request.Header("X-Api-Key"));
        Assert.Contains("application/json", request.Header("Accept"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_cannot_be_made_without_a_key()
    {
        var error = Assert.Throws<CliException>(() => new CliSettings(new Uri("http://broker.test/"), ""));

        Assert.Contains("SAMPLEBROKER_API_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_posts_the_body_with_the_idempotency_key_and_returns_the_id_and_absolute_location()
    {
        broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Accepted("req-0001"));
        using var client = CreateClient();

        var result = await client.SubmitAsync(
            new JsonObject { ["criteria"] = new JsonObject { ["sampleTypes"] = new JsonArray("urine") }, ["quantity"] = 5 },
            "po-117",
            CancellationToken.None);

        Assert.Equal(new SubmitResult("req-0001", "Brokering", new Uri("http://broker.test:7071/api/v1/sample-requests/req-0001")), result);
        var request = Assert.Single(broker.Requests);
        Assert.Equal("po-117", request.Header("Idempotency-Key"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"criteria":{"sampleTypes":["urine"]},"quantity":5}"""), JsonNode.Parse(request.Body!)));
    }

    [Fact]
    public async Task Submit_without_an_idempotency_key_sends_no_such_header()
    {
        broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Accepted("req-0001"));
        using var client = CreateClient();

        await client.SubmitAsync(new JsonObject { ["quantity"] = 5 }, null, CancellationToken.None);

        Assert.Null(Assert.Single(broker.Requests).Header("Idempotency-Key"));
    }

    [Fact]
    public async Task A_validation_problem_becomes_an_error_with_status_title_detail_and_each_field()
    {
        broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Problem(
            HttpStatusCode.BadRequest,
            "One or more validation errors occurred.",
            "The request is invalid.",
            new Dictionary<string, string[]>
            {
                ["criteria.sampleTypes[0]"] = ["'serum' is not a sample type code."],
                ["quantity"] = ["Must be between 1 and 100000.", "Required."],
            }));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ApiProblemException>(() => client.SubmitAsync(new JsonObject(), null, CancellationToken.None));

        Assert.Equal("HTTP 400 One or more validation errors occurred.: The request is invalid.", error.Message);
        Assert.Equal(400, error.Status);
        Assert.Equal(["criteria.sampleTypes[0]", "quantity"], error.Problem.Errors.Select(e => e.Key));
        Assert.Equal(["Must be between 1 and 100000.", "Required."], error.Problem.Errors[1].Value);
    }

    [Fact]
    public async Task An_unknown_request_is_a_404_problem()
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.Problem(HttpStatusCode.NotFound, "Not Found", "No sample request 'req-0001'."));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ApiProblemException>(() => client.GetRequestAsync(SampleRequests.Id, CancellationToken.None));

        Assert.Equal("HTTP 404 Not Found: No sample request 'req-0001'.", error.Message);
    }

    [Fact]
    public async Task An_error_without_a_problem_body_still_reports_the_status_and_its_name()
    {
        broker.On(HttpMethod.Get, RequestPath, () => new HttpResponseMessage(HttpStatusCode.Unauthorized));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ApiProblemException>(() => client.GetRequestAsync(SampleRequests.Id, CancellationToken.None));

        Assert.Equal("HTTP 401 Unauthorized", error.Message);
    }

    [Fact]
    public async Task An_html_error_page_is_shown_as_the_detail_cut_short()
    {
        var page = "<html><body>" + new string('x', 500) + "</body></html>";
        broker.On(HttpMethod.Get, RequestPath, Respond.Json(HttpStatusCode.BadGateway, page));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ApiProblemException>(() => client.GetRequestAsync(SampleRequests.Id, CancellationToken.None));

        Assert.StartsWith("HTTP 502 Bad Gateway: <html><body>xxx", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("...", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Too_many_requests_carries_retry_after()
    {
        broker.On(HttpMethod.Post, "/api/v1/sample-requests", Respond.Problem(
            HttpStatusCode.TooManyRequests, "Too Many Requests", "The organisation exceeded 60 requests per minute.", configure: r => Respond.RetryAfterSeconds(r, 17)));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ApiProblemException>(() => client.SubmitAsync(new JsonObject(), null, CancellationToken.None));

        Assert.Equal(TimeSpan.FromSeconds(17), error.RetryAfter);
    }

    [Fact]
    public async Task A_connection_failure_names_the_url_and_SAMPLEBROKER_URL()
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.ConnectionRefused());
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<ApiUnreachableException>(() => client.GetRequestAsync(SampleRequests.Id, CancellationToken.None));

        Assert.Contains("Cannot reach the SampleBroker API at http://broker.test:7071", error.Message, StringComparison.Ordinal);
        Assert.Contains("SAMPLEBROKER_URL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(CliHarness.ApiKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_success_that_is_not_a_broker_answer_says_to_check_the_url()
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.Json(HttpStatusCode.OK, "<html>Welcome to nginx</html>"));
        using var client = CreateClient();

        var error = await Assert.ThrowsAsync<CliException>(() => client.GetRequestAsync(SampleRequests.Id, CancellationToken.None));

        Assert.Contains("not with a SampleBroker response", error.Message, StringComparison.Ordinal);
        Assert.Contains("Check SAMPLEBROKER_URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_contracts_example_of_a_request_reads_field_by_field()
    {
        const string Contract = """
            {
              "requestId": "r-1", "organisationId": "acme-dx", "reference": "PO-2026-117",
              "status": "Brokering",
              "createdAt": "2026-11-27T10:15:00Z", "deadline": "2026-11-27T10:20:00Z", "completedAt": null,
              "criteria": {"sampleTypes": ["blood-serum"]}, "quantity": 200,
              "progress": {"biobanksContacted": 5, "biobanksAnswered": 3, "biobanksPending": 2},
              "biobanks": [
                {"biobankId": "bb-torino", "name": "Biobank Torino", "country": "IT",
                 "outcome": "Available", "availableSamples": 120, "pricePerSampleEur": 35.0,
                 "leadTimeDays": 14, "conditions": ["CommercialUse"], "validUntil": "2026-12-31",
                 "answeredAt": "2026-11-27T10:15:01Z", "latencyMs": 812, "error": null}
              ],
              "summary": {"requestedQuantity": 200, "totalAvailable": 230, "canFulfil": true, "biobanksWithSamples": 2},
              "allocation": [{"biobankId": "bb-torino", "quantity": 120}, {"biobankId": "bb-liege", "quantity": 80}]
            }
            """;
        broker.On(HttpMethod.Get, "/api/v1/sample-requests/r-1", Respond.Json(HttpStatusCode.OK, Contract));
        using var client = CreateClient();

        var snapshot = await client.GetRequestAsync("r-1", CancellationToken.None);

        var request = snapshot.Request;
        Assert.Equal(Contract, snapshot.Json);
        Assert.True(request.IsBrokering);
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 10, 20, 0, TimeSpan.Zero), request.Deadline);
        Assert.Equal(new RequestProgress(5, 3, 2), request.Progress);
        var torino = Assert.Single(request.Biobanks);
        Assert.Equal(("bb-torino", "Available", 120, 35.0m, 14, 812L), (torino.BiobankId, torino.Outcome, torino.AvailableSamples, torino.PricePerSampleEur, torino.LeadTimeDays, torino.LatencyMs));
        Assert.Equal(new RequestSummary(200, 230, true, 2), request.Summary);
        Assert.Equal([new AllocationLine("bb-torino", 120), new AllocationLine("bb-liege", 80)], request.Allocation);
    }

    [Theory]
    [InlineData("req-0001")]
    [InlineData("/api/v1/sample-requests/req-0001")]
    [InlineData("http://broker.test:7071/api/v1/sample-requests/req-0001/")]
    public async Task A_request_id_may_be_given_as_the_location_submit_printed(string given)
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()));
        using var client = CreateClient();

        await client.GetRequestAsync(given, CancellationToken.None);

        Assert.Equal(RequestPath, Assert.Single(broker.Requests).Uri.AbsolutePath);
    }

    [Fact]
    public async Task Watch_polls_through_brokering_snapshots_and_ends_on_completed_without_real_sleeps()
    {
        broker.On(
            HttpMethod.Get,
            RequestPath,
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering()),
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoHalfAnswered()),
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()));
        using var client = CreateClient();

        var statuses = new List<(string, int)>();
        await foreach (var snapshot in client.WatchAsync(SampleRequests.Id, ApiClient.DefaultPollInterval, CancellationToken.None))
        {
            statuses.Add((snapshot.Status, snapshot.Progress.BiobanksAnswered));
        }

        Assert.Equal([("Brokering", 0), ("Brokering", 2), ("Completed", 3)], statuses);
        Assert.Equal(3, broker.Requests.Count);
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500)], delays);
    }

    [Theory]
    [InlineData("Failed")]
    [InlineData("Cancelled")]
    public async Task Watch_ends_on_any_status_other_than_brokering(string status)
    {
        broker.On(
            HttpMethod.Get,
            RequestPath,
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering()),
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering() with { Status = status }));
        using var client = CreateClient();

        var last = await client.WatchAsync(SampleRequests.Id, ApiClient.DefaultPollInterval, CancellationToken.None).LastAsync();

        Assert.Equal(status, last.Status);
        Assert.Equal(2, broker.Requests.Count);
    }

    [Fact]
    public async Task Watch_rides_out_a_host_restart_with_backoff()
    {
        broker.On(
            HttpMethod.Get,
            RequestPath,
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoBrokering()),
            Respond.ConnectionRefused(),
            Respond.Problem(HttpStatusCode.ServiceUnavailable, "Service Unavailable"),
            Respond.Json(HttpStatusCode.OK, SampleRequests.DemoCompleted()));
        using var client = CreateClient();

        var snapshots = await client.WatchAsync(SampleRequests.Id, TimeSpan.FromMilliseconds(500), CancellationToken.None).ToListAsync();

        Assert.Equal(["Brokering", "Completed"], snapshots.Select(s => s.Status));
        Assert.Equal([TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(500), TimeSpan.FromMilliseconds(1000)], delays);
    }

    [Fact]
    public async Task Watch_gives_up_when_the_broker_stays_unreachable()
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.ConnectionRefused());
        using var client = CreateClient();

        await Assert.ThrowsAsync<ApiUnreachableException>(async () =>
            await client.WatchAsync(SampleRequests.Id, ApiClient.DefaultPollInterval, CancellationToken.None).ToListAsync());

        Assert.Equal(ApiClient.MaxConsecutivePollFailures, broker.Requests.Count);
        Assert.All(delays, d => Assert.True(d <= TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Watch_stops_at_a_client_error_such_as_404()
    {
        broker.On(HttpMethod.Get, RequestPath, Respond.Problem(HttpStatusCode.NotFound, "Not Found"));
        using var client = CreateClient();

        await Assert.ThrowsAsync<ApiProblemException>(async () =>
            await client.WatchAsync(SampleRequests.Id, ApiClient.DefaultPollInterval, CancellationToken.None).ToListAsync());

        Assert.Single(broker.Requests);
    }

    [Fact]
    public async Task List_sends_the_filters_as_query_parameters()
    {
        broker.On(HttpMethod.Get, "/api/v1/sample-requests", Respond.Json(HttpStatusCode.OK, """{"items":[],"continuationToken":null}"""));
        using var client = CreateClient();

        await client.ListRequestsAsync(new RequestListQuery("Completed", "PO 117/a", 5), null, CancellationToken.None);

        Assert.Equal("?status=Completed&reference=PO%20117%2Fa&top=5", Assert.Single(broker.Requests).Uri.Query);
    }

    [Fact]
    public async Task List_all_follows_continuation_tokens_to_the_last_page()
    {
        var first = new SampleRequestPage([SampleRequests.DemoCompleted() with { RequestId = "r-1" }], "token/2+");
        var second = new SampleRequestPage([SampleRequests.DemoCompleted() with { RequestId = "r-2" }], null);
        broker.On(HttpMethod.Get, "/api/v1/sample-requests", Respond.Json(HttpStatusCode.OK, first), Respond.Json(HttpStatusCode.OK, second));
        using var client = CreateClient();

        var pages = await client.ListAllRequestsAsync(new RequestListQuery(Top: 1), CancellationToken.None).ToListAsync();

        Assert.Equal(["r-1", "r-2"], pages.SelectMany(p => p.Items).Select(i => i.RequestId));
        Assert.Equal(["?top=1", "?top=1&continuationToken=token%2F2%2B"], broker.Requests.Select(r => r.Uri.Query));
    }

    [Fact]
    public async Task Cancel_of_a_brokering_request_is_accepted()
    {
        broker.On(HttpMethod.Post, RequestPath + "/cancel", Respond.Json(HttpStatusCode.Accepted, """{"requestId":"req-0001","status":"Cancelled"}"""));
        using var client = CreateClient();

        var result = await client.CancelAsync(SampleRequests.Id, CancellationToken.None);

        Assert.Equal(new CancelResult(CancelOutcome.Cancelled, "Cancelled", null), result);
    }

    [Fact]
    public async Task Cancel_of_a_finished_request_reports_already_finished_with_the_brokers_explanation()
    {
        broker.On(HttpMethod.Post, RequestPath + "/cancel", Respond.Problem(HttpStatusCode.Conflict, "Conflict", "The request is already Completed."));
        using var client = CreateClient();

        var result = await client.CancelAsync(SampleRequests.Id, CancellationToken.None);

        Assert.Equal(CancelOutcome.AlreadyFinished, result.Outcome);
        Assert.Equal("The request is already Completed.", result.Problem!.Detail);
    }

    [Fact]
    public async Task Cancel_with_an_empty_202_body_is_still_accepted()
    {
        broker.On(HttpMethod.Post, RequestPath + "/cancel", () => new HttpResponseMessage(HttpStatusCode.Accepted));
        using var client = CreateClient();

        var result = await client.CancelAsync(SampleRequests.Id, CancellationToken.None);

        Assert.Equal(CancelOutcome.Cancelled, result.Outcome);
    }
}
