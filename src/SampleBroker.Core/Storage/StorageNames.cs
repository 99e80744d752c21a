namespace SampleBroker.Storage;

/// <summary>Names of the broker's storage resources. Queue names are fixed by the contract; tables carry a prefix.</summary>
public static class StorageNames
{
    /// <summary>
    /// The queue requesters drop sample requests into (contract section 6); messages that can never be
    /// brokered end in <c>sample-requests-poison</c>, with nothing lost.
    /// </summary>
    public const string RequestQueue = "sample-requests";

    /// <summary>The storage setting, as Azure Functions names it: a connection string, or a section of identity-based settings (<see cref="StorageOptions"/>).</summary>
    public const string ConnectionSetting = "AzureWebJobsStorage";
}
