using Microsoft.DurableTask;
using SampleBroker.Monitoring;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>
/// Ends a request when its orchestration stops waiting: the lifecycle decides why (a stored cancel or
/// terminate, every biobank answered, or the deadline) and settles what is still pending. Safe to run more than once.
/// </summary>
public sealed class CompleteSampleRequestActivity(SampleRequestStore requests, RequestLifecycle lifecycle, TimeProvider time) : TaskActivity<CompletionInput, RequestEnd>
{
    public override async Task<RequestEnd> RunAsync(TaskActivityContext context, CompletionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using var span = BrokerTelemetry.Source.StartActivity(TaskNames.CompleteSampleRequest);
        span?.SetTag(BrokerTelemetry.Tags.RequestId, input.RequestId);
        var (request, offers) = await requests.GetAsync(input.RequestId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Sample request {input.RequestId} is not stored.");
        var reason = RequestLifecycle.EndingOf(request, offers, input.CancelSignalled, time.GetUtcNow());
        var ended = await lifecycle.EndAsync(input.RequestId, input.Generation, reason, null, CancellationToken.None);
        if (ended.Generation != input.Generation)
        {
            return RequestEnd.Superseded;
        }

        span?.SetTag(BrokerTelemetry.Tags.Status, ended.Status.ToString());
        BrokerTelemetry.RequestsFinished.Add(1, new KeyValuePair<string, object?>(BrokerTelemetry.Tags.Status, ended.Status.ToString()));
        return new RequestEnd(ended.Status, ended.EndReason);
    }
}
