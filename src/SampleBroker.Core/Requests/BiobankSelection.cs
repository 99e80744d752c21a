using SampleBroker.Biobanks;
using SampleBroker.Protocol.Vocabulary;
using SampleBroker.Vocabulary;

namespace SampleBroker.Requests;

/// <summary>
/// Chooses the biobanks a request goes to when it is accepted: enabled, and with overlapping sample types
/// when they declare any. Choosing at intake stores every <c>Pending</c> row with the request itself and
/// lets the orchestration fan out in its first step.
/// </summary>
public sealed class BiobankSelection(BiobankStore biobanks)
{
    /// <summary>A <c>Pending</c> offer for each eligible biobank, in biobank id order.</summary>
    public async Task<IReadOnlyList<BiobankOffer>> ChooseAsync(SampleRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registry = await biobanks.ListAsync(cancellationToken).ConfigureAwait(false);
        return registry
            .Where(b => IsEligible(b, request.Criteria.SampleTypes))
            .OrderBy(b => b.BiobankId, StringComparer.Ordinal)
            .Select(b => BiobankOffer.Pending(b.BiobankId, b.Name, b.Country, QueryId.Create(request.RequestId, b.BiobankId).ToString()))
            .ToList();
    }

    /// <summary>Enabled, and either accepting every query or sharing a sample type (or an ancestor or descendant of one).</summary>
    public static bool IsEligible(BiobankRecord biobank, IReadOnlyList<string> requestedTypes)
    {
        ArgumentNullException.ThrowIfNull(biobank);
        return biobank.Enabled
            && (biobank.SampleTypes is null || biobank.SampleTypes.Any(offered => requestedTypes.Any(wanted => Codes.SampleTypesOverlap(offered, wanted))));
    }
}
