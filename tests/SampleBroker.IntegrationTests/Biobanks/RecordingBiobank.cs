using System.Collections.Concurrent;
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

namespace SampleBroker.IntegrationTests.Biobanks;

/// <summary>A query exactly as it arrived: the signing headers and the raw body, to verify against any secret.</summary>
internal sealed record RawQuery(string WebhookId, string Timestamp, string Signature, byte[] Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();

    public WebhookVerificationResult VerifyWith(string secret) =>
        WebhookSigner.Verify(WebhookId, Timestamp, Signature, Body, [secret], DateTimeOffset.UtcNow);
}

/// <summary>
/// A biobank adapter in the test that keeps every query's headers and raw body (the shared
/// <c>FakeBiobank</c> checks one secret only) and answers as the test says, given the attempt number.
/// </summary>
internal sealed class RecordingBiobank : IAsyncDisposable
{
    private readonly WebApplication app;

    private RecordingBiobank(WebApplication app, Func<int, CancellationToken, Task<IResult>> respond)
    {
        this.app = app;
        app.MapPost("/query", async (HttpRequest request, CancellationToken ct) =>
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, ct);
            Received.Enqueue(new RawQuery(
                request.Headers[WebhookHeaders.Id].ToString(),
                request.Headers[WebhookHeaders.Timestamp].ToString(),
                request.Headers[WebhookHeaders.Signature].ToString(),
                buffer.ToArray()));
            return await respond(Received.Count, ct);
        });
    }

    public ConcurrentQueue<RawQuery> Received { get; } = new();

    public string EndpointUrl { get; private set; } = "";

    public string SigningSecret { get; set; } = "";

    public static Task<RecordingBiobank> AnsweringAsync(int availableSamples, TimeSpan? delay = null) =>
        StartAsync(async (_, ct) =>
        {
            if (delay is { } d)
            {
                await Task.Delay(d, ct);
            }

            return Results.Json(new { availableSamples, pricePerSampleEur = 10.0, leadTimeDays = 7, declined = false });
        });

    public static async Task<RecordingBiobank> StartAsync(Func<int, CancellationToken, Task<IResult>> respond)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var biobank = new RecordingBiobank(builder.Build(), respond);
        await biobank.app.StartAsync();
        var address = biobank.app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        biobank.EndpointUrl = address.TrimEnd('/') + "/query";
        return biobank;
    }

    /// <summary>Posts a signed answer to the broker's callback URL, as an adapter that answered 202 does later.</summary>
    public static async Task<HttpResponseMessage> CallBackAsync(HttpClient http, string callbackUrl, string body, string messageId, string secret)
    {
        var raw = Encoding.UTF8.GetBytes(body);
        var unix = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
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
