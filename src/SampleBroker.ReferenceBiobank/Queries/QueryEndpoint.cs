using System.Text.Json;
using Microsoft.Extensions.Primitives;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Biobanks;
using SampleBroker.ReferenceBiobank.Inventory;

namespace SampleBroker.ReferenceBiobank.Queries;

/// <summary><c>POST /biobanks/{biobankId}/query</c>: the broker asks what a biobank has (contract section 5).</summary>
public static class QueryEndpoint
{
    /// <summary>The contract's body limit (section 0).</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>
    /// Checks run in this order: biobank served (<c>404</c>; without it there is no secret to verify
    /// against), body size (<c>413</c>), signature and timestamp (<c>401</c>), query shape (<c>400</c>).
    /// Then <c>200</c> with the answer (Sync) or <c>202</c> and a later callback (Async).
    /// </summary>
    public static async Task<IResult> HandleAsync(
        string biobankId,
        HttpRequest request,
        BiobankCatalog catalog,
        AnswerDispatcher dispatcher,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(dispatcher);
        ArgumentNullException.ThrowIfNull(time);

        if (!catalog.TryGet(biobankId, out ServedBiobank? biobank))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown biobank",
                detail: "This adapter serves no biobank with that id.");
        }

        byte[]? body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Body too large",
                detail: $"A query body may be at most {MaxBodyBytes} bytes.");
        }

        WebhookVerificationResult verification = WebhookSigner.Verify(
            SingleValue(request.Headers[WebhookHeaders.Id]),
            SingleValue(request.Headers[WebhookHeaders.Timestamp]),
            SpaceJoined(request.Headers[WebhookHeaders.Signature]),
            body,
            biobank.SigningSecrets,
            time.GetUtcNow());
        if (verification != WebhookVerificationResult.Valid)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized,
                title: "Invalid webhook signature",
                detail: Describe(verification));
        }

        BiobankQuery? query;
        try
        {
            query = JsonSerializer.Deserialize<BiobankQuery>(body, ProtocolJson.Options);
        }
        catch (JsonException)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Malformed query",
                detail: "The body is not a JSON BiobankQuery (contract section 5).");
        }

        Dictionary<string, string[]> errors = Validate(query);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid query");
        }

        if (biobank.Mode == AnswerMode.Async)
        {
            dispatcher.Enqueue(biobank, query!);
            return TypedResults.Accepted((string?)null);
        }

        if (biobank.Delay > TimeSpan.Zero)
        {
            await Task.Delay(biobank.Delay, time, cancellationToken);
        }

        BiobankAnswer answer = InventoryMatcher.Answer(query!.Criteria, biobank.Inventory, Today(time));
        return TypedResults.Json(answer, ProtocolJson.Options);
    }

    internal static DateOnly Today(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    private static Dictionary<string, string[]> Validate(BiobankQuery? query)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (query is null)
        {
            errors["$"] = ["The body must be a JSON object."];
            return errors;
        }

        if (!string.Equals(query.Type, BiobankQuery.QueryType, StringComparison.Ordinal))
        {
            errors["type"] = [$"Must be \"{BiobankQuery.QueryType}\"."];
        }

        if (string.IsNullOrEmpty(query.QueryId))
        {
            errors["queryId"] = ["Required."];
        }

        if (query.Criteria is null)
        {
            errors["criteria"] = ["Required."];
        }
        else if (query.Criteria.SampleTypes is not { Count: > 0 } sampleTypes || sampleTypes.Any(string.IsNullOrEmpty))
        {
            errors["criteria.sampleTypes"] = ["At least one sample type code is required."];
        }

        if (query.Quantity < 1)
        {
            errors["quantity"] = ["Must be at least 1."];
        }

        if (!Uri.TryCreate(query.CallbackUrl, UriKind.Absolute, out Uri? callback)
            || (callback.Scheme != Uri.UriSchemeHttp && callback.Scheme != Uri.UriSchemeHttps))
        {
            errors["callbackUrl"] = ["Must be an absolute http or https URL."];
        }

        return errors;
    }

    // Reads at most MaxBodyBytes; null when the body is larger. The raw bytes are kept because the
    // signature covers them exactly as sent.
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    // A repeated id or timestamp header is ambiguous, so it counts as absent.
    private static string? SingleValue(StringValues values) => values.Count == 1 ? values[0] : null;

    // Repeated signature headers are one list split over several lines.
    private static string? SpaceJoined(StringValues values) => values.Count switch
    {
        0 => null,
        1 => values[0],
        _ => string.Join(' ', values.ToArray()),
    };

    private static string Describe(WebhookVerificationResult result) => result switch
    {
        WebhookVerificationResult.MissingHeaders =>
            $"The {WebhookHeaders.Id}, {WebhookHeaders.Timestamp} and {WebhookHeaders.Signature} headers are required.",
        WebhookVerificationResult.InvalidTimestamp => $"{WebhookHeaders.Timestamp} must be unix seconds.",
        WebhookVerificationResult.TimestampOutOfTolerance => $"{WebhookHeaders.Timestamp} is more than 300 seconds from this server's clock.",
        _ => "No signature matches this biobank's signing secret.",
    };
}
