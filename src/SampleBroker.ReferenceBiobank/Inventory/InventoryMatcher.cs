using System.Globalization;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Vocabulary;

namespace SampleBroker.ReferenceBiobank.Inventory;

/// <summary>
/// Decides which stock matches a query's criteria and turns it into a BiobankAnswer. Pure: the same
/// criteria, inventory and day always give the same answer.
/// </summary>
/// <remarks>
/// An optional criterion that is absent or an empty list does not filter. A criterion that is given
/// excludes entries that do not state the property it filters on (an entry without an age never
/// matches an age range).
/// </remarks>
public static class InventoryMatcher
{
    /// <summary>The contract's upper bound on <c>availableSamples</c> (section 5).</summary>
    public const int MaxAvailableSamples = 10_000_000;

    /// <summary>
    /// The answer for <paramref name="criteria"/>: the sum of the matching entries' counts, the union of
    /// their conditions (sorted), the inventory's price and lead time, and a <c>validUntil</c> of
    /// <paramref name="today"/> plus the inventory's <c>validForDays</c>.
    /// </summary>
    public static BiobankAnswer Answer(SampleCriteria criteria, BiobankInventory inventory, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentNullException.ThrowIfNull(inventory);

        long available = 0;
        var conditions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (InventoryEntry entry in inventory.Samples ?? [])
        {
            if (entry is not null && Matches(criteria, entry))
            {
                available += Math.Max(entry.Count, 0);
                conditions.UnionWith(entry.Conditions ?? []);
            }
        }

        return new BiobankAnswer
        {
            AvailableSamples = (int)Math.Min(available, MaxAvailableSamples),
            PricePerSampleEur = inventory.PricePerSampleEur,
            LeadTimeDays = inventory.LeadTimeDays,
            Conditions = [.. conditions],
            ValidUntil = today.AddDays(inventory.ValidForDays).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Declined = false,
        };
    }

    /// <summary>True when <paramref name="entry"/> satisfies every criterion given.</summary>
    public static bool Matches(SampleCriteria criteria, InventoryEntry entry)
    {
        ArgumentNullException.ThrowIfNull(criteria);
        ArgumentNullException.ThrowIfNull(entry);

        return MatchesSampleType(criteria.SampleTypes, entry.SampleType)
            && MatchesDiagnosis(criteria.Diagnoses, entry.Diagnosis)
            && IsInSetIfGiven(criteria.Sex, entry.Sex)
            && IsInSetIfGiven(criteria.StorageTemperatures, entry.StorageTemperature)
            && IsInRangeIfGiven(criteria.AgeRange, entry.Age)
            && (criteria.MinVolumeMicroliters is not { } minVolume || entry.VolumeMicroliters >= minVolume)
            && PermitsAllUses(criteria.UseConditions, entry.Conditions);
    }

    // The requester asks for a material; stock of a more specific kind of it is that material too
    // (plasma-edta is plasma), but not the reverse: unspecified plasma may not be EDTA plasma.
    private static bool MatchesSampleType(IReadOnlyList<string>? requested, string sampleType) =>
        requested is not null && requested.Any(code => code is not null && Codes.IsSameOrDescendant(sampleType, code));

    // A category (C50) covers its subcategories (C50.0 .. C50.99); a subcategory covers only itself.
    private static bool MatchesDiagnosis(IReadOnlyList<string>? requested, string? diagnosis)
    {
        if (requested is not { Count: > 0 })
        {
            return true;
        }

        if (diagnosis is null)
        {
            return false;
        }

        foreach (string code in requested)
        {
            if (code is null)
            {
                continue;
            }

            if (string.Equals(code, diagnosis, StringComparison.Ordinal))
            {
                return true;
            }

            bool isCategory = !code.Contains('.', StringComparison.Ordinal);
            if (isCategory
                && diagnosis.Length > code.Length
                && diagnosis[code.Length] == '.'
                && diagnosis.StartsWith(code, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsInSetIfGiven(IReadOnlyList<string>? requested, string? value) =>
        requested is not { Count: > 0 } || (value is not null && requested.Contains(value, StringComparer.Ordinal));

    private static bool IsInRangeIfGiven(AgeRange? range, int? age) =>
        range is null || (age is { } years && years >= range.Min && years <= range.Max);

    private static bool PermitsAllUses(IReadOnlyList<string>? requested, IReadOnlyList<string>? permitted) =>
        requested is not { Count: > 0 } || requested.All(use => permitted?.Contains(use, StringComparer.Ordinal) == true);
}
