using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace SampleBroker.Security;

/// <summary>The kinds of secret the broker keeps; each has its own Data Protection purpose, so one kind can never be unprotected as another.</summary>
public static class SecretPurposes
{
    /// <summary>A biobank's Standard Webhooks signing secret (contract section 3).</summary>
    public const string BiobankSigningSecret = "SampleBroker.Biobanks.SigningSecret.v1";

    /// <summary>An organisation's completion-callback secret (contract section 2).</summary>
    public const string OrganisationWebhookSecret = "SampleBroker.Organisations.WebhookSecret.v1";
}

/// <summary>
/// Encrypts secrets before they go to Table storage and decrypts them when read, with ASP.NET Core
/// Data Protection (authenticated encryption, rotating keys). A protected value carries the
/// <see cref="Marker"/> prefix; a value without it is a plain row written before secrets were
/// protected (older demo data) and is returned as it is.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider)
{
    /// <summary>Marks a value protected by this class, version 1.</summary>
    public const string Marker = "dp1:";

    /// <summary>The value to store for <paramref name="secret"/>.</summary>
    public string Protect(string purpose, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Marker + provider.CreateProtector(purpose).Protect(secret);
    }

    /// <summary>The secret behind a stored value; plain (unmarked) values pass through.</summary>
    /// <exception cref="CryptographicException">The value was protected with another purpose or a key the ring no longer has.</exception>
    public string? Unprotect(string purpose, string? stored) =>
        stored is null || !stored.StartsWith(Marker, StringComparison.Ordinal)
            ? stored
            : provider.CreateProtector(purpose).Unprotect(stored[Marker.Length..]);
}
