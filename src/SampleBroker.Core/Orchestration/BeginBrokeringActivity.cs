using Microsoft.DurableTask;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>
/// The brokering's first step: claims the request's current generation for this execution with a
/// conditional write. On this backend a second start of an instance id runs a second execution, so
/// exactly-once cannot rest on the engine: whichever execution claims first brokers, any other ends
/// without sending a query.
/// </summary>
public sealed class BeginBrokeringActivity(SampleRequestStore requests) : TaskActivity<BeginBrokeringInput, bool>
{
    public override Task<bool> RunAsync(TaskActivityContext context, BeginBrokeringInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return requests.TryBeginExecutionAsync(input.RequestId, input.Generation, input.ExecutionToken, CancellationToken.None);
    }
}
