using Microsoft.Extensions.Options;

namespace SampleBroker.Configuration;

/// <summary>
/// Checks <see cref="SampleBrokerOptions"/> at start: each failure is one line naming the setting as it is
/// written in app settings (<c>SampleBroker__Name</c>), never echoing a secret.
/// </summary>
/// <param name="azureHostName">The app's host name when it runs in Azure (stricter rules apply), else null.</param>
public sealed class SampleBrokerOptionsValidator(string? azureHostName) : IValidateOptions<SampleBrokerOptions>
{
    private const string Prefix = SampleBrokerOptions.SectionName + "__";

    /// <summary>Shortest bootstrap staff key accepted in Azure (the Bicep template asks for the same).</summary>
    public const int MinimumStaffKeyLengthInAzure = 32;

    public ValidateOptionsResult Validate(string? name, SampleBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var inAzure = azureHostName is not null;

        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var baseUrl)
            || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)
            || !string.IsNullOrEmpty(baseUrl.Query) || !string.IsNullOrEmpty(baseUrl.Fragment))
        {
            failures.Add($"{Prefix}PublicBaseUrl must be an absolute http(s) URL without query or fragment.");
        }
        else if (inAzure && baseUrl.Scheme != Uri.UriSchemeHttps)
        {
            failures.Add($"{Prefix}PublicBaseUrl must be https in Azure (leave it unset to use https://{azureHostName}).");
        }

        if (inAzure && options.BootstrapStaffKey is { Length: > 0 and < MinimumStaffKeyLengthInAzure })
        {
            failures.Add($"{Prefix}BootstrapStaffKey must be at least {MinimumStaffKeyLengthInAzure} characters in Azure.");
        }

        if (inAzure && string.IsNullOrWhiteSpace(options.KeyVaultUri))
        {
            failures.Add($"{Prefix}KeyVaultUri is required in Azure: the Data Protection key ring must not sit unencrypted next to the data it protects.");
        }

        Range(failures, nameof(options.RequestsPerMinute), options.RequestsPerMinute, 1, 100_000);
        Range(failures, nameof(options.MaxAttemptsPerQuery), options.MaxAttemptsPerQuery, 1, 10);
        Range(failures, nameof(options.SecretRotationGraceHours), options.SecretRotationGraceHours, 0, 720);
        Range(failures, nameof(options.CompletionCallbackFirstRetrySeconds), options.CompletionCallbackFirstRetrySeconds, 1, 3600);
        Range(failures, nameof(options.HistoryRetentionDays), options.HistoryRetentionDays, 1, 3650);
        Range(failures, nameof(options.IdempotencyRetentionHours), options.IdempotencyRetentionHours, 1, 8760);
        Range(failures, nameof(options.ReconcileIntervalSeconds), options.ReconcileIntervalSeconds, 1, 3600);

        // Table names: letters and digits, starting with a letter; the longest table suffix is 18 characters.
        if (options.StoragePrefix is not { Length: >= 1 and <= 20 } prefix || !char.IsAsciiLetter(prefix[0]) || !prefix.All(char.IsAsciiLetterOrDigit))
        {
            failures.Add($"{Prefix}StoragePrefix must be 1-20 letters and digits, starting with a letter.");
        }

        // Queue names: 3-63 lower-case letters, digits and single dashes; "-poison" must still fit.
        if (options.RequestQueueName is not { Length: >= 3 and <= 56 } queue
            || !queue.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-')
            || !char.IsAsciiLetterOrDigit(queue[0]) || !char.IsAsciiLetterOrDigit(queue[^1]) || queue.Contains("--", StringComparison.Ordinal))
        {
            failures.Add($"{Prefix}RequestQueueName must be 3-56 lower-case letters, digits and single dashes, starting and ending with a letter or digit.");
        }

        if (options.KeyVaultUri is { Length: > 0 } vault
            && !(Uri.TryCreate(vault, UriKind.Absolute, out var vaultUri) && vaultUri.Scheme == Uri.UriSchemeHttps))
        {
            failures.Add($"{Prefix}KeyVaultUri must be an absolute https URI (https://<vault>.vault.azure.net/).");
        }

        if (options.KeyRingSecretName is not { Length: >= 1 and <= 127 } secret || !secret.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            failures.Add($"{Prefix}KeyRingSecretName must be 1-127 letters, digits and dashes.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Range(List<string> failures, string setting, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            failures.Add($"{Prefix}{setting} must be between {min} and {max} (was {value}).");
        }
    }
}
