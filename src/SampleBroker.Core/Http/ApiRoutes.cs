namespace SampleBroker.Http;

/// <summary>
/// Route templates of the HTTP API, relative to <c>/api</c>. Both hosts take their routes from here:
/// the Functions triggers in attributes, the local host in its endpoint map.
/// </summary>
public static class ApiRoutes
{
    public const string Prefix = "api";
    public const string Health = "health";
    public const string OpenApi = "openapi.json";
    public const string Organisation = "v1/admin/organisations/{organisationId}";
    public const string OrganisationApiKeys = "v1/admin/organisations/{organisationId}/api-keys";
    public const string OrganisationApiKey = "v1/admin/organisations/{organisationId}/api-keys/{keyId}";
    public const string Biobanks = "v1/admin/biobanks";
    public const string Biobank = "v1/admin/biobanks/{biobankId}";
    public const string BiobankRotateSecret = "v1/admin/biobanks/{biobankId}/rotate-secret";
    public const string BiobankAnswer = "v1/biobanks/{biobankId}/answers/{queryId}";
    public const string SampleRequests = "v1/sample-requests";
    public const string SampleRequest = "v1/sample-requests/{requestId}";
    public const string SampleRequestCancel = "v1/sample-requests/{requestId}/cancel";
}
