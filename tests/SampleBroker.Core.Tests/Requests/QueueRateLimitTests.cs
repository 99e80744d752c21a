using System.Diagnostics;
using SampleBroker.Organisations;
using SampleBroker.Requests;
using SampleBroker.Storage;
using SampleBroker.Testing;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Requests;

/// <summary>The queue intake goes through the same shared submit limit as the POST, and waits rather than fails.</summary>
public sealed class QueueRateLimitTests
{
    [Fact]
    public async Task A_queued_request_over_the_limit_goes_back_on_the_queue_until_the_window_ends_and_never_to_poison()
    {
        // One second before the window ends, so the message comes back after a second.
        var time = new FixedTime(new DateTimeOffset(2026, 12, 2, 10, 15, 59, TimeSpan.Zero));
        var prefix = TestStorage.UniqueName("t");
        await using var other = await CoreInstance.StartAsync(prefix, new Dictionary<string, string?> { ["SampleBroker:RequestsPerMinute"] = "1" }, time);
        await using var core = await CoreInstance.StartAsync(prefix, new Dictionary<string, string?> { ["SampleBroker:RequestsPerMinute"] = "1" }, time);
        await core.Get<OrganisationStore>().CreateOrUpdateAsync(new Organisation("acme-dx", "Acme", "BE"), webhookSecret: null, CancellationToken.None);
        const string message = """{"organisationId":"acme-dx","idempotencyKey":"line-1","request":{"criteria":{"sampleTypes":["urine"]},"quantity":3}}""";

        // The organisation's one permit of this minute is taken on the other instance.
        Assert.Null(await other.Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None));
        var fate = await core.Get<QueueIntake>().HandleAsync(message, CoreInstance.Durable, CancellationToken.None);

        var queues = core.Get<BrokerQueues>();
        Assert.Equal(QueueMessageFate.Deferred, fate);
        Assert.Equal(0, (await queues.Poison.GetPropertiesAsync()).Value.ApproximateMessagesCount);
        var waited = Stopwatch.StartNew();
        while (true)
        {
            var received = (await queues.Requests.ReceiveMessagesAsync(1)).Value;
            if (received.Length == 1)
            {
                Assert.Equal(message, received[0].MessageText);
                Assert.Equal(1, received[0].DequeueCount);
                break;
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(15), "the deferred message never came back");
            await Task.Delay(100);
        }
    }
}
