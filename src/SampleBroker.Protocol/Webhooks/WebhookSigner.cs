using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace SampleBroker.Protocol.Webhooks;

/// <summary>
/// Signs and verifies messages the Standard Webhooks way (contract section 5): the signed content is
/// <c>{webhook-id}.{webhook-timestamp}.{raw body}</c>, the signature HMAC-SHA256 keyed with the
/// decoded secret, the header a space-separated list of <c>v1,&lt;base64&gt;</c>.
/// </summary>
public static class WebhookSigner
{
    /// <summary>How far a message's timestamp may be from the receiver's clock, in either direction.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromSeconds(300);

    private const string VersionPrefix = "v1,";
    private const int MacBytes = 32;

    // Base64 of a 32-byte HMAC-SHA256, padding included.
    private const int EncodedMacLength = 44;

    // long.MaxValue has 19 digits; a longer header cannot be a timestamp and is refused unparsed.
    private const int MaxTimestampDigits = 19;

    /// <summary>
    /// Returns the <c>webhook-signature</c> header value: one <c>v1,</c> entry per secret, in the order
    /// given, so that a receiver holding either the old or the new secret accepts the message while a
    /// secret is being rotated.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="messageId"/> is empty, a secret is not <c>whsec_&lt;base64&gt;</c>, or no secret is given.
    /// </exception>
    public static string Sign(string messageId, long unixTimestamp, ReadOnlySpan<byte> body, IEnumerable<string> secrets)
    {
        ArgumentException.ThrowIfNullOrEmpty(messageId);
        ArgumentOutOfRangeException.ThrowIfNegative(unixTimestamp);
        ArgumentNullException.ThrowIfNull(secrets);

        var header = new StringBuilder();
        Span<byte> mac = stackalloc byte[MacBytes];
        foreach (byte[] key in ParseKeys(secrets))
        {
            ComputeMac(key, messageId, unixTimestamp, body, mac);
            if (header.Length > 0)
            {
                header.Append(' ');
            }

            header.Append(VersionPrefix).Append(Convert.ToBase64String(mac));
        }

        if (header.Length == 0)
        {
            throw new ArgumentException("At least one signing secret is required.", nameof(secrets));
        }

        return header.ToString();
    }

    /// <summary>
    /// Checks a received message. It is <see cref="WebhookVerificationResult.Valid"/> when any listed
    /// <c>v1</c> signature matches any of <paramref name="secrets"/> (compared in constant time) and
    /// the timestamp is within <paramref name="tolerance"/> (default 300 s) of <paramref name="now"/>,
    /// bounds included. Entries with another version prefix are ignored. Header values are untrusted:
    /// any content yields a result, never an exception.
    /// </summary>
    /// <exception cref="ArgumentException">A secret is not <c>whsec_&lt;base64&gt;</c> (a configuration error, not an input error).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="tolerance"/> is negative.</exception>
    public static WebhookVerificationResult Verify(
        string? messageId,
        string? timestamp,
        string? signatureHeader,
        ReadOnlySpan<byte> body,
        IEnumerable<string> secrets,
        DateTimeOffset now,
        TimeSpan? tolerance = null)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        TimeSpan window = tolerance ?? DefaultTolerance;
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero, nameof(tolerance));
        List<byte[]> keys = ParseKeys(secrets);

        if (string.IsNullOrEmpty(messageId) || string.IsNullOrEmpty(timestamp) || string.IsNullOrEmpty(signatureHeader))
        {
            return WebhookVerificationResult.MissingHeaders;
        }

        // NumberStyles.None: digits only, so no sign, whitespace, exponent or thousands separator slips through.
        if (timestamp.Length > MaxTimestampDigits
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out long sentAt))
        {
            return WebhookVerificationResult.InvalidTimestamp;
        }

        // Both operands are far from long's limits (sentAt >= 0, now within DateTimeOffset's range,
        // window at most TimeSpan.MaxValue in seconds), so neither bound overflows.
        long nowSeconds = now.ToUnixTimeSeconds();
        long windowSeconds = (long)window.TotalSeconds;
        if (sentAt < nowSeconds - windowSeconds || sentAt > nowSeconds + windowSeconds)
        {
            return WebhookVerificationResult.TimestampOutOfTolerance;
        }

        var expected = new byte[keys.Count][];
        for (int i = 0; i < keys.Count; i++)
        {
            expected[i] = new byte[MacBytes];
            ComputeMac(keys[i], messageId, sentAt, body, expected[i]);
        }

        Span<byte> candidate = stackalloc byte[MacBytes];
        ReadOnlySpan<char> remaining = signatureHeader;
        while (!remaining.IsEmpty)
        {
            int separator = remaining.IndexOf(' ');
            ReadOnlySpan<char> entry = separator < 0 ? remaining : remaining[..separator];
            remaining = separator < 0 ? [] : remaining[(separator + 1)..];

            if (!TryDecodeV1(entry, candidate))
            {
                continue;
            }

            foreach (byte[] mac in expected)
            {
                if (CryptographicOperations.FixedTimeEquals(mac, candidate))
                {
                    return WebhookVerificationResult.Valid;
                }
            }
        }

        return WebhookVerificationResult.InvalidSignature;
    }

    private static List<byte[]> ParseKeys(IEnumerable<string> secrets)
    {
        var keys = new List<byte[]>();
        foreach (string secret in secrets)
        {
            if (!WebhookSecret.TryParse(secret, out byte[] key))
            {
                // The secret's value stays out of the message: exception texts end up in logs.
                throw new ArgumentException("A signing secret is not of the form 'whsec_<base64 key>'.", nameof(secrets));
            }

            keys.Add(key);
        }

        return keys;
    }

    private static bool TryDecodeV1(ReadOnlySpan<char> entry, Span<byte> destination)
    {
        if (!entry.StartsWith(VersionPrefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> encoded = entry[VersionPrefix.Length..];
        return encoded.Length == EncodedMacLength
            && Convert.TryFromBase64Chars(encoded, destination, out int written)
            && written == MacBytes;
    }

    private static void ComputeMac(byte[] key, string messageId, long unixTimestamp, ReadOnlySpan<byte> body, Span<byte> destination)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        hmac.AppendData(Encoding.UTF8.GetBytes(messageId));
        hmac.AppendData("."u8);
        hmac.AppendData(Encoding.UTF8.GetBytes(unixTimestamp.ToString(CultureInfo.InvariantCulture)));
        hmac.AppendData("."u8);
        hmac.AppendData(body);
        hmac.GetHashAndReset(destination);
    }
}
