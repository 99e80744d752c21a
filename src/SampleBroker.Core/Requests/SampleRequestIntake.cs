using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Monitoring;

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
/// <c>sample-requests</c> queue alike. Exactly once: the idempotency claim and the request row are
/// conditional inserts, the creator of the row holds the start, and a repeat starts nothing unless that
/// start went stale (<see cref="RequestLifecycle.StartIsStale"/>), when it takes it over on the row's
/// ETag. It never asks the engine whether an instance exists: on this backend that races.
/// </summary>
public sealed partial class SampleRequestIntake(
    SampleRequestValidator validator,
    SampleRequestStore store,
    BiobankSelection selection,
    IdempotencyStore idempotency,
    RequestLifecycle lifecycle,
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
            CompletedAt: null, submitted.Criteria, submitted.Quantity, submitted.CallbackUrl, BiobanksContacted: null)
        {
            StartClaimedAt = now,
            AnswerWithinSeconds = submitted.AnswerWithinSeconds,
        };
        var contacted = await selection.ChooseAsync(record, cancellationToken).ConfigureAwait(false);
        record = record with { BiobanksContacted = contacted.Count };
        var submittedEvent = new TimelineEntry(now, TimelineEvents.Submitted, null, $"{contacted.Count} biobank(s) to query");
        if (await store.TryCreateAsync(record, contacted, submittedEvent, cancellationToken).ConfigureAwait(false))
        {
            await lifecycle.StartAsync(durable, record, contacted, cancellationToken).ConfigureAwait(false);
            LogAccepted(requestId, organisationId, contacted.Count);
            return new SubmitOutcome.Accepted(requestId, RequestStatus.Brokering, Created: true);
        }

        // An idempotent repeat (same id, same body, so `contacted` is chosen for it). Its first attempt holds
        // the start; only when that start went stale (the attempt died before its execution began) is it taken over.
        var (stored, offers) = (await store.GetAsync(requestId, cancellationToken).ConfigureAwait(false))!.Value;
        if (RequestLifecycle.StartIsStale(stored, time.GetUtcNow())
            && await lifecycle.TryTakeOverAsync(durable, stored, offers, contacted, "a repeat of the submission found it not started", cancellationToken).ConfigureAwait(false))
        {
            (stored, offers) = (await store.GetAsync(requestId, cancellationToken).ConfigureAwait(false))!.Value;
        }

        return new SubmitOutcome.Accepted(requestId, RequestLifecycle.Shown(stored, offers).Status, Created: false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Sample request {RequestId} of {OrganisationId} accepted for {Biobanks} biobank(s)")]
    private partial void LogAccepted(string requestId, string organisationId, int biobanks);
}
