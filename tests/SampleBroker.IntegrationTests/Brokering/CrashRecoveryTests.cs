using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>Brokering in flight survives the host being killed (<c>kill -9</c>) and finishes after a restart.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class CrashRecoveryTests
{
    [Fact]
    public async Task Request_in_flight_when_the_host_is_killed_completes_after_a_restart()
    {
        // Activities cut off by the crash are handed out again after this timeout; kept short for the test.
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["LocalHost__ActivityVisibilityTimeoutSeconds"] = "5" });
        using var api = new BrokerApi(host.BaseAddress);
        await using var quick = await FakeBiobank.AnsweringAsync(40);

        // The slow biobank holds its first query open until the host dies, then answers the repeat at once.
        var firstQueryArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = 0;
        await using var slow = await FakeBiobank.StartAsync(async (_, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                firstQueryArrived.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }

            return Results.Json(new { availableSamples = 60, declined = false });
        });
        await api.RegisterAsync("bb-quick", quick);
        await api.RegisterAsync("bb-slow", slow);
        var apiKey = await api.CreateRequesterAsync("acme-dx");
        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 100, answerWithinSeconds = 300 });
        await firstQueryArrived.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var beforeCrash = await api.GetAsync(apiKey, requestId);
        Assert.Equal("Brokering", beforeCrash.GetProperty("status").GetString());

        await host.KillAsync();
        await host.RestartAsync();
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal(100, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.True(slow.Received.Count >= 2, $"the slow biobank was asked {slow.Received.Count} times");
        Assert.Single(slow.Received.Select(q => q.WebhookId).Distinct());
    }

    [Fact]
    public async Task Request_accepted_just_before_the_host_is_killed_completes_after_a_restart()
    {
        // Whatever the host had taken from its queues when it died (the orchestration's start, its first
        // step's messages, a query) is handed out again after these timeouts; kept short for the test.
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["LocalHost__ActivityVisibilityTimeoutSeconds"] = "5",
            ["LocalHost__OrchestrationVisibilityTimeoutSeconds"] = "5",
        });
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(70);
        await api.RegisterAsync("bb-one", biobank);
        var apiKey = await api.CreateRequesterAsync("acme-dx");

        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 50, answerWithinSeconds = 300 });
        await host.KillAsync();
        await host.RestartAsync();
        var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(120));

        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal(70, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.Single(biobank.Received.Select(q => q.WebhookId).Distinct());
    }
}
