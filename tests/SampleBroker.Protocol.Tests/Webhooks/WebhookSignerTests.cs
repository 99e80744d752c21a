using System.Globalization;
using System.Text;
using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.Protocol.Tests.Webhooks;

public sealed class WebhookSignerTests
{
    private const string Vector = StandardWebhooksVector.Signature;
    private static readonly string[] VectorSecrets = [StandardWebhooksVector.Secret];
    private static readonly string TimestampHeader = StandardWebhooksVector.Timestamp.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public void Sign_reproduces_the_Standard_Webhooks_test_vector()
    {
        string header = WebhookSigner.Sign(
            StandardWebhooksVector.MessageId,
            StandardWebhooksVector.Timestamp,
            StandardWebhooksVector.Body,
            VectorSecrets);

        Assert.Equal(Vector, header);
    }

    [Fact]
    public void Verify_accepts_the_Standard_Webhooks_test_vector()
    {
        Assert.Equal(WebhookVerificationResult.Valid, VerifyVector(Vector));
    }

    [Fact]
    public void Verify_accepts_when_any_listed_signature_matches_and_ignores_other_versions()
    {
        // Same shape as the reference libraries' multi-signature case: wrong v1, a v2, the real one, wrong v1.
        string header = string.Join(' ',
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            "v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
            Vector,
            "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=");

        Assert.Equal(WebhookVerificationResult.Valid, VerifyVector(header));
    }

    [Fact]
    public void Verify_ignores_a_correct_mac_under_another_version_prefix()
    {
        string header = "v1a," + Vector["v1,".Length..] + " v2," + Vector["v1,".Length..];

        Assert.Equal(WebhookVerificationResult.InvalidSignature, VerifyVector(header));
    }

