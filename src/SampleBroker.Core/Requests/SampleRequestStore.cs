using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Monitoring;
using SampleBroker.Protocol;
using SampleBroker.Storage;

namespace SampleBroker.Requests;

/// <summary>
/// Sample requests in Table storage. Each request is one partition: a request row and one row per
/// contacted biobank, so results with hundreds of biobanks never approach the entity size limits and
/// survive any purge of orchestration history.
/// </summary>
public sealed class SampleRequestStore(BrokerTables tables, TimeProvider time)
{
    private const string RequestRow = "request";
    private const string BiobankRowPrefix = "bb-";
    private const int MaxTransactionEntities = 100;

    /// <summary>The index partition of every organisation's requests (organisation ids cannot start with '~').</summary>
    private const string AllPartition = "~all";

    /// <summary>The index partition of requests whose orchestration has not stored its ending yet.</summary>
    private const string OpenPartition = "~open";

    /// <summary>
    /// Stores a new request with a <c>Pending</c> row for each biobank it goes to; false when a request
    /// with that id exists already. The request row, its <c>submitted</c> event and the first rows are one
    /// transaction, the gate against a second start; rows beyond one transaction's 100 entities follow.
    /// The open marker is written first, so a request cut off half way is still found by the reconciler.
    /// </summary>
    public async Task<bool> TryCreateAsync(SampleRequestRecord request, IReadOnlyList<BiobankOffer> contacted, TimelineEntry submitted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(contacted);
        await MarkOpenAsync(request, request.CreatedAt, cancellationToken).ConfigureAwait(false);
        var first = contacted.Take(MaxTransactionEntities - 2).Select(o => ToEntity(request.RequestId, o))
            .Prepend(TimelineRows.ToEntity(request.RequestId, submitted))
            .Prepend(ToEntity(request));
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

        await Task.WhenAll(
            AddRowsAsync(request.RequestId, contacted.Skip(MaxTransactionEntities - 2).ToList(), cancellationToken),
            IndexAsync(request, cancellationToken)).ConfigureAwait(false);
        return true;
    }

    /// <summary>Writes both index rows of the request as it is now: its organisation's and the alliance's list.</summary>
    public Task IndexAsync(SampleRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Task.WhenAll(
            tables.RequestIndex.UpsertEntityAsync(IndexEntity(request, request.OrganisationId), TableUpdateMode.Replace, cancellationToken),
            tables.RequestIndex.UpsertEntityAsync(IndexEntity(request, AllPartition), TableUpdateMode.Replace, cancellationToken));
    }

    private static TableEntity IndexEntity(SampleRequestRecord request, string partition) => new(partition, IndexKey(request))
    {
        ["RequestId"] = request.RequestId,
        ["OrganisationId"] = request.OrganisationId,
        ["Reference"] = request.Reference,
        ["Status"] = request.Status.ToString(),
        ["CreatedAt"] = request.CreatedAt,
        ["Deadline"] = request.Deadline,
    };

