using System.Text.Json.Serialization;

namespace SampleBroker.Biobanks;

/// <summary>A connected biobank as the staff API shows it; never carries a secret (contract section 3).</summary>
public record BiobankResource(
    string BiobankId,
    string Name,
    string Country,
    string EndpointUrl,
    bool Enabled,
    IReadOnlyList<string>? SampleTypes,
    int AnswerTimeoutSeconds,
    int MinReportableCount,
    BiobankHealth Health);

/// <summary>The answer to a creation: the stored biobank plus its signing secret, shown only here.</summary>
public sealed record CreatedBiobank(
    string BiobankId,
    string Name,
    string Country,
    string EndpointUrl,
    bool Enabled,
    IReadOnlyList<string>? SampleTypes,
    int AnswerTimeoutSeconds,
    int MinReportableCount,
    BiobankHealth Health,
    [property: JsonPropertyOrder(100)] string SigningSecret)
    : BiobankResource(BiobankId, Name, Country, EndpointUrl, Enabled, SampleTypes, AnswerTimeoutSeconds, MinReportableCount, Health);

/// <summary>
/// How a biobank has been doing (contract section 3, <c>health</c>). <see cref="Problem"/> is this
/// broker's addition: null while the registry row is usable, else why the biobank is skipped
/// (<c>misconfigured: ...</c>).
/// </summary>
public sealed record BiobankHealth(
    long Queries,
    long Answered,
    long TimedOut,
    long Failed,
    int? P50LatencyMs,
    int? P95LatencyMs,
    string Circuit,
    DateTimeOffset? LastAnsweredAt,
    string? Problem = null)
{
    /// <summary>Health of a biobank that has no final outcome yet.</summary>
    public static BiobankHealth NotYetMeasured { get; } = new(0, 0, 0, 0, null, null, "Closed", null);
}

/// <summary>What the broker stores about a biobank, secrets included; internal to the core.</summary>
public sealed record BiobankRecord(
    string BiobankId,
    string Name,
    string Country,
    string EndpointUrl,
    bool Enabled,
    IReadOnlyList<string>? SampleTypes,
    int AnswerTimeoutSeconds,
    int MinReportableCount,
    IReadOnlyList<string> SigningSecrets)
{
    /// <summary>Why the row cannot be used (a secret that cannot be decrypted, a broken field); null when it can. Such a biobank gets no queries.</summary>
    public string? Problem { get; init; }

    /// <summary>Whether the audit log already holds this row's <see cref="Problem"/>, so it is recorded once, not per submission.</summary>
    public bool ProblemNoted { get; init; }
}

/// <summary>Settings of a biobank as a staff member sends them with <c>PUT</c>.</summary>
public sealed record BiobankSettings(
    string Name,
    string Country,
    string EndpointUrl,
    bool Enabled,
    IReadOnlyList<string>? SampleTypes,
    int AnswerTimeoutSeconds,
    int MinReportableCount);
