using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;

namespace SampleBroker.Requests;

/// <summary>Requester routes for sample requests (contract section 4).</summary>
public sealed class SampleRequestHandlers(ApiKeyAuthenticator auth, SampleRequestIntake intake, SampleRequestStore store, ILogger<SampleRequestHandlers> logger)
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

        var found = Identifiers.IsRequestId(requestId) ? await store.GetAsync(requestId, ct).ConfigureAwait(false) : null;

        // Another organisation's request is indistinguishable from one that does not exist.
        if (found is not { } f || (!caller.IsStaff && f.Request.OrganisationId != caller.OrganisationId))
        {
            return Problems.NotFound($"There is no sample request '{requestId}'.");
        }

        return TypedResults.Ok(Aggregation.View(f.Request, f.Offers));
    });

    public static bool IsValidIdempotencyKey(string key) =>
        key.Length is >= 1 and <= 100 && key.All(c => c is >= ' ' and <= '~');
}
