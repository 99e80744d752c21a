namespace SampleBroker.Storage;

/// <summary>Names of the broker's storage resources. Queue names are fixed by the contract; tables carry a prefix.</summary>
public static class StorageNames
{
    /// <summary>
    /// The queue requesters drop sample requests into (contract section 6); messages that can never be
    /// brokered end in <c>sample-requests-poison</c>, with nothing lost.
    /// </summary>
    public const string RequestQueue = "sample-requests";

    /// <summary>The configuration key of the storage connection string, as Azure Functions names it.</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";

    /// <summary>The configured storage connection string, or the local emulator's.</summary>
    public static string ConnectionString(Microsoft.Extensions.Configuration.IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[ConnectionSetting] is { Length: > 0 } configured ? configured : "UseDevelopmentStorage=true";
    }
}
