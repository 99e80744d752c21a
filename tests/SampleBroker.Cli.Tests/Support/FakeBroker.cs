using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SampleBroker.Protocol;

namespace SampleBroker.Cli.Tests.Support;

/// <summary>One request the client sent, copied so it can be inspected after the message is disposed.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.GetValueOrDefault(name);
}

/// <summary>
/// A stand-in for the broker's HTTP API: each route answers with a scripted sequence of responses
/// (the last one repeats), and every request is recorded. A request to an unscripted route fails
/// the test loudly instead of being answered.
/// </summary>
public sealed class FakeBroker : HttpMessageHandler
{
    private readonly Dictionary<(HttpMethod, string), Queue<Func<HttpResponseMessage>>> routes = [];
    private readonly Dictionary<(HttpMethod, string), Func<HttpResponseMessage>> lastResponses = [];

    public List<RecordedRequest> Requests { get; } = [];

    public FakeBroker On(HttpMethod method, string path, params Func<HttpResponseMessage>[] responses)
    {
        routes[(method, path)] = new Queue<Func<HttpResponseMessage>>(responses);
        return this;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = request.Headers.Concat(request.Content?.Headers ?? Enumerable.Empty<KeyValuePair<string, IEnumerable<string>>>())
            .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase);
        Requests.Add(new RecordedRequest(request.Method, request.RequestUri!, body, headers));

        var key = (request.Method, request.RequestUri!.AbsolutePath);
        if (!routes.TryGetValue(key, out var queue))
        {
            throw new InvalidOperationException($"The fake broker has no route for {request.Method} {request.RequestUri.AbsolutePath}.");
        }

        if (queue.Count > 0)
        {
            lastResponses[key] = queue.Dequeue();
        }

        var response = lastResponses[key]();
        response.RequestMessage = request;
        return response;
    }
}

/// <summary>Responses as the broker sends them.</summary>
public static class Respond
{
    public static Func<HttpResponseMessage> Json(HttpStatusCode status, string json, Action<HttpResponseMessage>? configure = null) => () =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        configure?.Invoke(response);
        return response;
    };

    public static Func<HttpResponseMessage> Json(HttpStatusCode status, object value) =>
        Json(status, JsonSerializer.Serialize(value, ProtocolJson.Options));

    public static Func<HttpResponseMessage> Problem(
        HttpStatusCode status, string title, string? detail = null, IDictionary<string, string[]>? errors = null, Action<HttpResponseMessage>? configure = null) => () =>
    {
        var body = new Dictionary<string, object?>
        {
            ["type"] = "https://tools.ietf.org/html/rfc9110",
            ["title"] = title,
            ["status"] = (int)status,
            ["detail"] = detail,
        };
        if (errors is not null)
        {
            body["errors"] = errors;
        }

        var response = new HttpResponseMessage(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/problem+json"),
        };
        configure?.Invoke(response);
        return response;
    };

    public static Func<HttpResponseMessage> Accepted(string requestId, string status = "Brokering") =>
        Json(HttpStatusCode.Accepted, $$"""{"requestId":"{{requestId}}","status":"{{status}}"}""", r =>
            r.Headers.Location = new Uri($"/api/v1/sample-requests/{requestId}", UriKind.Relative));

    public static Func<HttpResponseMessage> ConnectionRefused() => () =>
        throw new HttpRequestException("Connection refused (localhost:7071)", new System.Net.Sockets.SocketException(111));

    public static void RetryAfterSeconds(HttpResponseMessage response, int seconds) =>
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
}
