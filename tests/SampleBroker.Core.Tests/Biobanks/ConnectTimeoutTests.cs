using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Options;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Testing;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Biobanks;

/// <summary>
/// Contract section 5: "each attempt bounded by answerTimeoutSeconds", connecting included. The
/// connect step is replaced (the production handler otherwise), so a connect can hang or time out at will.
/// </summary>
public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task A_connect_that_hangs_is_cut_off_by_the_attempt_timeout_and_each_retry_connects_afresh()
    {
        var connects = 0;
        await using var core = await CoreInstance.StartAsync(TestStorage.UniqueName("t"));
        using var client = Client(core, async (_, _, ct) =>
        {
            Interlocked.Increment(ref connects);
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });
        var elapsed = Stopwatch.StartNew();

        var delivery = await client.SendAsync(Biobank(answerTimeoutSeconds: 1), "msg_1", "{}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(60), CancellationToken.None);

        Assert.Equal("no answer within 1 s", Assert.IsType<QueryDelivery.Failed>(delivery).Error);
        Assert.Equal(2, connects);
        Assert.True(elapsed.Elapsed < TimeSpan.FromSeconds(8), $"two 1 s attempts took {elapsed.Elapsed}");
    }

    [Fact]
    public async Task A_connect_timeout_from_the_transport_is_a_failed_attempt_that_is_retried_not_an_exception()
    {
        var connects = 0;
        await using var core = await CoreInstance.StartAsync(TestStorage.UniqueName("t"));
        using var client = Client(core, (_, _, _) =>
        {
            Interlocked.Increment(ref connects);

            // What a handler-level connect timeout raises: a cancellation nobody asked for.
            throw new TaskCanceledException("The connection attempt timed out.", new TimeoutException());
        });

        var delivery = await client.SendAsync(Biobank(answerTimeoutSeconds: 30), "msg_1", "{}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(60), CancellationToken.None);

        Assert.StartsWith("connection failed", Assert.IsType<QueryDelivery.Failed>(delivery).Error, StringComparison.Ordinal);
        Assert.Equal(2, connects);
    }

    private static BiobankClient Client(CoreInstance core, Func<IPAddress[], int, CancellationToken, ValueTask<Stream>> connect)
    {
        var options = Options.Create(new SampleBrokerOptions { MaxAttemptsPerQuery = 2, AllowInsecureBiobankEndpoints = true });
        var handler = BiobankClient.CreateHandler(new EndpointPolicy(options), EndpointKind.BiobankEndpoint, connect);
        return new BiobankClient(new SingleClientFactory(handler), core.Get<SharedCircuitBreaker>(), options, TimeProvider.System);
    }

    private static BiobankRecord Biobank(int answerTimeoutSeconds) =>
        new("bb-slow", "Slow", "IT", "http://127.0.0.1:9/query", Enabled: true, SampleTypes: null, answerTimeoutSeconds, MinReportableCount: 0, [WebhookSecret.Generate()]);

    private sealed class SingleClientFactory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
