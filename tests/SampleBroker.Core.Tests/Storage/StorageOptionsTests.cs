using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SampleBroker.Storage;

namespace SampleBroker.Tests.Storage;

public sealed class StorageOptionsTests
{
    private const string ClientId = "6f1c4a52-0b7e-4d2e-9a4b-6c1f1e2d3a4b";

    [Fact]
    public void Identity_settings_with_an_account_name_build_clients_on_the_account_endpoints_with_the_user_assigned_identity()
    {
        using var services = Services(Environments.Production, new()
        {
            ["AzureWebJobsStorage:accountName"] = "stsbprod01",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
            ["AzureWebJobsStorage:clientId"] = ClientId,
        });

        var clients = services.GetRequiredService<StorageClients>();

        Assert.True(clients.Options.UsesIdentity);
        Assert.IsType<ManagedIdentityCredential>(clients.Credential);
        Assert.Equal(new Uri("https://stsbprod01.table.core.windows.net/"), services.GetRequiredService<TableServiceClient>().Uri);
        Assert.Equal(new Uri("https://stsbprod01.queue.core.windows.net/"), services.GetRequiredService<QueueServiceClient>().Uri);
        Assert.Equal(new Uri("https://stsbprod01.blob.core.windows.net/"), clients.Options.BlobEndpoint);
    }

    [Fact]
    public void Explicit_service_uris_win_over_the_account_name()
    {
        using var services = Services(Environments.Production, new()
        {
            ["AzureWebJobsStorage:accountName"] = "stsbprod01",
            ["AzureWebJobsStorage:tableServiceUri"] = "https://tables.example.net/",
            ["AzureWebJobsStorage:queueServiceUri"] = "https://queues.example.net/",
            ["AzureWebJobsStorage:credential"] = "managedidentity",
        });

        Assert.Equal("tables.example.net", services.GetRequiredService<TableServiceClient>().Uri.Host);
        Assert.Equal("queues.example.net", services.GetRequiredService<QueueServiceClient>().Uri.Host);
        Assert.IsType<ManagedIdentityCredential>(services.GetRequiredService<StorageClients>().Credential);
    }

    [Fact]
    public void A_connection_string_keeps_working_and_wins_over_identity_settings()
    {
        using var services = Services(Environments.Production, new()
        {
            ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
            ["AzureWebJobsStorage:accountName"] = "stsbprod01",
        });

        var clients = services.GetRequiredService<StorageClients>();

        Assert.False(clients.Options.UsesIdentity);
        Assert.Null(clients.Credential);
        Assert.Equal("devstoreaccount1", services.GetRequiredService<TableServiceClient>().AccountName);
        Assert.Equal("devstoreaccount1", services.GetRequiredService<QueueServiceClient>().AccountName);
    }

    [Fact]
    public void Nothing_set_in_development_uses_the_emulator()
    {
        using var services = Services(Environments.Development, []);

        Assert.Equal(StorageOptions.DevelopmentStorage, services.GetRequiredService<IOptions<StorageOptions>>().Value.ConnectionString);
    }

    [Fact]
    public void Nothing_set_outside_development_fails_naming_the_setting_instead_of_falling_back_to_the_emulator()
    {
        using var services = Services(Environments.Production, []);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<StorageClients>());

        Assert.Contains("AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_outside_development_without_storage_does_not_start_and_says_which_setting_is_missing()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = Environments.Production, DisableDefaults = true });
        builder.Services.AddSampleBrokerCore(builder.Configuration);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Storage is not configured: set AzureWebJobsStorage", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Malformed_identity_settings_are_each_named()
    {
        using var services = Services(Environments.Production, new()
        {
            ["AzureWebJobsStorage:accountName"] = "Not_An_Account",
            ["AzureWebJobsStorage:tableServiceUri"] = "tables.example.net",
            ["AzureWebJobsStorage:credential"] = "password",
            ["AzureWebJobsStorage:clientId"] = "not-a-guid",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<StorageClients>());

        Assert.Contains("AzureWebJobsStorage__accountName", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__tableServiceUri must be an absolute https URI", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__credential", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__clientId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Service_uris_without_an_account_name_must_name_every_service()
    {
        using var services = Services(Environments.Production, new()
        {
            ["AzureWebJobsStorage:tableServiceUri"] = "https://tables.example.net/",
        });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<StorageClients>());

        Assert.Contains("AzureWebJobsStorage__queueServiceUri is required", error.Message, StringComparison.Ordinal);
        Assert.Contains("AzureWebJobsStorage__blobServiceUri is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_connection_string_is_reported_without_echoing_it()
    {
        using var services = Services(Environments.Production, new() { ["AzureWebJobsStorage"] = "AccountKey=c2VjcmV0;nonsense" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<StorageClients>());

        Assert.Contains("AzureWebJobsStorage is not a valid storage connection string", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("c2VjcmV0", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Services(string environment, Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IHostEnvironment>(new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = environment });
        services.AddSampleBrokerCore(configuration);
        return services.BuildServiceProvider();
    }
}
