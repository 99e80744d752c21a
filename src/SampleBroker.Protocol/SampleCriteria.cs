using System.Text.Json.Serialization;

namespace SampleBroker.Protocol;

/// <summary>What a requester asks for; forwarded to biobanks as given (contract section 4).</summary>
public sealed record SampleCriteria
{
    public required IReadOnlyList<string> SampleTypes { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Diagnoses { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Sex { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AgeRange? AgeRange { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? StorageTemperatures { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? UseConditions { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? MinVolumeMicroliters { get; init; }
}

/// <summary>Donor age in years, both ends inclusive.</summary>
public sealed record AgeRange(int Min, int Max);
