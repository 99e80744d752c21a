using System.Collections.Concurrent;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using SampleBroker.Storage;

namespace SampleBroker.Access;

/// <summary>A staff key as the list shows it: never the key, never its hash.</summary>
public sealed record StaffKeyInfo(string KeyId, string Name, DateTimeOffset? CreatedAt, DateTimeOffset? LastUsedAt);

/// <summary>The answer to issuing a staff key: the key is shown here once and never again.</summary>
public sealed record IssuedStaffKey(string KeyId, string Name, string ApiKey);

/// <summary>
/// Staff keys, one per person (contract section 7), stored only as SHA-256 hashes: one row by hash for
/// authentication, one row by key id for the list and for revocation. Nothing is cached: every request
/// reads the hash row, so a revoked key is refused at once on every instance.
/// </summary>
public sealed partial class StaffKeyStore(BrokerTables tables, TimeProvider time, ILogger<StaffKeyStore> logger)
{
    /// <summary>Staff keys start with this, so the authenticator reads the one table that can hold them.</summary>
    public const string KeyPrefix = "sbs_";

    /// <summary>The key id of the configured bootstrap key.</summary>
    public const string BootstrapKeyId = "bootstrap";

    /// <summary><c>lastUsedAt</c> is written at most this often per key and instance, not on every request.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    private const string ByHash = "hash";
    private const string ById = "key";

    private readonly ConcurrentDictionary<string, DateTimeOffset> lastUsedWritten = new(StringComparer.Ordinal);

    /// <summary>Issues a key for a person; the plain key is returned once and never stored.</summary>
    public async Task<IssuedStaffKey> IssueAsync(string name, CancellationToken cancellationToken)
    {
        var apiKey = KeyPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var keyId = "staff_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var hash = ApiKeyStore.Hash(apiKey);
        var createdAt = time.GetUtcNow();

        // The listed row first: a key that authenticates is always one staff can see and revoke.
        await tables.StaffKeys.AddEntityAsync(
            new TableEntity(ById, keyId) { ["Name"] = name, ["Hash"] = hash, ["CreatedAt"] = createdAt },
            cancellationToken).ConfigureAwait(false);
        await tables.StaffKeys.AddEntityAsync(
            new TableEntity(ByHash, hash) { ["KeyId"] = keyId },
            cancellationToken).ConfigureAwait(false);
        return new IssuedStaffKey(keyId, name, apiKey);
    }

    /// <summary>Every issued staff key, oldest first.</summary>
    public async Task<IReadOnlyList<StaffKeyInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var keys = new List<StaffKeyInfo>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {ById}");
        await foreach (var e in tables.StaffKeys.QueryAsync<TableEntity>(filter, select: ["RowKey", "Name", "CreatedAt", "LastUsedAt"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(new StaffKeyInfo(e.RowKey, e.GetString("Name") ?? "", e.GetDateTimeOffset("CreatedAt"), e.GetDateTimeOffset("LastUsedAt")));
        }

        return keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal).ToList();
    }

    /// <summary>Deletes the key; false when there is no such key.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        var row = await tables.StaffKeys.GetEntityIfExistsAsync<TableEntity>(ById, keyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value is null)
        {
            return false;
        }

        // The hash row goes first: once it is gone the key stops working, whatever happens next.
        await DeleteIfExistsAsync(ByHash, row.Value.GetString("Hash"), cancellationToken).ConfigureAwait(false);
        await DeleteIfExistsAsync(ById, keyId, cancellationToken).ConfigureAwait(false);
        lastUsedWritten.TryRemove(keyId, out _);
        return true;
    }

    /// <summary>The staff member the key belongs to, or null for an unknown or revoked key.</summary>
    public async Task<Caller?> FindAsync(string apiKey, CancellationToken cancellationToken)
    {
        var row = await tables.StaffKeys.GetEntityIfExistsAsync<TableEntity>(ByHash, ApiKeyStore.Hash(apiKey), select: ["KeyId"], cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!row.HasValue || row.Value?.GetString("KeyId") is not { } keyId)
        {
            return null;
        }

        await NoteUsedAsync(keyId).ConfigureAwait(false);
        return new Caller(Role.Staff, null, keyId);
    }

    /// <summary>
    /// Writes <c>lastUsedAt</c> when this instance has not written it for <see cref="LastUsedResolution"/>:
    /// a write per key and minute at most, never one per request. A fault here never refuses the caller.
    /// </summary>
    private async Task NoteUsedAsync(string keyId)
    {
        var now = time.GetUtcNow();
        if (lastUsedWritten.TryGetValue(keyId, out var written) && now - written < LastUsedResolution)
        {
            return;
        }

        lastUsedWritten[keyId] = now;
        try
        {
            // A merge, not an upsert: once the key is revoked there is no row to bring back.
            await tables.StaffKeys.UpdateEntityAsync(new TableEntity(ById, keyId) { ["LastUsedAt"] = now }, ETag.All, TableUpdateMode.Merge, CancellationToken.None).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Revoked in between: nothing to note.
        }
        catch (Exception e) when (e is RequestFailedException || Http.StorageGuard.IsStorageOutage(e))
        {
            LastUsedNotWritten(logger, keyId, e);
        }
    }

    private async Task DeleteIfExistsAsync(string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await tables.StaffKeys.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone already (a revoke cut short and repeated).
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not note the last use of staff key {KeyId}")]
    private static partial void LastUsedNotWritten(ILogger logger, string keyId, Exception exception);
}
