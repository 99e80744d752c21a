using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.ReferenceBiobank.Tests.Support;

/// <summary>The adapter, wired as Program.cs wires it, on a real Kestrel at 127.0.0.1 on a free port.</summary>
public sealed class AdapterHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AdapterHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Client = new HttpClient { BaseAddress = baseAddress };
    }

    public HttpClient Client { get; }

    public static async Task<AdapterHost> StartAsync(string contentRoot, IDictionary<string, string?> settings)
    {
        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = contentRoot,
            EnvironmentName = "Testing",
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.AddReferenceBiobank();

        WebApplication app = builder.Build();
        app.MapReferenceBiobank();
        await app.StartAsync();

        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new AdapterHost(app, new Uri(address));
    }

    /// <summary>POSTs <paramref name="body"/> to the biobank's query route, signed as the broker signs.</summary>
    public Task<HttpResponseMessage> PostSignedAsync(
        string biobankId,
        byte[] body,
        IEnumerable<string> secrets,
        DateTimeOffset? signedAt = null,
        string messageId = "msg_test")
    {
        long timestamp = (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        string signature = WebhookSigner.Sign(messageId, timestamp, body, secrets);
        return PostAsync(biobankId, body, messageId, timestamp.ToString(CultureInfo.InvariantCulture), signature);
    }

    public Task<HttpResponseMessage> PostSignedAsync(string biobankId, BiobankQuery query, string secret) =>
        PostSignedAsync(biobankId, JsonSerializer.SerializeToUtf8Bytes(query, ProtocolJson.Options), [secret]);

    public async Task<HttpResponseMessage> PostAsync(string biobankId, byte[] body, string? messageId, string? timestamp, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/biobanks/{biobankId}/query");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new("application/json") { CharSet = Encoding.UTF8.WebName };
        AddHeader(request, WebhookHeaders.Id, messageId);
        AddHeader(request, WebhookHeaders.Timestamp, timestamp);
        AddHeader(request, WebhookHeaders.Signature, signature);
        return await Client.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static void AddHeader(HttpRequestMessage request, string name, string? value)
    {
        if (value is not null)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
