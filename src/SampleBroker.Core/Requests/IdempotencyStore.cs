using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Storage;

namespace SampleBroker.Requests;

/// <summary>
/// Claims <c>Idempotency-Key</c>s with a conditional insert, so two racing submissions with the same key
/// can never both start brokering: exactly one insert wins, the other reads the winner's request.
/// </summary>
public sealed class IdempotencyStore(BrokerTables tables, IOptions<SampleBrokerOptions> options, TimeProvider time)
{
    private TimeSpan Retention => TimeSpan.FromHours(options.Value.IdempotencyRetentionHours);

    /// <summary>Claims the key for <paramref name="requestId"/>, or returns the claim that already holds it.</summary>
    public async Task<(bool Claimed, string RequestId, string BodyHash)> ClaimAsync(string organisationId, string idempotencyKey, string requestId, string bodyHash, CancellationToken cancellationToken)
    {
        var rowKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        var now = time.GetUtcNow();
        var claim = new TableEntity(organisationId, rowKey) { ["RequestId"] = requestId, ["BodyHash"] = bodyHash, ["ClaimedAt"] = now };
        while (true)
        {
            try
            {
                await tables.Idempotency.AddEntityAsync(claim, cancellationToken).ConfigureAwait(false);
                return (true, requestId, bodyHash);
            }
            catch (RequestFailedException e) when (e.Status == 409)
            {
                var existing = (await tables.Idempotency.GetEntityIfExistsAsync<TableEntity>(organisationId, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Value;
                if (existing is null)
                {
                    continue;
                }

                if (now - (existing.GetDateTimeOffset("ClaimedAt") ?? existing.Timestamp ?? now) <= Retention)
                {
                    return (false, existing.GetString("RequestId"), existing.GetString("BodyHash"));
                }

                // Forgotten by the contract though not yet swept: the key is free again, for one claimer.
                try
                {
                    await tables.Idempotency.UpdateEntityAsync(claim, existing.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                    return (true, requestId, bodyHash);
                }
                catch (RequestFailedException c) when (c.Status == 412)
                {
                    // Another submission took it first: read its claim.
                }
            }
        }
    }

    /// <summary>Deletes the claims older than the retention; returns how many went.</summary>
    public async Task<int> ForgetExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - Retention;
        var filter = TableClient.CreateQueryFilter($"Timestamp lt {cutoff}");
        var forgotten = 0;
        await foreach (var e in tables.Idempotency.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey", "ClaimedAt"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if ((e.GetDateTimeOffset("ClaimedAt") ?? DateTimeOffset.MinValue) >= cutoff)
            {
                continue;
            }

            try
            {
                await tables.Idempotency.DeleteEntityAsync(e.PartitionKey, e.RowKey, e.ETag, cancellationToken).ConfigureAwait(false);
                forgotten++;
            }
            catch (RequestFailedException d) when (d.Status is 404 or 412)
            {
                // Gone, or claimed again meanwhile.
            }
        }

        return forgotten;
    }
}
