using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;
using SampleBroker.Monitoring;
using SampleBroker.Protocol.Vocabulary;
using SampleBroker.Vocabulary;

namespace SampleBroker.Biobanks;

/// <summary>Staff routes of the biobank registry (contract section 3).</summary>
public sealed class BiobankHandlers(
    ApiKeyAuthenticator auth,
    BiobankStore store,
    BiobankHealthStore health,
    BiobankClient client,
    EndpointPolicy endpoints,
    AuditLog audit,
    ILogger<BiobankHandlers> logger)
{
    /// <summary>The answer to a rotation: the new secret, shown only here.</summary>
    public sealed record RotatedSecret(string SigningSecret);

    public Task<IResult> PutAsync(HttpRequest request, string biobankId) => ForBiobankAsync(request, biobankId, async (caller, ct) =>
    {
        var (body, problem) = await JsonBody.ReadAsync(request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var (settings, errors) = await ReadSettingsAsync(body.Root, ct).ConfigureAwait(false);
            if (settings is null)
            {
                return Problems.Validation(errors);
            }

            var (record, created) = await store.CreateOrUpdateAsync(biobankId, settings, signingSecret: null, ct).ConfigureAwait(false);
            logger.LogInformation("Biobank {BiobankId} {Change}", biobankId, created ? "registered" : "updated");
            await audit.RecordAsync(caller.Actor, AuditActions.BiobankSaved, Target(biobankId), Describe(created, settings), ct).ConfigureAwait(false);
            var resource = await ToResourceAsync(record, await health.GetAsync(biobankId, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
            return created
                ? TypedResults.Created($"/api/v1/admin/biobanks/{biobankId}", WithSecret(resource, record.SigningSecrets[0]))
                : TypedResults.Ok(resource);
        }
    });

    public Task<IResult> ListAsync(HttpRequest request) => StorageGuard.RunAsync(logger, async () =>
    {
        var ct = request.HttpContext.RequestAborted;
        var (_, denied) = await auth.AuthenticateAsync(request, Role.Staff, ct).ConfigureAwait(false);
        if (denied is not null)
        {
            return denied;
        }

        var items = await store.ListAsync(ct).ConfigureAwait(false);
        var tallies = await health.GetAllAsync(ct).ConfigureAwait(false);
        var resources = await Task.WhenAll(items
            .OrderBy(b => b.BiobankId, StringComparer.Ordinal)
            .Select(b => ToResourceAsync(b, tallies.TryGetValue(b.BiobankId, out var tally) ? tally : HealthTally.Empty, ct))).ConfigureAwait(false);
        return TypedResults.Ok(new { items = resources });
    });

    public Task<IResult> GetAsync(HttpRequest request, string biobankId) => ForBiobankAsync(request, biobankId, async (caller, ct) =>
    {
        var record = await store.GetAsync(biobankId, ct).ConfigureAwait(false);
        return record is null
            ? Problems.NotFound($"There is no biobank '{biobankId}'.")
            : TypedResults.Ok(await ToResourceAsync(record, await health.GetAsync(biobankId, ct).ConfigureAwait(false), ct).ConfigureAwait(false));
    });

    /// <summary><c>DELETE</c>: no new queries go to the biobank; queries already sent may still be answered.</summary>
    public Task<IResult> DeleteAsync(HttpRequest request, string biobankId) => ForBiobankAsync(request, biobankId, async (caller, ct) =>
    {
        if (!await store.DeleteAsync(biobankId, ct).ConfigureAwait(false))
        {
            return Problems.NotFound($"There is no biobank '{biobankId}'.");
        }

        logger.LogInformation("Biobank {BiobankId} deleted", biobankId);
        await audit.RecordAsync(caller.Actor, AuditActions.BiobankDeleted, Target(biobankId), null, ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    });

    /// <summary><c>POST rotate-secret</c>: a new secret; the old one stays valid for the grace period.</summary>
    public Task<IResult> RotateSecretAsync(HttpRequest request, string biobankId) => ForBiobankAsync(request, biobankId, async (caller, ct) =>
    {
        var secret = await store.RotateSecretAsync(biobankId, ct).ConfigureAwait(false);
        if (secret is null)
        {
            return Problems.NotFound($"There is no biobank '{biobankId}'.");
        }

        // The secret itself is never logged.
        logger.LogInformation("Signing secret of biobank {BiobankId} rotated", biobankId);
        await audit.RecordAsync(caller.Actor, AuditActions.BiobankSecretRotated, Target(biobankId), "old secret valid for the grace period", ct).ConfigureAwait(false);
        return TypedResults.Ok(new RotatedSecret(secret));
    });

    /// <summary>How the audit log names a biobank.</summary>
    public static string Target(string biobankId) => "biobank:" + biobankId;

    private static string Describe(bool created, BiobankSettings s) =>
        $"{(created ? "registered" : "updated")}: {s.Name} ({s.Country}), {(s.Enabled ? "enabled" : "disabled")}, endpoint host {new Uri(s.EndpointUrl).Host}";

    private Task<IResult> ForBiobankAsync(HttpRequest request, string biobankId, Func<Caller, CancellationToken, Task<IResult>> handle) =>
        StaffRoute.RunAsync(auth, logger, request, "biobankId", biobankId, handle);

    /// <summary>Validates a <c>PUT</c> body; every broken field is reported at once.</summary>
    public async Task<(BiobankSettings? Settings, IDictionary<string, string[]> Errors)> ReadSettingsAsync(JsonElement body, CancellationToken cancellationToken)
    {
        var fields = new JsonFields();
        if (!fields.RequireObject(body, "$"))
        {
            return (null, fields.Errors);
        }

        var name = fields.ReadString(body, "name", "name", 1, 200, required: true);
        var country = fields.ReadString(body, "country", "country", 2, 2, required: true);
        if (country is not null && !Countries.IsAlpha2(country))
        {
            fields.Add("country", "must be an ISO 3166-1 alpha-2 code such as IT.");
        }

        var endpointUrl = fields.ReadString(body, "endpointUrl", "endpointUrl", 1, 2000, required: true);
        if (endpointUrl is not null && await endpoints.CheckAsync(endpointUrl, EndpointKind.BiobankEndpoint, cancellationToken).ConfigureAwait(false) is { } reason)
        {
            fields.Add("endpointUrl", reason);
        }

        var enabled = fields.ReadBoolean(body, "enabled", "enabled");
        var sampleTypes = fields.ReadStringList(body, "sampleTypes", "sampleTypes", 1, 50, required: false, Codes.IsSampleType, "is not a sample type code of the vocabulary.");
        var timeout = fields.ReadInteger(body, "answerTimeoutSeconds", "answerTimeoutSeconds", 1, 60, required: false);
        var minReportable = fields.ReadInteger(body, "minReportableCount", "minReportableCount", 0, 1000, required: false);
        if (fields.HasErrors)
        {
            return (null, fields.Errors);
        }

        return (new BiobankSettings(name!, country!, endpointUrl!, enabled ?? true, sampleTypes, (int)(timeout ?? 10), (int)(minReportable ?? 0)), fields.Errors);
    }

    private async Task<BiobankResource> ToResourceAsync(BiobankRecord record, HealthTally tally, CancellationToken ct) => new(
        record.BiobankId, record.Name, record.Country, record.EndpointUrl, record.Enabled, record.SampleTypes,
        record.AnswerTimeoutSeconds, record.MinReportableCount,
        tally.ToHealth(await client.CircuitStateOfAsync(record.BiobankId, ct).ConfigureAwait(false)) with { Problem = record.Problem });

    private static CreatedBiobank WithSecret(BiobankResource r, string secret) => new(
        r.BiobankId, r.Name, r.Country, r.EndpointUrl, r.Enabled, r.SampleTypes, r.AnswerTimeoutSeconds, r.MinReportableCount, r.Health, secret);
}
