using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;
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
                : await RecordAsync(input, BiobankAnswerReader.Failed(row, "biobank was removed from the registry", time.GetUtcNow(), null));
        }

        var pending = BiobankOffer.Pending(biobank.BiobankId, biobank.Name, biobank.Country, input.QueryId);
        var query = new BiobankQuery
        {
            QueryId = input.QueryId,
            RequestId = input.RequestId,
            Criteria = input.Criteria,
            Quantity = input.Quantity,
            ReplyBy = deadline,
            CallbackUrl = $"{options.Value.PublicBaseUrl.TrimEnd('/')}/api/v1/biobanks/{input.BiobankId}/answers/{input.QueryId}",
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(query, ProtocolJson.Options);
        var delivery = await client.SendAsync(biobank, "msg_" + input.QueryId, body, deadline, CancellationToken.None);
        logger.LogInformation("Query {QueryId} to {BiobankId}: {Delivery} after {LatencyMs} ms", input.QueryId, input.BiobankId, delivery.GetType().Name, delivery.LatencyMs);

        switch (delivery)
        {
            case QueryDelivery.Answered answered:
                var (answer, _) = BiobankAnswerReader.Read(answered.Body);
                var offer = answer is null
                    ? BiobankAnswerReader.Failed(pending, "invalid answer", time.GetUtcNow(), answered.LatencyMs)
                    : BiobankAnswerReader.ToOffer(pending, answer, biobank.MinReportableCount, time.GetUtcNow(), answered.LatencyMs);
                return await RecordAsync(input, offer);
            case QueryDelivery.Failed failed:
                return await RecordAsync(input, BiobankAnswerReader.Failed(pending, failed.Error, time.GetUtcNow(), failed.LatencyMs));
            case QueryDelivery.Accepted:
                var sentAt = time.GetUtcNow() - TimeSpan.FromMilliseconds(delivery.LatencyMs);
                await requests.MarkAcceptedAsync(input.RequestId, input.BiobankId, sentAt, CancellationToken.None);
                return new QueryResult(input.BiobankId, BiobankOutcome.Pending, AwaitingCallback: true);
            default:
                // The deadline passed: the orchestration settles the biobank as TimedOut.
                return new QueryResult(input.BiobankId, BiobankOutcome.Pending, AwaitingCallback: false);
        }
    }

    private async Task<QueryResult> RecordAsync(QueryInput input, BiobankOffer offer)
    {
        var stored = await requests.RecordOutcomeAsync(input.RequestId, offer, CancellationToken.None);
        return new QueryResult(input.BiobankId, stored.Outcome, AwaitingCallback: false);
    }
}
