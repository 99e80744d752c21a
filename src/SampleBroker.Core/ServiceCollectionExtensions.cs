using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.Configure<SampleBrokerOptions>(configuration.GetSection(SampleBrokerOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        var connection = StorageNames.ConnectionString(configuration);
        services.AddSingleton(new TableServiceClient(connection));
        services.AddSingleton(new QueueServiceClient(connection, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 }));
        services.AddSingleton<BrokerTables>();
        services.AddSingleton<BrokerQueues>();
        services.AddHostedService<StorageInitializer>();

        // Secrets are encrypted at rest; the key ring is shared by every instance through a table.
        services.AddDataProtection().SetApplicationName("SampleBroker");
        services.AddOptions<KeyManagementOptions>()
            .Configure<BrokerTables>((o, tables) => o.XmlRepository = new TableXmlRepository(tables.DataProtectionKeys));
        services.AddSingleton<SecretProtector>();

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
