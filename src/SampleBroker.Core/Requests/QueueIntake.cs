using System.Text;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using SampleBroker.Http;
using SampleBroker.Organisations;
using SampleBroker.Storage;

namespace SampleBroker.Requests;

/// <summary>What became of a queue message.</summary>
public enum QueueMessageFate
{
    Brokered,
    Poisoned,

    /// <summary>Over the organisation's submit limit: put back on the queue, visible again when the limit allows.</summary>
    Deferred,
}

/// <summary>
/// The <c>sample-requests</c> queue (contract section 6): a valid message starts brokering exactly like
/// the POST, its required idempotency key making redelivery harmless; a message that can never be
/// brokered goes to <c>sample-requests-poison</c> unchanged, with the reason in the log. Storage faults
/// throw, so the host's retry and <c>maxDequeueCount</c> apply. A message over its organisation's submit
/// limit (the same <see cref="SubmitRateLimiter"/> as the POST) is sent again with a visibility delay
/// until the window ends: a fresh message, so the wait never counts towards <c>maxDequeueCount</c> and
/// never ends in poison; its idempotency key keeps the copy harmless if the original comes back too.
/// </summary>
public sealed class QueueIntake(SampleRequestIntake intake, OrganisationStore organisations, SubmitRateLimiter rateLimiter, BrokerQueues queues, ILogger<QueueIntake> logger)
{
    public async Task<QueueMessageFate> HandleAsync(string message, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (fate, reason) = await TryBrokerAsync(message, durable, cancellationToken).ConfigureAwait(false);
        if (fate != QueueMessageFate.Poisoned)
        {
            return fate;
        }

        await PoisonAsync(message, reason!, cancellationToken).ConfigureAwait(false);
        return QueueMessageFate.Poisoned;
    }

    /// <summary>Moves a message to the poison queue as it was received.</summary>
    public async Task PoisonAsync(string message, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Queue message moved to {Queue}: {Reason}", queues.Poison.Name, reason);
        await queues.Poison.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What became of the message, and for one to poison, why.</summary>
    private async Task<(QueueMessageFate Fate, string? Reason)> TryBrokerAsync(string message, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        using var body = JsonBody.Parse(Encoding.UTF8.GetBytes(message));
        if (body is null || body.Root.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return Poison("the message is not a JSON object");
        }

        var fields = new JsonFields();
        var organisationId = fields.ReadString(body.Root, "organisationId", "organisationId", 2, 63, required: true);
        var idempotencyKey = fields.ReadString(body.Root, "idempotencyKey", "idempotencyKey", 1, 100, required: true);
        if (!JsonFields.TryGet(body.Root, "request", out var request))
        {
            fields.Add("request", "is required.");
        }

        if (fields.HasErrors || !Identifiers.IsResourceId(organisationId) || !SampleRequestHandlers.IsValidIdempotencyKey(idempotencyKey!))
        {
            return Poison("organisationId, idempotencyKey or request is missing or malformed");
        }

        if (await organisations.GetAsync(organisationId!, cancellationToken).ConfigureAwait(false) is null)
        {
            return Poison($"unknown organisation '{organisationId}'");
        }

        if (await rateLimiter.TryAcquireAsync(organisationId!, cancellationToken).ConfigureAwait(false) is { } retryAfter)
        {
            // Whole seconds, at least one: the queue's visibility delay has no finer grain.
            var delay = TimeSpan.FromSeconds(Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds)));
            await queues.Requests.SendMessageAsync(message, visibilityTimeout: delay, cancellationToken: cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Queue message for {OrganisationId} over the submit limit; sent again to be brokered in {Delay}", organisationId, delay);
            return (QueueMessageFate.Deferred, null);
        }

        var outcome = await intake.SubmitAsync(organisationId!, idempotencyKey, request, durable, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case SubmitOutcome.Accepted accepted:
                logger.LogInformation("Queue message for {OrganisationId} brokered as {RequestId} (new: {Created})", organisationId, accepted.RequestId, accepted.Created);
                return (QueueMessageFate.Brokered, null);
            case SubmitOutcome.Invalid invalid:
                return Poison("invalid request: " + string.Join("; ", invalid.Errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}")));
            default:
                return Poison("the idempotency key was used before with a different request");
        }
    }

    private static (QueueMessageFate, string?) Poison(string reason) => (QueueMessageFate.Poisoned, reason);
}
