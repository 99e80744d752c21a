using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Storage;

namespace SampleBroker.Biobanks;

/// <summary>
/// The <c>webhook-id</c>s of answers a biobank sent, remembered per biobank (contract section 5): a
/// signature covers the id, the timestamp and the body but not the URL, so without this the same
/// signed message could be replayed against another query of that biobank. One row per biobank and
/// message id (hashed, as ids may hold characters a row key cannot), holding the query it answered.
/// </summary>
public sealed class AnswerMessageStore(BrokerTables tables, TimeProvider time)
{
    /// <summary>
    /// Claims <paramref name="messageId"/> of <paramref name="biobankId"/> for <paramref name="queryId"/>.
    /// Returns null when the claim is this query's (new, or claimed for it before), else the query the
    /// message was accepted for.
    /// </summary>
    public async Task<string?> ClaimAsync(string biobankId, string messageId, string queryId, CancellationToken cancellationToken)
    {
        var row = new TableEntity(biobankId, Key(messageId)) { ["QueryId"] = queryId, ["At"] = time.GetUtcNow() };
        try
        {
            await tables.AnswerMessages.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var owner = await FindAsync(biobankId, messageId, cancellationToken).ConfigureAwait(false);
            return owner is null || owner == queryId ? null : owner;
        }
    }

    /// <summary>The query this biobank's message was accepted for, or null when it was never seen.</summary>
    public async Task<string?> FindAsync(string biobankId, string messageId, CancellationToken cancellationToken)
    {
        var found = await tables.AnswerMessages.GetEntityIfExistsAsync<TableEntity>(biobankId, Key(messageId), ["QueryId"], cancellationToken).ConfigureAwait(false);
        return found.HasValue ? found.Value!.GetString("QueryId") : null;
    }

    /// <summary>Gives up a claim whose answer was not counted (the query had an answer, or the request ended), so the id proves nothing.</summary>
    public async Task ReleaseAsync(string biobankId, string messageId, string queryId, CancellationToken cancellationToken)
    {
        var found = await tables.AnswerMessages.GetEntityIfExistsAsync<TableEntity>(biobankId, Key(messageId), cancellationToken: cancellationToken).ConfigureAwait(false);
        if (found.HasValue && found.Value!.GetString("QueryId") == queryId)
        {
            try
            {
                await tables.AnswerMessages.DeleteEntityAsync(biobankId, found.Value.RowKey, found.Value.ETag, cancellationToken).ConfigureAwait(false);
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Gone or changed meanwhile: nothing left to release.
            }
        }
    }

    /// <summary>
    /// Deletes the ids remembered before <paramref name="cutoff"/>; returns how many went. A signed
    /// message is only accepted within 300 s of its timestamp, so an old id can never come back; a
    /// redelivery to its own query is still recognised by the answer stored with the query.
    /// </summary>
    public async Task<int> ForgetOlderThanAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"At lt {cutoff}");
        var forgotten = 0;
        await foreach (var e in tables.AnswerMessages.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            try
            {
                await tables.AnswerMessages.DeleteEntityAsync(e.PartitionKey, e.RowKey, ETag.All, cancellationToken).ConfigureAwait(false);
                forgotten++;
            }
            catch (RequestFailedException d) when (d.Status == 404)
            {
                // Forgotten by another pass.
            }
        }

        return forgotten;
    }

    private static string Key(string messageId) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(messageId)));
}
