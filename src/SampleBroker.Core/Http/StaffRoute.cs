using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;

namespace SampleBroker.Http;

/// <summary>
/// A staff route: the key is checked first, then (on a route about one organisation or biobank) the
/// id's shape, before anything touches storage; an unreachable storage account answers 503. The
/// handler is given the caller, whose key id is what the audit log records.
/// </summary>
public static class StaffRoute
{
    /// <summary>A staff route on one resource (an organisation or a biobank).</summary>
    public static Task<IResult> RunAsync(
        ApiKeyAuthenticator auth, ILogger logger, HttpRequest request, string idName, string id, Func<Caller, CancellationToken, Task<IResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return RunAsync(auth, logger, request, (caller, ct) => Identifiers.IsResourceId(id)
            ? handle(caller, ct)
            : Task.FromResult<IResult>(Problems.BadRequest($"{idName} must match ^[a-z0-9][a-z0-9-]{{1,62}}$.")));
    }

    /// <summary>A staff route on the whole alliance (lists, metrics, the audit log, staff keys).</summary>
    public static Task<IResult> RunAsync(ApiKeyAuthenticator auth, ILogger logger, HttpRequest request, Func<Caller, CancellationToken, Task<IResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handle);
        return StorageGuard.RunAsync(logger, async () =>
        {
            var ct = request.HttpContext.RequestAborted;
            var (caller, denied) = await auth.AuthenticateAsync(request, Role.Staff, ct).ConfigureAwait(false);
            return caller is null ? denied! : await handle(caller, ct).ConfigureAwait(false);
        });
    }
}
