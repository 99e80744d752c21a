using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Http;
using SampleBroker.Monitoring;
using SampleBroker.Orchestration;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Requests;

namespace SampleBroker.Biobanks;

/// <summary>
/// <c>POST /v1/biobanks/{biobankId}/answers/{queryId}</c>: a biobank's later answer to a query it
/// accepted with <c>202</c> (contract section 5, "Answer"). Checks run in the contract's order:
/// signature, biobank and query, redelivery, body, request still brokering, query unanswered.
/// </summary>
public sealed class BiobankAnswerHandlers(
    BiobankStore biobanks,
    SampleRequestStore requests,
    AnswerMessageStore messages,
    AuditLog audit,
    TimeProvider time,
    ILogger<BiobankAnswerHandlers> logger)
{
    public sealed record AnswerAccepted(string QueryId, BiobankOutcome Outcome);

    public Task<IResult> ReceiveAsync(HttpRequest request, string biobankId, string queryId, DurableTaskClient durable) => StorageGuard.RunAsync(logger, async () =>
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(durable);
        var ct = request.HttpContext.RequestAborted;
        if (!Identifiers.IsResourceId(biobankId))
        {
            return Problems.BadRequest("biobankId must match ^[a-z0-9][a-z0-9-]{1,62}$.");
        }

        if (request.ContentLength > JsonBody.MaxBytes || await JsonBody.ReadBoundedAsync(request.Body, ct).ConfigureAwait(false) is not { } raw)
        {
            return Problems.Status(StatusCodes.Status413PayloadTooLarge, $"The body is larger than {JsonBody.MaxBytes} bytes.");
        }

        // Without a registered biobank there is no secret to check a signature against. A biobank deleted
        // after its query was sent still answers that query: the delete must not disturb running requests.
        var biobank = await biobanks.GetIncludingDeletedAsync(biobankId, ct).ConfigureAwait(false);
        if (biobank is null)
        {
            return Problems.NotFound($"There is no biobank '{biobankId}'.");
        }

        var messageId = request.Headers[WebhookHeaders.Id].ToString();
        var verification = WebhookSigner.Verify(
            messageId, request.Headers[WebhookHeaders.Timestamp], request.Headers[WebhookHeaders.Signature], raw, biobank.SigningSecrets, time.GetUtcNow());
        var parsed = QueryId.TryParse(queryId, out var query) && query.BiobankId == biobankId ? query : (QueryId?)null;
        if (verification != WebhookVerificationResult.Valid)
        {
            logger.LogWarning("Callback for {BiobankId} rejected: {Verification}", biobankId, verification);
            await NoteAsync(parsed, biobankId, TimelineEvents.SignatureRejected, AuditActions.SignatureRejected, verification.ToString(), ct).ConfigureAwait(false);
            return Problems.Status(StatusCodes.Status401Unauthorized, "The webhook signature or timestamp is missing or invalid.");
        }

        var found = parsed is { } q ? await requests.GetAsync(q.RequestId, ct).ConfigureAwait(false) : null;
        var pending = found?.Offers.SingleOrDefault(o => o.BiobankId == biobankId && o.QueryId == queryId);
        if (found is not { } f || pending is null)
        {
            return Problems.NotFound($"Biobank '{biobankId}' has no query '{queryId}'.");
        }

        if (pending.AnswerMessageId == messageId)
        {
            return TypedResults.Ok(new AnswerAccepted(queryId, pending.Outcome));
        }

        // The signature does not cover the URL: the same signed message sent to another query of this
        // biobank is a redelivery of what was accepted there (200), and counts nowhere else.
        if (await messages.FindAsync(biobankId, messageId, ct).ConfigureAwait(false) is { } answered && answered != queryId)
        {
            return await ReplayedAsync(parsed, biobankId, answered, ct).ConfigureAwait(false);
        }

        var (answer, errors) = BiobankAnswerReader.Read(raw);
        if (answer is null)
        {
            return Problems.Validation(errors, "The answer breaks the BiobankAnswer rules.");
        }

        var now = time.GetUtcNow();
        if (RequestLifecycle.Shown(f.Request, f.Offers).Status != RequestStatus.Brokering || now > f.Request.Deadline)
        {
            logger.LogInformation("Late answer from {BiobankId} to {QueryId} after the request ended", biobankId, queryId);
            await NoteAsync(parsed, biobankId, TimelineEvents.LateAnswer, AuditActions.LateAnswer, "after the request ended; not counted", ct).ConfigureAwait(false);
            return Problems.Status(StatusCodes.Status410Gone, "The sample request is no longer brokering; the answer was not counted.");
        }

        if (pending.IsFinal)
        {
            await NoteAsync(parsed, biobankId, TimelineEvents.DuplicateAnswer, null, "a second answer; the first stands", ct).ConfigureAwait(false);
            return Problems.Conflict("This query has an answer already; the first answer stands.");
        }

        if (await messages.ClaimAsync(biobankId, messageId, queryId, ct).ConfigureAwait(false) is { } claimedBy)
        {
            return await ReplayedAsync(parsed, biobankId, claimedBy, ct).ConfigureAwait(false);
        }

        // A callback may overtake the 202 that announced it; the latency is then filled in when the 202 is stored.
        var latency = pending.QuerySentAt is { } sent ? (long)(now - sent).TotalMilliseconds : (long?)null;
        var offer = BiobankAnswerReader.ToOffer(pending, answer, biobank.MinReportableCount, now, latency ?? 0) with
        {
            LatencyMs = latency,
            AnswerMessageId = messageId,
        };
        var stored = await requests.RecordOutcomeAsync(f.Request.RequestId, offer, [Orchestration.QueryBiobankActivity.Received(offer, now, via: "by callback")], ct).ConfigureAwait(false);
        if (stored.AnswerMessageId != messageId)
        {
            await messages.ReleaseAsync(biobankId, messageId, queryId, ct).ConfigureAwait(false);

            // Settled in between: by another answer, or as TimedOut/Cancelled when the request ended.
            return stored.Outcome is BiobankOutcome.TimedOut or BiobankOutcome.Cancelled
                ? Problems.Status(StatusCodes.Status410Gone, "The sample request is no longer brokering; the answer was not counted.")
                : Problems.Conflict("This query has an answer already; the first answer stands.");
        }

        try
        {
            await durable.RaiseEventAsync(f.Request.InstanceId, TaskNames.AnswerEvent(queryId), stored.Outcome.ToString(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The answer is stored either way; the reconciler raises the event again for a request whose answers are all in.
            logger.LogWarning(e, "Could not signal the orchestration of {RequestId}", f.Request.RequestId);
        }

        logger.LogInformation("Callback answer from {BiobankId} to {QueryId}: {Outcome}", biobankId, queryId, stored.Outcome);
        return TypedResults.Ok(new AnswerAccepted(queryId, stored.Outcome));
    });

    /// <summary>The answer to a message already accepted for another query of the biobank: 200, as the contract says of a redelivery, and nothing counted.</summary>
    private async Task<IResult> ReplayedAsync(QueryId? query, string biobankId, string answeredQueryId, CancellationToken ct)
    {
        logger.LogWarning("Callback for {BiobankId} reused a webhook-id accepted for another query; not counted", biobankId);
        await NoteAsync(query, biobankId, TimelineEvents.DuplicateAnswer, null, "a webhook-id this biobank used for another query; not counted", ct).ConfigureAwait(false);
        var outcome = QueryId.TryParse(answeredQueryId, out var answered) && await requests.GetOfferAsync(answered.RequestId, biobankId, ct).ConfigureAwait(false) is { } offer
            ? offer.Outcome
            : BiobankOutcome.Pending;
        return TypedResults.Ok(new AnswerAccepted(answeredQueryId, outcome));
    }

    /// <summary>
    /// Notes on the query's timeline (when the query id names a request) and, for what staff must see
    /// across requests, in the audit log. A fault in noting never changes the answer to the biobank.
    /// </summary>
    private async Task NoteAsync(QueryId? query, string biobankId, string timelineEvent, string? auditAction, string detail, CancellationToken ct)
    {
        try
        {
            if (query is { } q && await requests.GetRequestRowAsync(q.RequestId, ct).ConfigureAwait(false) is not null)
            {
                await requests.AppendTimelineAsync(q.RequestId, [new TimelineEntry(time.GetUtcNow(), timelineEvent, biobankId, detail)], ct).ConfigureAwait(false);
            }

            if (auditAction is not null)
            {
                await audit.RecordAsync("biobank:" + biobankId, auditAction, query is { } t ? RequestLifecycle.Target(t.RequestId) : "biobank:" + biobankId, detail, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (!StorageGuard.IsStorageOutage(e) && e is Azure.RequestFailedException)
        {
            logger.LogWarning(e, "Could not note {Event} for {BiobankId}", timelineEvent, biobankId);
        }
    }
}
