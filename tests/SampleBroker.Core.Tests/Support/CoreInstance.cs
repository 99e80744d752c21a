using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using SampleBroker.Testing;

namespace SampleBroker.Tests.Support;

/// <summary>
/// One instance of the broker's core on the test Azurite: its own service provider, so two of them on
/// the same table prefix behave as two scaled-out Functions instances sharing one storage account.
/// </summary>
internal sealed class CoreInstance : IAsyncDisposable
{
    private CoreInstance(ServiceProvider services) => Services = services;

    public ServiceProvider Services { get; }

    /// <summary>A durable client that accepts every start; the tests here look at storage, not at orchestrations.</summary>
    public static DurableTaskClient Durable
    {
        get
        {
            var durable = new Mock<DurableTaskClient>("test") { CallBase = true };
            durable
                .Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
                .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) => options!.InstanceId!);
            return durable.Object;
        }
    }

    public static async Task<CoreInstance> StartAsync(string prefix, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? time = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
            ["SampleBroker:StoragePrefix"] = prefix,
            ["SampleBroker:RequestQueueName"] = prefix.ToLowerInvariant() + "-requests",
            ["SampleBroker:SeedDemoData"] = "false",
            ["SampleBroker:BootstrapStaffKey"] = StaffKey,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var services = new ServiceCollection().AddLogging();
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        var provider = services.AddSampleBrokerCore(new ConfigurationBuilder().AddInMemoryCollection(values).Build()).BuildServiceProvider();
        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return new CoreInstance(provider);
    }

    public const string StaffKey = "core-test-staff-key";

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();

    public ValueTask DisposeAsync() => Services.DisposeAsync();
}

/// <summary>A clock that stands still, so a test never straddles a window boundary.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
