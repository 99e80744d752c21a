using Azure.Storage.Queues;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;

namespace SampleBroker.Storage;

/// <summary>
/// The intake queue and its poison queue. Their names are the contract's (<c>sample-requests</c> and,
/// as Azure Functions names it, <c>sample-requests-poison</c>); <see cref="SampleBrokerOptions.RequestQueueName"/>
/// changes them only so tests that share one storage account stay apart.
/// </summary>
public sealed class BrokerQueues
{
    public BrokerQueues(QueueServiceClient service, IOptions<SampleBrokerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        var name = options.Value.RequestQueueName;
        Requests = service.GetQueueClient(name);
        Poison = service.GetQueueClient(name + "-poison");
    }

    public QueueClient Requests { get; }

    public QueueClient Poison { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        await Requests.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await Poison.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
