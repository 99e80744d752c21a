using System.Globalization;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Requests;
using SampleBroker.Storage;

namespace SampleBroker.Biobanks;

/// <summary>What a biobank's final outcomes add up to, without the circuit state (which lives in memory).</summary>
public sealed record HealthTally(long Queries, long Answered, long TimedOut, long Failed, DateTimeOffset? LastAnsweredAt, IReadOnlyList<int> RecentLatenciesMs)
{
    /// <summary>How many answer latencies are kept per biobank for the percentiles.</summary>
    public const int LatencyWindow = 200;

    /// <summary>How many answers are kept per biobank with their times, for the alliance's median over its newest answers.</summary>
    public const int AnswerWindow = 1000;

    public static HealthTally Empty { get; } = new(0, 0, 0, 0, null, []);

    /// <summary>The newest valid answers with when they came and how long they took from the query, oldest first.</summary>
    public IReadOnlyList<TimedAnswer> RecentAnswers { get; init; } = [];

    /// <summary>Adds outcomes, oldest first; only the last <see cref="LatencyWindow"/> latencies are kept.</summary>
    public HealthTally Add(IEnumerable<RecordedOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var tally = this;
        var latencies = new List<int>(RecentLatenciesMs);
        var answers = new List<TimedAnswer>(RecentAnswers);
        foreach (var o in outcomes)
        {
            tally = o.Kind switch
            {
                OutcomeKind.Answered => tally with
                {
                    Queries = tally.Queries + 1,
                    Answered = tally.Answered + 1,
                    LastAnsweredAt = tally.LastAnsweredAt is { } last && last > o.At ? last : o.At,
                },
                OutcomeKind.TimedOut => tally with { Queries = tally.Queries + 1, TimedOut = tally.TimedOut + 1 },
                _ => tally with { Queries = tally.Queries + 1, Failed = tally.Failed + 1 },
            };
            if (o.Kind == OutcomeKind.Answered && o.LatencyMs is { } ms)
            {
                latencies.Add((int)Math.Clamp(ms, 0, int.MaxValue));
                answers.Add(new TimedAnswer(o.At, (int)Math.Clamp(ms, 0, int.MaxValue)));
            }
        }

        return tally with
        {
            RecentLatenciesMs = latencies.Count > LatencyWindow ? latencies[^LatencyWindow..] : latencies,
            RecentAnswers = answers.Count > AnswerWindow ? answers[^AnswerWindow..] : answers,
        };
    }

    /// <summary>The health the staff API shows.</summary>
    public BiobankHealth ToHealth(string circuit) => new(
        Queries, Answered, TimedOut, Failed,
        Percentile(RecentLatenciesMs, 50), Percentile(RecentLatenciesMs, 95),
        circuit, LastAnsweredAt);

    /// <summary>Nearest-rank percentile (the smallest value with at least p % of values at or below it); null without values.</summary>
    public static int? Percentile(IReadOnlyList<int> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return null;
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(percent, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percent, 100);
        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}

/// <summary>One valid answer: when it came and how long after its query was sent.</summary>
public sealed record TimedAnswer(DateTimeOffset At, int LatencyMs)
{
    private const int Size = sizeof(long) + sizeof(int);

    /// <summary>Packs answers into bytes (12 each): 1,000 answers fit one table property (64 KiB) with room to spare.</summary>
    public static byte[] Pack(IReadOnlyList<TimedAnswer> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var bytes = new byte[answers.Count * Size];
        for (var i = 0; i < answers.Count; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * Size), answers[i].At.ToUnixTimeMilliseconds());
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan((i * Size) + sizeof(long)), answers[i].LatencyMs);
        }

        return bytes;
    }

    public static IReadOnlyList<TimedAnswer> Unpack(byte[]? bytes)
    {
        if (bytes is null)
        {
            return [];
        }

        var answers = new List<TimedAnswer>(bytes.Length / Size);
        for (var offset = 0; offset + Size <= bytes.Length; offset += Size)
        {
            answers.Add(new TimedAnswer(
                DateTimeOffset.FromUnixTimeMilliseconds(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(offset))),
                System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(offset + sizeof(long)))));
        }

        return answers;
    }
}

