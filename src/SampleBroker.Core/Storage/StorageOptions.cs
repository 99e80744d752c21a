using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SampleBroker.Storage;

/// <summary>
/// The storage account, read the way the Functions host and the Durable extension read
/// <c>AzureWebJobsStorage</c>: a connection string as the setting's value (Azurite, development), or
/// identity-based settings under it (<c>AzureWebJobsStorage__accountName</c>, or the three
/// <c>__blobServiceUri</c>/<c>__queueServiceUri</c>/<c>__tableServiceUri</c>, with
/// <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity).
/// A connection string wins when both are given, as it does for the host.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>The development emulator's connection string, used only when the environment is Development and nothing is set.</summary>
    public const string DevelopmentStorage = "UseDevelopmentStorage=true";

    public string? ConnectionString { get; set; }

    public string? AccountName { get; set; }

    public string? BlobServiceUri { get; set; }

    public string? QueueServiceUri { get; set; }

    public string? TableServiceUri { get; set; }

    /// <summary><c>managedidentity</c> for the app's identity; empty lets the credential chain decide (a developer's <c>az login</c>).</summary>
    public string? Credential { get; set; }

    /// <summary>Client id of a user-assigned identity.</summary>
    public string? ClientId { get; set; }

    /// <summary>True when no connection string is set and the account is reached through Entra ID.</summary>
    public bool UsesIdentity => string.IsNullOrEmpty(ConnectionString);

    /// <summary>The blob endpoint: the explicit one, or the account name's in the public cloud.</summary>
    public Uri? BlobEndpoint => Endpoint(BlobServiceUri, "blob");

    public Uri? QueueEndpoint => Endpoint(QueueServiceUri, "queue");

    public Uri? TableEndpoint => Endpoint(TableServiceUri, "table");

    /// <summary>Reads the <c>AzureWebJobsStorage</c> value and section; <paramref name="isDevelopment"/> allows the emulator when nothing is set.</summary>
    public static void Bind(StorageOptions options, IConfiguration configuration, bool isDevelopment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(StorageNames.ConnectionSetting);
        options.ConnectionString = Blank(section.Value);
        options.AccountName = Blank(section["accountName"]);
        options.BlobServiceUri = Blank(section["blobServiceUri"]);
        options.QueueServiceUri = Blank(section["queueServiceUri"]);
        options.TableServiceUri = Blank(section["tableServiceUri"]);
        options.Credential = Blank(section["credential"]);
        options.ClientId = Blank(section["clientId"]);
        if (isDevelopment && options.ConnectionString is null && options.AccountName is null
            && options.BlobServiceUri is null && options.QueueServiceUri is null && options.TableServiceUri is null)
        {
            options.ConnectionString = DevelopmentStorage;
        }
    }

    private Uri? Endpoint(string? explicitUri, string service) =>
        explicitUri is not null && Uri.TryCreate(explicitUri, UriKind.Absolute, out var uri) ? uri
        : explicitUri is null && AccountName is not null ? new Uri($"https://{AccountName}.{service}.core.windows.net/")
        : null;

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>Fails the start with one line naming the missing or malformed storage setting (never echoing a connection string).</summary>
public sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    private const string Prefix = StorageNames.ConnectionSetting + "__";

    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.UsesIdentity)
        {
            return ConnectionStringIsValid(options.ConnectionString!)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail($"{StorageNames.ConnectionSetting} is not a valid storage connection string.");
        }

        if (options.AccountName is null && options.BlobServiceUri is null && options.QueueServiceUri is null && options.TableServiceUri is null)
        {
            return ValidateOptionsResult.Fail(
                $"Storage is not configured: set {StorageNames.ConnectionSetting} to a connection string, or {Prefix}accountName "
                + $"(or {Prefix}blobServiceUri, {Prefix}queueServiceUri and {Prefix}tableServiceUri) with {Prefix}credential=managedidentity.");
        }

        var failures = new List<string>();
        if (options.AccountName is not null && !IsAccountName(options.AccountName))
        {
            failures.Add($"{Prefix}accountName must be 3-24 lower-case letters and digits.");
        }

        foreach (var (setting, value) in new[]
        {
            ("blobServiceUri", options.BlobServiceUri), ("queueServiceUri", options.QueueServiceUri), ("tableServiceUri", options.TableServiceUri),
        })
        {
            if (value is not null && !(Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.IsLoopback)))
            {
                failures.Add($"{Prefix}{setting} must be an absolute https URI.");
            }
            else if (value is null && options.AccountName is null)
            {
                failures.Add($"{Prefix}{setting} is required when {Prefix}accountName is not set.");
            }
        }

        if (options.Credential is not null && !string.Equals(options.Credential, "managedidentity", StringComparison.OrdinalIgnoreCase)
            && !string.Equals(options.Credential, "workloadidentity", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"{Prefix}credential must be 'managedidentity' (or 'workloadidentity'), or be left unset for the developer credential chain.");
        }

        if (options.ClientId is not null && !Guid.TryParse(options.ClientId, out _))
        {
            failures.Add($"{Prefix}clientId must be the client id (a GUID) of the user-assigned identity.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9'));

    private static bool ConnectionStringIsValid(string connectionString)
    {
        try
        {
            _ = new Azure.Data.Tables.TableServiceClient(connectionString);
            return true;
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
