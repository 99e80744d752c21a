using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Protocol;
using SampleBroker.Storage;

namespace SampleBroker.Requests;

/// <summary>
/// Sample requests in Table storage. Each request is one partition: a request row and one row per
/// contacted biobank, so results with hundreds of biobanks never approach the entity size limits and
/// survive any purge of orchestration history.
/// </summary>
public sealed class SampleRequestStore(BrokerTables tables)
{
    private const string RequestRow = "request";
    private const string BiobankRowPrefix = "bb-";
    private const int MaxTransactionEntities = 100;

    /// <summary>
    /// Stores a new request with a <c>Pending</c> row for each biobank it goes to; false when a request
    /// with that id exists already. The request row and the first rows are one transaction, the gate
    /// against a second start; rows beyond one transaction's 100 entities follow.
    /// </summary>
    public async Task<bool> TryCreateAsync(SampleRequestRecord request, IReadOnlyList<BiobankOffer> contacted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(contacted);
        var first = contacted.Take(MaxTransactionEntities - 1).Select(o => ToEntity(request.RequestId, o)).Prepend(ToEntity(request));
        try
        {
            await tables.Requests.SubmitTransactionAsync(
                first.Select(e => new TableTransactionAction(TableTransactionActionType.Add, e)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status == 409)
        {
            return false;
        }

        await AddRowsAsync(request.RequestId, contacted.Skip(MaxTransactionEntities - 1).ToList(), cancellationToken).ConfigureAwait(false);
        await tables.RequestIndex.UpsertEntityAsync(
            new TableEntity(request.OrganisationId, IndexKey(request))
            {
                ["RequestId"] = request.RequestId,
                ["Reference"] = request.Reference,
                ["Status"] = request.Status.ToString(),
                ["CreatedAt"] = request.CreatedAt,
            },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// One page of an organisation's requests, newest first, optionally only those with a status or
    /// a reference. The token is the index key of the last item returned.
    /// </summary>
    public async Task<(IReadOnlyList<string> RequestIds, string? Next)> ListAsync(
        string organisationId, RequestStatus? status, string? reference, int top, string? after, CancellationToken cancellationToken)
    {
        // Every value goes through CreateQueryFilter, which quotes it; none is pasted into the filter text.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {organisationId}");
        if (after is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey gt {after}");
        }

        if (status is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Status eq {status.ToString()}");
        }

        if (reference is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"Reference eq {reference}");
        }

        var ids = new List<string>(top);
        string? last = null;
        await foreach (var entity in tables.RequestIndex.QueryAsync<TableEntity>(filter, maxPerPage: top, select: ["RequestId", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (ids.Count == top)
            {
                return (ids, last);
            }

            ids.Add(entity.GetString("RequestId"));
            last = entity.RowKey;
        }

        return (ids, null);
    }

    /// <summary>Index rows sort newest first: the key starts with the ticks left until the end of time.</summary>
    public static string IndexKey(SampleRequestRecord request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var newestFirst = (DateTimeOffset.MaxValue.UtcTicks - request.CreatedAt.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);
        return $"{newestFirst}-{request.RequestId}";
    }

    public async Task<(SampleRequestRecord Request, IReadOnlyList<BiobankOffer> Offers)?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        SampleRequestRecord? request = null;
        var offers = new List<BiobankOffer>();
        await foreach (var entity in tables.Requests.QueryAsync<TableEntity>(e => e.PartitionKey == requestId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey == RequestRow)
            {
                request = ToRequest(entity);
            }
            else if (entity.RowKey.StartsWith(BiobankRowPrefix, StringComparison.Ordinal))
            {
                offers.Add(ToOffer(entity));
            }
        }

        return request is null ? null : (request, offers);
    }

    /// <summary>One contacted biobank's row of a request, by point read.</summary>
    public async Task<BiobankOffer?> GetOfferAsync(string requestId, string biobankId, CancellationToken cancellationToken)
    {
        var row = await tables.Requests.GetEntityIfExistsAsync<TableEntity>(requestId, BiobankRowPrefix + biobankId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity ? ToOffer(entity) : null;
    }

    /// <summary>
    /// Writes a <c>Pending</c> row for each contacted biobank and the number contacted, completing a
    /// request whose first start stopped part way. Rows that exist already are kept as they are, so an
    /// answer is never reset.
    /// </summary>
    public async Task AddContactedAsync(string requestId, IReadOnlyList<BiobankOffer> contacted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contacted);
        await AddRowsAsync(requestId, contacted, cancellationToken).ConfigureAwait(false);
        await tables.Requests.UpdateEntityAsync(
            new TableEntity(requestId, RequestRow) { ["BiobanksContacted"] = contacted.Count },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task AddRowsAsync(string requestId, IReadOnlyList<BiobankOffer> rows, CancellationToken cancellationToken)
    {
        foreach (var chunk in rows.Chunk(MaxTransactionEntities))
        {
            var batch = chunk.Select(o => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(requestId, o))).ToList();
            try
            {
                await tables.Requests.SubmitTransactionAsync(batch, cancellationToken).ConfigureAwait(false);
            }
            catch (TableTransactionFailedException e) when (e.Status == 409)
            {
                foreach (var offer in chunk)
                {
                    await TryAddAsync(ToEntity(requestId, offer), cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    /// <summary>
    /// Records a biobank's final outcome if it is still <c>Pending</c>: the first final outcome stands,
    /// whoever writes it. Returns the outcome that is stored afterwards.
    /// </summary>
    public async Task<BiobankOffer> RecordOutcomeAsync(string requestId, BiobankOffer offer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var rowKey = BiobankRowPrefix + offer.BiobankId;

        // Usually the row is as the caller read it: write it in one round trip on that ETag.
        if (offer.RowETag is { } seen)
        {
            try
            {
                await tables.Requests.UpdateEntityAsync(ToEntity(requestId, offer), seen, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                await Biobanks.BiobankHealthStore.RecordAsync(tables, requestId, offer, DateTimeOffset.UtcNow, CancellationToken.None).ConfigureAwait(false);
                return offer;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Changed since it was read; decide on the current row below.
            }
        }

        while (true)
        {
            var current = await tables.Requests.GetEntityAsync<TableEntity>(requestId, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var stored = ToOffer(current.Value);
            if (stored.IsFinal)
            {
                return stored;
            }

            try
            {
                // The row keeps the biobank's name and country as they were when it was contacted.
                var recorded = offer with { Name = stored.Name, Country = stored.Country, QueryId = stored.QueryId, QuerySentAt = offer.QuerySentAt ?? stored.QuerySentAt };

                // An answer that overtook its 202 learns its latency once the send time is known.
                if (recorded is { LatencyMs: null, QuerySentAt: { } sent, AnsweredAt: { } answered, AnswerMessageId: not null })
                {
                    recorded = recorded with { LatencyMs = Math.Max(0, (long)(answered - sent).TotalMilliseconds) };
                }

                await tables.Requests.UpdateEntityAsync(ToEntity(requestId, recorded), current.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

                // Only the writer of the final outcome counts it in the biobank's health (here and above), once
                // the outcome is stored: one contention-free insert, not abandoned if the caller goes away.
                await Biobanks.BiobankHealthStore.RecordAsync(tables, requestId, recorded, DateTimeOffset.UtcNow, CancellationToken.None).ConfigureAwait(false);
                return recorded;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Someone else wrote the row in between; read it again and let the first final outcome stand.
            }
        }
    }

    /// <summary>Records one attempt of the completion callback (contract: "each attempt recorded").</summary>
    public async Task RecordCallbackAttemptAsync(string requestId, int attempt, DateTimeOffset at, string outcome, CancellationToken cancellationToken) =>
        await tables.Requests.UpsertEntityAsync(
            new TableEntity(requestId, $"callback-{attempt:D4}") { ["At"] = at, ["Outcome"] = outcome },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);

    /// <summary>The completion callback's attempts so far, oldest first.</summary>
    public async Task<IReadOnlyList<(int Attempt, DateTimeOffset At, string Outcome)>> GetCallbackAttemptsAsync(string requestId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {requestId} and RowKey ge {"callback-"} and RowKey lt {"callback."}");
        var attempts = new List<(int, DateTimeOffset, string)>();
        await foreach (var e in tables.Requests.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            attempts.Add((int.Parse(e.RowKey["callback-".Length..], CultureInfo.InvariantCulture), e.GetDateTimeOffset("At")!.Value, e.GetString("Outcome")));
        }

        return attempts;
    }

    /// <summary>
    /// Notes when the query a biobank accepted to answer later was sent. If its callback overtook the 202
    /// and is stored already, its latency is filled in instead.
    /// </summary>
    public async Task MarkAcceptedAsync(string requestId, string biobankId, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        while (true)
        {
            var row = await tables.Requests.GetEntityAsync<TableEntity>(requestId, BiobankRowPrefix + biobankId, cancellationToken: cancellationToken).ConfigureAwait(false);
            var offer = ToOffer(row.Value);
            var update = new TableEntity(requestId, BiobankRowPrefix + biobankId) { ["QuerySentAt"] = sentAt };
            if (offer.IsFinal && offer.LatencyMs is null && offer.AnsweredAt is { } answeredAt)
            {
                update["LatencyMs"] = Math.Max(0, (long)(answeredAt - sentAt).TotalMilliseconds);
            }

            try
            {
                await tables.Requests.UpdateEntityAsync(update, row.Value.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // The callback's answer was stored in between; read it again to fill in its latency.
            }
        }
    }

    /// <summary>
    /// Sets the request's final status unless it has one already, which then stands (a cancel that
    /// came first, or an earlier run of the same activity). Returns the status that is stored.
    /// </summary>
    public async Task<RequestStatus> FinishAsync(string requestId, RequestStatus status, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        while (true)
        {
            var current = await tables.Requests.GetEntityAsync<TableEntity>(requestId, RequestRow, cancellationToken: cancellationToken).ConfigureAwait(false);
            var request = ToRequest(current.Value);
            if (request.Status != RequestStatus.Brokering)
            {
                await IndexStatusAsync(request, cancellationToken).ConfigureAwait(false);
                return request.Status;
            }

            try
            {
                await tables.Requests.UpdateEntityAsync(
                    new TableEntity(requestId, RequestRow) { ["Status"] = status.ToString(), ["CompletedAt"] = completedAt },
                    current.Value.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken).ConfigureAwait(false);
                await IndexStatusAsync(request with { Status = status }, cancellationToken).ConfigureAwait(false);
                return status;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Changed in between (a cancel); read again and let the first final status stand.
            }
        }
    }

    private async Task IndexStatusAsync(SampleRequestRecord request, CancellationToken cancellationToken) =>
        await tables.RequestIndex.UpsertEntityAsync(
            new TableEntity(request.OrganisationId, IndexKey(request)) { ["Status"] = request.Status.ToString() },
            TableUpdateMode.Merge,
            cancellationToken).ConfigureAwait(false);

    private async Task TryAddAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await tables.Requests.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Written by an earlier run of the same activity: keep what is there.
        }
    }

    private static TableEntity ToEntity(SampleRequestRecord r) => new(r.RequestId, RequestRow)
    {
        ["OrganisationId"] = r.OrganisationId,
        ["Reference"] = r.Reference,
        ["Status"] = r.Status.ToString(),
        ["CreatedAt"] = r.CreatedAt,
        ["Deadline"] = r.Deadline,
        ["CompletedAt"] = r.CompletedAt,
        ["Criteria"] = JsonSerializer.Serialize(r.Criteria, ProtocolJson.Options),
        ["Quantity"] = r.Quantity,
        ["CallbackUrl"] = r.CallbackUrl,
        ["BiobanksContacted"] = r.BiobanksContacted,
    };

    private static SampleRequestRecord ToRequest(TableEntity e) => new(
        e.PartitionKey,
        e.GetString("OrganisationId"),
        e.GetString("Reference"),
        Enum.Parse<RequestStatus>(e.GetString("Status")),
        e.GetDateTimeOffset("CreatedAt")!.Value,
        e.GetDateTimeOffset("Deadline")!.Value,
        e.GetDateTimeOffset("CompletedAt"),
        JsonSerializer.Deserialize<SampleCriteria>(e.GetString("Criteria"), ProtocolJson.Options)!,
        e.GetInt32("Quantity")!.Value,
        e.GetString("CallbackUrl"),
        e.GetInt32("BiobanksContacted"));

    private static TableEntity ToEntity(string requestId, BiobankOffer o) => new(requestId, BiobankRowPrefix + o.BiobankId)
    {
        ["QueryId"] = o.QueryId,
        ["Name"] = o.Name,
        ["Country"] = o.Country,
        ["Outcome"] = o.Outcome.ToString(),
        ["AvailableSamples"] = o.AvailableSamples,
        ["PricePerSampleEur"] = o.PricePerSampleEur?.ToString(CultureInfo.InvariantCulture),
        ["LeadTimeDays"] = o.LeadTimeDays,
        ["Conditions"] = o.Conditions is null ? null : JsonSerializer.Serialize(o.Conditions),
        ["ValidUntil"] = o.ValidUntil,
        ["AnsweredAt"] = o.AnsweredAt,
        ["LatencyMs"] = o.LatencyMs,
        ["Error"] = o.Error,
        ["QuerySentAt"] = o.QuerySentAt,
        ["AnswerMessageId"] = o.AnswerMessageId,
    };

    private static BiobankOffer ToOffer(TableEntity e)
    {
        var price = e.GetString("PricePerSampleEur");
        var conditions = e.GetString("Conditions");
        return new BiobankOffer(
            e.RowKey[BiobankRowPrefix.Length..],
            e.GetString("Name"),
            e.GetString("Country"),
            Enum.Parse<BiobankOutcome>(e.GetString("Outcome")),
            e.GetInt32("AvailableSamples"),
            price is null ? null : decimal.Parse(price, CultureInfo.InvariantCulture),
            e.GetInt32("LeadTimeDays"),
            conditions is null ? null : JsonSerializer.Deserialize<string[]>(conditions),
            e.GetString("ValidUntil"),
            e.GetDateTimeOffset("AnsweredAt"),
            e.GetInt64("LatencyMs"),
            e.GetString("Error"))
        {
            QueryId = e.GetString("QueryId") ?? "",
            QuerySentAt = e.GetDateTimeOffset("QuerySentAt"),
            RowETag = e.ETag,
            AnswerMessageId = e.GetString("AnswerMessageId"),
        };
    }
}
