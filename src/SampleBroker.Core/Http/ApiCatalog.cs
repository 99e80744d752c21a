namespace SampleBroker.Http;

/// <summary>Who may call an operation.</summary>
public enum Access
{
    Anyone,
    Requester,
    Staff,
    RequesterOrStaff,
    BiobankSignature,
}

/// <summary>One operation of the HTTP API, as the OpenAPI document describes it.</summary>
public sealed record ApiOperation(
    string Method,
    string Route,
    string OperationId,
    string Summary,
    Access Access,
    string? RequestSchema,
    string? ResponseSchema,
    IReadOnlyList<int> Statuses,
    IReadOnlyList<string>? QueryParameters = null);

/// <summary>
/// Every operation of the API. The OpenAPI document is generated from this list, and a test checks it
/// against the routes both hosts actually serve, so the document cannot drift from the code.
/// </summary>
public static class ApiCatalog
{
    public static IReadOnlyList<ApiOperation> Operations { get; } =
    [
        new("GET", ApiRoutes.Health, "getHealth", "Healthy while storage answers.", Access.Anyone, null, "Health", [200, 503]),
        new("GET", ApiRoutes.OpenApi, "getOpenApi", "This OpenAPI document.", Access.Anyone, null, null, [200]),
        new("GET", ApiRoutes.Dashboard, "getDashboard", "The staff console (HTML, CSS, JavaScript modules): the page for an empty asset, else one of its files. The page needs no key; it asks for a staff key and sends it with each API call.", Access.Anyone, null, null, [200, 304, 404]),
        new("PUT", ApiRoutes.Organisation, "putOrganisation", "Create or update an organisation; the webhook secret is shown only on creation.", Access.Staff, "OrganisationInput", "Organisation", [200, 201, 400, 401, 403, 413, 415]),
        new("POST", ApiRoutes.OrganisationApiKeys, "issueApiKey", "Issue a requester API key; it is shown only here.", Access.Staff, null, "IssuedApiKey", [201, 400, 401, 403, 404]),
        new("DELETE", ApiRoutes.OrganisationApiKey, "revokeApiKey", "Revoke an API key; it stops working at once.", Access.Staff, null, null, [204, 400, 401, 403, 404]),
        new("PUT", ApiRoutes.Biobank, "putBiobank", "Register or update a biobank; the signing secret is shown only on creation.", Access.Staff, "BiobankInput", "Biobank", [200, 201, 400, 401, 403, 413, 415]),
        new("GET", ApiRoutes.Biobanks, "listBiobanks", "All biobanks with their health.", Access.Staff, null, "BiobankList", [200, 401, 403]),
        new("GET", ApiRoutes.Biobank, "getBiobank", "One biobank with its health.", Access.Staff, null, "Biobank", [200, 400, 401, 403, 404]),
        new("DELETE", ApiRoutes.Biobank, "deleteBiobank", "Remove a biobank: it gets no new queries; running requests are not disturbed.", Access.Staff, null, null, [204, 400, 401, 403, 404]),
        new("POST", ApiRoutes.BiobankRotateSecret, "rotateBiobankSecret", "Issue a new signing secret, shown only here; the old one stays valid for SecretRotationGraceHours.", Access.Staff, null, "RotatedSecret", [200, 400, 401, 403, 404]),
        new("POST", ApiRoutes.BiobankAnswer, "answerQuery", "A biobank's later answer to a query it accepted with 202, signed per Standard Webhooks.", Access.BiobankSignature, "BiobankAnswer", "AnswerAccepted", [200, 400, 401, 404, 409, 410, 413]),
        new("POST", ApiRoutes.SampleRequests, "submitSampleRequest", "Submit a sample request; brokering starts at once.", Access.Requester, "SampleRequestInput", "SubmitAccepted", [202, 400, 401, 403, 413, 415, 422, 429]),
        new("GET", ApiRoutes.SampleRequests, "listSampleRequests", "The caller's own requests, newest first.", Access.Requester, null, "SampleRequestPage", [200, 400, 401, 403], ["status", "reference", "top", "continuationToken"]),
        new("GET", ApiRoutes.SampleRequest, "getSampleRequest", "The one-stop-shop answer: every contacted biobank, summary and allocation.", Access.RequesterOrStaff, null, "SampleRequest", [200, 401, 404]),
        new("POST", ApiRoutes.SampleRequestCancel, "cancelSampleRequest", "Cancel a request that is still brokering; answers received so far are kept.", Access.Requester, null, "SubmitAccepted", [202, 401, 403, 404, 409]),
        new("GET", ApiRoutes.AdminSampleRequests, "adminListSampleRequests", "Every organisation's requests, newest first; overdue=true: still brokering 60 s after the deadline.", Access.Staff, null, "SampleRequestPage", [200, 400, 401, 403], ["status", "organisationId", "createdFrom", "createdTo", "overdue", "top", "continuationToken"]),
        new("GET", ApiRoutes.AdminSampleRequest, "adminGetSampleRequest", "A request with its orchestration's state and its timeline, oldest first.", Access.Staff, null, "AdminSampleRequest", [200, 400, 401, 403, 404]),
        new("POST", ApiRoutes.AdminSampleRequestTerminate, "terminateSampleRequest", "Stop a request that is brokering: it becomes Cancelled; answers so far are kept.", Access.Staff, null, "SubmitAccepted", [202, 400, 401, 403, 404, 409]),
        new("POST", ApiRoutes.AdminSampleRequestRestart, "restartSampleRequest", "Broker a Failed request again: only the biobanks without a valid answer, with a new deadline.", Access.Staff, null, "SubmitAccepted", [202, 400, 401, 403, 404, 409]),
        new("POST", ApiRoutes.StaffKeys, "issueStaffKey", "Issue a staff key for one person; the key is shown only here.", Access.Staff, "StaffKeyInput", "IssuedStaffKey", [201, 400, 401, 403, 413, 415]),
        new("GET", ApiRoutes.StaffKeys, "listStaffKeys", "Every staff key, the configured bootstrap key first; never a key or a hash.", Access.Staff, null, "StaffKeyList", [200, 401, 403]),
        new("DELETE", ApiRoutes.StaffKey, "revokeStaffKey", "Revoke a staff key: it is refused at once on every instance; 409 for the bootstrap key.", Access.Staff, null, null, [204, 400, 401, 403, 404, 409]),
        new("GET", ApiRoutes.AdminAudit, "queryAudit", "The audit log, newest first: who (key id) did what to which target.", Access.Staff, null, "AuditPage", [200, 400, 401, 403], ["from", "to", "action", "actor", "top", "continuationToken"]),
        new("GET", ApiRoutes.AdminMetrics, "getMetrics", "Requests by status, each biobank's health, the answer rate and the median answer time.", Access.Staff, null, "Metrics", [200, 401, 403]),
        new("DELETE", ApiRoutes.AdminSampleRequest, "purgeSampleRequest", "Purge a finished request's orchestration history and stored result; the audit log keeps the fact.", Access.Staff, null, null, [204, 400, 401, 403, 404, 409]),
    ];
}
