namespace SampleBroker.Configuration;

/// <summary>The <c>SampleBroker</c> configuration section (contract sections 1, 3, 4 and 5).</summary>
public sealed class SampleBrokerOptions
{
    public const string SectionName = "SampleBroker";

    /// <summary>The base URL outside Azure when none is set: the local hosts' address.</summary>
    public const string LocalBaseUrl = "http://localhost:7071";

    /// <summary>
    /// Base URL biobanks are given for their callbacks. When unset it is <c>https://</c> + <c>WEBSITE_HOSTNAME</c>
    /// in Azure and <see cref="LocalBaseUrl"/> elsewhere; in Azure it must be https.
    /// </summary>
    public string PublicBaseUrl { get; set; } = string.Empty;

    /// <summary>The alliance's bootstrap staff key; empty disables it.</summary>
    public string? BootstrapStaffKey { get; set; }

    public bool SeedDemoData { get; set; } = true;

    /// <summary>The demo organisation and biobanks to seed (JSON, see infra/local/demo).</summary>
    public string? DemoDataPath { get; set; }

    /// <summary>Development only: biobank endpoints may be http and internal addresses.</summary>
    public bool AllowInsecureBiobankEndpoints { get; set; }

    /// <summary>Development only: requesters' <c>callbackUrl</c> may be http and internal addresses (a separate switch: a requester is not trusted as a biobank is).</summary>
    public bool AllowInsecureCallbackUrls { get; set; }

    public int RequestsPerMinute { get; set; } = 60;

    public int MaxAttemptsPerQuery { get; set; } = 4;

    /// <summary>Failed attempts in a row to one biobank, over every instance, that open its circuit.</summary>
    public int CircuitFailureThreshold { get; set; } = 8;

    /// <summary>How long an open circuit stays open before one probe attempt may go.</summary>
    public int CircuitBreakSeconds { get; set; } = 30;

    /// <summary>How long an instance trusts its copy of a circuit's shared row: a trip elsewhere is seen here within this time.</summary>
    public int CircuitCacheMilliseconds { get; set; } = 1000;

    public int SecretRotationGraceHours { get; set; } = 24;

    /// <summary>The first wait before a failed completion callback is retried; it doubles up to an hour, for 24 hours.</summary>
    public int CompletionCallbackFirstRetrySeconds { get; set; } = 30;

    /// <summary>How many days after it finished a request's orchestration history is purged (the request and its timeline stay).</summary>
    public int HistoryRetentionDays { get; set; } = 30;

    /// <summary>How many hours an <c>Idempotency-Key</c> is remembered.</summary>
    public int IdempotencyRetentionHours { get; set; } = 72;

    /// <summary>Seconds between two passes of the reconciler on the local host (the Functions app's timer runs every 30 s).</summary>
    public int ReconcileIntervalSeconds { get; set; } = 30;

    /// <summary>Prefix of every table the broker owns, so several brokers can share an account (tests do).</summary>
    public string StoragePrefix { get; set; } = "sb";

    /// <summary>The intake queue; the contract's name unless tests sharing an account need their own.</summary>
    public string RequestQueueName { get; set; } = Storage.StorageNames.RequestQueue;

    /// <summary>The Key Vault holding the key-ring secret; when set, the Data Protection key ring is encrypted at rest with it.</summary>
    public string? KeyVaultUri { get; set; }

    /// <summary>The Key Vault secret whose versions are the key ring's key-encryption keys.</summary>
    public string KeyRingSecretName { get; set; } = "data-protection-key-ring";
}
