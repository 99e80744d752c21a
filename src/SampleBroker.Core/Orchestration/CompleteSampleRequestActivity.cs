using Microsoft.DurableTask;
using SampleBroker.Biobanks;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>
/// Ends a request: every biobank still <c>Pending</c> gets its final outcome (<c>TimedOut</c> after the
/// deadline, <c>Cancelled</c> on cancel) and the request its final status. Safe to run more than once.
/// </summary>
public sealed class CompleteSampleRequestActivity(SampleRequestStore requests, TimeProvider time) : TaskActivity<CompletionInput, string>
{
    public override async Task<string> RunAsync(TaskActivityContext context, CompletionInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (request, offers) = (await requests.GetAsync(input.RequestId, CancellationToken.None))
            ?? throw new InvalidOperationException($"Sample request {input.RequestId} is not stored.");
        var now = time.GetUtcNow();
        var allAnswered = offers.All(o => o.IsFinal);

        // A cancel stored by the API before its event reached the orchestration decides the ending.
        var ending = request.Status == RequestStatus.Cancelled ? Ending.Cancelled : input.Ending;
        var settled = new List<BiobankOffer>(offers.Count);
        foreach (var offer in offers)
        {
            settled.Add(offer.IsFinal ? offer : await requests.RecordOutcomeAsync(request.RequestId, Settle(offer, ending, now >= request.Deadline, now), CancellationToken.None));
        }

        var status = ending switch
        {
            _ when allAnswered => RequestStatus.Completed,
            Ending.Cancelled => RequestStatus.Cancelled,
            _ => RequestStatus.Completed,
        };
        var completedAt = allAnswered ? settled.Select(o => o.AnsweredAt).Max() ?? now : now;
        return (await requests.FinishAsync(request.RequestId, status, completedAt, CancellationToken.None)).ToString();
    }

    private static BiobankOffer Settle(BiobankOffer pending, Ending ending, bool deadlinePassed, DateTimeOffset now) => ending switch
    {
        Ending.Cancelled => pending with { Outcome = BiobankOutcome.Cancelled },
        _ when deadlinePassed => pending with { Outcome = BiobankOutcome.TimedOut },
        _ => BiobankAnswerReader.Failed(pending, "the query could not be processed", now, null),
    };
}
