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
/// <see cref="Marker"/> prefix. A value without it is a plain row written before secrets were
/// protected (older demo data): it is returned as it is only when <paramref name="allowPlainText"/>
/// (Development); anywhere else it is refused, so a secret never silently stays in plain text.
/// </summary>
public sealed class SecretProtector(IDataProtectionProvider provider, bool allowPlainText = false)
{
    /// <summary>Marks a value protected by this class, version 1.</summary>
    public const string Marker = "dp1:";

    /// <summary>The value to store for <paramref name="secret"/>.</summary>
    public string Protect(string purpose, string secret)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        return Marker + provider.CreateProtector(purpose).Protect(secret);
    }

    /// <summary>The secret behind a stored value; plain (unmarked) values pass through in Development only.</summary>
    /// <exception cref="CryptographicException">
    /// The value was protected with another purpose or a key the ring no longer has, or it is plain text outside Development.
    /// </exception>
    public string? Unprotect(string purpose, string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            // No value at all is no secret, not a secret in plain text.
            return stored;
        }

        if (stored.StartsWith(Marker, StringComparison.Ordinal))
        {
            return provider.CreateProtector(purpose).Unprotect(stored[Marker.Length..]);
        }

        return allowPlainText
            ? stored
            : throw new CryptographicException("A stored secret is in plain text; rotate it so that it is stored encrypted.");
    }
}
