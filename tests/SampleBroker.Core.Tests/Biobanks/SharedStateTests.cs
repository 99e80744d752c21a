using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using SampleBroker.Biobanks;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Requests;
using SampleBroker.Testing;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Biobanks;

/// <summary>
/// Two instances of the core on one Azurite, as a scaled-out Functions app runs: the submit limit and
/// the circuit breakers are one state in Tables, not one per instance.
/// </summary>
public sealed class SharedStateTests
{
    /// <summary>Half a minute into a window: the limit's window cannot roll over while a test runs.</summary>
    private static readonly FixedTime MidWindow = new(new DateTimeOffset(2026, 12, 2, 10, 15, 30, TimeSpan.Zero));

    [Fact]
    public async Task Two_instances_share_one_submit_limit_per_organisation()
    {
        var prefix = TestStorage.UniqueName("t");
        var limit = new Dictionary<string, string?> { ["SampleBroker:RequestsPerMinute"] = "3" };
        await using var first = await CoreInstance.StartAsync(prefix, limit, MidWindow);
        await using var second = await CoreInstance.StartAsync(prefix, limit, MidWindow);

        var taken = new[]
        {
            await first.Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None),
            await second.Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None),
            await first.Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None),
        };
        var fourthOnSecond = await second.Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None);
        var fifthOnFirst = await first.Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None);
        var otherOrganisation = await second.Get<SubmitRateLimiter>().TryAcquireAsync("other-dx", CancellationToken.None);

        Assert.All(taken, Assert.Null);
        Assert.Equal(TimeSpan.FromSeconds(30), fourthOnSecond);
        Assert.Equal(TimeSpan.FromSeconds(30), fifthOnFirst);
        Assert.Null(otherOrganisation);
    }

    [Fact]
    public async Task Concurrent_submissions_on_two_instances_never_get_more_permits_than_the_limit()
    {
        var prefix = TestStorage.UniqueName("t");
        var limit = new Dictionary<string, string?> { ["SampleBroker:RequestsPerMinute"] = "5" };
        await using var first = await CoreInstance.StartAsync(prefix, limit, MidWindow);
        await using var second = await CoreInstance.StartAsync(prefix, limit, MidWindow);

        var attempts = Enumerable.Range(0, 24)
            .Select(i => (i % 2 == 0 ? first : second).Get<SubmitRateLimiter>().TryAcquireAsync("acme-dx", CancellationToken.None));
        var results = await Task.WhenAll(attempts);

        Assert.Equal(5, results.Count(r => r is null));
    }

    [Fact]
    public async Task A_circuit_tripped_by_one_instance_is_open_in_the_other_within_about_a_second()
    {
        var prefix = TestStorage.UniqueName("t");
        var settings = new Dictionary<string, string?>
        {
            ["SampleBroker:CircuitFailureThreshold"] = "3",
            ["SampleBroker:CircuitBreakSeconds"] = "300",
            ["SampleBroker:MaxAttemptsPerQuery"] = "3",
            ["SampleBroker:AllowInsecureBiobankEndpoints"] = "true",
        };
        await using var first = await CoreInstance.StartAsync(prefix, settings);
        await using var second = await CoreInstance.StartAsync(prefix, settings);
        await using var failing = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(StatusCodes.Status503ServiceUnavailable)));
        var biobank = Biobank("bb-failing", failing.EndpointUrl);

        // The second instance has read the circuit (Closed) and keeps that copy for a while.
        Assert.Equal(CircuitStates.Closed, await second.Get<BiobankClient>().CircuitStateOfAsync(biobank.BiobankId, CancellationToken.None));
        var tripped = await first.Get<BiobankClient>().SendAsync(biobank, "msg_1", "{}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(60), CancellationToken.None);
        var sinceTrip = Stopwatch.StartNew();
        while (await second.Get<BiobankClient>().CircuitStateOfAsync(biobank.BiobankId, CancellationToken.None) != CircuitStates.Open)
        {
            Assert.True(sinceTrip.Elapsed < TimeSpan.FromSeconds(5), "the second instance never saw the circuit open");
            await Task.Delay(50);
        }

        var seenAfter = sinceTrip.Elapsed;
        var queriesBefore = failing.Received.Count;
        var refused = await second.Get<BiobankClient>().SendAsync(biobank, "msg_2", "{}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(60), CancellationToken.None);

        Assert.Equal("adapter answered HTTP 503", Assert.IsType<QueryDelivery.Failed>(tripped).Error);
        Assert.Equal(3, queriesBefore);
        Assert.True(seenAfter < TimeSpan.FromSeconds(2), $"the second instance saw the trip only after {seenAfter}");
        Assert.StartsWith("circuit open", Assert.IsType<QueryDelivery.Failed>(refused).Error, StringComparison.Ordinal);
        Assert.Equal(queriesBefore, failing.Received.Count);
    }

    [Fact]
    public async Task After_the_break_one_instance_probes_and_a_successful_probe_closes_the_circuit_for_both()
    {
        var prefix = TestStorage.UniqueName("t");
        var settings = new Dictionary<string, string?>
        {
            ["SampleBroker:CircuitFailureThreshold"] = "2",
            ["SampleBroker:CircuitBreakSeconds"] = "1",
            ["SampleBroker:MaxAttemptsPerQuery"] = "2",
            ["SampleBroker:AllowInsecureBiobankEndpoints"] = "true",
        };
        await using var first = await CoreInstance.StartAsync(prefix, settings);
        await using var second = await CoreInstance.StartAsync(prefix, settings);
        var healthy = 0;
        await using var flaky = await FakeBiobank.StartAsync((_, _) => Task.FromResult(Volatile.Read(ref healthy) == 1
            ? Results.Json(new { availableSamples = 4 })
            : Results.StatusCode(StatusCodes.Status500InternalServerError)));
        var biobank = Biobank("bb-flaky", flaky.EndpointUrl);

        await first.Get<BiobankClient>().SendAsync(biobank, "msg_1", "{}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(60), CancellationToken.None);
        Assert.Equal(CircuitStates.Open, await first.Get<BiobankClient>().CircuitStateOfAsync(biobank.BiobankId, CancellationToken.None));
        Volatile.Write(ref healthy, 1);
        var deadline = Stopwatch.StartNew();
        QueryDelivery probe;
        do
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(10), "the circuit never let a probe through");
            await Task.Delay(100);
            probe = await second.Get<BiobankClient>().SendAsync(biobank, "msg_2", "{}"u8.ToArray(), DateTimeOffset.UtcNow.AddSeconds(60), CancellationToken.None);
        }
        while (probe is QueryDelivery.Failed);

        Assert.IsType<QueryDelivery.Answered>(probe);
        while (await first.Get<BiobankClient>().CircuitStateOfAsync(biobank.BiobankId, CancellationToken.None) != CircuitStates.Closed)
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(15), "the first instance never saw the circuit close");
            await Task.Delay(50);
        }
    }

    private static BiobankRecord Biobank(string biobankId, string endpointUrl) =>
        new(biobankId, biobankId, "IT", endpointUrl, Enabled: true, SampleTypes: null, AnswerTimeoutSeconds: 5, MinReportableCount: 0, [WebhookSecret.Generate()]);
}
