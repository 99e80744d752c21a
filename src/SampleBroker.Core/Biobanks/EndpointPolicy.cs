using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;

namespace SampleBroker.Biobanks;

/// <summary>
/// Where the broker may send HTTP: absolute https URLs whose host resolves only to public addresses,
/// unless <see cref="SampleBrokerOptions.AllowInsecureBiobankEndpoints"/> is set for development.
/// Applies to biobank endpoints and requester callback URLs alike.
/// </summary>
public sealed class EndpointPolicy(IOptions<SampleBrokerOptions> options)
{
    private bool AllowInsecure => options.Value.AllowInsecureBiobankEndpoints;

    /// <summary>The reason the URL is refused, or null when it is acceptable.</summary>
    public async Task<string?> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return "must be an absolute http(s) URL.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not carry user information.";
        }

        if (AllowInsecure)
        {
            return null;
        }

        if (uri.Scheme != "https")
        {
            return "must use https.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal)
                ? [literal]
                : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            return "has a host name that does not resolve.";
        }

        if (addresses.Length == 0)
        {
            return "has a host name that does not resolve.";
        }

        return addresses.Any(IsForbidden) ? "must not point to a loopback, private, link-local or unspecified address." : null;
    }

    /// <summary>Checked again at send time so a DNS change cannot turn an allowed host into an internal one.</summary>
    public bool IsAllowedAtSendTime(IPAddress address) => AllowInsecure || !IsForbidden(address);

    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 10
                || b[0] == 0
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
                || b[0] >= 224;
        }

        return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
    }
}
