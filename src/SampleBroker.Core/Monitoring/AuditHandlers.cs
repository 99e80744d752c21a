using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Http;
using SampleBroker.Requests;

namespace SampleBroker.Monitoring;

/// <summary><c>GET /v1/admin/audit</c>: the audit log, newest first, with filters and paging (contract section 7).</summary>
public sealed class AuditHandlers(ApiKeyAuthenticator auth, AuditLog audit, ILogger<AuditHandlers> logger)
{
    public Task<IResult> QueryAsync(HttpRequest request) => StaffRoute.RunAsync(auth, logger, request, async (_, ct) =>
    {
        ArgumentNullException.ThrowIfNull(request);
        var query = new RequestListQuery(request.Query);
        var from = query.Time("from");
        var to = query.Time("to");
        var action = query.Text("action");
        var actor = query.Text("actor");
        var top = query.Top(fallback: 50);
        var after = query.Text("continuationToken");
        if (from > to)
        {
            query.Fields.Add("from", "must not be after to.");
        }

        if (action is not null && !AuditActions.All.Contains(action, StringComparer.Ordinal))
        {
            query.Fields.Add("action", "must be one of " + string.Join(", ", AuditActions.All) + ".");
        }

        if (actor is not null && (actor.Length > 100 || !AuditLog.IsActor(actor)))
        {
            query.Fields.Add("actor", "must be a key id (bootstrap, staff_..., key_...), biobank:{biobankId} or system.");
        }

        if (after is not null && !AuditLog.IsToken(after))
        {
            query.Fields.Add("continuationToken", "is not a token this API returned.");
        }

        if (query.Fields.HasErrors)
        {
            return Problems.Validation(query.Fields.Errors, "One or more query parameters are invalid.");
        }

        return TypedResults.Ok(await audit.QueryAsync(new AuditQuery(from, to, action, actor, top, after), ct).ConfigureAwait(false));
    });
}
