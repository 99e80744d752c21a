using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;

namespace SampleBroker.Tests.Configuration;

public sealed class SampleBrokerOptionsTests
{
    private const string Vault = "https://kv-sb-abc.vault.azure.net/";

    [Fact]
    public void Key_vault_is_required_in_Azure()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new() { ["WEBSITE_HOSTNAME"] = "func-sb-abc.azurewebsites.net" }));

        Assert.Contains("SampleBroker__KeyVaultUri is required in Azure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Public_base_url_defaults_to_the_local_host_outside_Azure()
    {
        Assert.Equal(SampleBrokerOptions.LocalBaseUrl, Options([]).PublicBaseUrl);
    }

    [Fact]
    public void Public_base_url_is_derived_from_WEBSITE_HOSTNAME_in_Azure_when_unset()
    {
        var options = Options(new() { ["WEBSITE_HOSTNAME"] = "func-sb-abc.azurewebsites.net", ["SampleBroker:KeyVaultUri"] = Vault });

        Assert.Equal("https://func-sb-abc.azurewebsites.net", options.PublicBaseUrl);
    }

    [Fact]
    public void An_explicit_public_base_url_wins_over_the_Azure_host_name()
    {
        var options = Options(new()
        {
            ["WEBSITE_HOSTNAME"] = "func-sb-abc.azurewebsites.net",
            ["SampleBroker:PublicBaseUrl"] = "https://broker.alliance.example",
            ["SampleBroker:KeyVaultUri"] = Vault,
        });

        Assert.Equal("https://broker.alliance.example", options.PublicBaseUrl);
    }

    [Fact]
    public void Plain_http_public_base_url_is_refused_in_Azure_naming_the_setting()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["WEBSITE_HOSTNAME"] = "func-sb-abc.azurewebsites.net",
            ["SampleBroker:PublicBaseUrl"] = "http://broker.alliance.example",
        }));

        Assert.Contains("SampleBroker__PublicBaseUrl must be https in Azure", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Plain_http_public_base_url_is_accepted_outside_Azure()
    {
        Assert.Equal("http://127.0.0.1:9000", Options(new() { ["SampleBroker:PublicBaseUrl"] = "http://127.0.0.1:9000" }).PublicBaseUrl);
    }

    [Fact]
    public void A_short_bootstrap_staff_key_is_refused_in_Azure_without_echoing_it()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["WEBSITE_HOSTNAME"] = "func-sb-abc.azurewebsites.net",
            ["SampleBroker:BootstrapStaffKey"] = "short-staff-key",
        }));

        Assert.Contains("SampleBroker__BootstrapStaffKey must be at least 32 characters", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short-staff-key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_out_of_range_setting_is_named_at_once()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Options(new()
        {
            ["SampleBroker:PublicBaseUrl"] = "not a url",
            ["SampleBroker:RequestsPerMinute"] = "0",
            ["SampleBroker:MaxAttemptsPerQuery"] = "11",
            ["SampleBroker:HistoryRetentionDays"] = "0",
            ["SampleBroker:StoragePrefix"] = "1bad-prefix",
            ["SampleBroker:RequestQueueName"] = "Sample_Requests",
            ["SampleBroker:KeyVaultUri"] = "http://kv.example",
            ["SampleBroker:KeyRingSecretName"] = "key ring",
        }));

        foreach (var setting in new[]
        {
            "SampleBroker__PublicBaseUrl", "SampleBroker__RequestsPerMinute must be between 1 and 100000 (was 0)",
            "SampleBroker__MaxAttemptsPerQuery must be between 1 and 10 (was 11)", "SampleBroker__HistoryRetentionDays",
            "SampleBroker__StoragePrefix", "SampleBroker__RequestQueueName", "SampleBroker__KeyVaultUri", "SampleBroker__KeyRingSecretName",
        })
        {
            Assert.Contains(setting, error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_sample_settings_are_valid()
    {
        var file = Path.Combine(SampleBroker.Testing.Repository.Root, "local.settings.sample.json");
        using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
        var values = document.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => (string?)p.Value.GetString());

        var options = Options(values);

        Assert.Equal("http://localhost:7071", options.PublicBaseUrl);
    }

    [Fact]
    public async Task Host_with_an_invalid_setting_does_not_start()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Development, DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["SampleBroker:MaxAttemptsPerQuery"] = "0" });
        builder.Services.AddSampleBrokerCore(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("SampleBroker__MaxAttemptsPerQuery", error.Message, StringComparison.Ordinal);
    }

    private static SampleBrokerOptions Options(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using var services = new ServiceCollection().AddLogging().AddSampleBrokerCore(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<SampleBrokerOptions>>().Value;
    }
}
