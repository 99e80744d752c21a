using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>
/// Input of the brokering orchestration: what every query asks (fixed once the request is accepted) and
/// the biobanks chosen at intake, so the fan-out is the orchestration's first step. The request's state
/// stays in Table storage.
/// </summary>
public sealed record BrokeringInput(
    string RequestId,
    DateTime DeadlineUtc,
    SampleCriteria Criteria,
    int Quantity,
    IReadOnlyList<BiobankTarget> Targets,
    CompletionCallbackPlan? Callback = null)
{
    /// <summary>The generation of the request this execution brokers; an execution of an older one does nothing.</summary>
    public int Generation { get; init; } = 1;
}

/// <summary>
/// Asks to begin brokering a generation: <paramref name="ExecutionToken"/> is the execution's own
/// (replay-safe) id, so a second execution of the same generation is told no.
/// </summary>
public sealed record BeginBrokeringInput(string RequestId, int Generation, string ExecutionToken);

/// <summary>How the requester's completion callback is retried: from the first wait, doubling, for a day.</summary>
public sealed record CompletionCallbackPlan(int FirstRetrySeconds);

/// <summary>One delivery attempt of the completion callback.</summary>
public sealed record CallbackAttemptInput(string RequestId, int Attempt);

/// <summary>A biobank the request goes to, and the id of the query it gets.</summary>
public sealed record BiobankTarget(string BiobankId, string QueryId);

/// <summary>Input of one biobank's query: everything the query says except what the registry holds.</summary>
public sealed record QueryInput(string RequestId, string BiobankId, string QueryId, DateTime DeadlineUtc, SampleCriteria Criteria, int Quantity)
{
    /// <summary>The generation the query belongs to; a restarted request's queries are new messages.</summary>
    public int Generation { get; init; } = 1;
}

/// <summary>What a query activity ended with; the outcome itself is already stored.</summary>
public sealed record QueryResult(string BiobankId, BiobankOutcome Outcome, bool AwaitingCallback);

/// <summary>How the orchestration stops waiting: <paramref name="CancelSignalled"/> when a cancel or terminate event came.</summary>
public sealed record CompletionInput(string RequestId, int Generation, bool CancelSignalled);
