using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Http;

namespace SampleBroker.Access;

/// <summary>Turns the <c>X-Api-Key</c> header into a <see cref="Caller"/>, or the 401/403 problem (contract section 1).</summary>
public sealed class ApiKeyAuthenticator(ApiKeyStore keys, StaffKeyStore staffKeys, IOptions<SampleBrokerOptions> options)
{
    public const string Header = "X-Api-Key";

    private const int MaxKeyLength = 200;

    /// <summary>Authenticates the caller and checks its role; a null <paramref name="required"/> accepts both roles.</summary>
    public async Task<(Caller? Caller, IResult? Problem)> AuthenticateAsync(HttpRequest request, Role? required, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var presented = request.Headers[Header].ToString();
        var caller = await FindAsync(presented, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return (null, Problems.Status(StatusCodes.Status401Unauthorized, $"Send a valid API key in the '{Header}' header."));
        }

        return required is null || caller.Role == required
            ? (caller, null)
            : (null, Problems.Status(StatusCodes.Status403Forbidden, $"This route needs a {required.ToString()!.ToLowerInvariant()} key."));
    }

    private async Task<Caller?> FindAsync(string presented, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(presented) || presented.Length > MaxKeyLength)
        {
            return null;
        }

        if (IsBootstrapStaffKey(presented))
        {
            return new Caller(Role.Staff, null, StaffKeyStore.BootstrapKeyId);
        }

        // One point read whatever the key: its prefix says which table could hold it.
        return presented.StartsWith(StaffKeyStore.KeyPrefix, StringComparison.Ordinal)
            ? await staffKeys.FindAsync(presented, cancellationToken).ConfigureAwait(false)
            : await keys.FindAsync(presented, cancellationToken).ConfigureAwait(false);
    }

    private bool IsBootstrapStaffKey(string presented)
    {
        var configured = options.Value.BootstrapStaffKey;
        if (string.IsNullOrEmpty(configured))
        {
            return false;
        }

        // Hashing first makes the comparison constant-time whatever the lengths.
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(presented)),
            SHA256.HashData(Encoding.UTF8.GetBytes(configured)));
    }
}
