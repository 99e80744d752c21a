using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;
using SampleBroker.Biobanks;
using SampleBroker.Orchestration;
using SampleBroker.Requests;
using SampleBroker.Testing;

namespace SampleBroker.Tests.Support;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>
/// The core on Azurite (<c>SAMPLEBROKER_TEST_STORAGE</c>, set by infra/local/test.sh) with its own tables, a
/// clock the test moves, and the durable client mocked: every start and every raised event is recorded.
/// </summary>
internal sealed class CoreOnAzurite : IAsyncDisposable
{
    public const string Organisation = "acme-dx";

    public static readonly JsonElement Body = JsonDocument.Parse(
        """{"criteria":{"sampleTypes":["blood-serum"]},"quantity":150,"answerWithinSeconds":300}""").RootElement;

    private readonly ServiceProvider services;

    private CoreOnAzurite()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
                ["SampleBroker:StoragePrefix"] = TestStorage.UniqueName("t"),
                ["SampleBroker:SeedDemoData"] = "false",
            })
            .Build();
        services = new ServiceCollection().AddLogging().AddSampleBrokerCore(configuration).AddSingleton<TimeProvider>(Clock).BuildServiceProvider();

        Durable
            .Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? input, StartOrchestrationOptions? options, CancellationToken _) =>
            {
                if (ScheduleFails)
                {
                    throw new InvalidOperationException("the host died before the engine took the start");
                }

                Starts.Add((options!.InstanceId!, Assert.IsType<BrokeringInput>(input)));
                return options.InstanceId!;
            });
        Durable
            .Setup(c => c.RaiseEventAsync(It.IsAny<string>(), It.IsAny<string>(), It.IsAny<object?>(), It.IsAny<CancellationToken>()))
            .Returns((string instanceId, string name, object? _, CancellationToken _) =>
            {
                Raised.Add((instanceId, name));
                return RaiseFails ? Task.FromException(new InvalidOperationException("the engine is unreachable")) : Task.CompletedTask;
            });

        // No orchestration exists unless a test says so.
        Durable
            .Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((OrchestrationMetadata?)null);
    }

    public ManualClock Clock { get; } = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));

    /// <summary>CallBase: the client's convenience overloads reach the members set up here.</summary>
    public Mock<DurableTaskClient> Durable { get; } = new("test") { CallBase = true };

    public List<(string InstanceId, BrokeringInput Input)> Starts { get; } = [];

    public List<(string InstanceId, string Name)> Raised { get; } = [];

    /// <summary>Whether scheduling an orchestration fails, as when the host dies before the engine takes it.</summary>
    public bool ScheduleFails { get; set; }

    /// <summary>Whether raising an event fails, as when the signal is lost.</summary>
    public bool RaiseFails { get; set; }

    public static async Task<CoreOnAzurite> StartAsync()
    {
        var core = new CoreOnAzurite();
        foreach (var hosted in core.services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        return core;
    }

    public T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    /// <summary>The orchestration of <paramref name="instanceId"/> exists, in <paramref name="status"/>.</summary>
    public void Orchestration(string instanceId, OrchestrationRuntimeStatus status, string? failure = null) =>
        Durable
            .Setup(c => c.GetInstanceAsync(instanceId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(TaskNames.BrokerSampleRequest, instanceId)
            {
                RuntimeStatus = status,
                FailureDetails = failure is null ? null : new TaskFailureDetails("InvalidOperationException", failure, null, null, null),
            });

    public Task<SubmitOutcome> SubmitAsync(string? idempotencyKey) =>
        Get<SampleRequestIntake>().SubmitAsync(Organisation, idempotencyKey, Body, Durable.Object, CancellationToken.None);

    public async Task RegisterAsync(string biobankId, IReadOnlyList<string>? sampleTypes = null) =>
        await Get<BiobankStore>().CreateOrUpdateAsync(
            biobankId,
            new BiobankSettings(biobankId, "IT", $"https://{biobankId}.example.org/queries", Enabled: true, sampleTypes, AnswerTimeoutSeconds: 30, MinReportableCount: 1),
            signingSecret: null,
            CancellationToken.None);

    public async Task<(SampleRequestRecord Request, IReadOnlyList<BiobankOffer> Offers)> GetAsync(string requestId) =>
        (await Get<SampleRequestStore>().GetAsync(requestId, CancellationToken.None))!.Value;

    public async Task<List<string>> TimelineAsync(string requestId) =>
        [.. (await Get<SampleRequestStore>().GetTimelineAsync(requestId, CancellationToken.None)).Select(e => e.Event)];

    public async ValueTask DisposeAsync() => await services.DisposeAsync();
}
