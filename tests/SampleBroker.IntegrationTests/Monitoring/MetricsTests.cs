using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Monitoring;

/// <summary><c>GET /v1/admin/metrics</c> against what biobanks actually did (contract section 7).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class MetricsTests
{
    private static readonly TimeSpan SlowDelay = TimeSpan.FromMilliseconds(1500);

    [Fact]
    public async Task Metrics_and_the_health_table_agree_with_a_fast_a_slow_a_failing_and_a_silent_biobank()
    {
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__MaxAttemptsPerQuery"] = "2" });
        using var api = new BrokerApi(host.BaseAddress);
        await using var fast = await FakeBiobank.AnsweringAsync(10);
        await using var slow = await FakeBiobank.AnsweringAsync(5, delay: SlowDelay);
        await using var failing = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(StatusCodes.Status500InternalServerError)));
        await using var silent = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(StatusCodes.Status202Accepted)));
        await api.RegisterAsync("bb-fast", fast);
        await api.RegisterAsync("bb-slow", slow);
        await api.RegisterAsync("bb-failing", failing);
        await api.RegisterAsync("bb-silent", silent);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var body = new { criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 10, answerWithinSeconds = 15 };
        var requestIds = new[] { await api.SubmitAsync(apiKey, body), await api.SubmitAsync(apiKey, body) };
        var results = new List<JsonElement>();
        foreach (var requestId in requestIds)
        {
            results.Add(await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(60)));
        }

        // What the biobanks did, as the requests themselves report it.
        var offers = results.SelectMany(r => r.GetProperty("biobanks").EnumerateArray()).ToList();
        Assert.All(results, r => Assert.Equal("Completed", r.GetProperty("status").GetString()));
        Assert.True(fast.Received.Count == 2 && slow.Received.Count == 2, $"queries received: fast {fast.Received.Count}, slow {slow.Received.Count}; {string.Join("\n", results)}");
        Assert.All(offers.Where(o => o.GetProperty("biobankId").GetString() is "bb-fast" or "bb-slow"), o => Assert.Equal("Available", o.GetProperty("outcome").GetString()));
        Assert.All(offers.Where(o => o.GetProperty("biobankId").GetString() == "bb-failing"), o => Assert.Equal("Failed", o.GetProperty("outcome").GetString()));
        Assert.All(offers.Where(o => o.GetProperty("biobankId").GetString() == "bb-silent"), o => Assert.Equal("TimedOut", o.GetProperty("outcome").GetString()));
        var latencies = offers.Where(o => o.GetProperty("outcome").GetString() == "Available").Select(o => o.GetProperty("latencyMs").GetInt64()).Order().ToList();
        Assert.Equal(4, latencies.Count);

        // The last outcome is counted a moment after the request reads Completed: wait for all eight.
        var metrics = await Eventually.UntilAsync(
            () => GetAsync(api, "/api/v1/admin/metrics"),
            m => m.GetProperty("requests").GetProperty("completed").GetInt64() == 2
                && m.GetProperty("biobanks").EnumerateArray().Sum(b => b.GetProperty("health").GetProperty("queries").GetInt64()) == 8,
            TimeSpan.FromSeconds(20),
            "metrics counting both requests and all eight queries");

        var requests = metrics.GetProperty("requests");
        Assert.Equal(0, requests.GetProperty("brokering").GetInt64());
        Assert.Equal(0, requests.GetProperty("cancelled").GetInt64());
        Assert.Equal(0, requests.GetProperty("failed").GetInt64());
        Assert.Equal(0, requests.GetProperty("overdue").GetInt64());
        var health = metrics.GetProperty("biobanks").EnumerateArray().ToDictionary(b => b.GetProperty("biobankId").GetString()!, b => b.GetProperty("health"));
        Assert.Equal(["bb-failing", "bb-fast", "bb-silent", "bb-slow"], health.Keys.Order(StringComparer.Ordinal));
        AssertCounts(health["bb-fast"], queries: 2, answered: 2, timedOut: 0, failed: 0);
        AssertCounts(health["bb-slow"], queries: 2, answered: 2, timedOut: 0, failed: 0);
        AssertCounts(health["bb-failing"], queries: 2, answered: 0, timedOut: 0, failed: 2);
        AssertCounts(health["bb-silent"], queries: 2, answered: 0, timedOut: 2, failed: 0);
        Assert.True(health["bb-slow"].GetProperty("p50LatencyMs").GetInt32() >= SlowDelay.TotalMilliseconds, $"slow p50: {health["bb-slow"]}");
        Assert.True(health["bb-fast"].GetProperty("p50LatencyMs").GetInt32() < SlowDelay.TotalMilliseconds, $"fast p50: {health["bb-fast"]}");
        Assert.Equal(JsonValueKind.Null, health["bb-silent"].GetProperty("lastAnsweredAt").ValueKind);
        Assert.Equal(JsonValueKind.String, health["bb-fast"].GetProperty("lastAnsweredAt").ValueKind);

        Assert.Equal(0.5, metrics.GetProperty("answerRate").GetDouble(), precision: 9);

        // Nearest-rank median of the four answer times the requests show: the second smallest.
        Assert.Equal(latencies[1] / 1000.0, metrics.GetProperty("p50AnswerSeconds").GetDouble(), precision: 6);

        // The health table (GET /v1/admin/biobanks) shows the same health for each biobank.
        var table = (await GetAsync(api, "/api/v1/admin/biobanks")).GetProperty("items").EnumerateArray()
            .ToDictionary(b => b.GetProperty("biobankId").GetString()!, b => b.GetProperty("health"));
        foreach (var (biobankId, shown) in health)
        {
            Assert.Equal(shown.GetRawText(), table[biobankId].GetRawText());
        }
    }

    [Fact]
    public async Task A_request_brokering_more_than_60_seconds_past_its_deadline_counts_as_overdue_and_brokering()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);

        // An index row as the broker writes it for a request whose orchestration went missing two minutes ago,
        // and one still within its grace: only the first is overdue.
        var index = new TableClient(TestStorage.ConnectionString, host.Settings["SampleBroker__StoragePrefix"] + "SampleRequestIndex");
        await index.CreateIfNotExistsAsync();
        var now = DateTimeOffset.UtcNow;
        foreach (var (rowKey, deadline) in new[] { ("9-overdue", now.AddMinutes(-2)), ("9-late", now.AddSeconds(-10)) })
        {
            await index.AddEntityAsync(new TableEntity("~all", rowKey) { ["Status"] = "Brokering", ["Deadline"] = deadline, ["CreatedAt"] = deadline.AddMinutes(-1) });
        }

        var metrics = await GetAsync(api, "/api/v1/admin/metrics");

        Assert.Equal(2, metrics.GetProperty("requests").GetProperty("brokering").GetInt64());
        Assert.Equal(1, metrics.GetProperty("requests").GetProperty("overdue").GetInt64());
        Assert.Equal(0, metrics.GetProperty("requests").GetProperty("completed").GetInt64());
        Assert.Empty(metrics.GetProperty("biobanks").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("answerRate").ValueKind);
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("p50AnswerSeconds").ValueKind);
    }

    private static void AssertCounts(JsonElement health, long queries, long answered, long timedOut, long failed)
    {
        Assert.True(
            health.GetProperty("queries").GetInt64() == queries
            && health.GetProperty("answered").GetInt64() == answered
            && health.GetProperty("timedOut").GetInt64() == timedOut
            && health.GetProperty("failed").GetInt64() == failed,
            $"expected queries {queries}, answered {answered}, timedOut {timedOut}, failed {failed}; got {health}");
    }

    private static async Task<JsonElement> GetAsync(BrokerApi api, string path)
    {
        using var response = await api.SendAsync(HttpMethod.Get, path, LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
