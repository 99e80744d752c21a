using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;
using SampleBroker.Monitoring;
using SampleBroker.Vocabulary;

namespace SampleBroker.Organisations;

/// <summary>Staff routes for organisations and their API keys (contract section 2).</summary>
public sealed class OrganisationHandlers(ApiKeyAuthenticator auth, OrganisationStore organisations, ApiKeyStore keys, AuditLog audit, ILogger<OrganisationHandlers> logger)
{
    public Task<IResult> PutAsync(HttpRequest request, string organisationId) => StaffRoute.RunAsync(auth, logger, request, "organisationId", organisationId, async (caller, ct) =>
    {
        var (body, problem) = await JsonBody.ReadAsync(request, ct).ConfigureAwait(false);
        if (body is null)
        {
            return problem!;
        }

        using (body)
        {
            var fields = new JsonFields();
            if (!fields.RequireObject(body.Root, "$"))
            {
                return Problems.Validation(fields.Errors);
            }

            var name = fields.ReadString(body.Root, "name", "name", 1, 200, required: true);
            var country = fields.ReadString(body.Root, "country", "country", 2, 2, required: true);
            if (country is not null && !Countries.IsAlpha2(country))
            {
                fields.Add("country", "must be an ISO 3166-1 alpha-2 code such as BE.");
            }

            if (fields.HasErrors)
            {
                return Problems.Validation(fields.Errors);
            }

            var organisation = new Organisation(organisationId, name!, country!);
            var created = await organisations.CreateOrUpdateAsync(organisation, webhookSecret: null, ct).ConfigureAwait(false);
            logger.LogInformation("Organisation {OrganisationId} {Change}", organisationId, created is null ? "updated" : "created");
            await audit.RecordAsync(caller.Actor, AuditActions.OrganisationSaved, Target(organisationId), $"{(created is null ? "updated" : "created")}: {organisation.Name} ({organisation.Country})", ct).ConfigureAwait(false);
            return created is null
                ? TypedResults.Ok(organisation)
                : TypedResults.Created($"/api/v1/admin/organisations/{organisationId}", created);
        }
    });

    public Task<IResult> IssueKeyAsync(HttpRequest request, string organisationId) => StaffRoute.RunAsync(auth, logger, request, "organisationId", organisationId, async (caller, ct) =>
    {
        if (await organisations.GetAsync(organisationId, ct).ConfigureAwait(false) is null)
        {
            return Problems.NotFound($"There is no organisation '{organisationId}'.");
        }

        var (keyId, apiKey) = await keys.IssueAsync(organisationId, ct).ConfigureAwait(false);
        logger.LogInformation("API key {KeyId} issued to {OrganisationId}", keyId, organisationId);
        await audit.RecordAsync(caller.Actor, AuditActions.ApiKeyIssued, Target(organisationId), keyId, ct).ConfigureAwait(false);
        return TypedResults.Created($"/api/v1/admin/organisations/{organisationId}/api-keys/{keyId}", new IssuedApiKey(keyId, apiKey));
    });

    public Task<IResult> RevokeKeyAsync(HttpRequest request, string organisationId, string keyId) => StaffRoute.RunAsync(auth, logger, request, "organisationId", organisationId, async (caller, ct) =>
    {
        if (!Identifiers.IsKeyId(keyId))
        {
            return Problems.BadRequest("keyId is not one this API issued.");
        }

        var revoked = await keys.RevokeAsync(organisationId, keyId, ct).ConfigureAwait(false);
        logger.LogInformation("API key {KeyId} of {OrganisationId} revoked: {Revoked}", keyId, organisationId, revoked);
        if (revoked)
        {
            await audit.RecordAsync(caller.Actor, AuditActions.ApiKeyRevoked, Target(organisationId), keyId, ct).ConfigureAwait(false);
        }

        return revoked ? TypedResults.NoContent() : Problems.NotFound($"Organisation '{organisationId}' has no key '{keyId}'.");
    });

    /// <summary>How the audit log names an organisation.</summary>
    public static string Target(string organisationId) => "organisation:" + organisationId;
}
