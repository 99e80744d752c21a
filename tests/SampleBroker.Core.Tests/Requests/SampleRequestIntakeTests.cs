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

namespace SampleBroker.Tests.Requests;

/// <summary>
/// Submitting on Azurite (<c>SAMPLEBROKER_TEST_STORAGE</c>, set by infra/local/test.sh) with the durable client
/// mocked: what is stored, and what the orchestration is started with.
/// </summary>
public sealed class SampleRequestIntakeTests : IAsyncLifetime
{
    private const string Organisation = "acme-dx";

    private static readonly JsonElement Body = JsonDocument.Parse(
        """{"criteria":{"sampleTypes":["blood-serum"]},"quantity":150,"answerWithinSeconds":300}""").RootElement;

    private readonly ServiceProvider services;
    // CallBase: the client's convenience overloads reach the members set up below.
    private readonly Mock<DurableTaskClient> durable = new("test") { CallBase = true };
    private readonly List<(string InstanceId, BrokeringInput Input)> starts = [];

    public SampleRequestIntakeTests()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
                ["SampleBroker:StoragePrefix"] = TestStorage.UniqueName("t"),
                ["SampleBroker:SeedDemoData"] = "false",
            })
            .Build();
        services = new ServiceCollection().AddLogging().AddSampleBrokerCore(configuration).BuildServiceProvider();

        durable
            .Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((TaskName _, object? input, StartOrchestrationOptions? options, CancellationToken _) =>
            {
                starts.Add((options!.InstanceId!, Assert.IsType<BrokeringInput>(input)));
                return options.InstanceId!;
            });

        // No orchestration exists unless a test says so.
        durable
            .Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((OrchestrationMetadata?)null);
    }

    public async Task InitializeAsync()
    {
        foreach (var hosted in services.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }
    }

    public async Task DisposeAsync() => await services.DisposeAsync();

    [Fact]
    public async Task A_request_is_stored_with_a_Pending_row_per_eligible_biobank_and_started_with_them_as_targets()
    {
        await RegisterAsync("bb-torino", ["blood-serum"]);
        await RegisterAsync("bb-liege", null);
        await RegisterAsync("bb-oslo", ["tissue-ffpe"]);

        var outcome = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync(idempotencyKey: null));

        var (stored, offers) = (await Get<SampleRequestStore>().GetAsync(outcome.RequestId, CancellationToken.None))!.Value;
        Assert.Equal(["bb-liege", "bb-torino"], offers.Select(o => o.BiobankId).Order(StringComparer.Ordinal));
        Assert.All(offers, o => Assert.Equal(BiobankOutcome.Pending, o.Outcome));
        Assert.Equal(2, stored.BiobanksContacted);
        var (instanceId, input) = Assert.Single(starts);
        Assert.Equal(outcome.RequestId, instanceId);
        Assert.Equal(
            [new BiobankTarget("bb-liege", QueryId.Create(outcome.RequestId, "bb-liege").ToString()), new BiobankTarget("bb-torino", QueryId.Create(outcome.RequestId, "bb-torino").ToString())],
            input.Targets);
        Assert.Equal(["blood-serum"], input.Criteria.SampleTypes);
        Assert.Equal(150, input.Quantity);
        Assert.Equal(stored.Deadline.UtcDateTime, input.DeadlineUtc);
    }

    [Fact]
    public async Task A_repeat_of_a_request_stored_but_never_started_starts_it_with_the_biobanks_chosen_then_and_any_added_since()
    {
        await RegisterAsync("bb-torino", null);
        var first = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync("order-1"));

        // As if the first attempt had died between storing the request and starting it, and a biobank joined since.
        starts.Clear();
        await RegisterAsync("bb-liege", null);
        var repeat = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync("order-1"));

        Assert.Equal(first.RequestId, repeat.RequestId);
        Assert.False(repeat.Created);
        var (_, input) = Assert.Single(starts);
        Assert.Equal(["bb-liege", "bb-torino"], input.Targets.Select(t => t.BiobankId).Order(StringComparer.Ordinal));
        var (stored, offers) = (await Get<SampleRequestStore>().GetAsync(first.RequestId, CancellationToken.None))!.Value;
        Assert.Equal(["bb-liege", "bb-torino"], offers.Select(o => o.BiobankId).Order(StringComparer.Ordinal));
        Assert.Equal(2, stored.BiobanksContacted);
    }

    [Fact]
    public async Task A_repeat_of_a_started_request_starts_nothing()
    {
        await RegisterAsync("bb-torino", null);
        var first = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync("order-2"));
        durable
            .Setup(c => c.GetInstanceAsync(first.RequestId, It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new OrchestrationMetadata(TaskNames.BrokerSampleRequest, first.RequestId));

        var repeat = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync("order-2"));

        Assert.Equal(first.RequestId, repeat.RequestId);
        Assert.Single(starts);
    }

    private T Get<T>()
        where T : notnull => services.GetRequiredService<T>();

    private Task<SubmitOutcome> SubmitAsync(string? idempotencyKey) =>
        Get<SampleRequestIntake>().SubmitAsync(Organisation, idempotencyKey, Body, durable.Object, CancellationToken.None);

    private async Task RegisterAsync(string biobankId, IReadOnlyList<string>? sampleTypes) =>
        await Get<BiobankStore>().CreateOrUpdateAsync(
            biobankId,
            new BiobankSettings(biobankId, "IT", $"https://{biobankId}.example.org/queries", Enabled: true, sampleTypes, AnswerTimeoutSeconds: 30, MinReportableCount: 1),
            signingSecret: null,
            CancellationToken.None);
}
