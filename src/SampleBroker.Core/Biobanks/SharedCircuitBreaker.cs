using System.Collections.Concurrent;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Storage;

namespace SampleBroker.Biobanks;

/// <summary>The positions of a biobank's circuit breaker, as the health view names them (contract section 3).</summary>
public static class CircuitStates
{
    public const string Closed = "Closed";
    public const string Open = "Open";
    public const string HalfOpen = "HalfOpen";
}

/// <summary>
/// One circuit breaker per biobank, shared by every instance of the broker through one Table row per
/// biobank (state, consecutive failures, when it opened, when the half-open probe left), written only
/// with the row's ETag so two instances never overwrite each other's step. It opens after
/// <see cref="SampleBrokerOptions.CircuitFailureThreshold"/> failed attempts in a row; after
/// <see cref="SampleBrokerOptions.CircuitBreakSeconds"/> one instance claims the single half-open probe,
/// whose success closes it and whose failure opens it again. Each instance reads the row at most every
/// <see cref="SampleBrokerOptions.CircuitCacheMilliseconds"/>, so a trip anywhere is seen everywhere
/// within about that time. A storage fault never stops a query: the breaker then lets it through.
/// </summary>
public sealed partial class SharedCircuitBreaker(BrokerTables tables, IOptions<SampleBrokerOptions> options, TimeProvider time, ILogger<SharedCircuitBreaker> logger)
{
    private const string Partition = "circuit";

    private readonly ConcurrentDictionary<string, Cached> cache = new(StringComparer.Ordinal);

    private SampleBrokerOptions Settings => options.Value;

    /// <summary>Whether an attempt to the biobank may go now (for a half-open circuit: whether this caller won the probe).</summary>
    public async Task<bool> TryEnterAsync(string biobankId, CancellationToken cancellationToken)
    {
        try
        {
            var row = await ReadAsync(biobankId, fresh: false, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            switch (row?.State)
            {
                case null or CircuitStates.Closed:
                    return true;
                case CircuitStates.Open when now < row.OpenedAt + BreakDuration:
                    return false;
                case CircuitStates.HalfOpen when now < row.ProbeAt + ProbeTimeout:
                    return false;
                default:
                    // The break is over, or the last probe never reported: the first instance to write wins the probe.
                    var fresh = await ReadAsync(biobankId, fresh: true, cancellationToken).ConfigureAwait(false);
                    if (fresh is null || fresh.ETag != row.ETag)
                    {
                        return fresh is null || fresh.State == CircuitStates.Closed;
                    }

                    if (!await TryWriteAsync(fresh with { State = CircuitStates.HalfOpen, ProbeAt = now }, cancellationToken).ConfigureAwait(false))
                    {
                        return false;
                    }

                    Transitioned(biobankId, CircuitStates.HalfOpen);
                    return true;
            }
        }
        catch (RequestFailedException e)
        {
            LogStorageFault(e, biobankId);
            return true;
        }
    }

    /// <summary>Counts an attempt's result: a failure may open the circuit, a success closes it.</summary>
    public async Task RecordAsync(string biobankId, bool succeeded, CancellationToken cancellationToken)
    {
        try
        {
            for (var tries = 0; tries < 20; tries++)
            {
                var cached = await ReadAsync(biobankId, fresh: false, cancellationToken).ConfigureAwait(false);
                if (succeeded && (cached is null || (cached.State == CircuitStates.Closed && cached.Failures == 0)))
                {
                    return;
                }

                var row = await ReadAsync(biobankId, fresh: true, cancellationToken).ConfigureAwait(false) ?? Row.New(biobankId);
                var now = time.GetUtcNow();
                Row? next = (succeeded, row.State) switch
                {
                    (true, _) when row.State == CircuitStates.Closed && row.Failures == 0 => null,
                    (true, _) => row with { State = CircuitStates.Closed, Failures = 0, OpenedAt = null, ProbeAt = null },
                    (false, CircuitStates.Open) => null,
                    (false, CircuitStates.HalfOpen) => row with { State = CircuitStates.Open, OpenedAt = now, ProbeAt = null },
                    (false, _) when row.Failures + 1 >= Settings.CircuitFailureThreshold =>
                        row with { State = CircuitStates.Open, Failures = row.Failures + 1, OpenedAt = now },
                    (false, _) => row with { Failures = row.Failures + 1 },
                };
                if (next is null || await TryWriteAsync(next, cancellationToken).ConfigureAwait(false))
                {
                    if (next is { State: CircuitStates.Open } && row.State != CircuitStates.Open)
                    {
                        LogOpened(biobankId, next.Failures);
                    }

                    if (next is not null && next.State != row.State)
                    {
                        Transitioned(biobankId, next.State);
                    }

                    return;
                }
            }
        }
        catch (RequestFailedException e)
        {
            LogStorageFault(e, biobankId);
        }
    }

    /// <summary>The circuit's position as staff see it; an open circuit whose break is over shows <c>HalfOpen</c>.</summary>
    public async Task<string> StateOfAsync(string biobankId, CancellationToken cancellationToken)
    {
        var row = await ReadAsync(biobankId, fresh: false, cancellationToken).ConfigureAwait(false);
        return row?.State switch
        {
            CircuitStates.Open when time.GetUtcNow() >= row.OpenedAt + BreakDuration => CircuitStates.HalfOpen,
            CircuitStates.Open => CircuitStates.Open,
            CircuitStates.HalfOpen => CircuitStates.HalfOpen,
            _ => CircuitStates.Closed,
        };
    }

    private TimeSpan BreakDuration => TimeSpan.FromSeconds(Math.Max(1, Settings.CircuitBreakSeconds));

    /// <summary>A probe that has not reported by then is taken to be lost (its instance died), and another may go.</summary>
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(75);

    private async Task<Row?> ReadAsync(string biobankId, bool fresh, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!fresh && cache.TryGetValue(biobankId, out var hit) && now - hit.ReadAt < TimeSpan.FromMilliseconds(Settings.CircuitCacheMilliseconds))
        {
            return hit.Row;
        }

        var found = await tables.Circuits.GetEntityIfExistsAsync<TableEntity>(Partition, biobankId, cancellationToken: cancellationToken).ConfigureAwait(false);
        var row = found.HasValue ? Row.From(found.Value!) : null;
        cache[biobankId] = new Cached(row, now);
        return row;
    }

