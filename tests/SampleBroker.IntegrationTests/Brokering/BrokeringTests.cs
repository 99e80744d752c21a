using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;
using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>A sample request brokered end to end by the local host on Azurite.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class BrokeringTests
{
    private static readonly object Request150 = new
    {
        reference = "PO-2026-117",
        criteria = new
        {
            sampleTypes = new[] { "blood-serum" },
            diagnoses = new[] { "C50" },
            sex = new[] { "Female" },
            ageRange = new { min = 40, max = 70 },
            storageTemperatures = new[] { "temperature-60to-85" },
            useConditions = new[] { "CommercialUse" },
        },
        quantity = 150,
        answerWithinSeconds = 60,
    };

    [Fact]
    public async Task Request_to_three_biobanks_completes_with_their_offers_summary_and_allocation()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var torino = await FakeBiobank.AnsweringAsync(120, price: 35.0m, leadTimeDays: 14);
        await using var liege = await FakeBiobank.AnsweringAsync(80, price: 42.5m, leadTimeDays: 21);
        await using var oslo = await FakeBiobank.AnsweringAsync(0);
        await api.RegisterAsync("bb-torino", torino);
        await api.RegisterAsync("bb-liege", liege);
        await api.RegisterAsync("bb-oslo", oslo);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var requestId = await api.SubmitAsync(apiKey, Request150);
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));

        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal("acme-dx", result.GetProperty("organisationId").GetString());
        var outcomes = result.GetProperty("biobanks").EnumerateArray()
            .Select(b => (b.GetProperty("biobankId").GetString(), b.GetProperty("outcome").GetString(), b.GetProperty("availableSamples").GetInt32()))
            .ToList();
        Assert.Equal([("bb-liege", "Available", 80), ("bb-oslo", "NoMatch", 0), ("bb-torino", "Available", 120)], outcomes);

        var summary = result.GetProperty("summary");
        Assert.Equal(200, summary.GetProperty("totalAvailable").GetInt32());
        Assert.True(summary.GetProperty("canFulfil").GetBoolean());
        Assert.Equal(2, summary.GetProperty("biobanksWithSamples").GetInt32());
        var allocation = result.GetProperty("allocation").EnumerateArray()
            .Select(a => (a.GetProperty("biobankId").GetString(), a.GetProperty("quantity").GetInt32()))
            .ToList();
        Assert.Equal([("bb-torino", 120), ("bb-liege", 30)], allocation);
        Assert.Equal(JsonValueKind.String, result.GetProperty("completedAt").ValueKind);
        Assert.Equal(3, result.GetProperty("progress").GetProperty("biobanksAnswered").GetInt32());
    }

    [Fact]
    public async Task Each_biobank_gets_one_query_signed_with_its_own_secret_and_no_requester_identity()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var first = await FakeBiobank.AnsweringAsync(10);
        await using var second = await FakeBiobank.AnsweringAsync(20);
        await api.RegisterAsync("bb-first", first);
        await api.RegisterAsync("bb-second", second);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var requestId = await api.SubmitAsync(apiKey, Request150);
        await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));

        foreach (var (fake, biobankId) in new[] { (first, "bb-first"), (second, "bb-second") })
        {
            var query = Assert.Single(fake.Received);
            Assert.Equal(WebhookVerificationResult.Valid, query.Signature);
            Assert.Equal("sample-availability.query", query.Body.GetProperty("type").GetString());
            Assert.Equal(requestId, query.Body.GetProperty("requestId").GetString());
            Assert.Equal(150, query.Body.GetProperty("quantity").GetInt32());
            Assert.Equal("C50", query.Body.GetProperty("criteria").GetProperty("diagnoses")[0].GetString());
            var queryId = query.Body.GetProperty("queryId").GetString()!;
            Assert.Matches("^[A-Za-z0-9_-]+$", queryId);
            Assert.Equal($"{host.BaseAddress.ToString().TrimEnd('/')}/api/v1/biobanks/{biobankId}/answers/{queryId}", query.Body.GetProperty("callbackUrl").GetString());
            Assert.EndsWith("Z", query.Body.GetProperty("replyBy").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("acme-dx", query.Body.GetRawText(), StringComparison.Ordinal);
        }

        Assert.NotEqual(first.Received.Single().Body.GetProperty("queryId").GetString(), second.Received.Single().Body.GetProperty("queryId").GetString());
    }

    [Fact]
    public async Task A_biobank_registered_for_other_sample_types_is_not_contacted()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var plasma = await FakeBiobank.AnsweringAsync(50);
        await using var tissue = await FakeBiobank.AnsweringAsync(50);
        await api.RegisterAsync("bb-plasma", plasma, new { name = "Plasma", country = "IT", endpointUrl = plasma.EndpointUrl, sampleTypes = new[] { "plasma-edta" } });
        await api.RegisterAsync("bb-tissue", tissue, new { name = "Tissue", country = "IT", endpointUrl = tissue.EndpointUrl, sampleTypes = new[] { "tissue-ffpe" } });
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "blood-plasma" } }, quantity = 10 });
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));

        var contacted = Assert.Single(result.GetProperty("biobanks").EnumerateArray());
        Assert.Equal("bb-plasma", contacted.GetProperty("biobankId").GetString());
        Assert.Empty(tissue.Received);
    }

    [Fact]
    public async Task Another_organisations_request_is_not_found()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(5);
        await api.RegisterAsync("bb-one", biobank);
        var acme = await api.CreateRequesterAsync("acme-dx");
        var other = await api.CreateRequesterAsync("other-dx");
        var requestId = await api.SubmitAsync(acme, new { criteria = new { sampleTypes = new[] { "dna" } }, quantity = 1 });

        using var foreign = await api.SendAsync(HttpMethod.Get, $"/api/v1/sample-requests/{requestId}", other, null);
        using var unknown = await api.SendAsync(HttpMethod.Get, $"/api/v1/sample-requests/{Guid.NewGuid():N}", other, null);

        Assert.Equal(System.Net.HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(unknown.Content.Headers.ContentType?.MediaType, foreign.Content.Headers.ContentType?.MediaType);
        using var staff = await api.SendAsync(HttpMethod.Get, $"/api/v1/sample-requests/{requestId}", LocalHostProcess.StaffKey, null);
        Assert.Equal(System.Net.HttpStatusCode.OK, staff.StatusCode);
    }
}
