using System.Text.Json;
using SampleBroker.Protocol;

namespace SampleBroker.ReferenceBiobank.Inventory;

/// <summary>
/// A biobank's stock as the adapter reads it from its inventory file: sample groups plus the
/// commercial terms that go into every answer.
/// </summary>
public sealed record BiobankInventory
{
    /// <summary>The contract's limits on an answer's <c>conditions</c> (section 5).</summary>
    public const int MaxConditions = 20;

    private const int MaxConditionLength = 100;
    private const int MaxLeadTimeDays = 3650;

    public IReadOnlyList<InventoryEntry>? Samples { get; init; }

    public decimal? PricePerSampleEur { get; init; }

    public int? LeadTimeDays { get; init; }

    /// <summary>Days from today an answer stays valid (its <c>validUntil</c>).</summary>
    public int ValidForDays { get; init; } = 30;

    /// <summary>
    /// Reads and checks an inventory file. Problems are added to <paramref name="problems"/>, each
    /// prefixed with <paramref name="label"/>, and <c>null</c> is returned.
    /// </summary>
    public static BiobankInventory? TryLoad(string path, List<string> problems, string label)
    {
        ArgumentNullException.ThrowIfNull(problems);

        BiobankInventory? inventory;
        try
        {
            inventory = JsonSerializer.Deserialize<BiobankInventory>(File.ReadAllBytes(path), ProtocolJson.Options);
        }
        catch (JsonException exception)
        {
            problems.Add($"{label}: inventory file '{path}' is not a valid inventory ({exception.Message}).");
            return null;
        }

        if (inventory is null)
        {
            problems.Add($"{label}: inventory file '{path}' is empty (null).");
            return null;
        }

        int before = problems.Count;
        foreach (string problem in inventory.Check())
        {
            problems.Add($"{label}: inventory file '{path}': {problem}");
        }

        return problems.Count == before ? inventory : null;
    }

    /// <summary>
    /// Checks that every answer computed from this inventory is valid under the contract, so that a
    /// mistake in the file shows at startup rather than as "invalid answer" on the broker's side.
    /// </summary>
    public IEnumerable<string> Check()
    {
        if (PricePerSampleEur < 0)
        {
            yield return "pricePerSampleEur must not be negative.";
        }

        if (LeadTimeDays is < 0 or > MaxLeadTimeDays)
        {
            yield return $"leadTimeDays must be between 0 and {MaxLeadTimeDays}.";
        }

        if (ValidForDays is < 0 or > MaxLeadTimeDays)
        {
            yield return $"validForDays must be between 0 and {MaxLeadTimeDays}.";
        }

        IReadOnlyList<InventoryEntry> samples = Samples ?? [];
        for (int i = 0; i < samples.Count; i++)
        {
            InventoryEntry? entry = samples[i];
            if (entry is null)
            {
                yield return $"samples[{i}] is null.";
                continue;
            }

            if (string.IsNullOrWhiteSpace(entry.SampleType))
            {
                yield return $"samples[{i}].sampleType is missing.";
            }

            if (entry.Count < 0)
            {
                yield return $"samples[{i}].count must not be negative.";
            }

            if (entry.Conditions?.Any(condition => string.IsNullOrEmpty(condition) || condition.Length > MaxConditionLength) == true)
            {
                yield return $"samples[{i}].conditions must be non-empty strings of at most {MaxConditionLength} characters.";
            }
        }

        // An answer's conditions are the union over the matching entries, so bounding the union over
        // all entries bounds every answer.
        int distinct = samples.SelectMany(entry => entry?.Conditions ?? []).Distinct(StringComparer.Ordinal).Count();
        if (distinct > MaxConditions)
        {
            yield return $"the samples carry {distinct} distinct conditions; an answer may carry at most {MaxConditions}.";
        }
    }
}

/// <summary>A group of identical samples in stock: what they are, from whom, how stored, under which terms.</summary>
public sealed record InventoryEntry
{
    /// <summary>A sample material type code of the vocabulary (e.g. <c>plasma-edta</c>).</summary>
    public string SampleType { get; init; } = "";

    /// <summary>ICD-10 code, category (<c>C50</c>) or subcategory (<c>C50.9</c>).</summary>
    public string? Diagnosis { get; init; }

    public string? Sex { get; init; }

    /// <summary>Donor age in years at collection.</summary>
    public int? Age { get; init; }

    public string? StorageTemperature { get; init; }

    public int? VolumeMicroliters { get; init; }

    /// <summary>Uses the donors' consent and the biobank permit, plus any terms the biobank attaches.</summary>
    public IReadOnlyList<string>? Conditions { get; init; }

    /// <summary>Number of samples in this group.</summary>
    public int Count { get; init; }
}
