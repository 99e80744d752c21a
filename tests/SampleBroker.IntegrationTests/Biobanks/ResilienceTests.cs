using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Biobanks;

/// <summary>
/// How the broker copes with biobanks that fail, stall or lie (contract section 5): retries only
/// where they can help, bounded by MaxAttemptsPerQuery (3 here), answerTimeoutSeconds and the deadline.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ResilienceTests
{
    private const int MaxAttempts = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_biobank_that_always_answers_500_is_Failed_after_MaxAttemptsPerQuery_attempts()
    {
        await using var scenario = await Scenario.StartAsync((_, _) => Task.FromResult(Results.StatusCode(500)));

        var offer = await scenario.OutcomeAsync();

        Assert.Equal("Failed", offer.GetProperty("outcome").GetString());
        Assert.Contains("500", offer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(MaxAttempts, scenario.Biobank.Received.Count);
        Assert.Single(scenario.Biobank.Received.Select(q => q.WebhookId).Distinct());
    }

    [Fact]
    public async Task A_biobank_that_answers_500_then_200_is_Available()
    {
        await using var scenario = await Scenario.StartAsync((query, _) => Task.FromResult(
            query.Attempt == 1 ? Results.StatusCode(503) : Results.Json(new { availableSamples = 40, declined = false })));

        var offer = await scenario.OutcomeAsync();

        Assert.Equal("Available", offer.GetProperty("outcome").GetString());
        Assert.Equal(40, offer.GetProperty("availableSamples").GetInt32());
        Assert.Equal(2, scenario.Biobank.Received.Count);
    }

    [Fact]
    public async Task A_garbage_200_body_is_Failed_as_an_invalid_answer_without_retry()
    {
        await using var scenario = await Scenario.StartAsync((_, _) => Task.FromResult(Results.Text("{\"availableSamples\": \"lots\"", "application/json")));

        var offer = await scenario.OutcomeAsync();

        Assert.Equal("Failed", offer.GetProperty("outcome").GetString());
        Assert.Equal("invalid answer", offer.GetProperty("error").GetString());
        Assert.Single(scenario.Biobank.Received);
    }

    [Fact]
    public async Task A_biobank_slower_than_its_answer_timeout_on_every_attempt_is_Failed_with_a_timeout_error()
    {
        await using var scenario = await Scenario.StartAsync(
            async (_, ct) =>
            {
                await Task.Delay(TimeSpan.FromSeconds(4), ct);
                return Results.Json(new { availableSamples = 1 });
            },
            answerTimeoutSeconds: 1);

        var offer = await scenario.OutcomeAsync();

        Assert.Equal("Failed", offer.GetProperty("outcome").GetString());
        Assert.Contains("no answer within 1 s", offer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(MaxAttempts, scenario.Biobank.Received.Count);
    }

    [Fact]
    public async Task A_404_from_the_adapter_is_Failed_at_once_without_retry()
    {
        await using var scenario = await Scenario.StartAsync((_, _) => Task.FromResult(Results.NotFound()));

        var offer = await scenario.OutcomeAsync();

        Assert.Equal("Failed", offer.GetProperty("outcome").GetString());
        Assert.Contains("404", offer.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Single(scenario.Biobank.Received);
    }

    [Fact]
    public async Task One_of_twenty_biobanks_never_answering_times_out_at_the_deadline_while_nineteen_are_Available()
    {
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__MaxAttemptsPerQuery"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        using var api = new BrokerApi(host.BaseAddress);
        var biobanks = new List<FakeBiobank>();
        try
        {
            for (var i = 0; i < 19; i++)
            {
                biobanks.Add(await FakeBiobank.AnsweringAsync(10 + i, price: 10m, leadTimeDays: 7, delay: TimeSpan.FromMilliseconds(100)));
                await RegisterAsync(api, $"bb-quick-{i:D2}", biobanks[^1]);
            }

            biobanks.Add(await FakeBiobank.StartAsync(async (_, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                return Results.Ok();
            }));
            await RegisterAsync(api, "bb-silent", biobanks[^1], answerTimeoutSeconds: 60);
            var apiKey = await api.CreateRequesterAsync("acme-dx");

            // The window leaves room for 19 answers of 100 ms on a loaded 2-core machine: the test is about who
            // times out, not about speed (bench.sh measures that); at 8 s four quick biobanks missed it under load.
            var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 100, answerWithinSeconds = 15 });
            var result = await api.WaitUntilFinishedAsync(apiKey, requestId, Patience);

            var offers = result.GetProperty("biobanks").EnumerateArray().ToList();
            var deadline = result.GetProperty("deadline").GetDateTimeOffset();
            Assert.Equal("Completed", result.GetProperty("status").GetString());
            Assert.Equal(20, offers.Count);
            var quick = offers.Where(o => o.GetProperty("biobankId").GetString() != "bb-silent").ToList();
            Assert.All(quick, o => Assert.Equal("Available", o.GetProperty("outcome").GetString()));
            Assert.All(quick, o => Assert.True(o.GetProperty("answeredAt").GetDateTimeOffset() < deadline, $"{o} answered only at the deadline"));
            Assert.Equal("TimedOut", offers.Single(o => o.GetProperty("biobankId").GetString() == "bb-silent").GetProperty("outcome").GetString());
            Assert.True(result.GetProperty("completedAt").GetDateTimeOffset() >= deadline, "completed before the deadline");
            Assert.Equal(Enumerable.Range(10, 19).Sum(), result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        }
        finally
        {
            foreach (var biobank in biobanks)
            {
                await biobank.DisposeAsync();
            }
        }
    }

    private static Task RegisterAsync(BrokerApi api, string biobankId, FakeBiobank biobank, int answerTimeoutSeconds = 10) =>
        api.RegisterAsync(biobankId, biobank, new { name = "Biobank " + biobankId, country = "IT", endpointUrl = biobank.EndpointUrl, answerTimeoutSeconds });

    /// <summary>One host with MaxAttemptsPerQuery = 3 and one biobank answering as the test says.</summary>
    private sealed class Scenario : IAsyncDisposable
    {
        private Scenario(LocalHostProcess host, BrokerApi api, FakeBiobank biobank)
        {
            Host = host;
            Api = api;
            Biobank = biobank;
        }

        public LocalHostProcess Host { get; }

        public BrokerApi Api { get; }

        public FakeBiobank Biobank { get; }

        private string ApiKey { get; set; } = "";

        public static async Task<Scenario> StartAsync(Func<ReceivedQuery, CancellationToken, Task<IResult>> respond, int answerTimeoutSeconds = 10)
        {
            var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__MaxAttemptsPerQuery"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            var api = new BrokerApi(host.BaseAddress);
            var biobank = await FakeBiobank.StartAsync(respond);
            var scenario = new Scenario(host, api, biobank);
            await RegisterAsync(api, "bb-under-test", biobank, answerTimeoutSeconds);
            scenario.ApiKey = await api.CreateRequesterAsync("acme-dx");
            return scenario;
        }

        /// <summary>Submits one request with a generous deadline and returns the biobank's final row.</summary>
        public async Task<JsonElement> OutcomeAsync()
        {
            var requestId = await Api.SubmitAsync(ApiKey, new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 10, answerWithinSeconds = 120 });
            var result = await Api.WaitUntilFinishedAsync(ApiKey, requestId, Patience);
            return Assert.Single(result.GetProperty("biobanks").EnumerateArray());
        }

        public async ValueTask DisposeAsync()
        {
            await Biobank.DisposeAsync();
            Api.Dispose();
            await Host.DisposeAsync();
        }
    }
}
