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
}

/// <summary>
/// The <c>sample-requests</c> queue (contract section 6): a valid message starts brokering exactly like
/// the POST, its required idempotency key making redelivery harmless; a message that can never be
/// brokered goes to <c>sample-requests-poison</c> unchanged, with the reason in the log. Storage faults
/// throw, so the host's retry and <c>maxDequeueCount</c> apply.
/// </summary>
public sealed class QueueIntake(SampleRequestIntake intake, OrganisationStore organisations, BrokerQueues queues, ILogger<QueueIntake> logger)
{
    public async Task<QueueMessageFate> HandleAsync(string message, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var reason = await TryBrokerAsync(message, durable, cancellationToken).ConfigureAwait(false);
        if (reason is null)
        {
            return QueueMessageFate.Brokered;
        }

        await PoisonAsync(message, reason, cancellationToken).ConfigureAwait(false);
        return QueueMessageFate.Poisoned;
    }

    /// <summary>Moves a message to the poison queue as it was received.</summary>
    public async Task PoisonAsync(string message, string reason, CancellationToken cancellationToken)
    {
        logger.LogWarning("Queue message moved to {Queue}: {Reason}", queues.Poison.Name, reason);
        await queues.Poison.SendMessageAsync(message, cancellationToken).ConfigureAwait(false);
    }

    private async Task<string?> TryBrokerAsync(string message, DurableTaskClient durable, CancellationToken cancellationToken)
    {
        using var body = JsonBody.Parse(Encoding.UTF8.GetBytes(message));
        if (body is null || body.Root.ValueKind != System.Text.Json.JsonValueKind.Object)
        {
            return "the message is not a JSON object";
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
            return "organisationId, idempotencyKey or request is missing or malformed";
        }

        if (await organisations.GetAsync(organisationId!, cancellationToken).ConfigureAwait(false) is null)
        {
            return $"unknown organisation '{organisationId}'";
        }

        var outcome = await intake.SubmitAsync(organisationId!, idempotencyKey, request, durable, cancellationToken).ConfigureAwait(false);
        switch (outcome)
        {
            case SubmitOutcome.Accepted accepted:
                logger.LogInformation("Queue message for {OrganisationId} brokered as {RequestId} (new: {Created})", organisationId, accepted.RequestId, accepted.Created);
                return null;
            case SubmitOutcome.Invalid invalid:
                return "invalid request: " + string.Join("; ", invalid.Errors.Select(e => $"{e.Key} {string.Join(" ", e.Value)}"));
            default:
                return "the idempotency key was used before with a different request";
        }
    }
}
