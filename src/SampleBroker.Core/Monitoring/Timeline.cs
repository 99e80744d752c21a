using System.Globalization;
using Azure.Data.Tables;

namespace SampleBroker.Monitoring;

/// <summary>The events of a request's timeline (contract section 7), in biobank terms rather than raw history.</summary>
public static class TimelineEvents
{
    public const string Submitted = "submitted";
    public const string QuerySent = "querySent";
    public const string AttemptFailed = "attemptFailed";
    public const string AnswerReceived = "answerReceived";
    public const string SignatureRejected = "signatureRejected";
    public const string LateAnswer = "lateAnswer";
    public const string DuplicateAnswer = "duplicateAnswer";
    public const string TimedOut = "timedOut";
    public const string CircuitOpen = "circuitOpen";
    public const string Cancelled = "cancelled";
    public const string Terminated = "terminated";
    public const string Restarted = "restarted";
    public const string Repaired = "repaired";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string CallbackDelivered = "callbackDelivered";
    public const string CallbackFailed = "callbackFailed";
}

/// <summary>One event of a request's timeline. <paramref name="Detail"/> is short text for a person, never a secret or a body.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Event, string? BiobankId, string? Detail);

/// <summary>
/// How timeline events are stored: rows in the request's own partition of the requests table, keyed
/// oldest first, so an event can share a table transaction with the row change it describes (no extra
/// round trip on the hot path) and goes when the request is purged.
/// </summary>
public static class TimelineRows
{
    /// <summary>Every timeline row key starts with this; it sorts after the request's other rows.</summary>
    public const string Prefix = "tl-";

    /// <summary>A new row for <paramref name="entry"/>; a random tail keeps events of the same tick apart.</summary>
    public static TableEntity ToEntity(string requestId, TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new TableEntity(requestId, Prefix + entry.At.UtcTicks.ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8])
        {
            ["At"] = entry.At,
            ["Event"] = entry.Event,
            ["BiobankId"] = entry.BiobankId,
            ["Detail"] = entry.Detail is { Length: > 300 } d ? d[..300] : entry.Detail,
        };
    }

    public static TimelineEntry ToEntry(TableEntity e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new(e.GetDateTimeOffset("At")!.Value, e.GetString("Event"), e.GetString("BiobankId"), e.GetString("Detail"));
    }
}