/// <summary>How a final outcome counts in a biobank's health.</summary>
public enum OutcomeKind
{
    Answered,
    TimedOut,
    Failed,
}

/// <summary>One final outcome as health counts it.</summary>
public sealed record RecordedOutcome(OutcomeKind Kind, long? LatencyMs, DateTimeOffset At)
{
    /// <summary>How an outcome counts; null for outcomes that say nothing about the biobank (pending, cancelled).</summary>
    public static OutcomeKind? KindOf(BiobankOutcome outcome) => outcome switch
    {
        BiobankOutcome.Available or BiobankOutcome.NoMatch or BiobankOutcome.BelowReportingThreshold or BiobankOutcome.Declined => OutcomeKind.Answered,
        BiobankOutcome.TimedOut => OutcomeKind.TimedOut,
        BiobankOutcome.Failed => OutcomeKind.Failed,
        _ => null,
    };
}

/// <summary>
/// Per-biobank health in Table storage. The brokering path writes one small row per final outcome
/// (an insert keyed by the request, so it never contends with other requests and counts once
/// however often it is retried); readers, and now and then writers, fold those rows into the
/// biobank's summary row in one transaction guarded by the summary's ETag, so concurrent folds
/// cannot count an outcome twice. Both live in the biobank's partition.
/// </summary>
public sealed class BiobankHealthStore(BrokerTables tables)
{
    private const string SummaryRow = "summary";
    private const string OutcomeRowPrefix = "o-";

    /// <summary>A writer folds when its request id hashes to 0 modulo this, so the partition stays small without readers.</summary>
    private const int WriterFoldEvery = 32;

    /// <summary>At most this many outcome rows per fold: one transaction holds 100 operations, the summary is one.</summary>
    private const int MaxFoldedPerTransaction = 99;

    /// <summary>
    /// Records a final outcome of <paramref name="requestId"/>'s query to the offer's biobank. Called
    /// once the outcome is stored; cancelled and pending outcomes are not counted. Transient storage
    /// faults are retried by the storage client (bounded); a fault that remains throws rather than
    /// losing the count silently.
    /// </summary>
    public static async Task RecordAsync(BrokerTables tables, string requestId, BiobankOffer offer, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tables);
        ArgumentNullException.ThrowIfNull(offer);
        if (RecordedOutcome.KindOf(offer.Outcome) is not { } kind)
        {
            return;
        }

        var row = new TableEntity(offer.BiobankId, OutcomeRowPrefix + requestId)
        {
            ["Kind"] = kind.ToString(),
            ["LatencyMs"] = offer.LatencyMs,
            ["At"] = offer.AnsweredAt ?? now,
        };
        try
        {
            await tables.BiobankHealth.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            // Recorded already by an earlier run: it counts once.
            return;
        }

