using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;

namespace SampleBroker.Requests;

/// <summary>Requester routes for sample requests (contract section 4).</summary>
public sealed class SampleRequestHandlers(
    ApiKeyAuthenticator auth,
    SampleRequestIntake intake,
    SampleRequestStore store,
    SubmitRateLimiter rateLimiter,
    RequestLifecycle lifecycle,
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

        if (await rateLimiter.TryAcquireAsync(caller.OrganisationId!, ct).ConfigureAwait(false) is { } retryAfter)
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
                SubmitOutcome.Accepted a => TypedResults.Accepted(ApiRoutes.SampleRequestPath(a.RequestId), new SubmitAccepted(a.RequestId, a.Status)),
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

        var query = new RequestListQuery(request.Query);
        var status = query.Status();
        var reference = query.Text("reference");
        if (reference is not null && (reference.Length > 100 || reference.Any(JsonFields.IsInvisible)))
        {
            query.Fields.Add("reference", "must be at most 100 characters without control or invisible formatting characters.");
        }

        var top = query.Top();
        var after = query.ContinuationToken();
        if (query.Fields.HasErrors)
        {
            return Problems.Validation(query.Fields.Errors, "One or more query parameters are invalid.");
        }

        var (ids, next) = await store.ListAsync(caller.OrganisationId!, status, reference, top, after, ct).ConfigureAwait(false);
        return TypedResults.Ok(await PageAsync(store, ids, next, ct).ConfigureAwait(false));
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

        // The lifecycle decides again with a conditional write: the request may finish in between.
        var shown = Aggregation.View(f.Request, f.Offers);
        if (await lifecycle.CancelAsync(durable, shown, caller.Actor, byStaff: false, ct).ConfigureAwait(false) is null)
        {
            var now = await store.GetAsync(requestId, ct).ConfigureAwait(false) is { } g ? Aggregation.View(g.Request, g.Offers).Status : shown.Status;
            return Problems.Conflict($"The sample request is {now} already; only a request that is Brokering can be cancelled.");
        }

        logger.LogInformation("Sample request {RequestId} cancelled by {Actor}", requestId, caller.Actor);
        return TypedResults.Accepted(ApiRoutes.SampleRequestPath(requestId), new SubmitAccepted(requestId, RequestStatus.Cancelled));
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

    /// <summary>A page of list items for the request ids of one index page, read in parallel.</summary>
    public static async Task<SampleRequestPage> PageAsync(SampleRequestStore store, IReadOnlyList<string> ids, string? next, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var found = await Task.WhenAll(ids.Select(id => store.GetAsync(id, ct))).ConfigureAwait(false);
        var items = found
            .Where(f => f is not null)
            .Select(f => SampleRequestListItem.From(Aggregation.View(f!.Value.Request, f.Value.Offers)))
            .ToList();
        return new SampleRequestPage(items, next);
    }

    private static ProblemHttpResult NotFound(string requestId) => Problems.NotFound($"There is no sample request '{requestId}'.");

    public static bool IsValidIdempotencyKey(string key) =>
        key.Length is >= 1 and <= 100 && key.All(c => c is >= ' ' and <= '~');
}
