using Microsoft.Extensions.Logging;
using SampleBroker.Biobanks;
using SampleBroker.Monitoring;
using SampleBroker.Protocol.Vocabulary;
using SampleBroker.Vocabulary;

namespace SampleBroker.Requests;

/// <summary>
/// Chooses the biobanks a request goes to when it is accepted: enabled, usable, and with overlapping
/// sample types when they declare any. Choosing at intake stores every <c>Pending</c> row with the
/// request itself and lets the orchestration fan out in its first step. A biobank whose registry row
/// cannot be used (<see cref="BiobankRecord.Problem"/>) is skipped, never failing the submission, and
/// recorded once in the audit log for staff.
/// </summary>
public sealed partial class BiobankSelection(BiobankStore biobanks, AuditLog audit, ILogger<BiobankSelection> logger)
{
    /// <summary>A <c>Pending</c> offer for each eligible biobank, in biobank id order.</summary>
    public async Task<IReadOnlyList<BiobankOffer>> ChooseAsync(SampleRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var registry = await biobanks.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var broken in registry.Where(b => b.Problem is not null && !b.ProblemNoted))
        {
            await NoteProblemAsync(broken, cancellationToken).ConfigureAwait(false);
        }

        return registry
            .Where(b => IsEligible(b, request.Criteria.SampleTypes))
            .OrderBy(b => b.BiobankId, StringComparer.Ordinal)
            .Select(b => BiobankOffer.Pending(b.BiobankId, b.Name, b.Country, QueryId.Create(request.RequestId, b.BiobankId).ToString()))
            .ToList();
    }

    /// <summary>Enabled, usable, and either accepting every query or sharing a sample type (or an ancestor or descendant of one).</summary>
    public static bool IsEligible(BiobankRecord biobank, IReadOnlyList<string> requestedTypes)
    {
        ArgumentNullException.ThrowIfNull(biobank);
        return biobank.Enabled
            && biobank.Problem is null
            && (biobank.SampleTypes is null || biobank.SampleTypes.Any(offered => requestedTypes.Any(wanted => Codes.SampleTypesOverlap(offered, wanted))));
    }

    private async Task NoteProblemAsync(BiobankRecord broken, CancellationToken cancellationToken)
    {
        LogSkipped(broken.BiobankId, broken.Problem!);
        try
        {
            if (await biobanks.TryMarkProblemNotedAsync(broken.BiobankId, cancellationToken).ConfigureAwait(false))
            {
                await audit.RecordAsync(AuditLog.SystemActor, AuditActions.BiobankUnreadable, "biobank:" + broken.BiobankId, broken.Problem, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Azure.RequestFailedException e)
        {
            // The submission goes on without the broken biobank; the next one notes it.
            LogNoteFailed(e, broken.BiobankId);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Biobank {BiobankId} skipped: {Problem}")]
    private partial void LogSkipped(string biobankId, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record in the audit log that biobank {BiobankId} is skipped")]
    private partial void LogNoteFailed(Exception e, string biobankId);
}
