using System.Security.Cryptography;

namespace SampleBroker.Protocol.Webhooks;

/// <summary>
/// Signing secrets in the Standard Webhooks form <c>whsec_&lt;base64 key&gt;</c>.
/// </summary>
public static class WebhookSecret
{
    /// <summary>The prefix every secret carries.</summary>
    public const string Prefix = "whsec_";

    /// <summary>Key length this project generates (contract section 3).</summary>
    public const int GeneratedKeyBytes = 32;

    // The Standard Webhooks specification asks for keys of 24 to 64 bytes; anything shorter is
    // guessable and anything longer is a configuration mistake, so both are refused.
    private const int MinKeyBytes = 24;
    private const int MaxKeyBytes = 64;

    // Base64 of 64 bytes is 88 characters; a longer value cannot be a valid key, so it is refused
    // before any decoding work.
    private const int MaxEncodedLength = 88;

    /// <summary>Creates a new secret from <see cref="GeneratedKeyBytes"/> cryptographically random bytes.</summary>
    public static string Generate() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedKeyBytes));

    /// <summary>
    /// Extracts the HMAC key from <c>whsec_&lt;base64&gt;</c>. Anything else (no prefix, characters
    /// outside the base64 alphabet, whitespace, a key shorter than 24 or longer than 64 bytes) is refused.
    /// </summary>
    public static bool TryParse(string? secret, out byte[] key)
    {
        key = [];
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> encoded = secret.AsSpan(Prefix.Length);
        if (encoded.IsEmpty || encoded.Length > MaxEncodedLength || !IsBase64Alphabet(encoded))
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[MaxKeyBytes];
        if (!Convert.TryFromBase64Chars(encoded, buffer, out int written) || written < MinKeyBytes)
        {
            return false;
        }

        key = buffer[..written].ToArray();
        return true;
    }

    // Convert.TryFromBase64Chars tolerates embedded whitespace; a secret with whitespace in it is a
    // copy-paste accident that should be reported, not silently repaired.
    private static bool IsBase64Alphabet(ReadOnlySpan<char> value)
    {
        foreach (char c in value)
        {
            bool valid = c is (>= 'A' and <= 'Z') or (>= 'a' and <= 'z') or (>= '0' and <= '9') or '+' or '/' or '=';
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }
}