    /// <summary>
    /// Marks a request whose orchestration has not finished its ending yet; the reconciler visits only
    /// these. Written before the request itself and removed once the ending is stored.
    /// </summary>
    public async Task MarkOpenAsync(SampleRequestRecord request, DateTimeOffset markedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        await tables.RequestIndex.UpsertEntityAsync(
            new TableEntity(OpenPartition, request.RequestId) { ["Deadline"] = request.Deadline, ["MarkedAt"] = markedAt },
            TableUpdateMode.Replace,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The requests marked open, with when they were marked.</summary>
    public async Task<IReadOnlyList<(string RequestId, DateTimeOffset MarkedAt)>> ListOpenAsync(CancellationToken cancellationToken)
    {
        var open = new List<(string, DateTimeOffset)>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {OpenPartition}");
        await foreach (var e in tables.RequestIndex.QueryAsync<TableEntity>(filter, select: ["RowKey", "MarkedAt"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            open.Add((e.RowKey, e.GetDateTimeOffset("MarkedAt") ?? DateTimeOffset.MinValue));
        }

        return open;
    }

    public async Task RemoveOpenAsync(string requestId, CancellationToken cancellationToken)
    {
        try
        {
            await tables.RequestIndex.DeleteEntityAsync(OpenPartition, requestId, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Removed already.
        }
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
        return $"{InvertedTicks(request.CreatedAt)}-{request.RequestId}";
    }

    private static string InvertedTicks(DateTimeOffset at) => (DateTimeOffset.MaxValue.UtcTicks - at.UtcTicks).ToString("D19", CultureInfo.InvariantCulture);

    public async Task<(SampleRequestRecord Request, IReadOnlyList<BiobankOffer> Offers)?> GetAsync(string requestId, CancellationToken cancellationToken)
    {
        SampleRequestRecord? request = null;
        var offers = new List<BiobankOffer>();
        // Timeline rows sort after every other row of the partition and are not part of the answer.
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {requestId} and RowKey lt {TimelineRows.Prefix}");
        await foreach (var entity in tables.Requests.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
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
    /// Writes a <c>Pending</c> row for each contacted biobank, completing a request whose first start
    /// stopped part way. Rows that exist already are kept as they are, so an answer is never reset. The
    /// number contacted goes in with the start claim that follows, which must find the row unchanged.
    /// </summary>
    public Task AddContactedAsync(string requestId, IReadOnlyList<BiobankOffer> contacted, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contacted);
        return AddRowsAsync(requestId, contacted, cancellationToken);
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
    /// whoever writes it. Returns the outcome that is stored afterwards. The timeline events that go with
    /// it are written in the same transaction, so they cost no round trip of their own.
    /// </summary>
    public async Task<BiobankOffer> RecordOutcomeAsync(string requestId, BiobankOffer offer, IReadOnlyList<TimelineEntry> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(events);
        var rowKey = BiobankRowPrefix + offer.BiobankId;

        // Usually the row is as the caller read it: write it in one round trip on that ETag.
        if (offer.RowETag is { } seen)
        {
            try
            {
                await UpdateWithEventsAsync(requestId, ToEntity(requestId, offer), seen, TableUpdateMode.Replace, events, cancellationToken).ConfigureAwait(false);
                await Biobanks.BiobankHealthStore.RecordAsync(tables, requestId, offer, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
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

                await UpdateWithEventsAsync(requestId, ToEntity(requestId, recorded), current.Value.ETag, TableUpdateMode.Replace, events, cancellationToken).ConfigureAwait(false);

                // Only the writer of the final outcome counts it in the biobank's health (here and above), once
                // the outcome is stored: one contention-free insert, not abandoned if the caller goes away.
                await Biobanks.BiobankHealthStore.RecordAsync(tables, requestId, recorded, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
                return recorded;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Someone else wrote the row in between; read it again and let the first final outcome stand.
            }
        }
    }

    /// <summary>Writes one row on its ETag together with timeline events, as one transaction of the request's partition.</summary>
    private async Task UpdateWithEventsAsync(string requestId, TableEntity row, ETag etag, TableUpdateMode mode, IReadOnlyList<TimelineEntry> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            await tables.Requests.UpdateEntityAsync(row, etag, mode, cancellationToken).ConfigureAwait(false);
            return;
        }

        var actions = events.Select(e => new TableTransactionAction(TableTransactionActionType.Add, TimelineRows.ToEntity(requestId, e)))
            .Prepend(new TableTransactionAction(mode == TableUpdateMode.Replace ? TableTransactionActionType.UpdateReplace : TableTransactionActionType.UpdateMerge, row, etag));
        try
        {
            await tables.Requests.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException e) when (e.Status is 412 or 409)
        {
            // A batch reports a failed ETag condition as the transaction's failure: the same condition to callers.
            throw new RequestFailedException(412, "The row changed since it was read.", e);
        }
    }

    /// <summary>Appends timeline events that go with no row change (a rejected signature, a late answer, a repair).</summary>
    public async Task AppendTimelineAsync(string requestId, IReadOnlyList<TimelineEntry> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var chunk in events.Chunk(MaxTransactionEntities))
        {
            await tables.Requests.SubmitTransactionAsync(
                chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Add, TimelineRows.ToEntity(requestId, e))),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The request's timeline, oldest first.</summary>
    public async Task<IReadOnlyList<TimelineEntry>> GetTimelineAsync(string requestId, CancellationToken cancellationToken)
    {
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {requestId} and RowKey ge {TimelineRows.Prefix} and RowKey lt {"tl."}");
        var entries = new List<TimelineEntry>();
        await foreach (var e in tables.Requests.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            entries.Add(TimelineRows.ToEntry(e));
        }

        return entries;
    }

    /// <summary>Records one attempt of the completion callback (contract: "each attempt recorded") and its timeline event.</summary>
    public async Task RecordCallbackAttemptAsync(string requestId, int attempt, DateTimeOffset at, string outcome, TimelineEntry entry, CancellationToken cancellationToken) =>
        await tables.Requests.SubmitTransactionAsync(
            [
                new TableTransactionAction(TableTransactionActionType.UpsertReplace, new TableEntity(requestId, $"callback-{attempt:D4}") { ["At"] = at, ["Outcome"] = outcome }),
                new TableTransactionAction(TableTransactionActionType.Add, TimelineRows.ToEntity(requestId, entry)),
            ],
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
    public async Task MarkAcceptedAsync(string requestId, string biobankId, DateTimeOffset sentAt, IReadOnlyList<TimelineEntry> events, CancellationToken cancellationToken)
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
                await UpdateWithEventsAsync(requestId, update, row.Value.ETag, TableUpdateMode.Merge, events, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // The callback's answer was stored in between; read it again to fill in its latency.
            }
        }
    }

    /// <summary>
    /// Ends a request that is still brokering, for <paramref name="reason"/>, with its timeline events;
    /// a request that has ended already keeps its ending (a cancel that came first, or an earlier run of
    /// the same step). Returns the request as stored afterwards, with both index rows brought up to date.
    /// </summary>
    public async Task<SampleRequestRecord> FinishAsync(string requestId, EndReason reason, string? detail, DateTimeOffset completedAt, IReadOnlyList<TimelineEntry> events, CancellationToken cancellationToken)
    {
        while (true)
        {
            var request = await GetRequestRowAsync(requestId, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"Sample request {requestId} is not stored.");
            if (request.Status != RequestStatus.Brokering)
            {
                await IndexAsync(request, cancellationToken).ConfigureAwait(false);
                return request;
            }

            var ended = request with { Status = RequestLifecycle.StatusFor(reason), EndReason = reason, EndDetail = detail, CompletedAt = completedAt };
            try
            {
                await UpdateWithEventsAsync(requestId, EndingEntity(ended), request.ETag, TableUpdateMode.Merge, events, cancellationToken).ConfigureAwait(false);
                await IndexAsync(ended, cancellationToken).ConfigureAwait(false);
                return ended;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Changed in between (a cancel); read again and let the first ending stand.
            }
        }
    }

    private static TableEntity EndingEntity(SampleRequestRecord r) => new(r.RequestId, RequestRow)
    {
        ["Status"] = r.Status.ToString(),
        ["EndReason"] = r.EndReason?.ToString(),
        ["EndDetail"] = r.EndDetail,
        ["CompletedAt"] = r.CompletedAt,
    };

    /// <summary>The request row alone, by point read, with its ETag.</summary>
    public async Task<SampleRequestRecord?> GetRequestRowAsync(string requestId, CancellationToken cancellationToken)
    {
        var row = await tables.Requests.GetEntityIfExistsAsync<TableEntity>(requestId, RequestRow, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity ? ToRequest(entity) : null;
    }

    /// <summary>
    /// Claims the start of a new generation of a request read as <paramref name="seen"/>: one conditional
    /// write on its ETag, so of two racing claimers exactly one wins. False when the row changed since.
    /// </summary>
    public async Task<SampleRequestRecord?> TryClaimStartAsync(SampleRequestRecord seen, SampleRequestRecord next, IReadOnlyList<TimelineEntry> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(seen);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await UpdateWithEventsAsync(seen.RequestId, ToEntity(next), seen.ETag, TableUpdateMode.Replace, events, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            return null;
        }

        return await GetRequestRowAsync(seen.RequestId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Lets one execution of the current generation begin brokering: the first to ask with the current
    /// generation wins, an execution asking again (a retried step) still wins, every other one loses.
    /// </summary>
    /// <summary>
    /// Notes that the engine accepted the orchestration of <paramref name="generation"/>: from then on its start
    /// is the engine's to run, and only a much longer silence (or the engine saying it is gone) lets another
    /// take it over. A merge of two columns, so it never undoes a claim or a begin written in between.
    /// </summary>
    public async Task MarkScheduledAsync(string requestId, int generation, DateTimeOffset at, CancellationToken cancellationToken) =>
        await tables.Requests.UpdateEntityAsync(
            new TableEntity(requestId, RequestRow) { ["StartScheduledAt"] = at, ["ScheduledGeneration"] = generation },
            ETag.All,
            TableUpdateMode.Merge,
            cancellationToken).ConfigureAwait(false);

    public async Task<bool> TryBeginExecutionAsync(string requestId, int generation, string token, CancellationToken cancellationToken)
    {
        while (true)
        {
            var request = await GetRequestRowAsync(requestId, cancellationToken).ConfigureAwait(false);
            if (request is null || request.Generation != generation || request.Status != RequestStatus.Brokering)
            {
                return false;
            }

            if (request.ExecutionToken is not null)
            {
                return request.ExecutionToken == token;
            }

            try
            {
                await tables.Requests.UpdateEntityAsync(new TableEntity(requestId, RequestRow) { ["ExecutionToken"] = token }, request.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another execution or a cancel wrote in between: decide again on what is stored.
            }
        }
    }

    /// <summary>Sets the rows of biobanks to query again back to <c>Pending</c> (a restart), keeping their query ids.</summary>
    public async Task ResetOffersAsync(string requestId, IReadOnlyList<BiobankOffer> offers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(offers);
        foreach (var chunk in offers.Chunk(MaxTransactionEntities))
        {
            await tables.Requests.SubmitTransactionAsync(
                chunk.Select(o => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(requestId, BiobankOffer.Pending(o.BiobankId, o.Name, o.Country, o.QueryId)))),
                cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One page of every organisation's requests, newest first, with the staff console's filters. The
    /// token is the index key of the last item returned.
    /// </summary>
    public async Task<(IReadOnlyList<string> RequestIds, string? Next)> ListAllAsync(AdminListFilter filter, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var partition = filter.OrganisationId ?? AllPartition;
        var text = TableClient.CreateQueryFilter($"PartitionKey eq {partition}");
        if (filter.After is not null)
        {
            text += " and " + TableClient.CreateQueryFilter($"RowKey gt {filter.After}");
        }

        // Keys run newest first: "created before" is a lower bound on the key, "created from" an upper one.
        if (filter.CreatedTo is { } to)
        {
            text += " and " + TableClient.CreateQueryFilter($"RowKey ge {InvertedTicks(to)}");
        }

        if (filter.CreatedFrom is { } from)
        {
            text += " and " + TableClient.CreateQueryFilter($"RowKey lt {InvertedTicks(from) + "."}");
        }

        if (filter.Status is { } status)
        {
            text += " and " + TableClient.CreateQueryFilter($"Status eq {status.ToString()}");
        }

        if (filter.OverdueAt is { } overdueAt)
        {
            text += " and " + TableClient.CreateQueryFilter($"Status eq {nameof(RequestStatus.Brokering)} and Deadline lt {overdueAt}");
        }

        var ids = new List<string>(filter.Top);
        string? last = null;
        await foreach (var entity in tables.RequestIndex.QueryAsync<TableEntity>(text, maxPerPage: filter.Top, select: ["RequestId", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (ids.Count == filter.Top)
            {
                return (ids, last);
            }

            ids.Add(entity.GetString("RequestId"));
            last = entity.RowKey;
        }

        return (ids, null);
    }

    /// <summary>
    /// How many requests there are in each status across organisations, and how many of those still
    /// brokering had their deadline before <paramref name="overdueBefore"/>. One pass over the alliance's
    /// index partition reading two small properties per row; no request partition is opened.
    /// </summary>
    public async Task<RequestCounts> CountAllAsync(DateTimeOffset overdueBefore, CancellationToken cancellationToken)
    {
        var counts = new Dictionary<RequestStatus, long>();
        long overdue = 0;
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {AllPartition}");
        await foreach (var e in tables.RequestIndex.QueryAsync<TableEntity>(filter, maxPerPage: 1000, select: ["Status", "Deadline"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!Enum.TryParse<RequestStatus>(e.GetString("Status"), out var status))
            {
                continue;
            }

            counts[status] = counts.GetValueOrDefault(status) + 1;
            if (status == RequestStatus.Brokering && e.GetDateTimeOffset("Deadline") < overdueBefore)
            {
                overdue++;
            }
        }

        return new RequestCounts(
            counts.GetValueOrDefault(RequestStatus.Brokering),
            counts.GetValueOrDefault(RequestStatus.Completed),
            counts.GetValueOrDefault(RequestStatus.Cancelled),
            counts.GetValueOrDefault(RequestStatus.Failed),
            overdue);
    }

    /// <summary>Removes the stored request: every row of its partition (timeline included), its index rows and its open marker.</summary>
    public async Task PurgeAsync(SampleRequestRecord request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {request.RequestId}");
        var keys = new List<string>();
        await foreach (var e in tables.Requests.QueryAsync<TableEntity>(filter, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            keys.Add(e.RowKey);
        }

        // The request row goes last, so a purge cut short is still found and can be finished.
        foreach (var chunk in keys.Where(k => k != RequestRow).Chunk(MaxTransactionEntities))
        {
            await tables.Requests.SubmitTransactionAsync(
                chunk.Select(k => new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(request.RequestId, k), ETag.All)),
                cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(
            DeleteIfExistsAsync(tables.RequestIndex, request.OrganisationId, IndexKey(request), cancellationToken),
            DeleteIfExistsAsync(tables.RequestIndex, AllPartition, IndexKey(request), cancellationToken),
            DeleteIfExistsAsync(tables.RequestIndex, OpenPartition, request.RequestId, cancellationToken)).ConfigureAwait(false);
        await DeleteIfExistsAsync(tables.Requests, request.RequestId, RequestRow, cancellationToken).ConfigureAwait(false);
    }

    private static async Task DeleteIfExistsAsync(TableClient table, string partitionKey, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await table.DeleteEntityAsync(partitionKey, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // Gone already.
        }
    }

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
        ["Generation"] = r.Generation,
        ["StartClaimedAt"] = r.StartClaimedAt,
        ["ExecutionToken"] = r.ExecutionToken,
        ["StartScheduledAt"] = r.StartScheduledAt,
        ["ScheduledGeneration"] = r.ScheduledGeneration,
        ["EndReason"] = r.EndReason?.ToString(),
        ["EndDetail"] = r.EndDetail,
        ["AnswerWithinSeconds"] = r.AnswerWithinSeconds,
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
        e.GetInt32("BiobanksContacted"))
    {
        Generation = e.GetInt32("Generation") ?? 1,
        StartClaimedAt = e.GetDateTimeOffset("StartClaimedAt"),
        ExecutionToken = e.GetString("ExecutionToken"),
        StartScheduledAt = e.GetDateTimeOffset("StartScheduledAt"),
        ScheduledGeneration = e.GetInt32("ScheduledGeneration"),
        EndReason = e.GetString("EndReason") is { } reason ? Enum.Parse<EndReason>(reason) : null,
        EndDetail = e.GetString("EndDetail"),
        AnswerWithinSeconds = e.GetInt32("AnswerWithinSeconds") ?? (int)(e.GetDateTimeOffset("Deadline")!.Value - e.GetDateTimeOffset("CreatedAt")!.Value).TotalSeconds,
        ETag = e.ETag,
    };

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
