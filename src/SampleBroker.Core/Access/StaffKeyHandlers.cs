using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Http;
using SampleBroker.Monitoring;

namespace SampleBroker.Access;

/// <summary>Staff routes for staff keys, one per person, so the audit log says who did what (contract section 7).</summary>
public sealed partial class StaffKeyHandlers(ApiKeyAuthenticator auth, StaffKeyStore keys, AuditLog audit, IOptions<SampleBrokerOptions> options, ILogger<StaffKeyHandlers> logger)
{
    /// <summary><c>POST /v1/admin/staff-keys</c>: a new key for a person, shown only in this answer.</summary>
    public Task<IResult> IssueAsync(HttpRequest request) => StaffRoute.RunAsync(auth, logger, request, async (caller, ct) =>
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
            if (name is not null && string.IsNullOrWhiteSpace(name))
            {
                fields.Add("name", "must name the person, not be blank.");
            }

            if (fields.HasErrors)
            {
                return Problems.Validation(fields.Errors);
            }

            var issued = await keys.IssueAsync(name!, ct).ConfigureAwait(false);
            Issued(logger, issued.KeyId, caller.Actor);
            await audit.RecordAsync(caller.Actor, AuditActions.StaffKeyIssued, Target(issued.KeyId), name, ct).ConfigureAwait(false);
            return TypedResults.Created(ApiRoutes.Path(ApiRoutes.StaffKey, ("keyId", issued.KeyId)), issued);
        }
    });

    /// <summary><c>GET /v1/admin/staff-keys</c>: the bootstrap key first (when configured), then every issued key; never a key or a hash.</summary>
    public Task<IResult> ListAsync(HttpRequest request) => StaffRoute.RunAsync(auth, logger, request, async (_, ct) =>
    {
        var issued = await keys.ListAsync(ct).ConfigureAwait(false);
        // The bootstrap key lives in configuration: it has no creation time, and its use is not noted (it costs no storage).
        var bootstrap = new StaffKeyInfo(StaffKeyStore.BootstrapKeyId, "Bootstrap key (configuration)", null, null);
        return TypedResults.Ok(new StaffKeyList(string.IsNullOrEmpty(options.Value.BootstrapStaffKey) ? issued : [bootstrap, .. issued]));
    });

    /// <summary><c>DELETE /v1/admin/staff-keys/{keyId}</c>: the key is refused from the next request on, on every instance.</summary>
    public Task<IResult> RevokeAsync(HttpRequest request, string keyId) => StaffRoute.RunAsync(auth, logger, request, async (caller, ct) =>
    {
        if (keyId == StaffKeyStore.BootstrapKeyId)
        {
            return Problems.Conflict("The bootstrap key comes from configuration (SampleBroker:BootstrapStaffKey); remove it there.");
        }

        if (!Identifiers.IsStaffKeyId(keyId))
        {
            return Problems.BadRequest("keyId must be 'staff_' and 16 hexadecimal digits, as issued.");
        }

        if (!await keys.RevokeAsync(keyId, ct).ConfigureAwait(false))
        {
            return Problems.NotFound($"There is no staff key '{keyId}'.");
        }

        Revoked(logger, keyId, caller.Actor);
        await audit.RecordAsync(caller.Actor, AuditActions.StaffKeyRevoked, Target(keyId), null, ct).ConfigureAwait(false);
        return TypedResults.NoContent();
    });

    /// <summary>How the audit log names a staff key.</summary>
    public static string Target(string keyId) => "staffKey:" + keyId;

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff key {KeyId} issued by {Actor}")]
    private static partial void Issued(ILogger logger, string keyId, string actor);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff key {KeyId} revoked by {Actor}")]
    private static partial void Revoked(ILogger logger, string keyId, string actor);
}

/// <summary>The answer of <c>GET /v1/admin/staff-keys</c>.</summary>
public sealed record StaffKeyList(IReadOnlyList<StaffKeyInfo> Items);