        if ((uint)StringComparer.Ordinal.GetHashCode(requestId) % WriterFoldEvery == 0)
        {
            var (summary, outcomes) = await ReadPartitionAsync(tables.BiobankHealth, offer.BiobankId, cancellationToken).ConfigureAwait(false);
            await TryFoldAsync(tables.BiobankHealth, offer.BiobankId, summary, outcomes, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The tally of one biobank.</summary>
    public async Task<HealthTally> GetAsync(string biobankId, CancellationToken cancellationToken)
    {
        var (summary, outcomes) = await ReadPartitionAsync(tables.BiobankHealth, biobankId, cancellationToken).ConfigureAwait(false);
        return await SettleAsync(biobankId, summary, outcomes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The tallies of every biobank that has one, read in one pass over the table.</summary>
    public async Task<IReadOnlyDictionary<string, HealthTally>> GetAllAsync(CancellationToken cancellationToken)
    {
        var partitions = new Dictionary<string, (TableEntity? Summary, List<TableEntity> Outcomes)>(StringComparer.Ordinal);
        await foreach (var entity in tables.BiobankHealth.QueryAsync<TableEntity>(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            var p = partitions.TryGetValue(entity.PartitionKey, out var found) ? found : (null, []);
            if (entity.RowKey == SummaryRow)
            {
                p.Summary = entity;
            }
            else
            {
                p.Outcomes.Add(entity);
            }

            partitions[entity.PartitionKey] = p;
        }

        var result = new Dictionary<string, HealthTally>(StringComparer.Ordinal);
        foreach (var (biobankId, (summary, outcomes)) in partitions)
        {
            result[biobankId] = await SettleAsync(biobankId, summary, outcomes, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    private async Task<HealthTally> SettleAsync(string biobankId, TableEntity? summary, List<TableEntity> outcomes, CancellationToken cancellationToken)
    {
        // What is shown never waits for the fold: it is the summary plus every outcome not yet folded.
        var tally = ToTally(summary).Add(Ordered(outcomes));
        if (outcomes.Count > 0)
        {
            await TryFoldAsync(tables.BiobankHealth, biobankId, summary, outcomes, cancellationToken).ConfigureAwait(false);
        }

        return tally;
    }

    private static async Task<(TableEntity? Summary, List<TableEntity> Outcomes)> ReadPartitionAsync(TableClient table, string biobankId, CancellationToken cancellationToken)
    {
        TableEntity? summary = null;
        var outcomes = new List<TableEntity>();
        await foreach (var entity in table.QueryAsync<TableEntity>(e => e.PartitionKey == biobankId, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entity.RowKey == SummaryRow)
            {
                summary = entity;
            }
            else
            {
                outcomes.Add(entity);
            }
        }

        return (summary, outcomes);
    }

    /// <summary>
    /// Moves outcome rows into the summary: the summary's new values and the deletion of the folded
    /// rows commit together or not at all. Losing the race to another fold changes nothing.
    /// </summary>
    private static async Task TryFoldAsync(TableClient table, string biobankId, TableEntity? summary, List<TableEntity> outcomes, CancellationToken cancellationToken)
    {
        var folded = outcomes.OrderBy(e => e.GetDateTimeOffset("At")).Take(MaxFoldedPerTransaction).ToList();
        if (folded.Count == 0)
        {
            return;
        }

        var tally = ToTally(summary).Add(Ordered(folded));
        var row = new TableEntity(biobankId, SummaryRow)
        {
            ["Queries"] = tally.Queries,
            ["Answered"] = tally.Answered,
            ["TimedOut"] = tally.TimedOut,
            ["Failed"] = tally.Failed,
            ["LastAnsweredAt"] = tally.LastAnsweredAt,
            ["Latencies"] = string.Join(',', tally.RecentLatenciesMs.Select(l => l.ToString(CultureInfo.InvariantCulture))),
            ["Answers"] = TimedAnswer.Pack(tally.RecentAnswers),
        };
        var actions = new List<TableTransactionAction>(folded.Count + 1)
        {
            summary is null
                ? new TableTransactionAction(TableTransactionActionType.Add, row)
                : new TableTransactionAction(TableTransactionActionType.UpdateReplace, row, summary.ETag),
        };
        actions.AddRange(folded.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, e.ETag)));
        try
        {
            await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException)
        {
            // Another reader or writer folded first; its summary already counts these rows.
        }
        catch (RequestFailedException e) when (e.Status is 404 or 409 or 412)
        {
            // The same race, reported by the service without a transaction error.
        }
    }

    private static IEnumerable<RecordedOutcome> Ordered(IEnumerable<TableEntity> outcomes) =>
        outcomes
            .Select(e => new RecordedOutcome(
                Enum.TryParse<OutcomeKind>(e.GetString("Kind"), out var kind) ? kind : OutcomeKind.Failed,
                e.GetInt64("LatencyMs"),
                e.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue))
            .OrderBy(o => o.At);

    private static HealthTally ToTally(TableEntity? summary) => summary is null
        ? HealthTally.Empty
        : new HealthTally(
            summary.GetInt64("Queries") ?? 0,
            summary.GetInt64("Answered") ?? 0,
            summary.GetInt64("TimedOut") ?? 0,
            summary.GetInt64("Failed") ?? 0,
            summary.GetDateTimeOffset("LastAnsweredAt"),
            (summary.GetString("Latencies") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToList())
        {
            RecentAnswers = TimedAnswer.Unpack(summary.GetBinary("Answers")),
        };
}
