using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using SampleBroker.Http;
using SampleBroker.Organisations;

namespace SampleBroker.Functions;

/// <summary>Staff routes for organisations and their API keys.</summary>
public sealed class OrganisationFunctions(OrganisationHandlers organisations)
{
    [Function("PutOrganisation")]
    public Task<IResult> PutOrganisationAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = ApiRoutes.Organisation)] HttpRequest req, string organisationId) =>
        organisations.PutAsync(req, organisationId);

    [Function("IssueOrganisationApiKey")]
    public Task<IResult> IssueApiKeyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = ApiRoutes.OrganisationApiKeys)] HttpRequest req, string organisationId) =>
        organisations.IssueKeyAsync(req, organisationId);

    [Function("RevokeOrganisationApiKey")]
    public Task<IResult> RevokeApiKeyAsync(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = ApiRoutes.OrganisationApiKey)] HttpRequest req, string organisationId, string keyId) =>
        organisations.RevokeKeyAsync(req, organisationId, keyId);
}
