using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.Testing;

/// <summary>
/// A query as a test biobank received it: its place in the order of arrival, the signing headers, the
/// raw body, and the result of checking the broker's signature against the biobank's secret.
/// </summary>
public sealed record ReceivedQuery(int Attempt, string? WebhookId, string? Timestamp, string? SignatureHeader, byte[] Raw, WebhookVerificationResult Signature, JsonElement Body)
{
    /// <summary>Checks the signature against any secret, e.g. the one before a rotation.</summary>
    public WebhookVerificationResult VerifyWith(string secret) =>
        WebhookSigner.Verify(WebhookId, Timestamp, SignatureHeader, Raw, [secret], DateTimeOffset.UtcNow);
}

/// <summary>
/// A biobank adapter inside the test: a real Kestrel server on a loopback port that records every
/// query, checks its signature against the secret the broker issued, and answers as the test says.
/// </summary>
public sealed class FakeBiobank : IAsyncDisposable
{
    private readonly WebApplication app;
    private int arrivals;

    private FakeBiobank(WebApplication app, Func<ReceivedQuery, CancellationToken, Task<IResult>> respond)
    {
        this.app = app;
        app.MapPost("/query", async (HttpRequest request, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            var raw = buffer.ToArray();
            var id = request.Headers[WebhookHeaders.Id].ToString();
            var timestamp = request.Headers[WebhookHeaders.Timestamp].ToString();
            var signature = request.Headers[WebhookHeaders.Signature].ToString();
            var verification = SigningSecret is null
                ? WebhookVerificationResult.InvalidSignature
                : WebhookSigner.Verify(id, timestamp, signature, raw, [SigningSecret], DateTimeOffset.UtcNow);
            var query = new ReceivedQuery(Interlocked.Increment(ref arrivals), id, timestamp, signature, raw, verification, JsonDocument.Parse(raw).RootElement.Clone());
            Received.Enqueue(query);
            return await respond(query, ct);
        });
    }

    /// <summary>The secret the broker returned when the biobank was registered; set by the test.</summary>
    public string? SigningSecret { get; set; }

    public ConcurrentQueue<ReceivedQuery> Received { get; } = new();

    public string EndpointUrl { get; private set; } = "";

    public static Task<FakeBiobank> AnsweringAsync(int availableSamples, decimal? price = null, int? leadTimeDays = null, TimeSpan? delay = null) =>
        StartAsync(async (_, ct) =>
        {
            if (delay is { } d)
            {
                await Task.Delay(d, ct);
            }

            return Results.Json(new { availableSamples, pricePerSampleEur = price, leadTimeDays, conditions = new[] { "CommercialUse" }, validUntil = "2027-01-31", declined = false });
        });

    public static async Task<FakeBiobank> StartAsync(Func<ReceivedQuery, CancellationToken, Task<IResult>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var fake = new FakeBiobank(builder.Build(), respond);
        await fake.app.StartAsync();
        var address = fake.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        fake.EndpointUrl = address.TrimEnd('/') + "/query";
        return fake;
    }

    /// <summary>Posts a signed answer to the broker's callback URL, as an adapter that answered 202 does later.</summary>
    public static async Task<HttpResponseMessage> CallBackAsync(HttpClient http, string callbackUrl, string body, string messageId, string secret, DateTimeOffset? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        var raw = Encoding.UTF8.GetBytes(body);
        var unix = (timestamp ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, callbackUrl) { Content = new ByteArrayContent(raw) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add(WebhookHeaders.Id, messageId);
        request.Headers.Add(WebhookHeaders.Timestamp, unix.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(WebhookHeaders.Signature, WebhookSigner.Sign(messageId, unix, raw, [secret]));
        return await http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
