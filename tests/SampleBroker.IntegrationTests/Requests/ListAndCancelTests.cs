using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// One host with two biobanks: <c>bb-quick</c> answers serum queries at once, <c>bb-held</c> takes DNA queries
/// and never answers while the tests run. Each test works in an organisation of its own.
/// </summary>
public sealed class ListAndCancelFixture : IAsyncLifetime
{
    private HeldBiobank held = null!;

    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    public FakeBiobank Quick { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync();
        Api = new BrokerApi(Host.BaseAddress);
        Quick = await FakeBiobank.AnsweringAsync(10, price: 20m, leadTimeDays: 7);
        held = await HeldBiobank.StartAsync();
        await Api.RegisterAsync("bb-quick", Quick, new { name = "Quick", country = "IT", endpointUrl = Quick.EndpointUrl, sampleTypes = new[] { "blood-serum" } });
        await Api.RegisterAsync("bb-held", held.Fake, new { name = "Held", country = "BE", endpointUrl = held.Fake.EndpointUrl, sampleTypes = new[] { "dna" }, answerTimeoutSeconds = 60 });
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await held.DisposeAsync();
        await Quick.DisposeAsync();
        await Host.DisposeAsync();
    }
}

/// <summary>Listing and cancelling sample requests (contract section 4, "List and cancel").</summary>
[Collection(LocalHostCollection.Name)]
public sealed class ListAndCancelTests(ListAndCancelFixture fixture) : IClassFixture<ListAndCancelFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private BrokerApi Api => fixture.Api;

    public static TheoryData<string, string> InvalidListQueries => new()
    {
        { "top=0", "top" },
        { "top=101", "top" },
        { "top=-1", "top" },
        { "top=abc", "top" },
        { "top=1.5", "top" },
        { "top=1e2", "top" },
        { "top=99999999999999999999", "top" },
        { "top=%EF%BC%95", "top" },
        { "status=brokering", "status" },
        { "status=BROKERING", "status" },
        { "status=Done", "status" },
        { "status=Pending", "status" },
        { "status=" + Uri.EscapeDataString("Brokering' or PartitionKey ne '"), "status" },
        { "continuationToken=garbage", "continuationToken" },
        { "continuationToken=" + Uri.EscapeDataString("x' or PartitionKey ne '"), "continuationToken" },
        { "continuationToken=" + Uri.EscapeDataString("0000000000000000000-' or '1' eq '1"), "continuationToken" },
    };

    [Fact]
    public async Task List_is_newest_first_and_top_pages_with_a_continuation_token_until_it_is_null()
    {
        var apiKey = await Api.CreateRequesterAsync(TestStorage.UniqueName("list"));
        var submitted = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            submitted.Add(await Api.SubmitAsync(apiKey, Serum($"page-{i}")));
        }

        var pages = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = await ListAsync(apiKey, "top=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)));
            pages.Add(page);
            token = page.GetProperty("continuationToken").ValueKind == JsonValueKind.Null ? null : page.GetProperty("continuationToken").GetString();
            Assert.True(pages.Count <= 5, "the continuation tokens never end");
        }
        while (token is not null);

        var newestFirst = Enumerable.Reverse(submitted).ToList();
        Assert.True(
            pages.Count == 3,
            $"5 requests with top=2 should take 3 pages, got {pages.Count}; the first page was {pages[0]}");
        Assert.Equal([2, 2, 1], pages.Select(p => p.GetProperty("items").GetArrayLength()));
        var paged = pages.SelectMany(p => p.GetProperty("items").EnumerateArray()).ToList();
        Assert.Equal(newestFirst, paged.Select(i => i.GetProperty("requestId").GetString()));
        var created = paged.Select(i => i.GetProperty("createdAt").GetDateTimeOffset()).ToList();
        Assert.Equal(created.OrderDescending(), created);
        Assert.All(paged, item =>
        {
            Assert.False(item.TryGetProperty("biobanks", out _), $"a list item carries 'biobanks': {item}");
            Assert.False(item.TryGetProperty("allocation", out _), $"a list item carries 'allocation': {item}");
            Assert.True(item.TryGetProperty("progress", out _) && item.TryGetProperty("summary", out _), $"a list item lacks progress or summary: {item}");
        });

        var whole = await ListAsync(apiKey, "");
        Assert.Equal(newestFirst, whole.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()));
        Assert.Equal(JsonValueKind.Null, whole.GetProperty("continuationToken").ValueKind);
    }

    [Fact]
    public async Task Status_filter_lists_only_requests_with_that_status()
    {
        var apiKey = await Api.CreateRequesterAsync(TestStorage.UniqueName("status"));
        var completed = await Api.SubmitAsync(apiKey, Serum("completed"));
        await Api.WaitUntilFinishedAsync(apiKey, completed, Patience);
        var cancelled = await Api.SubmitAsync(apiKey, Dna("cancelled"));
        using (var cancel = await Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{cancelled}/cancel", apiKey, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }

        var brokering = await Api.SubmitAsync(apiKey, Dna("brokering"));

        var completedPage = await Eventually.UntilAsync(
            () => ListIdsAsync(apiKey, "status=Completed"), ids => ids.Contains(completed), Patience, "the completed request listed as Completed");
        Assert.Equal([completed], completedPage);
        Assert.Equal([cancelled], await ListIdsAsync(apiKey, "status=Cancelled"));
        Assert.Equal([brokering], await ListIdsAsync(apiKey, "status=Brokering"));
        Assert.Empty(await ListIdsAsync(apiKey, "status=Failed"));
        foreach (var status in new[] { "Completed", "Cancelled", "Brokering" })
        {
            var page = await ListAsync(apiKey, "status=" + status);
            Assert.All(page.GetProperty("items").EnumerateArray(), i => Assert.Equal(status, i.GetProperty("status").GetString()));
        }
    }

    [Fact]
    public async Task Reference_filter_lists_only_requests_with_that_exact_reference()
    {
        var apiKey = await Api.CreateRequesterAsync(TestStorage.UniqueName("ref"));
        var firstA = await Api.SubmitAsync(apiKey, Serum("PO-A"));
        await Api.SubmitAsync(apiKey, Serum("PO-B"));
        var secondA = await Api.SubmitAsync(apiKey, Serum("PO-A"));
        await Api.SubmitAsync(apiKey, Serum("po-a"));

        var page = await ListAsync(apiKey, "reference=PO-A");

        var items = page.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([secondA, firstA], items.Select(i => i.GetProperty("requestId").GetString()));
        Assert.All(items, i => Assert.Equal("PO-A", i.GetProperty("reference").GetString()));
        Assert.Empty(await ListIdsAsync(apiKey, "reference=PO-C"));
        Assert.Equal([secondA], await ListIdsAsync(apiKey, "reference=PO-A&top=1"));
    }

    [Theory]
    [MemberData(nameof(InvalidListQueries))]
    public async Task Invalid_list_parameter_is_400_problem_naming_it(string query, string parameter)
    {
        var apiKey = await Api.CreateRequesterAsync(TestStorage.UniqueName("bad"));

        using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests?" + query, apiKey, null);

        var problem = await ProblemAssertions.AssertProblemAsync(response, 400, "GET /api/v1/sample-requests?" + query);
        ProblemAssertions.AssertFieldError(problem, parameter, query);
    }

    [Fact]
    public async Task Cancel_while_brokering_is_202_settles_the_pending_biobank_as_cancelled_and_keeps_the_answers_received()
    {
        var apiKey = await Api.CreateRequesterAsync(TestStorage.UniqueName("cancel"));
        var requestId = await Api.SubmitAsync(apiKey, new { reference = "to-cancel", criteria = new { sampleTypes = new[] { "blood-serum", "dna" } }, quantity = 30, answerWithinSeconds = 120 });
        await Eventually.UntilAsync(
            () => Api.GetAsync(apiKey, requestId),
            r => Outcome(r, "bb-quick") == "Available" && Outcome(r, "bb-held") == "Pending",
            Patience,
            "bb-quick answered while bb-held is pending");

        using var cancel = await Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{requestId}/cancel", apiKey, null);
        var result = await Api.GetAsync(apiKey, requestId);
        using var again = await Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{requestId}/cancel", apiKey, null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var accepted = await cancel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(requestId, accepted.GetProperty("requestId").GetString());
        Assert.Equal("Cancelled", accepted.GetProperty("status").GetString());

        Assert.Equal("Cancelled", result.GetProperty("status").GetString());
        Assert.Equal("Cancelled", Outcome(result, "bb-held"));
        var quick = Biobank(result, "bb-quick");
        Assert.Equal("Available", quick.GetProperty("outcome").GetString());
        Assert.Equal(10, quick.GetProperty("availableSamples").GetInt32());
        Assert.Equal(7, quick.GetProperty("leadTimeDays").GetInt32());
        var progress = result.GetProperty("progress");
        Assert.Equal(2, progress.GetProperty("biobanksContacted").GetInt32());
        Assert.Equal(0, progress.GetProperty("biobanksPending").GetInt32());
        Assert.Equal(10, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.False(result.GetProperty("summary").GetProperty("canFulfil").GetBoolean());
        var allocation = Assert.Single(result.GetProperty("allocation").EnumerateArray());
        Assert.Equal("bb-quick", allocation.GetProperty("biobankId").GetString());
        Assert.Equal(10, allocation.GetProperty("quantity").GetInt32());

        await ProblemAssertions.AssertProblemAsync(again, 409, "cancelling a cancelled request");
        Assert.Equal([requestId], await ListIdsAsync(apiKey, "status=Cancelled"));
    }

    [Fact]
    public async Task Cancel_of_a_completed_request_is_409_and_changes_nothing()
    {
        var apiKey = await Api.CreateRequesterAsync(TestStorage.UniqueName("done"));
        var requestId = await Api.SubmitAsync(apiKey, Serum("done"));
        var finished = await Api.WaitUntilFinishedAsync(apiKey, requestId, Patience);
        Assert.Equal("Completed", finished.GetProperty("status").GetString());

        using var cancel = await Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{requestId}/cancel", apiKey, null);

        await ProblemAssertions.AssertProblemAsync(cancel, 409, "cancelling a completed request");
        var after = await Api.GetAsync(apiKey, requestId);
        Assert.Equal("Completed", after.GetProperty("status").GetString());
        Assert.Equal("Available", Outcome(after, "bb-quick"));
    }

    private static object Serum(string reference) =>
        new { reference, criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 5, answerWithinSeconds = 60 };

    private static object Dna(string reference) =>
        new { reference, criteria = new { sampleTypes = new[] { "dna" } }, quantity = 5, answerWithinSeconds = 120 };

    private static JsonElement Biobank(JsonElement request, string biobankId) =>
        request.GetProperty("biobanks").EnumerateArray().Single(b => b.GetProperty("biobankId").GetString() == biobankId);

    private static string? Outcome(JsonElement request, string biobankId) =>
        request.GetProperty("biobanks").EnumerateArray()
            .Where(b => b.GetProperty("biobankId").GetString() == biobankId)
            .Select(b => b.GetProperty("outcome").GetString())
            .FirstOrDefault();

    private async Task<JsonElement> ListAsync(string apiKey, string query)
    {
        using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests" + (query.Length > 0 ? "?" + query : ""), apiKey, null);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"listing with '{query}' answered {(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task<List<string>> ListIdsAsync(string apiKey, string query) =>
        [.. (await ListAsync(apiKey, query)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!)];
}
