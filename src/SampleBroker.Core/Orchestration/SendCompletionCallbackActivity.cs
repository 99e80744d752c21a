using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using SampleBroker.Biobanks;
using SampleBroker.Monitoring;
using SampleBroker.Organisations;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Requests;

namespace SampleBroker.Orchestration;

/// <summary>The body POSTed to a requester's <c>callbackUrl</c> (contract section 4, "Completion callback").</summary>
public sealed record CompletionCallback(string Type, string RequestId, RequestStatus Status, RequestSummary Summary)
{
    public const string CompletedType = "sample-request.completed";
}

/// <summary>
/// One attempt to tell the requester that its request left <c>Brokering</c>: signed with the
/// organisation's webhook secret, the same <c>webhook-id</c> on every attempt, each attempt recorded.
/// Returns whether the requester accepted it (2xx).
/// </summary>
public sealed class SendCompletionCallbackActivity(
    SampleRequestStore requests,
    OrganisationStore organisations,
    EndpointPolicy endpoints,
    IHttpClientFactory httpClients,
    TimeProvider time,
    ILogger<SendCompletionCallbackActivity> logger) : TaskActivity<CallbackAttemptInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, CallbackAttemptInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (request, offers) = await requests.GetAsync(input.RequestId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Sample request {input.RequestId} is not stored.");
        if (request.CallbackUrl is not { } url)
        {
            return true;
        }

        var secret = await organisations.GetWebhookSecretAsync(request.OrganisationId, CancellationToken.None);
        var view = Aggregation.View(request, offers);
        var body = JsonSerializer.SerializeToUtf8Bytes(new CompletionCallback(CompletionCallback.CompletedType, request.RequestId, view.Status, view.Summary), ProtocolJson.Options);
        var outcome = secret is null ? "organisation has no webhook secret" : await PostAsync(url, request.RequestId, body, secret);
        var now = time.GetUtcNow();
        var entry = new TimelineEntry(now, outcome == "delivered" ? TimelineEvents.CallbackDelivered : TimelineEvents.CallbackFailed, null, $"attempt {input.Attempt}: {outcome}");
        await requests.RecordCallbackAttemptAsync(request.RequestId, input.Attempt, now, outcome, entry, CancellationToken.None);
        logger.LogInformation("Completion callback of {RequestId}, attempt {Attempt}: {Outcome}", request.RequestId, input.Attempt, outcome);
        return outcome == "delivered";
    }

    private async Task<string> PostAsync(string url, string requestId, byte[] body, string secret)
    {
        // Checked again now: the host may resolve elsewhere than when the request was submitted.
        if (await endpoints.CheckAsync(url, EndpointKind.CallbackUrl, CancellationToken.None) is { } refused)
        {
            return "refused: callbackUrl " + refused;
        }

        var messageId = "cb_" + requestId;
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        message.Options.Set(BiobankClient.ConnectBudget, TimeSpan.FromSeconds(10));
        message.Headers.Add(WebhookHeaders.Id, messageId);
        message.Headers.Add(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        message.Headers.Add(WebhookHeaders.Signature, WebhookSigner.Sign(messageId, timestamp, body, [secret]));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await httpClients.CreateClient(BiobankClient.CallbackHttpClientName).SendAsync(message, timeout.Token);
            return response.IsSuccessStatusCode ? "delivered" : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return "connection failed: " + e.HttpRequestError;
        }
        catch (OperationCanceledException)
        {
            return "no answer within 10 s";
        }
    }
}
