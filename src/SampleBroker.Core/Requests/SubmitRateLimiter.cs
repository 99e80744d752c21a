using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Storage;

namespace SampleBroker.Requests;

/// <summary>
/// <c>SampleBroker:RequestsPerMinute</c> per organisation, counted in one place for every instance of
/// the broker: a fixed-window counter row per organisation and minute in Table storage, raised only
/// with the row's ETag, so two instances never count one permit twice or lose one. An instance
/// remembers a full window until it ends, so an organisation over its limit costs no further storage
/// calls. The POST and the queue intake both go through it.
/// </summary>
public sealed class SubmitRateLimiter(BrokerTables tables, IOptions<SampleBrokerOptions> options, TimeProvider time)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>How many times one acquisition re-reads the counter after losing a race to another writer.</summary>
    private const int MaxRaces = 64;

    private readonly ConcurrentDictionary<string, DateTimeOffset> fullUntil = new(StringComparer.Ordinal);

    /// <summary>Null when the organisation may submit now (a permit is taken), else how long until its window ends.</summary>
    public async Task<TimeSpan?> TryAcquireAsync(string organisationId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(organisationId);
        var limit = Math.Max(1, options.Value.RequestsPerMinute);
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % Window.Ticks), TimeSpan.Zero);
        var windowEnd = windowStart + Window;
        if (fullUntil.TryGetValue(organisationId, out var until) && until > now)
        {
            return until - now;
        }

        var rowKey = RowKey(windowStart);
        for (var race = 0; race < MaxRaces; race++)
        {
            var found = await tables.SubmitWindows.GetEntityIfExistsAsync<TableEntity>(organisationId, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!found.HasValue)
                {
                    await tables.SubmitWindows.AddEntityAsync(new TableEntity(organisationId, rowKey) { ["Count"] = 1 }, cancellationToken).ConfigureAwait(false);
                    await ForgetAsync(organisationId, RowKey(windowStart - Window), cancellationToken).ConfigureAwait(false);
                    return null;
                }

                var count = found.Value!.GetInt32("Count") ?? 0;
                if (count >= limit)
                {
                    fullUntil[organisationId] = windowEnd;
                    return windowEnd - now;
                }

                await tables.SubmitWindows.UpdateEntityAsync(new TableEntity(organisationId, rowKey) { ["Count"] = count + 1 }, found.Value.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return null;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412)
            {
                // Another submission (here or on another instance) counted first: read the count again.
            }
        }

        // Contention this heavy means many submissions at once: ask the caller to come back shortly.
        return TimeSpan.FromSeconds(1);
    }

    /// <summary>Drops the previous minute's row, so the table keeps about one row per active organisation.</summary>
    private async Task ForgetAsync(string organisationId, string rowKey, CancellationToken cancellationToken)
    {
        try
        {
            await tables.SubmitWindows.DeleteEntityAsync(organisationId, rowKey, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            // No submissions in the previous minute.
        }
    }

    private static string RowKey(DateTimeOffset windowStart) => windowStart.UtcDateTime.ToString("yyyyMMddHHmm", CultureInfo.InvariantCulture);
}
