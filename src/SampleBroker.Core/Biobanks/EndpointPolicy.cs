using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;

namespace SampleBroker.Biobanks;

/// <summary>Who the broker is sending to; each has its own development switch.</summary>
public enum EndpointKind
{
    /// <summary>A biobank adapter's <c>endpointUrl</c> (<see cref="SampleBrokerOptions.AllowInsecureBiobankEndpoints"/>).</summary>
    BiobankEndpoint,

    /// <summary>A requester's <c>callbackUrl</c> (<see cref="SampleBrokerOptions.AllowInsecureCallbackUrls"/>).</summary>
    CallbackUrl,
}

/// <summary>
/// Where the broker may send HTTP: absolute https URLs whose host resolves only to public addresses.
/// Biobank endpoints and requester callback URLs have separate development switches, so trusting a
/// local biobank never opens the broker to requests aimed at its own network.
/// </summary>
public sealed class EndpointPolicy(IOptions<SampleBrokerOptions> options)
{
    /// <summary>The longest host name DNS allows (RFC 1035: 253 characters in text form).</summary>
    public const int MaxHostNameLength = 253;

    /// <summary>Cloud metadata and platform service addresses, refused even though they look public.</summary>
    private static readonly IPAddress[] PlatformAddresses =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, Azure, GCP instance metadata (also inside 169.254.0.0/16)
        IPAddress.Parse("168.63.129.16"), // Azure WireServer and DNS
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud metadata (also inside 100.64.0.0/10)
        IPAddress.Parse("fd00:ec2::254"), // AWS instance metadata over IPv6 (also inside fc00::/7)
    ];

    /// <summary>Whether the development switch for <paramref name="kind"/> lets anything through.</summary>
    public bool AllowsInsecure(EndpointKind kind) => kind switch
    {
        EndpointKind.CallbackUrl => options.Value.AllowInsecureCallbackUrls,
        _ => options.Value.AllowInsecureBiobankEndpoints,
    };

    /// <summary>The reason the URL is refused, or null when it is acceptable.</summary>
    public async Task<string?> CheckAsync(string url, EndpointKind kind, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || string.IsNullOrEmpty(uri.Host))
        {
            return "must be an absolute http(s) URL.";
        }

        if (uri.DnsSafeHost.Length > MaxHostNameLength)
        {
            return $"has a host name longer than {MaxHostNameLength} characters.";
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return "must not carry user information.";
        }

        if (AllowsInsecure(kind))
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
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            // ArgumentException: a name the resolver refuses outright (an over-long label, say).
            return "has a host name that does not resolve.";
        }

        if (addresses.Length == 0)
        {
            return "has a host name that does not resolve.";
        }

        return addresses.Any(IsForbidden) ? "must not point to a loopback, private, link-local, shared, reserved or cloud metadata address." : null;
    }

    /// <summary>Checked again at send time so a DNS change cannot turn an allowed host into an internal one.</summary>
    public bool IsAllowedAtSendTime(IPAddress address, EndpointKind kind) => AllowsInsecure(kind) || !IsForbidden(address);

    public static bool IsForbidden(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None)
            || PlatformAddresses.Contains(address))
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
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT, 100.64.0.0/10
                || (b[0] == 198 && b[1] is 18 or 19) // benchmarking, 198.18.0.0/15
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments, 192.0.0.0/24
                || b[0] >= 224;
        }

        var v6 = address.GetAddressBytes();

        // Prefixes that carry an IPv4 address inside, so they can reach any internal v4 host through a
        // translator or relay: NAT64 64:ff9b::/96 (and the local-use 64:ff9b:1::/48), 6to4 2002::/16,
        // Teredo 2001:0::/32.
        var nat64 = v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b;
        var sixToFour = v6[0] == 0x20 && v6[1] == 0x02;
        var teredo = v6[0] == 0x20 && v6[1] == 0x01 && v6[2] == 0x00 && v6[3] == 0x00;
        return nat64 || sixToFour || teredo
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast;
    }
}
