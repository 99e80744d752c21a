using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// <c>Idempotency-Key</c> on submit (contract section 4). Each test runs its own host and biobank, so "one query
/// in total" counts everything the host ever sent.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class IdempotencyTests
{
    private const string Body =
        "{\"reference\":\"PO-IDEM-1\",\"criteria\":{\"sampleTypes\":[\"blood-serum\"],\"sex\":[\"Female\"],\"ageRange\":{\"min\":40,\"max\":70}},\"quantity\":10,\"answerWithinSeconds\":60}";

    /// <summary>The same document as <see cref="Body"/>: other member order at every level, other whitespace.</summary>
    private const string SameBodyReordered =
        "{\n  \"answerWithinSeconds\" : 60,\r\n  \"quantity\": 10,\n\t\"criteria\": { \"ageRange\": { \"max\": 70, \"min\": 40 },  \"sex\": [ \"Female\" ], \"sampleTypes\": [ \"blood-serum\" ] },\n  \"reference\": \"PO-IDEM-1\"\n}\n";

    [Fact]
    public async Task Same_key_and_same_document_returns_the_same_request_and_starts_nothing_new()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(25);
        await api.RegisterAsync("bb-one", biobank);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        using var first = await SubmitAsync(api, apiKey, "order-2026-117", Body);
        var (requestId, location) = await AcceptedAsync(first);
        var finished = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));
        using var repeat = await SubmitAsync(api, apiKey, "order-2026-117", SameBodyReordered);
        var (repeatId, repeatLocation) = await AcceptedAsync(repeat);
        var sentinel = await WaitForSentinelAsync(api, apiKey);

        Assert.Equal(requestId, repeatId);
        Assert.Equal(location, repeatLocation);
        Assert.Equal($"/api/v1/sample-requests/{requestId}", location);
        var repeatBody = await repeat.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(finished.GetProperty("status").GetString(), repeatBody.GetProperty("status").GetString());
        Assert.Equal([requestId], QueriedRequests(biobank, except: sentinel));
        Assert.Single(await ListAsync(api, apiKey, "PO-IDEM-1"));
    }

    [Fact]
    public async Task Same_key_with_a_different_document_is_422_and_starts_nothing()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(25);
        await api.RegisterAsync("bb-one", biobank);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        using var first = await SubmitAsync(api, apiKey, "order-2026-118", Body);
        var (requestId, _) = await AcceptedAsync(first);
        using var different = await SubmitAsync(api, apiKey, "order-2026-118", Body.Replace("\"quantity\":10", "\"quantity\":11", StringComparison.Ordinal));
        using var differentOnlyInReference = await SubmitAsync(api, apiKey, "order-2026-118", Body.Replace("PO-IDEM-1", "PO-IDEM-2", StringComparison.Ordinal));
        await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));
        var sentinel = await WaitForSentinelAsync(api, apiKey);

        await ProblemAssertions.AssertProblemAsync(different, 422, "same key, other quantity");
        await ProblemAssertions.AssertProblemAsync(differentOnlyInReference, 422, "same key, other reference");
        Assert.Equal([requestId], await ListAsync(api, apiKey, "PO-IDEM-1"));
        Assert.Empty(await ListAsync(api, apiKey, "PO-IDEM-2"));
        Assert.Equal([requestId], QueriedRequests(biobank, except: sentinel));
    }

    [Fact]
    public async Task Ten_concurrent_submissions_with_one_key_make_one_request_and_one_query()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(25);
        await api.RegisterAsync("bb-one", biobank);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        using var start = new SemaphoreSlim(0);
        var submissions = Enumerable.Range(0, 10).Select(async _ =>
        {
            await start.WaitAsync();
            return await SubmitAsync(api, apiKey, "burst-1", Body);
        }).ToList();
        start.Release(10);
        var responses = await Task.WhenAll(submissions);
        try
        {
            var accepted = new List<(string RequestId, string Location)>();
            foreach (var response in responses)
            {
                accepted.Add(await AcceptedAsync(response));
            }

            var requestId = Assert.Single(accepted.Select(a => a.RequestId).Distinct());
            Assert.Single(accepted.Select(a => a.Location).Distinct());
            await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));
            var sentinel = await WaitForSentinelAsync(api, apiKey);

            Assert.Equal([requestId], await ListAsync(api, apiKey, "PO-IDEM-1"));
            Assert.Equal([requestId], QueriedRequests(biobank, except: sentinel));
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task The_same_key_used_by_two_organisations_makes_two_requests()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(25);
        await api.RegisterAsync("bb-one", biobank);
        var acme = await api.CreateRequesterAsync("acme-dx");
        var other = await api.CreateRequesterAsync("other-dx");

        using var fromAcme = await SubmitAsync(api, acme, "shared-key-1", Body);
        using var fromOther = await SubmitAsync(api, other, "shared-key-1", Body);
        var (acmeRequest, _) = await AcceptedAsync(fromAcme);
        var (otherRequest, _) = await AcceptedAsync(fromOther);
        await api.WaitUntilFinishedAsync(acme, acmeRequest, TimeSpan.FromSeconds(30));
        await api.WaitUntilFinishedAsync(other, otherRequest, TimeSpan.FromSeconds(30));

        Assert.NotEqual(acmeRequest, otherRequest);
        Assert.Equal("acme-dx", (await api.GetAsync(acme, acmeRequest)).GetProperty("organisationId").GetString());
        Assert.Equal("other-dx", (await api.GetAsync(other, otherRequest)).GetProperty("organisationId").GetString());
        Assert.Equal([acmeRequest], await ListAsync(api, acme, "PO-IDEM-1"));
        Assert.Equal([otherRequest], await ListAsync(api, other, "PO-IDEM-1"));
        Assert.Equal(new[] { acmeRequest, otherRequest }.Order(StringComparer.Ordinal), QueriedRequests(biobank).Order(StringComparer.Ordinal));
    }

    private static async Task<HttpResponseMessage> SubmitAsync(BrokerApi api, string apiKey, string idempotencyKey, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sample-requests");
        request.Headers.Add("X-Api-Key", apiKey);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        return await api.Http.SendAsync(request);
    }

    private static async Task<(string RequestId, string Location)> AcceptedAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"expected 202, got {(int)response.StatusCode}: {text}");
        var requestId = JsonDocument.Parse(text).RootElement.GetProperty("requestId").GetString()!;
        return (requestId, response.Headers.Location?.OriginalString ?? "");
    }

    /// <summary>
    /// Submits and finishes one more request without a key. The host handles work roughly in order, so a
    /// duplicate start of an earlier request would have queried the biobank by the time this one is done.
    /// </summary>
    private static async Task<string> WaitForSentinelAsync(BrokerApi api, string apiKey)
    {
        var sentinel = await api.SubmitAsync(apiKey, new { reference = "sentinel", criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 1 });
        await api.WaitUntilFinishedAsync(apiKey, sentinel, TimeSpan.FromSeconds(30));
        return sentinel;
    }

    /// <summary>The request ids of every query the biobank received, in arrival order.</summary>
    private static List<string> QueriedRequests(FakeBiobank biobank, string? except = null) =>
        [.. biobank.Received.Select(q => q.Body.GetProperty("requestId").GetString()!).Where(id => id != except)];

    private static async Task<List<string>> ListAsync(BrokerApi api, string apiKey, string reference)
    {
        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests?reference=" + Uri.EscapeDataString(reference), apiKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!)];
    }
}
