using Microsoft.DurableTask;
using SampleBroker.Biobanks;
using SampleBroker.Requests;
using SampleBroker.Protocol.Vocabulary;
using SampleBroker.Vocabulary;

namespace SampleBroker.Orchestration;

/// <summary>
/// Picks the biobanks a request goes to (enabled, and with overlapping sample types when they declare
/// any) and stores a <c>Pending</c> row for each, so progress is visible from the first moment.
/// </summary>
public sealed class LoadEligibleBiobanksActivity(SampleRequestStore requests, BiobankStore biobanks) : TaskActivity<string, List<BiobankTarget>>
{
    public override async Task<List<BiobankTarget>> RunAsync(TaskActivityContext context, string input)
    {
        var request = await requests.GetRequestAsync(input, CancellationToken.None)
            ?? throw new InvalidOperationException($"Sample request {input} is not stored.");
        var registry = await biobanks.ListAsync(CancellationToken.None);
        var pending = registry
            .Where(b => IsEligible(b, request.Criteria.SampleTypes))
            .OrderBy(b => b.BiobankId, StringComparer.Ordinal)
            .Select(b => BiobankOffer.Pending(b.BiobankId, b.Name, b.Country, QueryIdFor(request.RequestId, b.BiobankId)))
            .ToList();
        await requests.AddContactedAsync(request.RequestId, pending, CancellationToken.None);
        return pending.Select(p => new BiobankTarget(p.BiobankId, p.QueryId)).ToList();
    }

    /// <summary>Enabled, and either accepting every query or sharing a sample type (or an ancestor or descendant of one).</summary>
    public static bool IsEligible(BiobankRecord biobank, IReadOnlyList<string> requestedTypes)
    {
        ArgumentNullException.ThrowIfNull(biobank);
        return biobank.Enabled
            && (biobank.SampleTypes is null || biobank.SampleTypes.Any(offered => requestedTypes.Any(wanted => Codes.SampleTypesOverlap(offered, wanted))));
    }

    /// <summary>URL-safe, unique per request and biobank, and the same on every run of the activity.</summary>
    public static string QueryIdFor(string requestId, string biobankId) => $"q_{requestId}_{biobankId}";
}
