using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Biobanks;
using SampleBroker.ReferenceBiobank.Inventory;

namespace SampleBroker.ReferenceBiobank.Queries;

/// <summary>
/// Answers queries of <see cref="AnswerMode.Async"/> biobanks: computes the answer after the biobank's
/// delay and POSTs it, signed, to the query's <c>callbackUrl</c>, retrying with exponential backoff.
/// Runs as a hosted service so that deliveries neither hold up the query's response nor outlive the host.
/// </summary>
public sealed partial class AnswerDispatcher : BackgroundService
{
    /// <summary>Name of the <see cref="HttpClient"/> used for callbacks.</summary>
    public const string HttpClientName = "answer-callbacks";

    private readonly Channel<(ServedBiobank Biobank, BiobankQuery Query)> _pending =
        Channel.CreateUnbounded<(ServedBiobank, BiobankQuery)>(new UnboundedChannelOptions { SingleReader = true });

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly TimeProvider _time;
    private readonly CallbackOptions _options;
    private readonly ILogger<AnswerDispatcher> _logger;

    public AnswerDispatcher(
        IHttpClientFactory httpClientFactory,
        TimeProvider time,
        IOptions<CallbackOptions> options,
        ILogger<AnswerDispatcher> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _httpClientFactory = httpClientFactory;
        _time = time;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Queues the answer to <paramref name="query"/> for delivery; returns at once.</summary>
    public void Enqueue(ServedBiobank biobank, BiobankQuery query)
    {
        ArgumentNullException.ThrowIfNull(biobank);
        ArgumentNullException.ThrowIfNull(query);

        // An unbounded channel only refuses after completion, i.e. while the host is stopping.
        if (!_pending.Writer.TryWrite((biobank, query)))
        {
            LogNotQueued(_logger, biobank.BiobankId, query.QueryId);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var inFlight = new List<Task>();
        try
        {
            await foreach ((ServedBiobank biobank, BiobankQuery query) in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                inFlight.RemoveAll(task => task.IsCompleted);
                inFlight.Add(DeliverAsync(biobank, query, stoppingToken));
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping; the deliveries below see the same token and wind down.
        }

        _pending.Writer.TryComplete();
        await Task.WhenAll(inFlight);
    }

    private async Task DeliverAsync(ServedBiobank biobank, BiobankQuery query, CancellationToken stoppingToken)
    {
        // Let the reader loop move on before any work of this delivery runs.
        await Task.Yield();
        try
        {
            if (biobank.Delay > TimeSpan.Zero)
            {
                await Task.Delay(biobank.Delay, _time, stoppingToken);
            }

            BiobankAnswer answer = InventoryMatcher.Answer(query.Criteria, biobank.Inventory, QueryEndpoint.Today(_time));
            byte[] body = JsonSerializer.SerializeToUtf8Bytes(answer, ProtocolJson.Options);

            // One id per message, kept across its retries, so the broker counts a redelivery once.
            string messageId = "msg_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            HttpClient client = _httpClientFactory.CreateClient(HttpClientName);
            TimeSpan backoff = TimeSpan.FromMilliseconds(Math.Max(_options.FirstRetryDelayMs, 0));
            int maxAttempts = Math.Max(_options.MaxAttempts, 1);

            for (int attempt = 1; ; attempt++)
            {
                (DeliveryOutcome outcome, string status) = await SendAsync(client, biobank, query.CallbackUrl, messageId, body, stoppingToken);
                if (outcome == DeliveryOutcome.Delivered)
                {
                    LogDelivered(_logger, biobank.BiobankId, query.QueryId, messageId, attempt);
                    return;
                }

                if (outcome == DeliveryOutcome.GiveUp || attempt >= maxAttempts)
                {
                    LogAbandoned(_logger, biobank.BiobankId, query.QueryId, messageId, attempt, status);
                    return;
                }

                LogRetrying(_logger, biobank.BiobankId, query.QueryId, attempt, status, backoff);
                await Task.Delay(backoff, _time, stoppingToken);
                backoff *= 2;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogStopped(_logger, biobank.BiobankId, query.QueryId);
        }
        catch (Exception exception)
        {
            // A failed delivery must not take the host down: log it and drop it.
            LogFailed(_logger, exception, biobank.BiobankId, query.QueryId);
        }
    }

    private async Task<(DeliveryOutcome Outcome, string Status)> SendAsync(
        HttpClient client, ServedBiobank biobank, string callbackUrl, string messageId, byte[] body, CancellationToken stoppingToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        // Signed afresh per attempt: a retry minutes later must still fall within the receiver's tolerance.
        long timestamp = _time.GetUtcNow().ToUnixTimeSeconds();
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Id, messageId);
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Timestamp, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookHeaders.Signature, WebhookSigner.Sign(messageId, timestamp, body, biobank.SigningSecrets));

        using var attemptTimeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        attemptTimeout.CancelAfter(TimeSpan.FromSeconds(Math.Max(_options.AttemptTimeoutSeconds, 1)));
        try
        {
            using HttpResponseMessage response = await client.SendAsync(request, attemptTimeout.Token);
            int status = (int)response.StatusCode;
            return (Classify(response.StatusCode), status.ToString(CultureInfo.InvariantCulture));
        }
        catch (HttpRequestException exception)
        {
            return (DeliveryOutcome.Retry, exception.HttpRequestError.ToString());
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (DeliveryOutcome.Retry, "timeout");
        }
    }

    // The broker's answers 400, 404, 409 and 410 are final (contract section 5): the same message
    // would get the same reply, so retrying only adds load. Everything else may be transient.
    internal static DeliveryOutcome Classify(HttpStatusCode status) => status switch
    {
        >= HttpStatusCode.OK and < HttpStatusCode.MultipleChoices => DeliveryOutcome.Delivered,
        HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.Conflict or HttpStatusCode.Gone => DeliveryOutcome.GiveUp,
        _ => DeliveryOutcome.Retry,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Answer of {BiobankId} to query {QueryId} delivered as {MessageId} (attempt {Attempt}).")]
    private static partial void LogDelivered(ILogger logger, string biobankId, string queryId, string messageId, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer of {BiobankId} to query {QueryId}: attempt {Attempt} got {Status}; retrying in {Backoff}.")]
    private static partial void LogRetrying(ILogger logger, string biobankId, string queryId, int attempt, string status, TimeSpan backoff);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answer of {BiobankId} to query {QueryId} ({MessageId}) not delivered after {Attempt} attempt(s); last: {Status}.")]
    private static partial void LogAbandoned(ILogger logger, string biobankId, string queryId, string messageId, int attempt, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer of {BiobankId} to query {QueryId} not delivered: the adapter is stopping.")]
    private static partial void LogStopped(ILogger logger, string biobankId, string queryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answer of {BiobankId} to query {QueryId} not queued: the adapter is stopping.")]
    private static partial void LogNotQueued(ILogger logger, string biobankId, string queryId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answer of {BiobankId} to query {QueryId} failed.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string biobankId, string queryId);
}

/// <summary>What one callback attempt means for the delivery.</summary>
internal enum DeliveryOutcome
{
    Delivered,
    Retry,
    GiveUp,
}
