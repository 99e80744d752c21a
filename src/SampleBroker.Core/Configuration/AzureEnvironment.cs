using Microsoft.Extensions.Configuration;

namespace SampleBroker.Configuration;

/// <summary>What the App Service platform tells an app about where it runs.</summary>
public static class AzureEnvironment
{
    /// <summary>The platform's setting with the app's default host name; present only in Azure.</summary>
    public const string HostNameSetting = "WEBSITE_HOSTNAME";

    /// <summary>The app's default host name in Azure, or null outside Azure.</summary>
    public static string? HostName(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration[HostNameSetting] is { Length: > 0 } host ? host.Trim() : null;
    }
}
