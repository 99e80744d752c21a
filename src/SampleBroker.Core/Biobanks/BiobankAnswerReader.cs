using SampleBroker.Http;
using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Biobanks;

/// <summary>
/// Reads a biobank's answer under the contract's rules (section 5, "BiobankAnswer") and turns it into an
/// outcome, applying the biobank's small-count threshold so a hidden count is never stored.
/// </summary>
public static class BiobankAnswerReader
{
    /// <summary>The answer, or null with the reasons when it breaks the rules.</summary>
    public static (BiobankAnswer? Answer, IDictionary<string, string[]> Errors) Read(byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(raw);
        var fields = new JsonFields();
        if (raw.Length > JsonBody.MaxBytes)
        {
            fields.Add("$", $"must be at most {JsonBody.MaxBytes} bytes.");
            return (null, fields.Errors);
        }

        using var body = JsonBody.Parse(raw);
        if (body is null)
        {
            fields.Add("$", "must be well-formed JSON.");
            return (null, fields.Errors);
        }

        var root = body.Root;
        if (!fields.RequireObject(root, "$"))
        {
            return (null, fields.Errors);
        }

        var declined = fields.ReadBoolean(root, "declined", "declined") ?? false;
        var available = fields.ReadInteger(root, "availableSamples", "availableSamples", 0, 10_000_000, required: !declined);
        var price = fields.ReadDecimal(root, "pricePerSampleEur", "pricePerSampleEur", 0m, 1_000_000_000m);
        var leadTime = fields.ReadInteger(root, "leadTimeDays", "leadTimeDays", 0, 3650, required: false);
        var conditions = fields.ReadStringList(root, "conditions", "conditions", 0, 20, required: false, c => c.Length is > 0 and <= 100, "must be 1 to 100 characters long.");
        var validUntil = fields.ReadString(root, "validUntil", "validUntil", 1, 40, required: false);
        var declineReason = fields.ReadString(root, "declineReason", "declineReason", 0, 1000, required: false);
        if (fields.HasErrors)
        {
            return (null, fields.Errors);
        }

        return (new BiobankAnswer
        {
            AvailableSamples = (int?)available,
            PricePerSampleEur = price,
            LeadTimeDays = (int?)leadTime,
            Conditions = conditions,
            ValidUntil = validUntil,
            Declined = declined,
            DeclineReason = declineReason,
        }, fields.Errors);
    }

    /// <summary>The offer a valid answer makes (contract section 4, "outcome").</summary>
    public static BiobankOffer ToOffer(BiobankOffer pending, BiobankAnswer answer, int minReportableCount, DateTimeOffset answeredAt, long latencyMs)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(answer);
        var (outcome, count) = answer switch
        {
            { Declined: true } => (BiobankOutcome.Declined, (int?)null),
            { AvailableSamples: 0 } => (BiobankOutcome.NoMatch, 0),
            { AvailableSamples: var n } when n < minReportableCount => (BiobankOutcome.BelowReportingThreshold, null),
            _ => (BiobankOutcome.Available, answer.AvailableSamples),
        };

        var offersTerms = outcome == BiobankOutcome.Available;
        return pending with
        {
            Outcome = outcome,
            AvailableSamples = count,
            PricePerSampleEur = offersTerms ? answer.PricePerSampleEur : null,
            LeadTimeDays = offersTerms ? answer.LeadTimeDays : null,
            Conditions = offersTerms ? answer.Conditions : null,
            ValidUntil = offersTerms ? answer.ValidUntil : null,
            AnsweredAt = answeredAt,
            LatencyMs = latencyMs,
            Error = null,
        };
    }

    public static BiobankOffer Failed(BiobankOffer pending, string error, DateTimeOffset at, long? latencyMs)
    {
        ArgumentNullException.ThrowIfNull(pending);
        return pending with { Outcome = BiobankOutcome.Failed, Error = error, AnsweredAt = at, LatencyMs = latencyMs };
    }
}
