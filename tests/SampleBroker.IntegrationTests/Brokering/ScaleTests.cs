using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>Results with hundreds of biobanks stay within the table limits (one row per biobank).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class ScaleTests
{
    [Fact]
    public async Task A_request_to_a_hundred_and_fifty_biobanks_completes_with_every_answer_stored()
    {
        const int count = 150;
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);

        // One server answers for all of them; each is registered as its own biobank.
        await using var endpoint = await FakeBiobank.AnsweringAsync(2, price: 5m, leadTimeDays: 1);
        for (var i = 0; i < count; i++)
        {
            await api.RegisterAsync($"bb-many-{i:D3}", endpoint);
        }

        var apiKey = await api.CreateRequesterAsync("acme-dx");
        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "g-dna" } }, quantity = 250 });
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal(count, result.GetProperty("biobanks").GetArrayLength());
        Assert.All(result.GetProperty("biobanks").EnumerateArray(), b => Assert.Equal("Available", b.GetProperty("outcome").GetString()));
        Assert.Equal(2 * count, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.Equal(count, result.GetProperty("progress").GetProperty("biobanksAnswered").GetInt32());
        Assert.Equal(125, result.GetProperty("allocation").GetArrayLength());
        Assert.Equal(count, endpoint.Received.Count);
    }
}
