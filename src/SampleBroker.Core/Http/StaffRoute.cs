using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;

namespace SampleBroker.Http;

/// <summary>
/// A staff route on one resource (an organisation or a biobank): the key is checked first, then the
/// id's shape, before anything touches storage; an unreachable storage account answers 503.
/// </summary>
public static class StaffRoute
{
    public static Task<IResult> RunAsync(
        ApiKeyAuthenticator auth, ILogger logger, HttpRequest request, string idName, string id, Func<CancellationToken, Task<IResult>> handle)
    {
        ArgumentNullException.ThrowIfNull(auth);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(handle);
        return StorageGuard.RunAsync(logger, async () =>
        {
            var ct = request.HttpContext.RequestAborted;
            var (_, denied) = await auth.AuthenticateAsync(request, Role.Staff, ct).ConfigureAwait(false);
            if (denied is not null)
            {
                return denied;
            }

            return Identifiers.IsResourceId(id)
                ? await handle(ct).ConfigureAwait(false)
                : Problems.BadRequest($"{idName} must match ^[a-z0-9][a-z0-9-]{{1,62}}$.");
        });
    }
}
