using System.Net.Sockets;
using DurableTask.AzureStorage;
using DurableTask.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing.Sidecar.Grpc;
using Microsoft.DurableTask.Worker;
using SampleBroker.Orchestration;
using SampleBroker.Storage;

namespace SampleBroker.LocalHost;

/// <summary>
/// Runs the core's orchestrators and activities on the Durable Task Framework's Azure Storage provider:
/// an in-process <see cref="TaskHubGrpcServer"/> (the sidecar the Functions host would otherwise be)
/// listens on a Unix socket, and the standard gRPC worker and client connect to it.
/// </summary>
public static class DurableBackend
{
    public static WebApplicationBuilder AddLocalDurableBackend(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.Configuration;
        var socketPath = Path.Combine(Path.GetTempPath(), $"samplebroker-dt-{Environment.ProcessId}.sock");
        File.Delete(socketPath);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.ListenUnixSocket(socketPath, listen => listen.Protocols = HttpProtocols.Http2));

        builder.Services.AddSingleton(sp => new AzureStorageOrchestrationService(Settings(configuration, sp.GetRequiredService<StorageClients>(), sp.GetRequiredService<ILoggerFactory>())));
        builder.Services.AddSingleton<IOrchestrationService>(sp =>
            new DuplicateStartFilter(sp.GetRequiredService<AzureStorageOrchestrationService>(), sp.GetRequiredService<ILogger<DuplicateStartFilter>>()));
        builder.Services.AddSingleton<IOrchestrationServiceClient>(sp => sp.GetRequiredService<AzureStorageOrchestrationService>());
        builder.Services.AddHostedService<TaskHubInitializer>();

        // The worker holds a gRPC stream open to the sidecar in this same Kestrel, and Kestrel, stopped first,
        // waits for open streams until the shutdown timeout: stopping every service at once lets the worker
        // close its stream while Kestrel waits, so Ctrl-C ends the host in moments rather than 30 s.
        builder.Services.Configure<HostOptions>(host => host.ServicesStopConcurrently = true);
        builder.Services.AddSingleton<TaskHubGrpcServer>();
        builder.Services.AddGrpc();

        var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = UnixSocketHandler(socketPath) });
        builder.Services.AddDurableTaskWorker(worker =>
        {
            worker.AddTasks(tasks => tasks.AddSampleBrokerTasks());
            worker.UseGrpc(channel);
        });
        builder.Services.AddDurableTaskClient(client =>
        {
            client.UseGrpc(channel);
            client.RegisterDirectly();
        });
        return builder;
    }

    public static WebApplication MapLocalDurableBackend(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<TaskHubGrpcServer>();
        return app;
    }

    /// <summary>
    /// Tuned for one node on Azurite (measured numbers in the README): activities are not capped at the
    /// default 10, one partition (one control queue: one node gains nothing from more, and each is polled
    /// when idle), and no app lease delays a restart after a crash. Every message this host sends wakes
    /// the poller of its queue at once, so idle queues are polled only once a second: sooner polling
    /// made no request faster and kept Azurite and the host busy at idle. Only a durable timer's message
    /// waits for a poll: timers (deadlines, retry waits) are seen up to a second after they fall due.
    /// The <c>LocalHost</c> configuration section overrides each of these. A task hub keeps the partition
    /// count it was created with in mind: change it only together with the task hub name.
    /// </summary>
    private static AzureStorageOrchestrationServiceSettings Settings(ConfigurationManager configuration, StorageClients storage, ILoggerFactory loggerFactory)
    {
        return new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = configuration["LocalHost:TaskHubName"] is { Length: > 0 } hub ? hub : "SampleBrokerLocalHub",
            StorageAccountClientProvider = storage.Options.UsesIdentity
                ? new StorageAccountClientProvider(storage.Options.BlobEndpoint!, storage.Options.QueueEndpoint!, storage.Options.TableEndpoint!, storage.Credential!)
                : new StorageAccountClientProvider(storage.Options.ConnectionString!),
            MaxConcurrentTaskActivityWorkItems = configuration.GetValue("LocalHost:MaxConcurrentActivities", 200),
            MaxConcurrentTaskOrchestrationWorkItems = configuration.GetValue("LocalHost:MaxConcurrentOrchestrations", 100),
            MaxQueuePollingInterval = TimeSpan.FromMilliseconds(configuration.GetValue("LocalHost:MaxQueuePollingMs", 1000)),
            UseAppLease = false,
            PartitionCount = configuration.GetValue("LocalHost:PartitionCount", 1),

            // The sidecar never renews activity locks, so this bounds how long an activity may run before
            // it is handed out again, and how soon one cut off by a crash resumes after a restart.
            // Queries outlast it only with slow biobanks and many retries; a repeat carries the same
            // webhook-id, and the first stored outcome stands.
            WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(configuration.GetValue("LocalHost:ActivityVisibilityTimeoutSeconds", 120)),

            // Likewise for orchestration messages: the sidecar stops its dispatchers without waiting, so a
            // message taken just before a stop or a crash is handed out again only after this time (the
            // backend's default is 5 minutes). Episodes take milliseconds; a repeat is recognised and dropped.
            ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(configuration.GetValue("LocalHost:OrchestrationVisibilityTimeoutSeconds", 60)),
            LoggerFactory = loggerFactory,
        };
    }

    private static SocketsHttpHandler UnixSocketHandler(string socketPath) => new()
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    /// <summary>Creates the task hub's queues and tables before the sidecar starts dispatching.</summary>
    private sealed class TaskHubInitializer(AzureStorageOrchestrationService service, ILogger<TaskHubInitializer> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await StartupRetry.RunAsync(() => service.CreateIfNotExistsAsync(), "task hub", logger, cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
