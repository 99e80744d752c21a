using System.Globalization;
using System.Text.RegularExpressions;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using SampleBroker.Http;
using SampleBroker.Storage;

namespace SampleBroker.Monitoring;

/// <summary>One line of the audit log (contract section 7): who did what to which target.</summary>
public sealed record AuditEntry(DateTimeOffset At, string Actor, string Action, string Target, string? Detail);

/// <summary>What <c>GET /v1/admin/audit</c> asks for: a time window, an action, an actor, a page.</summary>
public sealed record AuditQuery(DateTimeOffset? From, DateTimeOffset? To, string? Action, string? Actor, int Top, string? After);

/// <summary>One page of the audit log, newest first, and the token of the next page (null on the last).</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, string? ContinuationToken);

/// <summary>
/// The append-only audit log: every admin change, key issue and revoke, cancel, terminate, restart,
/// purge, repair, rejected signature and late answer. One partition, rows keyed newest first, never
/// updated. The actor is a key id, <c>biobank:{id}</c> or <c>system</c>; never a key.
/// </summary>
public sealed partial class AuditLog(BrokerTables tables, TimeProvider time, ILogger<AuditLog> logger)
{
    /// <summary>The actor of the broker's own repairs and retention.</summary>
    public const string SystemActor = "system";

    internal const string Partition = "audit";

    /// <summary>
    /// Appends one entry. Never throws for a storage fault of its own: the action it records has
    /// happened, so a fault is logged (without the detail, which may name a person) and the caller goes on.
    /// The write is not abandoned when the caller goes away.
    /// </summary>
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
        try
        {
            await tables.Audit.AddEntityAsync(entity, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RequestFailedException || StorageGuard.IsStorageOutage(e))
        {
            NotRecorded(logger, action, target, actor, e);
        }

        // The parameter stays for callers' symmetry; the write deliberately ignores it (see above).
        _ = cancellationToken;
    }

    /// <summary>One page of entries, newest first, within the query's window and filters.</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        // Every value goes through CreateQueryFilter, which quotes it; none is pasted into the filter text.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Partition}");
        if (query.After is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {query.After}");
        }

        // Keys run newest first: "to" is a lower bound on the key, "from" an upper one ('.' sorts after '-').
        // Both are inclusive at the millisecond the API shows times in, so an entry's own "at" finds it.
        if (query.To is { } to)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {InvertedTicks(ToMillisecond(to).AddMilliseconds(1).AddTicks(-1))}");
        }

        if (query.From is { } from)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {InvertedTicks(ToMillisecond(from)) + "."}");
        }

        if (query.Action is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Action eq {query.Action}");
        }

        if (query.Actor is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Actor eq {query.Actor}");
        }

        var items = new List<AuditEntry>(query.Top);
        string? last = null;
        await foreach (var entity in tables.Audit.QueryAsync<TableEntity>(filter, maxPerPage: query.Top, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (items.Count == query.Top)
            {
                return new AuditPage(items, last);
            }

            items.Add(ToEntry(entity));
            last = entity.RowKey;
        }

        return new AuditPage(items, null);
    }

    /// <summary>Whether a continuation token is one <see cref="QueryAsync"/> returned (a row key).</summary>
    public static bool IsToken(string value) => TokenPattern().IsMatch(value);

    /// <summary>Whether an actor filter names an actor the log can hold: a key id, <c>biobank:{id}</c> or <c>system</c>.</summary>
    public static bool IsActor(string value) =>
        value is SystemActor or Access.StaffKeyStore.BootstrapKeyId
        || Identifiers.IsStaffKeyId(value)
        || Identifiers.IsKeyId(value)
        || (value.StartsWith("biobank:", StringComparison.Ordinal) && Identifiers.IsResourceId(value["biobank:".Length..]));

    /// <summary>Newest first: the key starts with the ticks left until the end of time, then a random tail for ties.</summary>
    internal static string RowKey(DateTimeOffset at) => InvertedTicks(at) + "-" + Guid.NewGuid().ToString("N")[..12];

    private static DateTimeOffset ToMillisecond(DateTimeOffset at) => new(at.UtcTicks - (at.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static string InvertedTicks(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    internal static AuditEntry ToEntry(TableEntity e) =>
        new(e.GetDateTimeOffset("At")!.Value, e.GetString("Actor"), e.GetString("Action"), e.GetString("Target"), e.GetString("Detail"));

    [GeneratedRegex(@"^[0-9]{19}-[0-9a-f]{12}\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex TokenPattern();

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry {Action} on {Target} by {Actor} could not be stored")]
    private static partial void NotRecorded(ILogger logger, string action, string target, string actor, Exception exception);
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

    /// <summary>Every action, for validating the audit query's filter and for the OpenAPI document.</summary>
    public static IReadOnlyList<string> All { get; } =
        typeof(AuditActions).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
}
