using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace SampleBroker.Functions.Tests;

/// <summary>
/// Stands in for the storage account at the Azure SDK's HTTP transport, the seam below the core's stores: it records
/// every request and answers as an empty account does (no entity, empty query, message accepted), or not at all.
/// </summary>
internal sealed class FakeStorage : HttpMessageHandler
{
    private readonly List<StorageCall> calls = [];

    /// <summary>When set, every request fails as a refused connection does.</summary>
    public bool Unreachable { get; set; }

    public IReadOnlyList<StorageCall> Calls
    {
        get
        {
            lock (calls)
            {
                return [.. calls];
            }
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        lock (calls)
        {
            calls.Add(new StorageCall(request.Method, Uri.UnescapeDataString(request.RequestUri!.PathAndQuery), body));
        }

        if (Unreachable)
        {
            throw new HttpRequestException("Connection refused (fake storage).");
        }

        return Answer(request);
    }

    private static HttpResponseMessage Answer(HttpRequestMessage request)
    {
        var path = request.RequestUri!.AbsolutePath;
        if (request.RequestUri.Port == 10001 && request.Method == HttpMethod.Post)
        {
            var now = DateTimeOffset.UtcNow.ToString("R");
            return Respond(HttpStatusCode.Created, "application/xml",
                $"<?xml version=\"1.0\" encoding=\"utf-8\"?><QueueMessagesList><QueueMessage><MessageId>{Guid.NewGuid()}</MessageId>" +
                $"<InsertionTime>{now}</InsertionTime><ExpirationTime>{now}</ExpirationTime><PopReceipt>pop</PopReceipt>" +
                $"<TimeNextVisible>{now}</TimeNextVisible></QueueMessage></QueueMessagesList>");
        }

        if (request.Method == HttpMethod.Get && path.Contains("(PartitionKey=", StringComparison.Ordinal))
        {
            return Respond(HttpStatusCode.NotFound, "application/json",
                "{\"odata.error\":{\"code\":\"ResourceNotFound\",\"message\":{\"lang\":\"en-US\",\"value\":\"The specified resource does not exist.\"}}}");
        }

        if (request.Method == HttpMethod.Get)
        {
            return Respond(HttpStatusCode.OK, "application/json;odata=minimalmetadata", "{\"value\":[]}");
        }

        return new HttpResponseMessage(HttpStatusCode.NoContent);
    }

    private static HttpResponseMessage Respond(HttpStatusCode status, string contentType, string body)
    {
        var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpResponseMessage(status) { Content = content };
    }
}

internal sealed record StorageCall(HttpMethod Method, string PathAndQuery, string Body);
