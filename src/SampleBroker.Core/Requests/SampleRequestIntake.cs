using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Orchestration;

namespace SampleBroker.Requests;

/// <summary>What came of a submission.</summary>
public abstract record SubmitOutcome
{
    /// <summary>Brokering runs; <paramref name="Created"/> is false when an idempotent repeat found it.</summary>
    public sealed record Accepted(string RequestId, RequestStatus Status, bool Created) : SubmitOutcome;

    public sealed record Invalid(IDictionary<string, string[]> Errors) : SubmitOutcome;

    /// <summary>The idempotency key was used before with a different body.</summary>
    public sealed record KeyReused(string RequestId) : SubmitOutcome;
}

/// <summary>
/// Starts brokering a sample request; the one path for <c>POST /v1/sample-requests</c> and the
/// <c>sample-requests</c> queue alike. Every start is gated by conditional inserts (idempotency claim,
/// then the request row), never by instance-id dedupe.
/// </summary>
public sealed class SampleRequestIntake(
    IOptions<SampleBrokerOptions> options,
    SampleRequestValidator validator,
    SampleRequestStore store,
    BiobankSelection selection,
    IdempotencyStore idempotency,
    TimeProvider time,
    ILogger<SampleRequestIntake> logger)
{
    public async Task<SubmitOutcome> SubmitAsync(string organisationId, string? idempotencyKey, JsonElement body, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        var (submitted, errors) = await validator.ValidateAsync(body, cancellationToken).ConfigureAwait(false);
        if (submitted is null)
        {
            return new SubmitOutcome.Invalid(errors);
        }

        var requestId = Guid.CreateVersion7().ToString("N");
        if (idempotencyKey is not null)
        {
            var bodyHash = CanonicalJson.Hash(body);
            var claim = await idempotency.ClaimAsync(organisationId, idempotencyKey, requestId, bodyHash, cancellationToken).ConfigureAwait(false);
            if (!claim.Claimed && claim.BodyHash != bodyHash)
            {
                return new SubmitOutcome.KeyReused(claim.RequestId);
            }

            requestId = claim.RequestId;
        }

        var now = time.GetUtcNow();
        var record = new SampleRequestRecord(
            requestId, organisationId, submitted.Reference, RequestStatus.Brokering, now, now.AddSeconds(submitted.AnswerWithinSeconds),
            CompletedAt: null, submitted.Criteria, submitted.Quantity, submitted.CallbackUrl, BiobanksContacted: null);
        var contacted = await selection.ChooseAsync(record, cancellationToken).ConfigureAwait(false);
        record = record with { BiobanksContacted = contacted.Count };
        if (await store.TryCreateAsync(record, contacted, cancellationToken).ConfigureAwait(false))
        {
            await StartAsync(durable, record, contacted, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Sample request {RequestId} of {OrganisationId} accepted", requestId, organisationId);
            return new SubmitOutcome.Accepted(requestId, RequestStatus.Brokering, Created: true);
        }

        // An idempotent repeat (same id, same body, so `contacted` is chosen for it). If the first attempt stored
        // the request but died before starting it, start it now with the biobanks it chose and any it did not
        // get to write or that joined since.
        var (stored, offers) = (await store.GetAsync(requestId, cancellationToken).ConfigureAwait(false))!.Value;
        if (stored.Status == RequestStatus.Brokering && await durable.GetInstanceAsync(requestId, cancellationToken).ConfigureAwait(false) is null)
        {
            var all = offers.UnionBy(contacted, o => o.BiobankId, StringComparer.Ordinal).ToList();
            await store.AddContactedAsync(requestId, all, cancellationToken).ConfigureAwait(false);
            await StartAsync(durable, stored, all, cancellationToken).ConfigureAwait(false);
            logger.LogWarning("Sample request {RequestId} was stored but not started; started it on redelivery", requestId);
        }

        return new SubmitOutcome.Accepted(requestId, Aggregation.View(stored, offers).Status, Created: false);
    }

    private Task<string> StartAsync(DurableTaskClient durable, SampleRequestRecord record, IReadOnlyList<BiobankOffer> contacted, CancellationToken cancellationToken) =>
        durable.ScheduleNewOrchestrationInstanceAsync(
            TaskNames.BrokerSampleRequest,
            new BrokeringInput(
                record.RequestId,
                record.Deadline.UtcDateTime,
                record.Criteria,
                record.Quantity,
                contacted.Select(o => new BiobankTarget(o.BiobankId, o.QueryId)).ToList(),
                record.CallbackUrl is null ? null : new CompletionCallbackPlan(options.Value.CompletionCallbackFirstRetrySeconds)),
            new StartOrchestrationOptions { InstanceId = record.RequestId },
            cancellationToken);
}
