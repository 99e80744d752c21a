using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SampleBroker.Demo;

namespace SampleBroker.Storage;

/// <summary>Creates the broker's tables and queues at start-up, then seeds the demo data when configured.</summary>
public sealed class StorageInitializer(BrokerTables tables, BrokerQueues queues, DemoDataSeeder demo, ILogger<StorageInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await StartupRetry.RunAsync(
            async () =>
            {
                await tables.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                await queues.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
                await demo.SeedAsync(cancellationToken).ConfigureAwait(false);
            },
            "storage",
            logger,
            cancellationToken).ConfigureAwait(false);
        logger.LogInformation("Storage ready");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
