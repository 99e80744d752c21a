using Microsoft.DurableTask;

namespace SampleBroker.Orchestration;

/// <summary>Registers the brokering orchestrator and activities under their <see cref="TaskNames"/>.</summary>
public static class DurableTaskRegistryExtensions
{
    public static DurableTaskRegistry AddSampleBrokerTasks(this DurableTaskRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry
            .AddOrchestrator<BrokerSampleRequestOrchestrator>(TaskNames.BrokerSampleRequest)
            .AddActivity<BeginBrokeringActivity>(TaskNames.BeginBrokering)
            .AddActivity<QueryBiobankActivity>(TaskNames.QueryBiobank)
            .AddActivity<CompleteSampleRequestActivity>(TaskNames.CompleteSampleRequest)
            .AddActivity<SendCompletionCallbackActivity>(TaskNames.SendCompletionCallback);
    }
}
