namespace SampleBroker.Protocol.Webhooks;

/// <summary>Outcome of <see cref="WebhookSigner.Verify"/>. Everything but <see cref="Valid"/> means "reject with 401".</summary>
public enum WebhookVerificationResult
{
    /// <summary>A listed <c>v1</c> signature matches one of the secrets and the timestamp is within tolerance.</summary>
    Valid,

    /// <summary>The id, timestamp or signature header is absent or empty.</summary>
    MissingHeaders,

    /// <summary>The timestamp header is not a plain non-negative integer of unix seconds.</summary>
    InvalidTimestamp,

    /// <summary>The timestamp is further from the receiver's clock than the tolerance, in either direction.</summary>
    TimestampOutOfTolerance,

    /// <summary>No listed <c>v1</c> signature matches any of the secrets.</summary>
    InvalidSignature,
}