    [Fact]
    public void Verify_tolerates_repeated_spaces_between_signatures()
    {
        string header = "  v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=   " + Vector + "  ";

        Assert.Equal(WebhookVerificationResult.Valid, VerifyVector(header));
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(-1)]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300)]
    public void Verify_accepts_timestamps_up_to_300_seconds_either_side_of_now(int skewSeconds)
    {
        // skew > 0: the sender's clock is ahead of ours, i.e. the message is from the receiver's future.
        DateTimeOffset now = StandardWebhooksVector.SignedAt.AddSeconds(-skewSeconds);

        Assert.Equal(WebhookVerificationResult.Valid, VerifyVector(Vector, now));
    }

    [Theory]
    [InlineData(-301)]
    [InlineData(301)]
    [InlineData(-86_400)]
    [InlineData(86_400)]
    public void Verify_rejects_timestamps_more_than_300_seconds_from_now(int skewSeconds)
    {
        DateTimeOffset now = StandardWebhooksVector.SignedAt.AddSeconds(-skewSeconds);

        Assert.Equal(WebhookVerificationResult.TimestampOutOfTolerance, VerifyVector(Vector, now));
    }

    [Fact]
    public void Verify_rejects_the_vector_verified_at_todays_clock()
    {
        Assert.Equal(WebhookVerificationResult.TimestampOutOfTolerance, VerifyVector(Vector, DateTimeOffset.UtcNow));
    }

    [Fact]
    public void Verify_honours_a_custom_tolerance()
    {
        DateTimeOffset now = StandardWebhooksVector.SignedAt.AddSeconds(11);

        Assert.Equal(
            WebhookVerificationResult.TimestampOutOfTolerance,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, TimestampHeader, Vector, StandardWebhooksVector.Body,
                VectorSecrets, now, TimeSpan.FromSeconds(10)));
        Assert.Equal(
            WebhookVerificationResult.Valid,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, TimestampHeader, Vector, StandardWebhooksVector.Body,
                VectorSecrets, now, TimeSpan.FromSeconds(11)));
    }

    [Fact]
    public void Verify_rejects_a_negative_tolerance_as_a_programming_error()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSigner.Verify(
            StandardWebhooksVector.MessageId, TimestampHeader, Vector, StandardWebhooksVector.Body,
            VectorSecrets, StandardWebhooksVector.SignedAt, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Sign_with_two_secrets_emits_one_signature_per_secret_in_order()
    {
        string other = WebhookSecret.Generate();
        byte[] body = "{}"u8.ToArray();

        string header = WebhookSigner.Sign("msg_1", 1_700_000_000, body, [StandardWebhooksVector.Secret, other]);

        string[] parts = header.Split(' ');
        Assert.Equal(2, parts.Length);
        Assert.Equal(WebhookSigner.Sign("msg_1", 1_700_000_000, body, [StandardWebhooksVector.Secret]), parts[0]);
        Assert.Equal(WebhookSigner.Sign("msg_1", 1_700_000_000, body, [other]), parts[1]);
    }

    [Fact]
    public void A_message_signed_during_rotation_is_accepted_by_a_receiver_holding_only_the_old_or_only_the_new_secret()
    {
        string oldSecret = WebhookSecret.Generate();
        string newSecret = WebhookSecret.Generate();
        byte[] body = "{\"availableSamples\":3}"u8.ToArray();
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        string header = WebhookSigner.Sign("msg_rot", now.ToUnixTimeSeconds(), body, [oldSecret, newSecret]);

        Assert.Equal(WebhookVerificationResult.Valid, Verify("msg_rot", now, header, body, [oldSecret], now));
        Assert.Equal(WebhookVerificationResult.Valid, Verify("msg_rot", now, header, body, [newSecret], now));
    }

    [Fact]
    public void A_receiver_holding_old_and_new_secret_accepts_messages_signed_with_either()
    {
        string oldSecret = WebhookSecret.Generate();
        string newSecret = WebhookSecret.Generate();
        byte[] body = "{}"u8.ToArray();
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        string[] receiverSecrets = [oldSecret, newSecret];

        string signedWithOld = WebhookSigner.Sign("msg_a", now.ToUnixTimeSeconds(), body, [oldSecret]);
        string signedWithNew = WebhookSigner.Sign("msg_a", now.ToUnixTimeSeconds(), body, [newSecret]);

        Assert.Equal(WebhookVerificationResult.Valid, Verify("msg_a", now, signedWithOld, body, receiverSecrets, now));
        Assert.Equal(WebhookVerificationResult.Valid, Verify("msg_a", now, signedWithNew, body, receiverSecrets, now));
    }

    [Fact]
    public void Verify_rejects_a_tampered_body()
    {
        byte[] tampered = Encoding.UTF8.GetBytes("""{"test": 2432232315}""");

        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, TimestampHeader, Vector, tampered, VectorSecrets,
                StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_rejects_a_body_with_extra_whitespace_because_the_raw_bytes_are_signed()
    {
        byte[] reformatted = Encoding.UTF8.GetBytes("""{"test":2432232314}""");

        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, TimestampHeader, Vector, reformatted, VectorSecrets,
                StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_rejects_a_changed_message_id()
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify("msg_other", TimestampHeader, Vector, StandardWebhooksVector.Body, VectorSecrets,
                StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_rejects_a_changed_timestamp_within_tolerance()
    {
        string shifted = (StandardWebhooksVector.Timestamp + 1).ToString(CultureInfo.InvariantCulture);

        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, shifted, Vector, StandardWebhooksVector.Body, VectorSecrets,
                StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_rejects_a_signature_made_with_another_secret()
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, TimestampHeader, Vector, StandardWebhooksVector.Body,
                [WebhookSecret.Generate()], StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_with_no_secrets_accepts_nothing()
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, TimestampHeader, Vector, StandardWebhooksVector.Body,
                [], StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Sign_and_verify_round_trip_an_empty_body()
    {
        string secret = WebhookSecret.Generate();
        DateTimeOffset now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        string header = WebhookSigner.Sign("msg_empty", now.ToUnixTimeSeconds(), [], [secret]);

        Assert.Equal(WebhookVerificationResult.Valid, Verify("msg_empty", now, header, [], [secret], now));
    }

    [Theory]
    [InlineData(null, "1614265330", Vector)]
    [InlineData("", "1614265330", Vector)]
    [InlineData(StandardWebhooksVector.MessageId, null, Vector)]
    [InlineData(StandardWebhooksVector.MessageId, "", Vector)]
    [InlineData(StandardWebhooksVector.MessageId, "1614265330", null)]
    [InlineData(StandardWebhooksVector.MessageId, "1614265330", "")]
    [InlineData(null, null, null)]
    public void Verify_reports_missing_headers(string? messageId, string? timestamp, string? signature)
    {
        Assert.Equal(
            WebhookVerificationResult.MissingHeaders,
            WebhookSigner.Verify(messageId, timestamp, signature, StandardWebhooksVector.Body, VectorSecrets,
                StandardWebhooksVector.SignedAt));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1614265330")]
    [InlineData("+1614265330")]
    [InlineData(" 1614265330")]
    [InlineData("1614265330 ")]
    [InlineData("1614265330.0")]
    [InlineData("1,614,265,330")]
    [InlineData("1.6e9")]
    [InlineData("0x60380DF2")]
    [InlineData("99999999999999999999")]
    [InlineData("161426533０")]
    public void Verify_reports_a_timestamp_that_is_not_plain_unix_seconds(string timestamp)
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidTimestamp,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, timestamp, Vector, StandardWebhooksVector.Body,
                VectorSecrets, StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_reports_a_huge_numeric_timestamp_as_invalid_without_overflowing()
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidTimestamp,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, new string('9', 100_000), Vector,
                StandardWebhooksVector.Body, VectorSecrets, StandardWebhooksVector.SignedAt));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("9223372036854775807")]
    public void Verify_handles_extreme_timestamps_without_overflowing(string timestamp)
    {
        Assert.Equal(
            WebhookVerificationResult.TimestampOutOfTolerance,
            WebhookSigner.Verify(StandardWebhooksVector.MessageId, timestamp, Vector, StandardWebhooksVector.Body,
                VectorSecrets, StandardWebhooksVector.SignedAt));
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1,")]
    [InlineData("v1,!!!!")]
    [InlineData("v1,====")]
    [InlineData(",")]
    [InlineData(" ")]
    [InlineData("g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE==")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=")]
    [InlineData("v1,h0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSy\tZlE3uFJELVlNIOLJ1OE")]
    [InlineData("V1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")]
    [InlineData("v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=,extra")]
    public void Verify_rejects_garbage_signature_headers_without_throwing(string signature)
    {
        Assert.Equal(WebhookVerificationResult.InvalidSignature, VerifyVector(signature));
    }

    [Fact]
    public void Verify_rejects_a_huge_signature_header_without_throwing()
    {
        string header = string.Join(' ', Enumerable.Repeat("v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=", 20_000))
            + " " + new string('v', 500_000);

        Assert.Equal(WebhookVerificationResult.InvalidSignature, VerifyVector(header));
    }

    [Fact]
    public void Verify_rejects_a_huge_message_id_without_throwing()
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(new string('x', 1_000_000), TimestampHeader, Vector, StandardWebhooksVector.Body,
                VectorSecrets, StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Verify_rejects_a_message_id_with_lone_surrogates_without_throwing()
    {
        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify("msg_\uD800\uDFFF\uDC00", TimestampHeader, Vector, StandardWebhooksVector.Body,
                VectorSecrets, StandardWebhooksVector.SignedAt));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-secret")]
    [InlineData("whsec_")]
    public void Sign_refuses_a_malformed_secret(string secret)
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign("msg_1", 1, "{}"u8, [secret]));
    }

    [Fact]
    public void Sign_refuses_an_empty_secret_list()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign("msg_1", 1, "{}"u8, []));
    }

    [Fact]
    public void Sign_refuses_an_empty_message_id()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Sign("", 1, "{}"u8, VectorSecrets));
    }

    [Fact]
    public void Sign_refuses_a_negative_timestamp()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WebhookSigner.Sign("msg_1", -1, "{}"u8, VectorSecrets));
    }

    [Fact]
    public void Verify_reports_a_malformed_configured_secret_as_a_programming_error()
    {
        Assert.Throws<ArgumentException>(() => WebhookSigner.Verify(
            StandardWebhooksVector.MessageId, TimestampHeader, Vector, StandardWebhooksVector.Body,
            ["whsec_not base64!"], StandardWebhooksVector.SignedAt));
    }

    [Fact]
    public void Exception_for_a_malformed_secret_does_not_echo_the_secret()
    {
        const string Leaky = "whsec_SuperSecretButBroken!";

        ArgumentException error = Assert.Throws<ArgumentException>(() => WebhookSigner.Sign("msg_1", 1, "{}"u8, [Leaky]));

        Assert.DoesNotContain("SuperSecret", error.Message, StringComparison.Ordinal);
    }

    private static WebhookVerificationResult VerifyVector(string signatureHeader, DateTimeOffset? now = null) =>
        WebhookSigner.Verify(
            StandardWebhooksVector.MessageId,
            TimestampHeader,
            signatureHeader,
            StandardWebhooksVector.Body,
            VectorSecrets,
            now ?? StandardWebhooksVector.SignedAt);

    private static WebhookVerificationResult Verify(
        string messageId, DateTimeOffset sentAt, string header, byte[] body, string[] secrets, DateTimeOffset now) =>
        WebhookSigner.Verify(
            messageId,
            sentAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            header,
            body,
            secrets,
            now);
}
