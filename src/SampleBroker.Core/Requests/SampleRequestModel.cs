using System.Text.Json.Serialization;
using SampleBroker.Protocol;

namespace SampleBroker.Requests;

/// <summary>Where a sample request stands (contract section 4, "Read").</summary>
public enum RequestStatus
{
    Brokering,
    Completed,
    Cancelled,
    Failed,
}

/// <summary>One contacted biobank's outcome (contract section 4, "Read").</summary>
public enum BiobankOutcome
{
    Pending,
    Available,
    NoMatch,
    BelowReportingThreshold,
    Declined,
    TimedOut,
    Failed,
    Cancelled,
}

/// <summary>The stored request, without its per-biobank rows.</summary>
public sealed record SampleRequestRecord(
    string RequestId,
    string OrganisationId,
    string? Reference,
    RequestStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? CompletedAt,
    SampleCriteria Criteria,
    int Quantity,
    string? CallbackUrl,
    int? BiobanksContacted)
{
    /// <summary>Which brokering run of the request is current: 1 at intake, one more for each restart or takeover.</summary>
    public int Generation { get; init; } = 1;

    /// <summary>When the current generation's start was claimed; a claim with no execution after a while is stale.</summary>
    public DateTimeOffset? StartClaimedAt { get; init; }

    /// <summary>When the orchestration of <see cref="ScheduledGeneration"/> was handed to the engine; null until a schedule call returned.</summary>
    public DateTimeOffset? StartScheduledAt { get; init; }

    /// <summary>The generation whose schedule call returned last; the current one's start is scheduled when they agree.</summary>
    public int? ScheduledGeneration { get; init; }

    /// <summary>The execution that began brokering the current generation; null until one has.</summary>
    public string? ExecutionToken { get; init; }

    /// <summary>Why the request left <c>Brokering</c>; null while it is brokering.</summary>
    public EndReason? EndReason { get; init; }

    /// <summary>A short phrase for staff on why it ended so (a failure's cause); never a stack trace.</summary>
    public string? EndDetail { get; init; }

    /// <summary>The requester's answer window, kept for a restart's new deadline.</summary>
    public int AnswerWithinSeconds { get; init; }

    /// <summary>The stored row's ETag when it was read, for conditional transitions.</summary>
    [JsonIgnore]
    public Azure.ETag ETag { get; init; }

    /// <summary>The orchestration instance of the current generation: the request id itself at first.</summary>
    public string InstanceId => RequestLifecycle.InstanceIdOf(RequestId, Generation);
}

/// <summary>A contacted biobank and what it answered, as the API lists it.</summary>
public sealed record BiobankOffer(
    string BiobankId,
    string Name,
    string Country,
    BiobankOutcome Outcome,
    int? AvailableSamples,
    decimal? PricePerSampleEur,
    int? LeadTimeDays,
    IReadOnlyList<string>? Conditions,
    string? ValidUntil,
    DateTimeOffset? AnsweredAt,
    long? LatencyMs,
    string? Error)
{
    /// <summary>The query sent to this biobank; internal, never shown to requesters.</summary>
    [JsonIgnore]
    public string QueryId { get; init; } = "";

    [JsonIgnore]
    public bool IsFinal => Outcome != BiobankOutcome.Pending;

    /// <summary>When the query that the biobank accepted to answer later (<c>202</c>) was sent; for the callback's latency.</summary>
    [JsonIgnore]
    public DateTimeOffset? QuerySentAt { get; init; }

    /// <summary>The stored row's ETag when this offer was read, so recording an outcome on it takes one write.</summary>
    [JsonIgnore]
    public Azure.ETag? RowETag { get; init; }

    /// <summary>The <c>webhook-id</c> of the callback whose answer was accepted, so a redelivery is recognised.</summary>
    [JsonIgnore]
    public string? AnswerMessageId { get; init; }

    /// <summary>A contacted biobank that has not answered yet.</summary>
    public static BiobankOffer Pending(string biobankId, string name, string country, string queryId) =>
        new(biobankId, name, country, BiobankOutcome.Pending, null, null, null, null, null, null, null, null) { QueryId = queryId };
}

public sealed record RequestProgress(int BiobanksContacted, int BiobanksAnswered, int BiobanksPending);

public sealed record RequestSummary(int RequestedQuantity, int TotalAvailable, bool CanFulfil, int BiobanksWithSamples);

public sealed record AllocationLine(string BiobankId, int Quantity);

/// <summary>The one-stop-shop answer: <c>GET /v1/sample-requests/{requestId}</c>.</summary>
public sealed record SampleRequestResource(
    string RequestId,
    string OrganisationId,
    string? Reference,
    RequestStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? CompletedAt,
    SampleCriteria Criteria,
    int Quantity,
    RequestProgress Progress,
    IReadOnlyList<BiobankOffer> Biobanks,
    RequestSummary Summary,
    IReadOnlyList<AllocationLine> Allocation);

/// <summary>A request in a list: the one-stop-shop answer without the per-biobank detail and allocation.</summary>
public sealed record SampleRequestListItem(
    string RequestId,
    string OrganisationId,
    string? Reference,
    RequestStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset Deadline,
    DateTimeOffset? CompletedAt,
    SampleCriteria Criteria,
    int Quantity,
    RequestProgress Progress,
    RequestSummary Summary)
{
    public static SampleRequestListItem From(SampleRequestResource r)
    {
        ArgumentNullException.ThrowIfNull(r);
        return new(r.RequestId, r.OrganisationId, r.Reference, r.Status, r.CreatedAt, r.Deadline, r.CompletedAt, r.Criteria, r.Quantity, r.Progress, r.Summary);
    }
}

/// <summary>A page of requests (<c>GET /v1/sample-requests</c>).</summary>
public sealed record SampleRequestPage(IReadOnlyList<SampleRequestListItem> Items, string? ContinuationToken);

/// <summary>The answer to a submission (<c>202</c>).</summary>
public sealed record SubmitAccepted(string RequestId, RequestStatus Status);

/// <summary>
/// The staff list's filters (contract section 7). <paramref name="OverdueAt"/> keeps only requests still
/// brokering whose deadline is before it; <paramref name="After"/> is the continuation token.
/// </summary>
public sealed record AdminListFilter(
    RequestStatus? Status, string? OrganisationId, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, DateTimeOffset? OverdueAt, int Top, string? After);

/// <summary>Requests by status across organisations; <c>Overdue</c> counts those brokering more than 60 s past their deadline.</summary>
public sealed record RequestCounts(long Brokering, long Completed, long Cancelled, long Failed, long Overdue);
