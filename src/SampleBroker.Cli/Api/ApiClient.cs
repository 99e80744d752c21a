using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using SampleBroker.Protocol;

namespace SampleBroker.Cli.Api;

/// <summary>
/// The broker's requester API (contract section 4) over HTTP. Every call sends the API key; every
/// error status becomes an <see cref="ApiProblemException"/>, every connection failure an
/// <see cref="ApiUnreachableException"/>.
/// </summary>
internal sealed class ApiClient : IDisposable
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>How many polls in a row may fail transiently (host restarting, 503) before a watch gives up.</summary>
    public const int MaxConsecutivePollFailures = 8;

    private static readonly TimeSpan MaxPollBackoff = TimeSpan.FromSeconds(5);
    private const string RequestsPath = "api/v1/sample-requests";

    private readonly HttpClient http;
    private readonly CliSettings settings;
    private readonly Func<TimeSpan, CancellationToken, Task> delay;

    /// <param name="settings">Base URL and API key.</param>
    /// <param name="handler">The HTTP stack; tests pass a fake. Not disposed by the client.</param>
    /// <param name="delay">How the watch loop waits between polls; tests pass one that returns at once.</param>
    public ApiClient(CliSettings settings, HttpMessageHandler? handler = null, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        this.settings = settings;
        this.delay = delay ?? Task.Delay;
        http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        http.BaseAddress = settings.BaseUrl;
        http.Timeout = TimeSpan.FromSeconds(30);
    }

    public Uri BaseUrl => settings.BaseUrl;

    public async Task<SubmitResult> SubmitAsync(JsonObject body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, RequestsPath)
        {
            Content = new StringContent(body.ToJsonString(ProtocolJson.Options), Encoding.UTF8, "application/json"),
        };
        if (!string.IsNullOrEmpty(idempotencyKey))
        {
            request.Headers.TryAddWithoutValidation(IdempotencyKeyHeader, idempotencyKey);
        }

        using var response = await SendAsync(request, cancellationToken);
        var json = await ReadSuccessAsync(response, cancellationToken);
        var accepted = Deserialize<SubmitAcceptedBody>(json, response);
        var location = response.Headers.Location is { } header
            ? (header.IsAbsoluteUri ? header : new Uri(settings.BaseUrl, header))
            : null;
        return new SubmitResult(accepted.RequestId, accepted.Status, location);
    }

    public async Task<RequestSnapshot> GetRequestAsync(string requestId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, RequestPath(requestId));
        using var response = await SendAsync(request, cancellationToken);
        var json = await ReadSuccessAsync(response, cancellationToken);
        return new RequestSnapshot(Deserialize<SampleRequestView>(json, response), json);
    }

    public async Task<SampleRequestPage> ListRequestsAsync(RequestListQuery query, string? continuationToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var parameters = new List<string>();
        AddParameter(parameters, "status", query.Status);
        AddParameter(parameters, "reference", query.Reference);
        AddParameter(parameters, "top", query.Top?.ToString(CultureInfo.InvariantCulture));
        AddParameter(parameters, "continuationToken", continuationToken);
        var path = parameters.Count == 0 ? RequestsPath : $"{RequestsPath}?{string.Join('&', parameters)}";

        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = await SendAsync(request, cancellationToken);
        var json = await ReadSuccessAsync(response, cancellationToken);
        return Deserialize<SampleRequestPage>(json, response);
    }

    /// <summary>The pages of a list, following <c>continuationToken</c> until the last page.</summary>
    public async IAsyncEnumerable<SampleRequestPage> ListAllRequestsAsync(RequestListQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await ListRequestsAsync(query, token, cancellationToken);
            yield return page;
            token = page.ContinuationToken;
        }
        while (!string.IsNullOrEmpty(token));
    }

    public async Task<CancelResult> CancelAsync(string requestId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{RequestPath(requestId)}/cancel");
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            return new CancelResult(CancelOutcome.AlreadyFinished, null, problem.Problem);
        }

        var json = await ReadSuccessAsync(response, cancellationToken);
        return new CancelResult(CancelOutcome.Cancelled, ReadStatus(json), null);
    }

    /// <summary>
    /// Polls the request every <paramref name="interval"/> and yields each snapshot, ending after the
    /// first one that is no longer <c>Brokering</c>. Transient failures (connection lost, 502-504)
    /// are retried with backoff so a restarting host does not end the watch.
    /// </summary>
    public async IAsyncEnumerable<SampleRequestView> WatchAsync(string requestId, TimeSpan interval, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var failures = 0;
        while (true)
        {
            SampleRequestView current;
            try
            {
                current = (await GetRequestAsync(requestId, cancellationToken)).Request;
                failures = 0;
            }
            catch (CliException ex) when (IsTransient(ex) && failures + 1 < MaxConsecutivePollFailures)
            {
                failures++;
                var backoff = interval * Math.Pow(2, failures - 1);
                await delay(backoff < MaxPollBackoff ? backoff : MaxPollBackoff, cancellationToken);
                continue;
            }

            yield return current;
            if (!current.IsBrokering)
            {
                yield break;
            }

            await delay(interval, cancellationToken);
        }
    }

    public void Dispose() => http.Dispose();

    /// <summary>Takes a bare id, or the <c>Location</c> path or URL a submit printed.</summary>
    public static string NormalizeRequestId(string requestIdOrLocation)
    {
        ArgumentNullException.ThrowIfNull(requestIdOrLocation);
        var text = requestIdOrLocation.Trim();
        var slash = text.TrimEnd('/').LastIndexOf('/');
        var id = slash >= 0 ? text.TrimEnd('/')[(slash + 1)..] : text;
        if (id.Length == 0)
        {
            throw new CliException("A request id is required.");
        }

        return id;
    }

    private static string RequestPath(string requestId) => $"{RequestsPath}/{Uri.EscapeDataString(NormalizeRequestId(requestId))}";

    private static void AddParameter(List<string> parameters, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parameters.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }

    /// <summary>The <c>status</c> of a cancel's <c>202</c> body, which the contract does not pin down; null when absent.</summary>
    private static string? ReadStatus(string json)
    {
        try
        {
            return !string.IsNullOrWhiteSpace(json) && JsonNode.Parse(json) is JsonObject body
                && body["status"] is JsonValue value && value.TryGetValue(out string? status) ? status : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static bool IsTransient(CliException exception) => exception switch
    {
        ApiUnreachableException => true,
        ApiProblemException problem => problem.Status is 502 or 503 or 504,
        _ => false,
    };

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.TryAddWithoutValidation(ApiKeyHeader, settings.ApiKey);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/problem+json"));
        try
        {
            return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw ApiUnreachableException.For(settings.BaseUrl, ex.InnerException?.Message ?? ex.Message, ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw ApiUnreachableException.For(settings.BaseUrl, $"no answer within {http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    private static async Task<string> ReadSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw await ReadProblemAsync(response, cancellationToken);
        }

        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    private static async Task<ApiProblemException> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - DateTimeOffset.UtcNow,
            _ => (TimeSpan?)null,
        };
        return new ApiProblemException(ProblemReader.Read((int)response.StatusCode, response.ReasonPhrase, body), retryAfter);
    }

    private T Deserialize<T>(string json, HttpResponseMessage response)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, ProtocolJson.Options)
                ?? throw new JsonException("The body is null.");
        }
        catch (JsonException ex)
        {
            throw new CliException(
                $"The server at {settings.BaseUrl} answered {response.RequestMessage?.RequestUri?.AbsolutePath} with HTTP " +
                $"{(int)response.StatusCode} but not with a SampleBroker response ({ex.Message}). Check {CliSettings.UrlVariable}.",
                ex);
        }
    }

    private sealed record SubmitAcceptedBody(string RequestId, string Status);
}
