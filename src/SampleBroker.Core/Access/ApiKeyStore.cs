using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Storage;

namespace SampleBroker.Access;

/// <summary>
/// API keys, stored only as SHA-256 hashes: one row by hash for authentication, one row by
/// organisation and key id for revocation.
/// </summary>
public sealed class ApiKeyStore(BrokerTables tables)
{
    private const string ByHash = "hash";

    /// <summary>Issues a new requester key; the plain key is returned once and never stored.</summary>
    public async Task<(string KeyId, string ApiKey)> IssueAsync(string organisationId, CancellationToken cancellationToken)
    {
        var apiKey = "sbk_" + Base64Url(RandomNumberGenerator.GetBytes(32));
        var keyId = "key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        await StoreAsync(organisationId, keyId, apiKey, cancellationToken).ConfigureAwait(false);
        return (keyId, apiKey);
    }

    /// <summary>Stores a key chosen elsewhere (the documented demo key); a no-op when it exists.</summary>
    public async Task EnsureAsync(string organisationId, string keyId, string apiKey, CancellationToken cancellationToken)
    {
        var existing = await tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(ByHash, Hash(apiKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!existing.HasValue)
        {
            await StoreAsync(organisationId, keyId, apiKey, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes the key; false when the organisation has no such key.</summary>
    public async Task<bool> RevokeAsync(string organisationId, string keyId, CancellationToken cancellationToken)
    {
        var byOrganisation = await tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(OrganisationPartition(organisationId), keyId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (!byOrganisation.HasValue || byOrganisation.Value is null)
        {
            return false;
        }

        // The hash row goes first: once it is gone the key stops working, whatever happens next.
        await tables.ApiKeys.DeleteEntityAsync(ByHash, byOrganisation.Value.GetString("Hash"), ETag.All, cancellationToken).ConfigureAwait(false);
        await tables.ApiKeys.DeleteEntityAsync(OrganisationPartition(organisationId), keyId, ETag.All, cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>The requester the key belongs to, or null for an unknown key.</summary>
    public async Task<Caller?> FindAsync(string apiKey, CancellationToken cancellationToken)
    {
        var row = await tables.ApiKeys.GetEntityIfExistsAsync<TableEntity>(ByHash, Hash(apiKey), cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity
            ? new Caller(Role.Requester, entity.GetString("OrganisationId"), entity.GetString("KeyId"))
            : null;
    }

    public static string Hash(string apiKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey)));

    private async Task StoreAsync(string organisationId, string keyId, string apiKey, CancellationToken cancellationToken)
    {
        var hash = Hash(apiKey);
        var createdAt = DateTimeOffset.UtcNow;
        await tables.ApiKeys.UpsertEntityAsync(
            new TableEntity(OrganisationPartition(organisationId), keyId) { ["Hash"] = hash, ["CreatedAt"] = createdAt },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
        await tables.ApiKeys.UpsertEntityAsync(
            new TableEntity(ByHash, hash) { ["OrganisationId"] = organisationId, ["KeyId"] = keyId, ["CreatedAt"] = createdAt },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }

    private static string OrganisationPartition(string organisationId) => "org-" + organisationId;

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
