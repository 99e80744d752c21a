using System.Reflection;

namespace SampleBroker.Deployment.Tests;

/// <summary>Where the repository and the tools the tests run live.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string Infra => Path.Combine(Root, "infra");

    /// <summary>The Bicep CLI inside the NuGet package this project restores (see the csproj's PackageDownload).</summary>
    public static string BicepCli =>
        typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepCli").Value!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SampleBroker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SampleBroker.sln not found above " + AppContext.BaseDirectory);
    }
}
