using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Biobanks;

/// <summary>The biobank registry's staff routes: delete, secret rotation, secrets kept out of reads, health, endpoint policy (contract section 3).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RegistryTests
{
    private const string Answer = """{"availableSamples": 12, "declined": false}""";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly object Urine = new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 10, answerWithinSeconds = 60 };

    [Fact]
    public async Task A_deleted_biobank_gets_no_new_queries_disappears_from_reads_and_a_second_delete_is_404()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var kept = await FakeBiobank.AnsweringAsync(5, price: 10m, leadTimeDays: 7);
        await using var removed = await FakeBiobank.AnsweringAsync(7, price: 10m, leadTimeDays: 7);
        await api.RegisterAsync("bb-kept", kept);
        await api.RegisterAsync("bb-removed", removed);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        using var delete = await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/biobanks/bb-removed", LocalHostProcess.StaffKey, null);
        using var again = await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/biobanks/bb-removed", LocalHostProcess.StaffKey, null);
        using var unknown = await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/biobanks/bb-never-was", LocalHostProcess.StaffKey, null);
        using var asRequester = await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/biobanks/bb-kept", apiKey, null);
        using var read = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks/bb-removed", LocalHostProcess.StaffKey, null);
        var list = await ListAsync(api);
        var result = await api.WaitUntilFinishedAsync(apiKey, await api.SubmitAsync(apiKey, Urine), Patience);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await ProblemAssertions.AssertProblemAsync(again, 404, "second delete");
        await ProblemAssertions.AssertProblemAsync(unknown, 404, "unknown biobank");
        Assert.Equal(HttpStatusCode.Forbidden, asRequester.StatusCode);
        await ProblemAssertions.AssertProblemAsync(read, 404, "read after delete");
        Assert.Equal(["bb-kept"], list.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("biobankId").GetString()));
        Assert.Equal(["bb-kept"], result.GetProperty("biobanks").EnumerateArray().Select(b => b.GetProperty("biobankId").GetString()));
        Assert.Empty(removed.Received);
        Assert.Single(kept.Received);
    }

    [Fact]
    public async Task A_biobank_deleted_while_its_query_runs_may_still_answer_it_by_signed_callback()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var later = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(StatusCodes.Status202Accepted)));
        await api.RegisterAsync("bb-later", later);
        var apiKey = await api.CreateRequesterAsync("acme-dx");
        var requestId = await api.SubmitAsync(apiKey, Urine);
        var query = await FirstQueryAsync(later);

        using var delete = await api.SendAsync(HttpMethod.Delete, "/api/v1/admin/biobanks/bb-later", LocalHostProcess.StaffKey, null);
        using var callback = await FakeBiobank.CallBackAsync(api.Http, query.Body.GetProperty("callbackUrl").GetString()!, Answer, "msg-after-delete", later.SigningSecret!);
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, Patience);

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Equal("Available", result.GetProperty("biobanks")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task After_a_rotation_queries_carry_two_signatures_valid_with_either_secret_and_the_old_secret_still_signs_callbacks()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(StatusCodes.Status202Accepted)));
        await api.RegisterAsync("bb-rotating", biobank);
        var oldSecret = biobank.SigningSecret!;
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        using var rotate = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/biobanks/bb-rotating/rotate-secret", LocalHostProcess.StaffKey, null);
        var newSecret = (await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signingSecret").GetString()!;
        using var unknown = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/biobanks/bb-unknown/rotate-secret", LocalHostProcess.StaffKey, null);
        var requestId = await api.SubmitAsync(apiKey, Urine);
        var query = await FirstQueryAsync(biobank);
        using var callback = await FakeBiobank.CallBackAsync(api.Http, query.Body.GetProperty("callbackUrl").GetString()!, Answer, "msg-old-secret", oldSecret);
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, Patience);

        Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
        Assert.StartsWith("whsec_", newSecret, StringComparison.Ordinal);
        Assert.NotEqual(oldSecret, newSecret);
        await ProblemAssertions.AssertProblemAsync(unknown, 404, "rotate unknown");
        Assert.Equal(2, query.SignatureHeader!.Split(' ', StringSplitOptions.RemoveEmptyEntries).Count(s => s.StartsWith("v1,", StringComparison.Ordinal)));
        Assert.Equal(WebhookVerificationResult.Valid, query.VerifyWith(oldSecret));
        Assert.Equal(WebhookVerificationResult.Valid, query.VerifyWith(newSecret));
        Assert.Equal(HttpStatusCode.OK, callback.StatusCode);
        Assert.Equal("Available", result.GetProperty("biobanks")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Secrets_appear_only_in_the_creation_and_rotation_answers_never_in_reads()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(1, price: 10m, leadTimeDays: 7);
        await api.RegisterAsync("bb-quiet", biobank);
        using var rotate = await api.SendAsync(HttpMethod.Post, "/api/v1/admin/biobanks/bb-quiet/rotate-secret", LocalHostProcess.StaffKey, null);
        var rotated = (await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signingSecret").GetString()!;

        using var update = await api.SendAsync(HttpMethod.Put, "/api/v1/admin/biobanks/bb-quiet", LocalHostProcess.StaffKey, new { name = "Renamed", country = "IT", endpointUrl = biobank.EndpointUrl });
        using var one = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks/bb-quiet", LocalHostProcess.StaffKey, null);
        using var all = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", LocalHostProcess.StaffKey, null);

        foreach (var (name, response) in new[] { ("update", update), ("get", one), ("list", all) })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain("whsec_", text, StringComparison.Ordinal);
            Assert.DoesNotContain("ecret", text, StringComparison.Ordinal);
            Assert.DoesNotContain(rotated[6..], text, StringComparison.Ordinal);
            Assert.DoesNotContain(biobank.SigningSecret![6..], text, StringComparison.Ordinal);
            Assert.True(text.Contains("\"health\"", StringComparison.Ordinal), $"{name} has no health: {text}");
        }

        Assert.DoesNotContain(rotated, host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(biobank.SigningSecret!, host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_counts_answers_failures_and_latencies_per_biobank_and_shows_an_open_circuit()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var fast = await FakeBiobank.AnsweringAsync(5, price: 10m, leadTimeDays: 7, delay: TimeSpan.FromMilliseconds(50));
        await using var none = await FakeBiobank.AnsweringAsync(0, price: 10m, leadTimeDays: 7);
        await using var broken = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(500)));
        await api.RegisterAsync("bb-fast", fast);
        await api.RegisterAsync("bb-none", none);
        await api.RegisterAsync("bb-broken", broken);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        for (var i = 0; i < 3; i++)
        {
            await api.WaitUntilFinishedAsync(apiKey, await api.SubmitAsync(apiKey, Urine), Patience);
        }

        var list = await ListAsync(api);
        var health = list.GetProperty("items").EnumerateArray().ToDictionary(b => b.GetProperty("biobankId").GetString()!, b => b.GetProperty("health"));
        using var single = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks/bb-fast", LocalHostProcess.StaffKey, null);
        var fastHealth = (await single.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("health");

        foreach (var id in new[] { "bb-fast", "bb-none" })
        {
            var h = health[id];
            Assert.Equal(3, h.GetProperty("queries").GetInt64());
            Assert.Equal(3, h.GetProperty("answered").GetInt64());
            Assert.Equal(0, h.GetProperty("failed").GetInt64());
            Assert.Equal(0, h.GetProperty("timedOut").GetInt64());
            Assert.InRange(h.GetProperty("p50LatencyMs").GetInt32(), 0, 30_000);
            Assert.True(h.GetProperty("p95LatencyMs").GetInt32() >= h.GetProperty("p50LatencyMs").GetInt32());
            Assert.Equal("Closed", h.GetProperty("circuit").GetString());
            Assert.Equal(JsonValueKind.String, h.GetProperty("lastAnsweredAt").ValueKind);
        }

        Assert.InRange(health["bb-fast"].GetProperty("p50LatencyMs").GetInt32(), 50, 30_000);
        Assert.Equal(health["bb-fast"].ToString(), fastHealth.ToString());
        var b = health["bb-broken"];
        Assert.Equal(3, b.GetProperty("queries").GetInt64());
        Assert.Equal(3, b.GetProperty("failed").GetInt64());
        Assert.Equal(0, b.GetProperty("answered").GetInt64());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("p50LatencyMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, b.GetProperty("lastAnsweredAt").ValueKind);

        // Four attempts for each of the first two requests trip the breaker (8 calls, all failing); the third is refused at once.
        Assert.Equal("Open", b.GetProperty("circuit").GetString());
        Assert.Equal(8, broken.Received.Count);
    }

    [Fact]
    public async Task Without_insecure_endpoints_a_biobank_or_callback_url_that_is_plain_http_or_internal_is_400()
    {
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["SampleBroker__AllowInsecureBiobankEndpoints"] = "false",
            ["SampleBroker__AllowInsecureCallbackUrls"] = "false",
        });
        using var api = new BrokerApi(host.BaseAddress);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        // Address literals only: the machine has no network, and a public name would not resolve.
        foreach (var url in new[]
        {
            "http://127.0.0.1:9/query", "https://127.0.0.1/", "https://10.1.2.3/", "https://[::1]/", "https://169.254.169.254/latest/meta-data", "https://192.168.1.10:8443/q",
            "https://100.64.0.1/", "https://198.18.0.1/", "https://168.63.129.16/", "https://[64:ff9b::a00:1]/", "https://[2002:a00:1::1]/", "https://[fd00:ec2::254]/",
        })
        {
            using var put = await api.SendAsync(HttpMethod.Put, "/api/v1/admin/biobanks/bb-internal", LocalHostProcess.StaffKey, new { name = "Internal", country = "IT", endpointUrl = url });
            using var submit = await api.SendAsync(HttpMethod.Post, "/api/v1/sample-requests", apiKey, new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 1, callbackUrl = url });

            var putProblem = await ProblemAssertions.AssertProblemAsync(put, 400, "PUT " + url);
            Assert.True(putProblem.GetProperty("errors").TryGetProperty("endpointUrl", out _), putProblem.ToString());
            var submitProblem = await ProblemAssertions.AssertProblemAsync(submit, 400, "submit " + url);
            Assert.True(submitProblem.GetProperty("errors").TryGetProperty("callbackUrl", out _), submitProblem.ToString());
        }

        var list = await ListAsync(api);
        Assert.Empty(list.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Allowing_insecure_biobank_endpoints_leaves_requesters_callback_urls_guarded()
    {
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["SampleBroker__AllowInsecureBiobankEndpoints"] = "true",
            ["SampleBroker__AllowInsecureCallbackUrls"] = "false",
        });
        using var api = new BrokerApi(host.BaseAddress);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        using var put = await api.SendAsync(HttpMethod.Put, "/api/v1/admin/biobanks/bb-local", LocalHostProcess.StaffKey, new { name = "Local", country = "IT", endpointUrl = "http://127.0.0.1:9/query" });
        using var submit = await api.SendAsync(HttpMethod.Post, "/api/v1/sample-requests", apiKey, new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 1, callbackUrl = "http://127.0.0.1:9/hooks" });

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        var problem = await ProblemAssertions.AssertProblemAsync(submit, 400, "submit with a loopback callbackUrl");
        Assert.True(problem.GetProperty("errors").TryGetProperty("callbackUrl", out _), problem.ToString());
    }

    private static async Task<JsonElement> ListAsync(BrokerApi api)
    {
        using var list = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        return await list.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<ReceivedQuery> FirstQueryAsync(FakeBiobank biobank)
    {
        var query = await Eventually.UntilAsync(
            () => Task.FromResult(biobank.Received.TryPeek(out var q) ? q : null),
            q => q is not null,
            Patience,
            "the biobank was queried");
        return query!;
    }
}
