using System.Globalization;
using Azure.Data.Tables;
using SampleBroker.Storage;

namespace SampleBroker.Monitoring;

/// <summary>One line of the audit log (contract section 7): who did what to which target.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string Target, string? Detail);

/// <summary>
/// The append-only audit log: every admin change, key issue and revoke, cancel, terminate, restart,
/// purge, repair, rejected signature and late answer. One partition, rows keyed newest first, never
/// updated. The actor is a key id, <c>biobank:{id}</c> or <c>system</c>; never a key.
/// </summary>
public sealed class AuditLog(BrokerTables tables, TimeProvider time)
{
    /// <summary>The actor of the broker's own repairs and retention.</summary>
    public const string SystemActor = "system";

    internal const string Partition = "audit";

    /// <summary>Appends one entry. Never throws for a storage fault of its own: the action it records has happened.</summary>
    public async Task RecordAsync(string actor, string action, string target, string? detail, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var entity = new TableEntity(Partition, RowKey(at))
        {
            ["At"] = at,
            ["Actor"] = actor,
            ["Action"] = action,
            ["Target"] = target,
            ["Detail"] = detail is { Length: > 500 } ? detail[..500] : detail,
        };
        await tables.Audit.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Newest first: the key starts with the ticks left until the end of time, then a random tail for ties.</summary>
    internal static string RowKey(DateTimeOffset at) =>
        (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..12];

    internal static AuditEntry ToEntry(TableEntity e) =>
        new(e.GetDateTimeOffset("At")!.Value, e.GetString("Actor"), e.GetString("Action"), e.GetString("Target"), e.GetString("Detail"));
}

/// <summary>The actions the audit log names.</summary>
public static class AuditActions
{
    public const string OrganisationSaved = "organisation.saved";
    public const string ApiKeyIssued = "apiKey.issued";
    public const string ApiKeyRevoked = "apiKey.revoked";
    public const string StaffKeyIssued = "staffKey.issued";
    public const string StaffKeyRevoked = "staffKey.revoked";
    public const string BiobankSaved = "biobank.saved";
    public const string BiobankDeleted = "biobank.deleted";
    public const string BiobankSecretRotated = "biobank.secretRotated";
    public const string BiobankUnreadable = "biobank.unreadable";
    public const string RequestCancelled = "request.cancelled";
    public const string RequestTerminated = "request.terminated";
    public const string RequestRestarted = "request.restarted";
    public const string RequestPurged = "request.purged";
    public const string RequestRepaired = "request.repaired";
    public const string HistoryPurged = "history.purged";
    public const string SignatureRejected = "answer.signatureRejected";
    public const string LateAnswer = "answer.late";
}
