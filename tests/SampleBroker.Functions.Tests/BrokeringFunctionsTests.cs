using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;
using SampleBroker.Orchestration;
using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Functions.Tests;

/// <summary>The durable wrappers, with the orchestration context and the function context mocked.</summary>
public sealed class BrokeringFunctionsTests : IDisposable
{
    private const string RequestId = "0196a3b1c2d34e5f8a9b0c1d2e3f4a5b";
    private static readonly DateTime Deadline = new(2026, 11, 27, 10, 20, 0, DateTimeKind.Utc);
    private static readonly SampleCriteria Criteria = new() { SampleTypes = ["blood-serum"] };

    private readonly FakeStorage storage = new();
    private readonly Microsoft.Extensions.DependencyInjection.ServiceProvider services;
    private readonly Mock<FunctionContext> functionContext = new();

    public BrokeringFunctionsTests()
    {
        services = TestServices.Create(storage);
        functionContext.SetupGet(c => c.InstanceServices).Returns(services);
    }

    public void Dispose()
    {
        services.Dispose();
        storage.Dispose();
    }

    [Fact]
    public async Task Orchestration_trigger_runs_the_orchestrator_on_its_input_and_returns_its_result()
    {
        var targets = new List<BiobankTarget> { new("bb-liege", "q_1_bb-liege"), new("bb-torino", "q_1_bb-torino") };
        var input = new BrokeringInput(RequestId, Deadline, Criteria, 150, targets);
        var never = new TaskCompletionSource().Task;
        // CallBase keeps the context's own replay-safe logging, over the logger factory it is given.
        var context = new Mock<TaskOrchestrationContext> { CallBase = true };
        context.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        context.Setup(c => c.GetInput<BrokeringInput>()).Returns(input);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(Deadline.AddMinutes(-5));
        context.Setup(c => c.CallActivityAsync<QueryResult>(It.Is<TaskName>(n => n.Name == TaskNames.QueryBiobank), It.IsAny<QueryInput>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync((TaskName _, object? q, TaskOptions? _) => new QueryResult(((QueryInput)q!).BiobankId, BiobankOutcome.Available, AwaitingCallback: false));
        context.Setup(c => c.CreateTimer(Deadline, It.IsAny<CancellationToken>())).Returns(never);
        context.Setup(c => c.WaitForExternalEvent<string>(TaskNames.CancelEvent, It.IsAny<CancellationToken>())).Returns(new TaskCompletionSource<string>().Task);
        context.Setup(c => c.CallActivityAsync<bool>(It.Is<TaskName>(n => n.Name == TaskNames.BeginBrokering), It.IsAny<BeginBrokeringInput>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(true);
        var completed = new RequestEnd(RequestStatus.Completed, EndReason.AllAnswered);
        context.Setup(c => c.CallActivityAsync<RequestEnd>(It.Is<TaskName>(n => n.Name == TaskNames.CompleteSampleRequest), It.IsAny<CompletionInput>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(completed);

        var result = await BrokeringFunctions.BrokerSampleRequest(context.Object);

        Assert.Equal(completed, result);
        foreach (var target in targets)
        {
            context.Verify(
                c => c.CallActivityAsync<QueryResult>(
                    It.Is<TaskName>(n => n.Name == TaskNames.QueryBiobank), new QueryInput(RequestId, target.BiobankId, target.QueryId, Deadline, Criteria, 150), It.IsAny<TaskOptions?>()),
                Times.Once);
        }

        context.Verify(
            c => c.CallActivityAsync<RequestEnd>(
                It.Is<TaskName>(n => n.Name == TaskNames.CompleteSampleRequest), new CompletionInput(RequestId, 1, CancelSignalled: false), It.IsAny<TaskOptions?>()),
            Times.Once);
    }

    [Fact]
    public async Task Query_biobank_trigger_runs_the_activity_from_DI_on_the_given_input()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BrokeringFunctions.QueryBiobank(new QueryInput(RequestId, "bb-torino", "q_1_bb-torino", Deadline, Criteria, 150), "instance-1", functionContext.Object));

        // With an empty account the biobank is unknown and has no row in the request.
        AssertRanOnRequest(e, $"Biobank bb-torino was not contacted for {RequestId}.");
    }

    [Fact]
    public async Task Complete_sample_request_trigger_runs_the_activity_from_DI_on_the_given_input()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            BrokeringFunctions.CompleteSampleRequest(new CompletionInput(RequestId, 1, CancelSignalled: true), "instance-1", functionContext.Object));

        AssertRanOnRequest(e);
    }

    /// <summary>
    /// Each activity reads its request (the query activity: the biobank's row in it); with an empty account it
    /// reports what is missing. That read, and the message, show the wrapper resolved the activity and handed it
    /// the trigger's input.
    /// </summary>
    private void AssertRanOnRequest(InvalidOperationException e, string? message = null)
    {
        Assert.Equal(message ?? $"Sample request {RequestId} is not stored.", e.Message);
        Assert.Contains(storage.Calls, c => c.PathAndQuery.Contains(RequestId, StringComparison.Ordinal));
        functionContext.VerifyGet(c => c.InstanceServices, Times.AtLeastOnce);
    }
}
