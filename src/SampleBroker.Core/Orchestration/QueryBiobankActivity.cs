using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;
using SampleBroker.Http;
using SampleBroker.Monitoring;
using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>
/// Sends one biobank its signed query and stores the outcome the moment it is known, so readers see
/// answers arrive one by one. Biobank faults become outcomes, never exceptions; only storage faults
/// throw, for the orchestration's retry policy.
/// </summary>
public sealed class QueryBiobankActivity(
    SampleRequestStore requests,
    BiobankStore biobanks,
    BiobankClient client,
    IOptions<SampleBrokerOptions> options,
    TimeProvider time,
    ILogger<QueryBiobankActivity> logger) : TaskActivity<QueryInput, QueryResult>
{
    public override async Task<QueryResult> RunAsync(TaskActivityContext context, QueryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var span = BrokerTelemetry.Source.StartActivity(TaskNames.QueryBiobank);
        span?.SetTag(BrokerTelemetry.Tags.RequestId, input.RequestId);
        span?.SetTag(BrokerTelemetry.Tags.BiobankId, input.BiobankId);
        span?.SetTag(BrokerTelemetry.Tags.QueryId, input.QueryId);
        var result = await QueryAsync(input);
        span?.SetTag(BrokerTelemetry.Tags.Outcome, result.AwaitingCallback ? "AwaitingCallback" : result.Outcome.ToString());
        return result;
    }

    private async Task<QueryResult> QueryAsync(QueryInput input)
    {
        var deadline = new DateTimeOffset(input.DeadlineUtc, TimeSpan.Zero);
        // One point read before the query goes out, on the path of every query when twenty start together:
        // the registry's current endpoint and secret. What the query asks comes with the input; the
        // biobank's row is read when the outcome is recorded, where the first final outcome stands (a
        // repeat of this activity sends the query again, with the same webhook-id).
        // A biobank deleted after it was contacted still gets its query: running requests are not disturbed.
        var biobank = await biobanks.GetIncludingDeletedAsync(input.BiobankId, CancellationToken.None);
        if (biobank is null)
        {
            var row = await requests.GetOfferAsync(input.RequestId, input.BiobankId, CancellationToken.None)
                ?? throw new InvalidOperationException($"Biobank {input.BiobankId} was not contacted for {input.RequestId}.");
            return row.IsFinal
                ? new QueryResult(input.BiobankId, row.Outcome, AwaitingCallback: false)
                : await RecordAsync(input, BiobankAnswerReader.Failed(row, "biobank was removed from the registry", time.GetUtcNow(), null), []);
        }

        if (biobank.Problem is not null)
        {
            // Broken after it was chosen (say, a key ring that lost a key): nothing can be signed for it.
            var row = await requests.GetOfferAsync(input.RequestId, input.BiobankId, CancellationToken.None)
                ?? throw new InvalidOperationException($"Biobank {input.BiobankId} was not contacted for {input.RequestId}.");
            return row.IsFinal
                ? new QueryResult(input.BiobankId, row.Outcome, AwaitingCallback: false)
                : await RecordAsync(input, BiobankAnswerReader.Failed(row, "biobank misconfigured at the broker, not contacted", time.GetUtcNow(), null), []);
        }

        var pending = BiobankOffer.Pending(biobank.BiobankId, biobank.Name, biobank.Country, input.QueryId);
        var query = new BiobankQuery
        {
            QueryId = input.QueryId,
            RequestId = input.RequestId,
            Criteria = input.Criteria,
            Quantity = input.Quantity,
            ReplyBy = deadline,
            CallbackUrl = options.Value.PublicBaseUrl.TrimEnd('/') + ApiRoutes.BiobankAnswerPath(input.BiobankId, input.QueryId),
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(query, ProtocolJson.Options);

        // A restarted request's query is a new message: the biobank must not take it for a redelivery.
        var messageId = input.Generation <= 1 ? "msg_" + input.QueryId : $"msg_{input.QueryId}_g{input.Generation}";
        var sentAt = time.GetUtcNow();
        var delivery = await client.SendAsync(biobank, messageId, body, deadline, CancellationToken.None);
        logger.LogInformation("Query {QueryId} to {BiobankId}: {Delivery} after {LatencyMs} ms", input.QueryId, input.BiobankId, delivery.GetType().Name, delivery.LatencyMs);
        BrokerTelemetry.Queries.Add(1, new(BrokerTelemetry.Tags.BiobankId, input.BiobankId), new(BrokerTelemetry.Tags.Outcome, delivery.GetType().Name));
        if (delivery is QueryDelivery.Answered or QueryDelivery.Accepted)
        {
            BrokerTelemetry.Latency.Record(delivery.LatencyMs, new KeyValuePair<string, object?>(BrokerTelemetry.Tags.BiobankId, input.BiobankId));
        }

        // The timeline's events of this query go into the transaction that stores its outcome: no round trip of their own.
        var now = time.GetUtcNow();
        var sent = new TimelineEntry(sentAt, TimelineEvents.QuerySent, input.BiobankId, input.Generation <= 1 ? null : $"generation {input.Generation}");
        switch (delivery)
        {
            case QueryDelivery.Answered answered:
                var (answer, _) = BiobankAnswerReader.Read(answered.Body);
                var offer = answer is null
                    ? BiobankAnswerReader.Failed(pending, "invalid answer", now, answered.LatencyMs)
                    : BiobankAnswerReader.ToOffer(pending, answer, biobank.MinReportableCount, now, answered.LatencyMs);
                return await RecordAsync(input, offer, [sent, Received(offer, now)]);
            case QueryDelivery.Failed failed:
                var failedEvent = failed.Error.Contains("circuit", StringComparison.OrdinalIgnoreCase) ? TimelineEvents.CircuitOpen : TimelineEvents.AttemptFailed;
                return await RecordAsync(input, BiobankAnswerReader.Failed(pending, failed.Error, now, failed.LatencyMs), [sent, new TimelineEntry(now, failedEvent, input.BiobankId, failed.Error)]);
            case QueryDelivery.Accepted:
                await requests.MarkAcceptedAsync(input.RequestId, input.BiobankId, sentAt, [sent with { Detail = "accepted (202): the answer comes by callback" }], CancellationToken.None);
                return new QueryResult(input.BiobankId, BiobankOutcome.Pending, AwaitingCallback: true);
            default:
                // The deadline passed: the orchestration settles the biobank as TimedOut.
                return new QueryResult(input.BiobankId, BiobankOutcome.Pending, AwaitingCallback: false);
        }
    }

    private async Task<QueryResult> RecordAsync(QueryInput input, BiobankOffer offer, IReadOnlyList<TimelineEntry> events)
    {
        var stored = await requests.RecordOutcomeAsync(input.RequestId, offer, events, CancellationToken.None);
        BrokerTelemetry.Answers.Add(1, new(BrokerTelemetry.Tags.BiobankId, input.BiobankId), new(BrokerTelemetry.Tags.Outcome, stored.Outcome.ToString()));
        return new QueryResult(input.BiobankId, stored.Outcome, AwaitingCallback: false);
    }

    /// <summary>The timeline's words for an answer: its outcome, how long it took, and <paramref name="via"/> when it came another way than the query's response.</summary>
    public static TimelineEntry Received(BiobankOffer offer, DateTimeOffset at, string? via = null)
    {
        ArgumentNullException.ThrowIfNull(offer);
        var detail = offer.Outcome switch
        {
            BiobankOutcome.Available => $"{offer.AvailableSamples} available",
            BiobankOutcome.Failed => offer.Error,
            _ => offer.Outcome.ToString(),
        };
        detail = offer.LatencyMs is { } ms ? $"{detail} after {ms} ms" : detail;
        return new TimelineEntry(at, offer.Outcome == BiobankOutcome.Failed ? TimelineEvents.AttemptFailed : TimelineEvents.AnswerReceived, offer.BiobankId,
            via is null ? detail : $"{via}: {detail}");
    }
}
