using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using SampleBroker.Biobanks;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Security;

namespace SampleBroker.Tests.Biobanks;

public sealed class SecretProtectionTests
{
    private readonly SecretProtector protector = new(new EphemeralDataProtectionProvider());

    [Fact]
    public void A_protected_secret_is_marked_does_not_contain_the_secret_and_round_trips()
    {
        var secret = WebhookSecret.Generate();

        var stored = protector.Protect(SecretPurposes.BiobankSigningSecret, secret);

        Assert.StartsWith(SecretProtector.Marker, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[6..], stored, StringComparison.Ordinal);
        Assert.Equal(secret, protector.Unprotect(SecretPurposes.BiobankSigningSecret, stored));
    }

    [Fact]
    public void The_same_secret_protects_to_a_different_value_each_time()
    {
        var secret = WebhookSecret.Generate();

        Assert.NotEqual(protector.Protect(SecretPurposes.BiobankSigningSecret, secret), protector.Protect(SecretPurposes.BiobankSigningSecret, secret));
    }

    [Fact]
    public void A_plain_value_from_before_protection_reads_as_it_is_in_development()
    {
        const string legacy = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        var development = new SecretProtector(new EphemeralDataProtectionProvider(), allowPlainText: true);

        Assert.Equal(legacy, development.Unprotect(SecretPurposes.BiobankSigningSecret, legacy));
        Assert.Null(development.Unprotect(SecretPurposes.BiobankSigningSecret, null));
    }

    [Fact]
    public void A_plain_value_is_refused_outside_development_without_echoing_it()
    {
        const string legacy = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

        var error = Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(SecretPurposes.BiobankSigningSecret, legacy));

        Assert.DoesNotContain(legacy, error.Message, StringComparison.Ordinal);
        Assert.Null(protector.Unprotect(SecretPurposes.BiobankSigningSecret, null));
    }

    [Fact]
    public void A_secret_protected_for_one_purpose_cannot_be_read_as_another_kind()
    {
        var stored = protector.Protect(SecretPurposes.OrganisationWebhookSecret, WebhookSecret.Generate());

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(SecretPurposes.BiobankSigningSecret, stored));
    }

    [Fact]
    public void A_tampered_value_is_rejected()
    {
        var stored = protector.Protect(SecretPurposes.BiobankSigningSecret, WebhookSecret.Generate());
        var tampered = stored[..^3] + (stored[^3] == 'A' ? 'B' : 'A') + stored[^2..];

        Assert.ThrowsAny<CryptographicException>(() => protector.Unprotect(SecretPurposes.BiobankSigningSecret, tampered));
    }
}

/// <summary>The clock the grace tests move by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

public sealed class SigningSecretGraceTests
{
    private const string Current = "whsec_Y3VycmVudC1zZWNyZXQtMzItYnl0ZXMtbG9uZy4uLi4=";
    private const string Previous = "whsec_cHJldmlvdXMtc2VjcmV0LTMyLWJ5dGVzLWxvbmcuLi4=";

    [Fact]
    public void During_the_grace_period_both_secrets_are_valid_the_current_one_first_and_after_it_only_the_current()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        var graceEnds = clock.GetUtcNow().AddHours(24);

        var atRotation = SigningSecretGrace.Valid(Current, Previous, graceEnds, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        var justBefore = SigningSecretGrace.Valid(Current, Previous, graceEnds, clock.GetUtcNow());
        clock.Advance(TimeSpan.FromSeconds(1));
        var atEnd = SigningSecretGrace.Valid(Current, Previous, graceEnds, clock.GetUtcNow());

        Assert.Equal([Current, Previous], atRotation);
        Assert.Equal([Current, Previous], justBefore);
        Assert.Equal([Current], atEnd);
    }

    [Fact]
    public void Without_a_rotation_only_the_current_secret_is_valid()
    {
        var now = new ManualClock(DateTimeOffset.UnixEpoch).GetUtcNow();

        Assert.Equal([Current], SigningSecretGrace.Valid(Current, null, null, now));
        Assert.Equal([Current], SigningSecretGrace.Valid(Current, Previous, null, now));
    }

    [Fact]
    public void Both_secrets_sign_an_outgoing_message_during_grace_and_either_verifies_it()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var secrets = SigningSecretGrace.Valid(Current, Previous, clock.GetUtcNow().AddHours(1), clock.GetUtcNow());
        byte[] body = "{\"type\":\"sample-availability.query\"}"u8.ToArray();
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds();

        var signature = WebhookSigner.Sign("msg_1", timestamp, body, secrets);

        Assert.Equal(2, signature.Split(' ').Length);
        Assert.Equal(WebhookVerificationResult.Valid, WebhookSigner.Verify("msg_1", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, [Current], clock.GetUtcNow()));
        Assert.Equal(WebhookVerificationResult.Valid, WebhookSigner.Verify("msg_1", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture), signature, body, [Previous], clock.GetUtcNow()));
    }
}
