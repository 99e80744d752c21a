using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.ReferenceBiobank.Tests.Support;

/// <summary>What the receiver saw of one callback POST.</summary>
public sealed record Delivery(string Path, string? MessageId, string? Timestamp, string? Signature, string? ContentType, byte[] Body);

/// <summary>
/// Stands in for the broker's answer endpoint: records every POST and replies with the queued status
/// codes (200 once they run out). Tests await deliveries with a deadline instead of sleeping.
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly WebApplication _app;
    private readonly Channel<Delivery> _deliveries;
    private readonly TaskCompletionSource _gate;
    private readonly TaskCompletionSource _arrived;

    private CallbackReceiver(WebApplication app, Channel<Delivery> deliveries, TaskCompletionSource gate, TaskCompletionSource arrived)
    {
        _app = app;
        _deliveries = deliveries;
        _gate = gate;
        _arrived = arrived;
        string address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        BaseAddress = new Uri(address);
    }

    public Uri BaseAddress { get; }

    /// <summary>
    /// Starts a receiver on a free loopback port. With <paramref name="holdRequests"/>, each request is
    /// held open until <see cref="Release"/>, which lets a test prove that the sender does not wait for it.
    /// </summary>
    public static async Task<CallbackReceiver> StartAsync(bool holdRequests = false, params int[] statuses)
    {
        var deliveries = Channel.CreateUnbounded<Delivery>();
        var queued = new ConcurrentQueue<int>(statuses);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!holdRequests)
        {
            gate.SetResult();
        }

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        WebApplication app = builder.Build();

        app.MapPost("/{**path}", async (HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            arrived.TrySetResult();
            await gate.Task;
            await deliveries.Writer.WriteAsync(new Delivery(
                request.Path,
                request.Headers[WebhookHeaders.Id].ToString(),
                request.Headers[WebhookHeaders.Timestamp].ToString(),
                request.Headers[WebhookHeaders.Signature].ToString(),
                request.ContentType,
                body.ToArray()));
            return Results.StatusCode(queued.TryDequeue(out int status) ? status : StatusCodes.Status200OK);
        });

        await app.StartAsync();
        return new CallbackReceiver(app, deliveries, gate, arrived);
    }

    public Uri Url(string path) => new(BaseAddress, path);

    /// <summary>Completes when the first request has arrived (and is possibly being held).</summary>
    public Task FirstArrival => _arrived.Task.WaitAsync(Deadline);

    public void Release() => _gate.TrySetResult();

    public async Task<Delivery> NextAsync() => await _deliveries.Reader.ReadAsync().AsTask().WaitAsync(Deadline);

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
