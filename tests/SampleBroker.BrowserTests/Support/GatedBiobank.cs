using Microsoft.AspNetCore.Http;
using SampleBroker.Testing;

namespace SampleBroker.BrowserTests.Support;

/// <summary>
/// A biobank that holds every query until the test opens its gate, then answers with its samples, so a
/// test decides when each answer arrives and can watch the console show them one by one.
/// </summary>
public sealed class GatedBiobank : IAsyncDisposable
{
    private readonly TaskCompletionSource gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private GatedBiobank(string biobankId) => BiobankId = biobankId;

    public string BiobankId { get; }

    public FakeBiobank Fake { get; private set; } = null!;

    public static async Task<GatedBiobank> StartAsync(string biobankId, int availableSamples)
    {
        var biobank = new GatedBiobank(biobankId);
        biobank.Fake = await FakeBiobank.StartAsync(async (_, ct) =>
        {
            await biobank.gate.Task.WaitAsync(ct);
            return Results.Json(new { availableSamples, pricePerSampleEur = 30.0m, leadTimeDays = 14, conditions = new[] { "CommercialUse" }, validUntil = "2027-06-30", declined = false });
        });
        return biobank;
    }

    /// <summary>Lets every held query and every later one through.</summary>
    public void Open() => gate.TrySetResult();

    /// <summary>Registers it with the broker for one sample type, with the longest answer timeout, so a held query is one attempt.</summary>
    public Task RegisterAsync(BrokerApi api, string sampleType) =>
        api.RegisterAsync(BiobankId, Fake, new
        {
            name = "Biobank " + BiobankId[3..],
            country = "IT",
            endpointUrl = Fake.EndpointUrl,
            sampleTypes = new[] { sampleType },
            answerTimeoutSeconds = 60,
        });

    public async ValueTask DisposeAsync()
    {
        // Held queries end with an answer at once, so the server stops without waiting for them.
        Open();
        await Fake.DisposeAsync();
    }
}
