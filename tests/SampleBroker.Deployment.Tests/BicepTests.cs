using System.Text.Json;

namespace SampleBroker.Deployment.Tests;

/// <summary>
/// Every .bicep file under infra/ builds and passes the linter with no warning, with the Bicep CLI from
/// NuGet, offline (plain resource declarations only: public registry modules cannot be restored here).
/// </summary>
public sealed class BicepTests
{
    private static readonly TimeSpan BicepTimeout = TimeSpan.FromMinutes(3);

    /// <summary>One build of every file (the CLI starts in seconds, not milliseconds), shared by the tests.</summary>
    private static readonly Lazy<Task<BuildOutput>> Build = new(BuildAllAsync);

    [Fact]
    public async Task Every_bicep_file_under_infra_builds_without_a_warning()
    {
        var build = await Build.Value;

        Assert.True(build.Result.ExitCode == 0, build.Result.Output);
        Assert.DoesNotContain(": Warning ", build.Result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(": Error ", build.Result.Output, StringComparison.Ordinal);
        Assert.All(build.Sources, source => Assert.True(
            File.Exists(Path.Combine(build.OutputFolder, Path.ChangeExtension(Path.GetRelativePath(Repository.Infra, source), ".json"))),
            $"{source} produced no ARM template."));
    }

    [Fact]
    public async Task Every_bicep_file_under_infra_passes_the_linter_without_a_warning()
    {
        var lint = await BicepAsync("lint", "--pattern", "**/*.bicep");

        Assert.True(lint.ExitCode == 0, lint.Output);
        Assert.True(lint.Output.Trim().Length == 0, lint.Output);
    }

    [Fact]
    public void Infra_has_a_main_template_with_modules()
    {
        Assert.True(File.Exists(Path.Combine(Repository.Infra, "main.bicep")));
        Assert.True(Directory.EnumerateFiles(Path.Combine(Repository.Infra, "modules"), "*.bicep").Count() >= 5);
    }

    [Fact]
    public async Task Parameters_file_gives_every_required_parameter_of_main_and_nothing_it_does_not_declare()
    {
        var template = await CompiledMainAsync();
        var declared = template.GetProperty("parameters").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        var required = declared.Where(p => !p.Value.TryGetProperty("defaultValue", out _)).Select(p => p.Key).ToList();

        using var parameters = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Infra, "main.parameters.json")));
        var given = parameters.RootElement.GetProperty("parameters").EnumerateObject().Select(p => p.Name).ToList();

        Assert.Contains("bootstrapStaffKey", required);
        Assert.All(required, name => Assert.Contains(name, given));
        Assert.All(given, name => Assert.True(declared.ContainsKey(name), $"main.parameters.json gives '{name}', which main.bicep does not declare."));
    }

    [Fact]
    public async Task Compiled_template_deploys_an_identity_based_app_on_flex_consumption()
    {
        var json = (await CompiledMainAsync()).GetRawText();

        // Storage without shared keys, Key Vault with RBAC and purge protection, App Insights without local auth.
        Assert.Contains("\"allowSharedKeyAccess\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"enableRbacAuthorization\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"enablePurgeProtection\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"DisableLocalAuth\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"FC1\"", json, StringComparison.Ordinal);
        Assert.Contains("\"name\": \"dotnet-isolated\"", json, StringComparison.Ordinal);
        Assert.Contains("\"version\": \"10.0\"", json, StringComparison.Ordinal);

        // Every identity-based storage setting the host, the Durable extension and the broker read.
        foreach (var setting in new[]
        {
            "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__blobServiceUri", "AzureWebJobsStorage__queueServiceUri",
            "AzureWebJobsStorage__tableServiceUri", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId",
            "TaskHubName", "APPLICATIONINSIGHTS_CONNECTION_STRING", "APPLICATIONINSIGHTS_AUTHENTICATION_STRING",
            "SampleBroker__KeyVaultUri", "SampleBroker__KeyRingSecretName", "SampleBroker__BootstrapStaffKey",
        })
        {
            Assert.Contains($"\"{setting}\"", json, StringComparison.Ordinal);
        }

        // No connection string with a key, and the staff key only as a Key Vault reference.
        Assert.DoesNotContain("AccountKey=", json, StringComparison.Ordinal);
        Assert.DoesNotContain("listKeys", json, StringComparison.Ordinal);
        Assert.Contains("@Microsoft.KeyVault(SecretUri=", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Azd_project_points_at_the_infra_and_the_functions_app()
    {
        var yaml = File.ReadAllText(Path.Combine(Repository.Root, "azure.yaml"));

        Assert.Contains("path: infra", yaml, StringComparison.Ordinal);
        Assert.Contains("project: ./src/SampleBroker.Functions", yaml, StringComparison.Ordinal);
        Assert.Contains("host: function", yaml, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(Repository.Root, "src", "SampleBroker.Functions", "SampleBroker.Functions.csproj")));
    }

    private static async Task<JsonElement> CompiledMainAsync()
    {
        var build = await Build.Value;
        Assert.True(build.Result.ExitCode == 0, build.Result.Output);
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(build.OutputFolder, "main.json")));
        return document.RootElement.Clone();
    }

    private static async Task<BuildOutput> BuildAllAsync()
    {
        var sources = Directory.EnumerateFiles(Repository.Infra, "*.bicep", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(sources);

        // The output folder mirrors infra/ (modules/x.bicep -> modules/x.json).
        var output = Directory.CreateTempSubdirectory("samplebroker-bicep-").FullName;
        var result = await BicepAsync("build", "--pattern", "**/*.bicep", "--outdir", output);
        return new BuildOutput(result, sources, output);
    }

    private sealed record BuildOutput(ProcessRunner.Result Result, IReadOnlyList<string> Sources, string OutputFolder);

    private static async Task<ProcessRunner.Result> BicepAsync(params string[] arguments)
    {
        var cli = Repository.BicepCli;
        Assert.True(File.Exists(cli), $"{cli} is missing: restore tests/SampleBroker.Deployment.Tests (it downloads Azure.Bicep.CommandLine.linux-x64).");

        // NuGet extracts the package without the executable bit. The package is the linux-x64 build.
        if (OperatingSystem.IsLinux() && !File.GetUnixFileMode(cli).HasFlag(UnixFileMode.UserExecute))
        {
            File.SetUnixFileMode(cli, File.GetUnixFileMode(cli) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        return await ProcessRunner.RunAsync(cli, arguments, Repository.Infra, BicepTimeout);
    }
}
