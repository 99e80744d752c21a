using System.Text.Json.Serialization;
using SampleBroker.Protocol;

namespace SampleBroker.Cli.Api;

/// <summary>
/// The request states of the contract (section 4). Kept as strings, not an enum, so a newer broker
/// with a state this client does not know still renders instead of failing to parse.
/// </summary>
public static class RequestStatuses
{
    public const string Brokering = "Brokering";
    public const string Completed = "Completed";
    public const string Cancelled = "Cancelled";
    public const string Failed = "Failed";

    public static IReadOnlyList<string> All { get; } = [Brokering, Completed, Cancelled, Failed];
}

/// <summary>Per-biobank outcomes of the contract (section 4).</summary>
public static class BiobankOutcomes
{
    public const string Pending = "Pending";
    public const string Available = "Available";
    public const string NoMatch = "NoMatch";
    public const string BelowReportingThreshold = "BelowReportingThreshold";
    public const string Declined = "Declined";
    public const string TimedOut = "TimedOut";
    public const string Failed = "Failed";
    public const string Cancelled = "Cancelled";
}

/// <summary>
/// <c>GET /v1/sample-requests/{requestId}</c>, and (without biobanks and allocation) an item of the
/// request list.
/// </summary>
public sealed record SampleRequestView
{
    public required string RequestId { get; init; }

    public string? OrganisationId { get; init; }

    public string? Reference { get; init; }

    public required string Status { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset Deadline { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public SampleCriteria? Criteria { get; init; }

    public int Quantity { get; init; }

    public RequestProgress Progress { get; init; } = new(0, 0, 0);

    public IReadOnlyList<BiobankRow> Biobanks { get; init; } = [];

    public RequestSummary? Summary { get; init; }

    public IReadOnlyList<AllocationLine> Allocation { get; init; } = [];

    [JsonIgnore]
    public bool IsBrokering => Status == RequestStatuses.Brokering;
}

/// <summary>One contacted biobank and what it answered.</summary>
public sealed record BiobankRow
{
    public required string BiobankId { get; init; }

    public string? Name { get; init; }

    public string? Country { get; init; }

    public required string Outcome { get; init; }

    public int? AvailableSamples { get; init; }

    public decimal? PricePerSampleEur { get; init; }

    public int? LeadTimeDays { get; init; }

    public IReadOnlyList<string>? Conditions { get; init; }

    public string? ValidUntil { get; init; }

    public DateTimeOffset? AnsweredAt { get; init; }

    public long? LatencyMs { get; init; }

    public string? Error { get; init; }
}

public sealed record RequestProgress(int BiobanksContacted, int BiobanksAnswered, int BiobanksPending);

public sealed record RequestSummary(int RequestedQuantity, int TotalAvailable, bool CanFulfil, int BiobanksWithSamples);

public sealed record AllocationLine(string BiobankId, int Quantity);

/// <summary>A page of <c>GET /v1/sample-requests</c>.</summary>
public sealed record SampleRequestPage(IReadOnlyList<SampleRequestView> Items, string? ContinuationToken);

/// <summary>The <c>202</c> of a submission, with the <c>Location</c> header resolved to an absolute URL.</summary>
public sealed record SubmitResult(string RequestId, string Status, Uri? Location);

/// <summary>A request as read, with the exact JSON the broker sent (for <c>--json</c>).</summary>
public sealed record RequestSnapshot(SampleRequestView Request, string Json);

/// <summary>Filters of <c>GET /v1/sample-requests</c>.</summary>
public sealed record RequestListQuery(string? Status = null, string? Reference = null, int? Top = null);

/// <summary>What <c>POST .../cancel</c> did.</summary>
public enum CancelOutcome
{
    /// <summary><c>202</c>: the request was brokering and is now cancelled.</summary>
    Cancelled,

    /// <summary><c>409</c>: the request had already finished; nothing changed.</summary>
    AlreadyFinished,
}

/// <summary>The answer to a cancel; <see cref="Problem"/> carries the broker's explanation of a <c>409</c>.</summary>
public sealed record CancelResult(CancelOutcome Outcome, string? Status, ApiProblem? Problem);

/// <summary>An RFC 9457 problem details body (contract section 0).</summary>
public sealed record ApiProblem(
    int Status,
    string Title,
    string? Detail,
    string? Type,
    IReadOnlyList<KeyValuePair<string, IReadOnlyList<string>>> Errors);
