namespace SampleBroker.Protocol.Webhooks;

/// <summary>Header names of a Standard Webhooks message (contract section 5).</summary>
public static class WebhookHeaders
{
    /// <summary>Unique message id; the same across retries of one message.</summary>
    public const string Id = "webhook-id";

    /// <summary>Unix seconds at which the message (or this retry of it) was signed.</summary>
    public const string Timestamp = "webhook-timestamp";

    /// <summary>Space-separated list of <c>v1,&lt;base64 HMAC-SHA256&gt;</c>.</summary>
    public const string Signature = "webhook-signature";
}
