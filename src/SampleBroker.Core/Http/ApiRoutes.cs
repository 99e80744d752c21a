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

    /// <summary>The staff console: the page at <c>/dashboard</c> (the catch-all matches nothing too) and its files below it.</summary>
    public const string Dashboard = "dashboard/{*asset}";
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
    public const string AdminSampleRequests = "v1/admin/sample-requests";
    public const string AdminSampleRequest = "v1/admin/sample-requests/{requestId}";
    public const string AdminSampleRequestTerminate = "v1/admin/sample-requests/{requestId}/terminate";
    public const string AdminSampleRequestRestart = "v1/admin/sample-requests/{requestId}/restart";
    public const string StaffKeys = "v1/admin/staff-keys";
    public const string StaffKey = "v1/admin/staff-keys/{keyId}";
    public const string AdminAudit = "v1/admin/audit";
    public const string AdminMetrics = "v1/admin/metrics";

    /// <summary>The absolute path of a route: its template under <c>/api</c> with the given values in its parameters.</summary>
    public static string Path(string template, params (string Name, string Value)[] values)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        var path = template;
        foreach (var (name, value) in values)
        {
            path = path.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        }

        return "/" + Prefix + "/" + path;
    }

    /// <summary>Where a request is read: the <c>Location</c> of a submission.</summary>
    public static string SampleRequestPath(string requestId) => Path(SampleRequest, ("requestId", requestId));

    /// <summary>Where a biobank posts its later answer to a query.</summary>
    public static string BiobankAnswerPath(string biobankId, string queryId) => Path(BiobankAnswer, ("biobankId", biobankId), ("queryId", queryId));
}
