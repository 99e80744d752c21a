using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;
using Moq.Protected;
using SampleBroker.Orchestration;
using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Orchestration;

/// <summary>
/// A mocked <see cref="TaskOrchestrationContext"/> for <see cref="BrokerSampleRequestOrchestrator"/>, as the
/// durabletask-dotnet unit-test samples do it: each activity, timer and event is a task the test controls,
/// and every call is recorded.
/// </summary>
internal sealed class OrchestrationHarness
{
    public const string RequestId = "0190a1b2c3d4e5f60718293a4b5c6d7e";

    public static readonly DateTime Start = new(2026, 11, 27, 10, 15, 0, DateTimeKind.Utc);

    public static readonly DateTime Deadline = Start.AddSeconds(300);

    public static readonly SampleCriteria Criteria = new() { SampleTypes = ["blood-serum"], Diagnoses = ["C50"] };

    public const int Quantity = 150;

    /// <summary>Virtual helpers run their real code (so they reach the mocked abstract members); anything
    /// not set up below is a task that never completes, like an event nobody raises.</summary>
    private readonly Mock<TaskOrchestrationContext> context = new()
    {
        CallBase = true,
        DefaultValueProvider = new NeverCompletingTasks(),
    };

    public OrchestrationHarness(params string[] biobankIds)
    {
        Targets = biobankIds.Select(id => new BiobankTarget(id, QueryId.Create(RequestId, id).ToString())).ToList();

        context.Protected().SetupGet<ILoggerFactory>("LoggerFactory").Returns(NullLoggerFactory.Instance);
        context.SetupGet(c => c.IsReplaying).Returns(false);
        context.SetupGet(c => c.InstanceId).Returns(RequestId);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(() => Now);

        context
            .Setup(c => c.CallActivityAsync<QueryResult>(It.Is<TaskName>(n => n.Name == TaskNames.QueryBiobank), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName _, object? input, TaskOptions? _) =>
            {
                var query = Assert.IsType<QueryInput>(input);
                Queries.Add(query);
                return Query(query);
            });
        context
            .Setup(c => c.CallActivityAsync<bool>(It.Is<TaskName>(n => n.Name == TaskNames.BeginBrokering), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName _, object? input, TaskOptions? _) =>
            {
                Begins.Add(Assert.IsType<BeginBrokeringInput>(input));
                return Task.FromResult(MayBegin);
            });
        context
            .Setup(c => c.CallActivityAsync<RequestEnd>(It.Is<TaskName>(n => n.Name == TaskNames.CompleteSampleRequest), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .Returns((TaskName _, object? input, TaskOptions? _) =>
            {
                var completion = Assert.IsType<CompletionInput>(input);
                Completions.Add(completion);
                return Complete(completion, Completions.Count);
            });
        context
            .Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()))
            .Returns((DateTime fireAt, CancellationToken cancellation) =>
            {
                Timers.Add((fireAt, cancellation));
                return Timer(Timers.Count, fireAt);
            });

        // Any event the orchestrator may wait for never arrives unless a test says so.
        context
            .Setup(c => c.WaitForExternalEvent<string>(It.IsAny<string>(), It.IsAny<CancellationToken>()))
            .Returns((string name, CancellationToken cancellation) =>
            {
                EventWaits.Add((name, cancellation));
                return name == TaskNames.CancelEvent ? CancelEvent : Never<string>();
            });
    }

    public List<BiobankTarget> Targets { get; }

    /// <summary>The orchestration's clock, read through <see cref="TaskOrchestrationContext.CurrentUtcDateTime"/>.</summary>
    public DateTime Now { get; set; } = Start;

    /// <summary>How each biobank's query activity ends; by default at once, Available.</summary>
    public Func<QueryInput, Task<QueryResult>> Query { get; set; } =
        input => Task.FromResult(new QueryResult(input.BiobankId, BiobankOutcome.Available, AwaitingCallback: false));

    /// <summary>How the n-th durable timer (1-based) behaves; by default it never fires.</summary>
    public Func<int, DateTime, Task> Timer { get; set; } = (_, _) => Never();

    public Task<string> CancelEvent { get; set; } = Never<string>();

    /// <summary>What the begin step answers: false when another execution already brokers the generation.</summary>
    public bool MayBegin { get; set; } = true;

    /// <summary>How the n-th try (1-based) of the ending behaves; by default it stores what the lifecycle
    /// would: cancelled after a cancel signal, else completed.</summary>
    public Func<CompletionInput, int, Task<RequestEnd>> Complete { get; set; } =
        (input, _) => Task.FromResult(input.CancelSignalled
            ? new RequestEnd(RequestStatus.Cancelled, EndReason.CancelledByRequester)
            : new RequestEnd(RequestStatus.Completed, EndReason.AllAnswered));

    public List<BeginBrokeringInput> Begins { get; } = [];

    public List<QueryInput> Queries { get; } = [];

    public List<CompletionInput> Completions { get; } = [];

    public List<(DateTime FireAt, CancellationToken Cancellation)> Timers { get; } = [];

    public List<(string Name, CancellationToken Cancellation)> EventWaits { get; } = [];

    public static Task Never() => new TaskCompletionSource().Task;

    public static Task<T> Never<T>() => new TaskCompletionSource<T>().Task;

    public Task<RequestEnd> RunAsync() =>
        new BrokerSampleRequestOrchestrator().RunAsync(context.Object, new BrokeringInput(RequestId, Deadline, Criteria, Quantity, Targets));

    private sealed class NeverCompletingTasks : LookupOrFallbackDefaultValueProvider
    {
        public NeverCompletingTasks()
        {
            Register(typeof(Task), (_, _) => Never());
            Register(typeof(Task<>), (type, _) =>
            {
                var source = Activator.CreateInstance(typeof(TaskCompletionSource<>).MakeGenericType(type.GetGenericArguments()))!;
                return source.GetType().GetProperty(nameof(TaskCompletionSource<object>.Task))!.GetValue(source)!;
            });
        }
    }
}
