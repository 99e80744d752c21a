using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Http;
using SampleBroker.Orchestration;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Requests;

namespace SampleBroker.Biobanks;

/// <summary>
/// <c>POST /v1/biobanks/{biobankId}/answers/{queryId}</c>: a biobank's later answer to a query it
/// accepted with <c>202</c> (contract section 5, "Answer"). Checks run in the contract's order:
/// signature, biobank and query, redelivery, body, request still brokering, query unanswered.
/// </summary>
public sealed partial class BiobankAnswerHandlers(
    BiobankStore biobanks,
    SampleRequestStore requests,
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
        if (verification != WebhookVerificationResult.Valid)
        {
            logger.LogWarning("Callback for {BiobankId} rejected: {Verification}", biobankId, verification);
            return Problems.Status(StatusCodes.Status401Unauthorized, "The webhook signature or timestamp is missing or invalid.");
        }

        var requestId = RequestIdOf(queryId, biobankId);
        var found = requestId is null ? null : await requests.GetAsync(requestId, ct).ConfigureAwait(false);
        var pending = found?.Offers.SingleOrDefault(o => o.BiobankId == biobankId && o.QueryId == queryId);
        if (found is not { } f || pending is null)
        {
            return Problems.NotFound($"Biobank '{biobankId}' has no query '{queryId}'.");
        }

        if (pending.AnswerMessageId == messageId)
        {
            return TypedResults.Ok(new AnswerAccepted(queryId, pending.Outcome));
        }

        var (answer, errors) = BiobankAnswerReader.Read(raw);
        if (answer is null)
        {
            return Problems.Validation(errors, "The answer breaks the BiobankAnswer rules.");
        }

        var now = time.GetUtcNow();
        if (Aggregation.View(f.Request, f.Offers).Status != RequestStatus.Brokering || now > f.Request.Deadline)
        {
            logger.LogInformation("Late answer from {BiobankId} to {QueryId} after the request ended", biobankId, queryId);
            return Problems.Status(StatusCodes.Status410Gone, "The sample request is no longer brokering; the answer was not counted.");
        }

        if (pending.IsFinal)
        {
            return Problems.Conflict("This query has an answer already; the first answer stands.");
        }

        // A callback may overtake the 202 that announced it; the latency is then filled in when the 202 is stored.
        var latency = pending.QuerySentAt is { } sent ? (long)(now - sent).TotalMilliseconds : (long?)null;
        var offer = BiobankAnswerReader.ToOffer(pending, answer, biobank.MinReportableCount, now, latency ?? 0) with
        {
            LatencyMs = latency,
            AnswerMessageId = messageId,
        };
        var stored = await requests.RecordOutcomeAsync(f.Request.RequestId, offer, ct).ConfigureAwait(false);
        if (stored.AnswerMessageId != messageId)
        {
            // Settled in between: by another answer, or as TimedOut/Cancelled when the request ended.
            return stored.Outcome is BiobankOutcome.TimedOut or BiobankOutcome.Cancelled
                ? Problems.Status(StatusCodes.Status410Gone, "The sample request is no longer brokering; the answer was not counted.")
                : Problems.Conflict("This query has an answer already; the first answer stands.");
        }

        try
        {
            await durable.RaiseEventAsync(f.Request.RequestId, TaskNames.AnswerEvent(queryId), stored.Outcome.ToString(), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The answer is stored either way; without the event the branch ends at the deadline.
            logger.LogWarning("Could not signal the orchestration of {RequestId}: {Reason}", f.Request.RequestId, e.Message);
        }

        logger.LogInformation("Callback answer from {BiobankId} to {QueryId}: {Outcome}", biobankId, queryId, stored.Outcome);
        return TypedResults.Ok(new AnswerAccepted(queryId, stored.Outcome));
    });

    /// <summary>The request a query id belongs to, when the id is one the broker issued to this biobank.</summary>
    public static string? RequestIdOf(string? queryId, string biobankId)
    {
        var match = queryId is null ? Match.Empty : QueryIdPattern().Match(queryId);
        return match.Success && match.Groups[2].Value == biobankId ? match.Groups[1].Value : null;
    }

    [GeneratedRegex(@"^q_([0-9a-f]{32})_([a-z0-9][a-z0-9-]{1,62})\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex QueryIdPattern();
}
