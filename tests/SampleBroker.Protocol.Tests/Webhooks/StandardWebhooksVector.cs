namespace SampleBroker.Protocol.Tests.Webhooks;

/// <summary>
/// The signing test vector published with the Standard Webhooks specification (its reference
/// libraries all test against it). Matching it is what lets a biobank verify the broker's messages
/// with any Standard Webhooks library, and the broker verify theirs.
/// </summary>
internal static class StandardWebhooksVector
{
    public const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    public const string MessageId = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    public const long Timestamp = 1614265330;
    public const string Payload = """{"test": 2432232314}""";
    public const string Signature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

    public static byte[] Body => System.Text.Encoding.UTF8.GetBytes(Payload);

    public static DateTimeOffset SignedAt => DateTimeOffset.FromUnixTimeSeconds(Timestamp);
}
