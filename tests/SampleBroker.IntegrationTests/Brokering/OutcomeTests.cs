using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>The outcomes of contract section 4 that come from what a biobank answers.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class OutcomeTests
{
    [Fact]
    public async Task Declined_below_threshold_and_invalid_answers_get_their_outcomes_and_stay_out_of_totals_and_allocation()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var declining = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.Json(new { declined = true, declineReason = "no capacity this quarter" })));
        await using var small = await FakeBiobank.AnsweringAsync(3, price: 10m, leadTimeDays: 2);
        await using var garbage = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.Text("<html>oops</html>", "text/html")));
        await using var plenty = await FakeBiobank.AnsweringAsync(40, price: 25m, leadTimeDays: 7);
        await api.RegisterAsync("bb-declining", declining);
        await api.RegisterAsync("bb-small", small, new { name = "Small", country = "FI", endpointUrl = small.EndpointUrl, minReportableCount = 5 });
        await api.RegisterAsync("bb-garbage", garbage);
        await api.RegisterAsync("bb-plenty", plenty);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "rna" } }, quantity = 20 });
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(60));

        var byId = result.GetProperty("biobanks").EnumerateArray().ToDictionary(b => b.GetProperty("biobankId").GetString()!);
        Assert.Equal("Declined", byId["bb-declining"].GetProperty("outcome").GetString());
        Assert.Equal("BelowReportingThreshold", byId["bb-small"].GetProperty("outcome").GetString());
        Assert.Equal(JsonValueKind.Null, byId["bb-small"].GetProperty("availableSamples").ValueKind);
        Assert.Equal(JsonValueKind.Null, byId["bb-small"].GetProperty("pricePerSampleEur").ValueKind);
        Assert.Equal("Failed", byId["bb-garbage"].GetProperty("outcome").GetString());
        Assert.Equal("invalid answer", byId["bb-garbage"].GetProperty("error").GetString());
        Assert.Equal("Available", byId["bb-plenty"].GetProperty("outcome").GetString());
        Assert.Equal(40, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.Equal(1, result.GetProperty("summary").GetProperty("biobanksWithSamples").GetInt32());
        var line = Assert.Single(result.GetProperty("allocation").EnumerateArray());
        Assert.Equal("bb-plenty", line.GetProperty("biobankId").GetString());
        Assert.Equal(20, line.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task A_request_that_no_enabled_biobank_can_serve_completes_at_once_and_cannot_fulfil()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var disabled = await FakeBiobank.AnsweringAsync(99);
        await api.RegisterAsync("bb-disabled", disabled, new { name = "Off", country = "IT", endpointUrl = disabled.EndpointUrl, enabled = false });
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "swab" } }, quantity = 5 });
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));

        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Empty(result.GetProperty("biobanks").EnumerateArray());
        Assert.False(result.GetProperty("summary").GetProperty("canFulfil").GetBoolean());
        Assert.Empty(disabled.Received);
    }
}
