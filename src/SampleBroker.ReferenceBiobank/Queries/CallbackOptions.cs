namespace SampleBroker.ReferenceBiobank.Queries;

/// <summary>Delivery of asynchronous answers, configuration section <c>Adapter:Callbacks</c>.</summary>
public sealed class CallbackOptions
{
    public const string SectionName = "Callbacks";

    /// <summary>Attempts in all, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Wait before the first retry; it doubles for each further retry.</summary>
    public int FirstRetryDelayMs { get; set; } = 1000;

    /// <summary>Bound on one attempt.</summary>
    public int AttemptTimeoutSeconds { get; set; } = 10;
}
