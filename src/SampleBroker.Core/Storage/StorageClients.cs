using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Azure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SampleBroker.Storage;

/// <summary>
/// The one place the broker's own storage clients are built, from <see cref="StorageOptions"/>: with the
/// connection string, or with the endpoints and an Entra ID credential. The credential comes from
/// Microsoft.Extensions.Azure's <see cref="AzureComponentFactory"/> reading the same
/// <c>AzureWebJobsStorage</c> section (<c>credential</c>, <c>clientId</c>) the Functions host reads, so
/// the host, the Durable extension and the broker sign in alike.
/// </summary>
public sealed class StorageClients
{
    private readonly Lazy<TokenCredential?> credential;

    public StorageClients(IOptions<StorageOptions> options, AzureComponentFactory factory, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(configuration);

        // Reading Value runs the validator: a missing setting fails here, with its name, not at the first request.
        Options = options.Value;
        credential = new(() => Options.UsesIdentity ? factory.CreateTokenCredential(configuration.GetSection(StorageNames.ConnectionSetting)) : null);
    }

    public StorageOptions Options { get; }

    /// <summary>The Entra ID credential, or null when a connection string is used.</summary>
    public TokenCredential? Credential => credential.Value;

    public TableServiceClient CreateTableServiceClient(TableClientOptions? clientOptions = null) =>
        Options.UsesIdentity
            ? new TableServiceClient(Options.TableEndpoint!, Credential!, clientOptions)
            : new TableServiceClient(Options.ConnectionString!, clientOptions);

    public QueueServiceClient CreateQueueServiceClient(QueueClientOptions? clientOptions = null) =>
        Options.UsesIdentity
            ? new QueueServiceClient(Options.QueueEndpoint!, Credential!, clientOptions)
            : new QueueServiceClient(Options.ConnectionString!, clientOptions);

    /// <summary>A client for one queue with the given message encoding (the listener reads messages as stored).</summary>
    public QueueClient CreateQueueClient(string queueName, QueueMessageEncoding encoding) =>
        CreateQueueServiceClient(new QueueClientOptions { MessageEncoding = encoding }).GetQueueClient(queueName);
}