    /// <summary>Counts a state change this instance wrote (the <c>samplebroker.breaker.transitions</c> metric).</summary>
    private static void Transitioned(string biobankId, string state) =>
        Monitoring.BrokerTelemetry.BreakerTransitions.Add(1, new(Monitoring.BrokerTelemetry.Tags.BiobankId, biobankId), new(Monitoring.BrokerTelemetry.Tags.State, state));

    private async Task<bool> TryWriteAsync(Row row, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(Partition, row.BiobankId)
        {
            ["State"] = row.State,
            ["Failures"] = row.Failures,
            ["OpenedAt"] = row.OpenedAt,
            ["ProbeAt"] = row.ProbeAt,
        };
        try
        {
            var response = row.ETag == default
                ? await tables.Circuits.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false)
                : await tables.Circuits.UpdateEntityAsync(entity, row.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
            cache[row.BiobankId] = new Cached(row with { ETag = response.Headers.ETag ?? default }, time.GetUtcNow());
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // Another instance stepped first; the caller reads again.
            cache.TryRemove(row.BiobankId, out _);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit of biobank {BiobankId} opened after {Failures} failed attempts in a row")]
    private partial void LogOpened(string biobankId, int failures);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Circuit state of biobank {BiobankId} could not be read or written; the attempt goes ahead")]
    private partial void LogStorageFault(Exception e, string biobankId);

    private sealed record Cached(Row? Row, DateTimeOffset ReadAt);

    private sealed record Row(string BiobankId, string State, int Failures, DateTimeOffset? OpenedAt, DateTimeOffset? ProbeAt, ETag ETag)
    {
        public static Row New(string biobankId) => new(biobankId, CircuitStates.Closed, 0, null, null, default);

        public static Row From(TableEntity e) => new(
            e.RowKey, e.GetString("State") ?? CircuitStates.Closed, e.GetInt32("Failures") ?? 0, e.GetDateTimeOffset("OpenedAt"), e.GetDateTimeOffset("ProbeAt"), e.ETag);
    }
}
