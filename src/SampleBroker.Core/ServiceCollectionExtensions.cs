using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Azure.Security.KeyVault.Secrets;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Options;
using SampleBroker.Access;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;
using SampleBroker.Demo;
using SampleBroker.Http;
using SampleBroker.Orchestration;
using SampleBroker.Organisations;
using SampleBroker.Protocol;
using SampleBroker.Requests;
using SampleBroker.Security;
using SampleBroker.Storage;

namespace SampleBroker;

/// <summary>Registration of the core, shared by the Azure Functions app and the local host.</summary>
public static class ServiceCollectionExtensions
{
    public static IServiceCollection AddSampleBrokerCore(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var azureHostName = AzureEnvironment.HostName(configuration);
        services.AddOptions<SampleBrokerOptions>()
            .Bind(configuration.GetSection(SampleBrokerOptions.SectionName))
            .PostConfigure(o => o.PublicBaseUrl = string.IsNullOrWhiteSpace(o.PublicBaseUrl)
                ? azureHostName is null ? SampleBrokerOptions.LocalBaseUrl : "https://" + azureHostName
                : o.PublicBaseUrl.Trim())
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<SampleBrokerOptions>>(new SampleBrokerOptionsValidator(azureHostName));
        services.TryAddSingleton(TimeProvider.System);

        // Storage: one place builds the clients, from a connection string or an identity (StorageOptions).
        services.AddAzureClientsCore();
        services.AddOptions<StorageOptions>()
            .Configure<IServiceProvider>((o, sp) => StorageOptions.Bind(o, configuration, sp.GetService<IHostEnvironment>()?.IsDevelopment() == true))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddSingleton(sp => new StorageClients(sp.GetRequiredService<IOptions<StorageOptions>>(), sp.GetRequiredService<AzureComponentFactory>(), configuration));
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().CreateTableServiceClient());
        services.AddSingleton(sp => sp.GetRequiredService<StorageClients>().CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        services.AddSingleton<BrokerTables>();
        services.AddSingleton<BrokerQueues>();
        services.AddHostedService<StorageInitializer>();

        // Secrets are encrypted at rest; the key ring is shared by every instance through a table.
        services.AddDataProtection().SetApplicationName("SampleBroker");
        services.AddOptions<KeyManagementOptions>()
            .Configure<BrokerTables>((o, tables) => o.XmlRepository = new TableXmlRepository(tables.DataProtectionKeys));

        // With a Key Vault the ring is encrypted at rest with key material that never lives in the storage account.
        if (configuration[$"{SampleBrokerOptions.SectionName}:{nameof(SampleBrokerOptions.KeyVaultUri)}"] is { Length: > 0 })
        {
            services.AddSingleton(sp =>
            {
                var options = sp.GetRequiredService<IOptions<SampleBrokerOptions>>().Value;
                var credential = sp.GetRequiredService<AzureComponentFactory>().CreateTokenCredential(configuration.GetSection(StorageNames.ConnectionSetting));
                return new KeyRingSecrets(new SecretClient(new Uri(options.KeyVaultUri!), credential), options.KeyRingSecretName);
            });
            services.AddOptions<KeyManagementOptions>()
                .Configure<IServiceProvider>((o, sp) => o.XmlEncryptor = new KeyVaultXmlEncryptor(sp.GetRequiredService<KeyRingSecrets>()));
        }

        services.AddSingleton(sp => new SecretProtector(
            sp.GetRequiredService<IDataProtectionProvider>(), allowPlainText: sp.GetService<IHostEnvironment>()?.IsDevelopment() == true));

        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton<StaffKeyStore>();
        services.AddSingleton<ApiKeyAuthenticator>();
        services.AddSingleton<OrganisationStore>();
        services.AddSingleton<BiobankStore>();
        services.AddSingleton<BiobankHealthStore>();
        services.AddSingleton<SampleRequestStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<EndpointPolicy>();
        services.AddSingleton<SampleRequestValidator>();
        services.AddSingleton<RequestLifecycle>();
        services.AddSingleton<SampleRequestIntake>();
        services.AddSingleton<SubmitRateLimiter>();
        services.AddSingleton<QueueIntake>();
        services.AddSingleton<DemoDataSeeder>();
        services.AddSingleton<Monitoring.AuditLog>();

        services.AddSingleton<HealthHandler>();
        services.AddSingleton<OrganisationHandlers>();
        services.AddSingleton<BiobankHandlers>();
        services.AddSingleton<BiobankAnswerHandlers>();
        services.AddSingleton<SampleRequestHandlers>();
        services.AddSingleton<AdminRequestHandlers>();
        services.AddSingleton<StaffKeyHandlers>();
        services.AddSingleton<Monitoring.AuditHandlers>();
        services.AddSingleton<Monitoring.MetricsHandlers>();
        services.AddSingleton<RequestReconciler>();
        services.AddSingleton<RetentionSweeper>();

        services.AddSingleton<AnswerMessageStore>();
        services.AddSingleton<SharedCircuitBreaker>();
        services.AddSingleton<BiobankClient>();
        services.AddHttpClient(BiobankClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => BiobankClient.CreateHandler(sp.GetRequiredService<EndpointPolicy>(), EndpointKind.BiobankEndpoint))

            // Polly in BiobankClient owns timeouts per attempt; the client-wide timeout must not cut across it.
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        // Requesters' callbacks get their own connections: a pooled connection to a biobank is never reused
        // for a callback URL, whose addresses are checked under the callback switch.
        services.AddHttpClient(BiobankClient.CallbackHttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => BiobankClient.CreateHandler(sp.GetRequiredService<EndpointPolicy>(), EndpointKind.CallbackUrl))
            .ConfigureHttpClient(client => client.Timeout = Timeout.InfiniteTimeSpan);

        services.AddTransient<BrokerSampleRequestOrchestrator>();
        services.AddSingleton<BiobankSelection>();
        services.AddTransient<BeginBrokeringActivity>();
        services.AddTransient<QueryBiobankActivity>();
        services.AddTransient<CompleteSampleRequestActivity>();
        services.AddTransient<SendCompletionCallbackActivity>();

        // Both hosts write errors the same way: problem details, never an HTML page or a stack trace.
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
            o.SerializerOptions.Converters.Add(new UtcTimestampConverter());
        });
        return services;
    }
}
