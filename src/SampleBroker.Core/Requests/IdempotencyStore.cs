using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Storage;

namespace SampleBroker.Requests;

/// <summary>
/// Claims <c>Idempotency-Key</c>s with a conditional insert, so two racing submissions with the same key
/// can never both start brokering: exactly one insert wins, the other reads the winner's request.
/// </summary>
public sealed class IdempotencyStore(BrokerTables tables)
{
    /// <summary>Claims the key for <paramref name="requestId"/>, or returns the claim that already holds it.</summary>
    public async Task<(bool Claimed, string RequestId, string BodyHash)> ClaimAsync(string organisationId, string idempotencyKey, string requestId, string bodyHash, CancellationToken cancellationToken)
    {
        var rowKey = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        try
        {
            await tables.Idempotency.AddEntityAsync(
                new TableEntity(organisationId, rowKey) { ["RequestId"] = requestId, ["BodyHash"] = bodyHash },
                cancellationToken).ConfigureAwait(false);
            return (true, requestId, bodyHash);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await tables.Idempotency.GetEntityAsync<TableEntity>(organisationId, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (false, existing.Value.GetString("RequestId"), existing.Value.GetString("BodyHash"));
        }
    }
}
