using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using SampleBroker.Orchestration;
using SampleBroker.Requests;

namespace SampleBroker.Functions;

/// <summary>
/// The core's class-based orchestrator and activities as Durable Functions, wrapped the way the DurableTask source
/// generator (not available here) would wrap them. Function names are <see cref="TaskNames"/>, which the core calls.
/// </summary>
public static class BrokeringFunctions
{
    // Orchestrators hold no state between calls, so one instance serves every execution and replay.
    private static readonly BrokerSampleRequestOrchestrator Orchestrator = new();

    [Function(TaskNames.BrokerSampleRequest)]
    public static Task<RequestEnd> BrokerSampleRequest([OrchestrationTrigger] TaskOrchestrationContext context) =>
        Orchestrator.RunAsync(context, context.GetInput<BrokeringInput>()!);

    [Function(TaskNames.BeginBrokering)]
    public static Task<bool> BeginBrokering([ActivityTrigger] BeginBrokeringInput input, string instanceId, FunctionContext executionContext) =>
        Activity<BeginBrokeringActivity>(executionContext).RunAsync(new ActivityContext(TaskNames.BeginBrokering, instanceId), input);

    [Function(TaskNames.QueryBiobank)]
    public static Task<QueryResult> QueryBiobank([ActivityTrigger] QueryInput input, string instanceId, FunctionContext executionContext) =>
        Activity<QueryBiobankActivity>(executionContext).RunAsync(new ActivityContext(TaskNames.QueryBiobank, instanceId), input);

    [Function(TaskNames.CompleteSampleRequest)]
    public static Task<RequestEnd> CompleteSampleRequest([ActivityTrigger] CompletionInput input, string instanceId, FunctionContext executionContext) =>
        Activity<CompleteSampleRequestActivity>(executionContext).RunAsync(new ActivityContext(TaskNames.CompleteSampleRequest, instanceId), input);

    [Function(TaskNames.SendCompletionCallback)]
    public static Task<bool> SendCompletionCallback([ActivityTrigger] CallbackAttemptInput input, string instanceId, FunctionContext executionContext) =>
        Activity<SendCompletionCallbackActivity>(executionContext).RunAsync(new ActivityContext(TaskNames.SendCompletionCallback, instanceId), input);

    private static T Activity<T>(FunctionContext executionContext)
        where T : class => executionContext.InstanceServices.GetRequiredService<T>();

    /// <summary>What the generator's <c>GeneratedActivityContext</c> carries: the activity's name and its orchestration's id.</summary>
    private sealed class ActivityContext(TaskName name, string instanceId) : TaskActivityContext
    {
        public override TaskName Name { get; } = name;

        public override string InstanceId { get; } = instanceId;
    }
}
