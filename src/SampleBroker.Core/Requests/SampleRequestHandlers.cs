using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;

namespace SampleBroker.Requests;

/// <summary>Requester routes for sample requests (contract section 4).</summary>
public sealed partial class SampleRequestHandlers(
    ApiKeyAuthenticator auth,
    SampleRequestIntake intake,
    SampleRequestStore store,
    SubmitRateLimiter rateLimiter,
    TimeProvider time,
    ILogger<SampleRequestHandlers> logger)
{
    public const string IdempotencyHeader = "Idempotency-Key";

    public Task<IResult> SubmitAsync(HttpRequest request, DurableTaskClient durable) => StorageGuard.RunAsync(logger, async () =>
    {
        var ct = request.HttpContext.RequestAborted;
        var (caller, denied) = await auth.AuthenticateAsync(request, Role.Requester, ct).ConfigureAwait(false);
        if (caller is null)
        {
            return denied!;
        }

        if (rateLimiter.TryAcquire(caller.OrganisationId!) is { } retryAfter)
        {
            var seconds = (int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds));
            request.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problems.Status(StatusCodes.Status429TooManyRequests, $"Your organisation sent more sample requests than allowed per minute; retry in {seconds} s.");
        }

        string? idempotencyKey = null;
        if (request.Headers.TryGetValue(IdempotencyHeader, out var values))
        {
            idempotencyKey = values.ToString();
            if (!IsValidIdempotencyKey(idempotencyKey))
            {
                return Problems.Validation(
                    new Dictionary<string, string[]> { [IdempotencyHeader] = ["must be 1 to 100 printable ASCII characters."] },
                    "The Idempotency-Key header is invalid.");
            }
        }

        var (body, problem) = await JsonBody.ReadAsync(request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var outcome = await intake.SubmitAsync(caller.OrganisationId!, idempotencyKey, body.Root, durable, ct).ConfigureAwait(false);
            return outcome switch
            {
                SubmitOutcome.Accepted a => TypedResults.Accepted($"/api/v1/sample-requests/{a.RequestId}", new SubmitAccepted(a.RequestId, a.Status)),
                SubmitOutcome.Invalid i => Problems.Validation(i.Errors),
                SubmitOutcome.KeyReused => Problems.Status(StatusCodes.Status422UnprocessableEntity, "This Idempotency-Key was used before with a different body."),
                _ => throw new InvalidOperationException("Unknown submit outcome."),
            };
        }
    });

    public Task<IResult> GetAsync(HttpRequest request, string requestId) => StorageGuard.RunAsync(logger, async () =>
    {
        var ct = request.HttpContext.RequestAborted;
        var (caller, denied) = await auth.AuthenticateAsync(request, required: null, ct).ConfigureAwait(false);
        if (caller is null)
        {
            return denied!;
        }

        return await FindVisibleAsync(caller, requestId, ct).ConfigureAwait(false) is { } f
            ? TypedResults.Ok(Aggregation.View(f.Request, f.Offers))
            : NotFound(requestId);
    });

    public Task<IResult> ListAsync(HttpRequest request) => StorageGuard.RunAsync(logger, async () =>
    {
        var ct = request.HttpContext.RequestAborted;
        var (caller, denied) = await auth.AuthenticateAsync(request, Role.Requester, ct).ConfigureAwait(false);
        if (caller is null)
        {
            return denied!;
        }

        var query = request.Query;
        var fields = new JsonFields();
        RequestStatus? status = null;
        if (query.TryGetValue("status", out var statusText) && !string.IsNullOrEmpty(statusText))
        {
            if (Enum.GetNames<RequestStatus>().Contains(statusText.ToString(), StringComparer.Ordinal))
            {
                status = Enum.Parse<RequestStatus>(statusText.ToString());
            }
            else
            {
                fields.Add("status", "must be one of Brokering, Completed, Cancelled, Failed.");
            }
        }

        string? reference = query.TryGetValue("reference", out var referenceText) && !string.IsNullOrEmpty(referenceText) ? referenceText.ToString() : null;
        if (reference is not null && (reference.Length > 100 || reference.Any(JsonFields.IsInvisible)))
        {
            fields.Add("reference", "must be at most 100 characters without control or invisible formatting characters.");
        }

        var top = 20;
        if (query.TryGetValue("top", out var topText) && !string.IsNullOrEmpty(topText)
            && (!int.TryParse(topText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out top) || top is < 1 or > 100))
        {
            fields.Add("top", "must be an integer from 1 to 100.");
        }

        string? after = query.TryGetValue("continuationToken", out var tokenText) && !string.IsNullOrEmpty(tokenText) ? tokenText.ToString() : null;
        if (after is not null && !ContinuationToken().IsMatch(after))
        {
            fields.Add("continuationToken", "is not a token this API returned.");
        }

        if (fields.HasErrors)
        {
            return Problems.Validation(fields.Errors, "One or more query parameters are invalid.");
        }

        var (ids, next) = await store.ListAsync(caller.OrganisationId!, status, reference, top, after, ct).ConfigureAwait(false);
        var found = await Task.WhenAll(ids.Select(id => store.GetAsync(id, ct))).ConfigureAwait(false);
        var items = found
            .Where(f => f is not null)
            .Select(f => SampleRequestListItem.From(Aggregation.View(f!.Value.Request, f.Value.Offers)))
            .ToList();
        return TypedResults.Ok(new SampleRequestPage(items, next));
    });

    public Task<IResult> CancelAsync(HttpRequest request, string requestId, DurableTaskClient durable) => StorageGuard.RunAsync(logger, async () =>
    {
        var ct = request.HttpContext.RequestAborted;
        var (caller, denied) = await auth.AuthenticateAsync(request, Role.Requester, ct).ConfigureAwait(false);
        if (caller is null)
        {
            return denied!;
        }

        if (await FindVisibleAsync(caller, requestId, ct).ConfigureAwait(false) is not { } f)
        {
            return NotFound(requestId);
        }

        // The status is decided again by the conditional write: the request may finish in between.
        var current = Aggregation.View(f.Request, f.Offers).Status;
        var status = current == RequestStatus.Brokering
            ? await store.FinishAsync(requestId, RequestStatus.Cancelled, time.GetUtcNow(), ct).ConfigureAwait(false)
            : current;
        if (current != RequestStatus.Brokering || status != RequestStatus.Cancelled)
        {
            return Problems.Conflict($"The sample request is {status} already; only a request that is Brokering can be cancelled.");
        }

        // The orchestration settles the biobanks still pending as Cancelled and stops waiting.
        await durable.RaiseEventAsync(requestId, Orchestration.TaskNames.CancelEvent, caller.Actor, ct).ConfigureAwait(false);
        logger.LogInformation("Sample request {RequestId} cancelled by {Actor}", requestId, caller.Actor);
        return TypedResults.Accepted($"/api/v1/sample-requests/{requestId}", new SubmitAccepted(requestId, RequestStatus.Cancelled));
    });

    /// <summary>
    /// The request if the caller may see it: staff see every request, a requester only its own. Another
    /// organisation's request is indistinguishable from one that does not exist.
    /// </summary>
    private async Task<(SampleRequestRecord Request, IReadOnlyList<BiobankOffer> Offers)?> FindVisibleAsync(Caller caller, string requestId, CancellationToken ct)
    {
        var found = Identifiers.IsRequestId(requestId) ? await store.GetAsync(requestId, ct).ConfigureAwait(false) : null;
        return found is { } f && (caller.IsStaff || f.Request.OrganisationId == caller.OrganisationId) ? f : null;
    }

    private static ProblemHttpResult NotFound(string requestId) => Problems.NotFound($"There is no sample request '{requestId}'.");

    public static bool IsValidIdempotencyKey(string key) =>
        key.Length is >= 1 and <= 100 && key.All(c => c is >= ' ' and <= '~');

    [System.Text.RegularExpressions.GeneratedRegex(@"^[0-9]{19}-[0-9a-f]{32}\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial System.Text.RegularExpressions.Regex ContinuationToken();
}
