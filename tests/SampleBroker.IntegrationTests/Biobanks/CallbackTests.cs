using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Biobanks;

/// <summary>Biobanks that answer later: <c>202</c>, then a signed callback (contract section 5, "Answer").</summary>
[Collection(LocalHostCollection.Name)]
public sealed class CallbackTests
{
    private const string Answer = """{"availableSamples": 70, "pricePerSampleEur": 12.5, "leadTimeDays": 3, "conditions": ["MTA"], "declined": false}""";

    [Fact]
    public async Task A_biobank_that_accepts_with_202_is_counted_when_its_signed_callback_arrives()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);

        using var response = await scenario.CallBackAsync(Answer, "msg-1");
        var result = await scenario.Api.WaitUntilFinishedAsync(scenario.ApiKey, scenario.RequestId, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Completed", result.GetProperty("status").GetString());
        var offer = Assert.Single(result.GetProperty("biobanks").EnumerateArray());
        Assert.Equal("Available", offer.GetProperty("outcome").GetString());
        Assert.Equal(70, offer.GetProperty("availableSamples").GetInt32());
        Assert.Equal(70, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
    }

    [Fact]
    public async Task A_callback_answer_gets_its_latency_from_when_the_query_was_sent_even_if_it_overtakes_the_202()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);
        var sentBefore = DateTimeOffset.UtcNow;

        using var response = await scenario.CallBackAsync(Answer, "msg-1");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonElement offer;
        do
        {
            Assert.True(DateTime.UtcNow < deadline, "the answer's latency was never recorded");
            offer = (await scenario.Api.GetAsync(scenario.ApiKey, scenario.RequestId)).GetProperty("biobanks")[0];
        }
        while (offer.GetProperty("latencyMs").ValueKind == JsonValueKind.Null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var latency = offer.GetProperty("latencyMs").GetInt64();
        Assert.InRange(latency, 0, (long)(DateTimeOffset.UtcNow - sentBefore).TotalMilliseconds + 60_000);
    }

    [Fact]
    public async Task A_redelivered_callback_is_accepted_again_and_counted_once_and_a_second_answer_is_a_conflict()
    {
        // A second biobank that never calls back keeps the request brokering, so the 409 rule applies.
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120, silentBiobanks: 1);

        using var first = await scenario.CallBackAsync(Answer, "msg-1");
        using var redelivery = await scenario.CallBackAsync(Answer, "msg-1");
        using var second = await scenario.CallBackAsync("""{"availableSamples": 5}""", "msg-2");
        var result = await scenario.Api.GetAsync(scenario.ApiKey, scenario.RequestId);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("Brokering", result.GetProperty("status").GetString());
        Assert.Equal(70, result.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.Equal(1, result.GetProperty("progress").GetProperty("biobanksAnswered").GetInt32());
    }

    [Fact]
    public async Task A_redelivery_after_the_request_finished_is_still_200()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);

        using var first = await scenario.CallBackAsync(Answer, "msg-1");
        await scenario.Api.WaitUntilFinishedAsync(scenario.ApiKey, scenario.RequestId, TimeSpan.FromSeconds(30));
        using var redelivery = await scenario.CallBackAsync(Answer, "msg-1");
        using var another = await scenario.CallBackAsync(Answer, "msg-2");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, redelivery.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, another.StatusCode);
    }

    [Fact]
    public async Task A_signed_answer_replayed_against_another_query_of_the_same_biobank_is_200_and_counts_only_once()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);
        var secondRequestId = await scenario.Api.SubmitAsync(scenario.ApiKey, new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 50, answerWithinSeconds = 120 });
        var secondCallbackUrl = await scenario.WaitForCallbackUrlAsync(secondRequestId);
        var signedAt = DateTimeOffset.UtcNow;

        // The very same signed message (id, timestamp, signature, body), posted to the second query's URL.
        using var original = await scenario.CallBackAsync(Answer, "msg-replayed", timestamp: signedAt);
        using var replay = await scenario.CallBackAsync(Answer, "msg-replayed", url: secondCallbackUrl, timestamp: signedAt);
        using var ownAnswer = await scenario.CallBackAsync("""{"availableSamples": 9}""", "msg-own", url: secondCallbackUrl);
        var first = await scenario.Api.WaitUntilFinishedAsync(scenario.ApiKey, scenario.RequestId, TimeSpan.FromSeconds(30));
        var second = await scenario.Api.WaitUntilFinishedAsync(scenario.ApiKey, secondRequestId, TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownAnswer.StatusCode);
        Assert.Equal(70, first.GetProperty("biobanks")[0].GetProperty("availableSamples").GetInt32());
        Assert.Equal(9, second.GetProperty("biobanks")[0].GetProperty("availableSamples").GetInt32());
    }

    [Fact]
    public async Task Forged_stale_and_unsigned_callbacks_are_401_and_change_nothing()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);

        using var forged = await scenario.CallBackAsync(Answer, "msg-1", secret: WebhookSecret.Generate());
        using var stale = await scenario.CallBackAsync(Answer, "msg-2", timestamp: DateTimeOffset.UtcNow.AddSeconds(-301));
        using var unsigned = await scenario.Api.Http.PostAsync(new Uri(scenario.CallbackUrl), new StringContent(Answer, Encoding.UTF8, "application/json"));
        var meanwhile = await scenario.Api.GetAsync(scenario.ApiKey, scenario.RequestId);

        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, stale.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unsigned.StatusCode);
        Assert.Equal("application/problem+json", forged.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Pending", meanwhile.GetProperty("biobanks")[0].GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task A_callback_for_another_biobanks_query_or_an_unknown_query_is_404()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);
        await using var other = await FakeBiobank.AnsweringAsync(1);
        await scenario.Api.RegisterAsync("bb-other", other);

        var wrongBiobank = scenario.CallbackUrl.Replace("/biobanks/bb-async/", "/biobanks/bb-other/", StringComparison.Ordinal);
        using var misaddressed = await scenario.CallBackAsync(Answer, "msg-1", url: wrongBiobank, secret: other.SigningSecret);
        using var unknown = await scenario.CallBackAsync(Answer, "msg-2", url: scenario.CallbackUrl[..scenario.CallbackUrl.LastIndexOf('/')] + "/q_unknown");

        Assert.Equal(HttpStatusCode.NotFound, misaddressed.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task An_invalid_answer_body_is_400_and_the_biobank_may_still_answer_properly()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 120);

        using var invalid = await scenario.CallBackAsync("""{"availableSamples": -1}""", "msg-1");
        using var valid = await scenario.CallBackAsync(Answer, "msg-2");

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        Assert.True((await invalid.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("availableSamples", out _));
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task A_biobank_that_never_calls_back_times_out_at_the_deadline_and_a_late_answer_is_410()
    {
        await using var scenario = await AsyncScenario.StartAsync(answerWithinSeconds: 6);

        var result = await scenario.Api.WaitUntilFinishedAsync(scenario.ApiKey, scenario.RequestId, TimeSpan.FromSeconds(60));
        using var late = await scenario.CallBackAsync(Answer, "msg-late");

        Assert.Equal("Completed", result.GetProperty("status").GetString());
        Assert.Equal("TimedOut", result.GetProperty("biobanks")[0].GetProperty("outcome").GetString());
        var deadline = result.GetProperty("deadline").GetDateTimeOffset();
        Assert.True(result.GetProperty("completedAt").GetDateTimeOffset() >= deadline, "completed before the deadline");
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
    }

    /// <summary>One request to one biobank that answers every query with 202.</summary>
    private sealed class AsyncScenario : IAsyncDisposable
    {
        private AsyncScenario(LocalHostProcess host, BrokerApi api, FakeBiobank biobank)
        {
            Host = host;
            Api = api;
            Biobank = biobank;
        }

        public LocalHostProcess Host { get; }

        public BrokerApi Api { get; }

        public FakeBiobank Biobank { get; }

        public string ApiKey { get; private set; } = "";

        public string RequestId { get; private set; } = "";

        public string CallbackUrl { get; private set; } = "";

        private readonly List<FakeBiobank> silent = [];

        private static Task<FakeBiobank> AcceptingAsync() =>
            FakeBiobank.StartAsync((_, _) => Task.FromResult(Results.StatusCode(StatusCodes.Status202Accepted)));

        public static async Task<AsyncScenario> StartAsync(int answerWithinSeconds, int silentBiobanks = 0)
        {
            var host = await LocalHostProcess.StartAsync();
            var api = new BrokerApi(host.BaseAddress);
            var biobank = await AcceptingAsync();
            var scenario = new AsyncScenario(host, api, biobank);
            await api.RegisterAsync("bb-async", biobank);
            for (var i = 0; i < silentBiobanks; i++)
            {
                var silent = await AcceptingAsync();
                scenario.silent.Add(silent);
                await api.RegisterAsync($"bb-silent-{i}", silent);
            }

            scenario.ApiKey = await api.CreateRequesterAsync("acme-dx");
            scenario.RequestId = await api.SubmitAsync(scenario.ApiKey, new { criteria = new { sampleTypes = new[] { "urine" } }, quantity = 50, answerWithinSeconds });
            scenario.CallbackUrl = await scenario.WaitForCallbackUrlAsync(scenario.RequestId);

            return scenario;
        }

        /// <summary>The callback URL of the query the biobank received for <paramref name="requestId"/>, once it arrives.</summary>
        public async Task<string> WaitForCallbackUrlAsync(string requestId)
        {
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                var query = Biobank.Received.FirstOrDefault(q => q.Body.GetProperty("requestId").GetString() == requestId);
                if (query is not null)
                {
                    return query.Body.GetProperty("callbackUrl").GetString()!;
                }

                Assert.True(DateTime.UtcNow < deadline, $"the biobank was never queried for {requestId}");
                await Task.Delay(20);
            }
        }

        public Task<HttpResponseMessage> CallBackAsync(string body, string messageId, string? url = null, string? secret = null, DateTimeOffset? timestamp = null) =>
            FakeBiobank.CallBackAsync(Api.Http, url ?? CallbackUrl, body, messageId, secret ?? Biobank.SigningSecret!, timestamp);

        public async ValueTask DisposeAsync()
        {
            foreach (var silent in this.silent)
            {
                await silent.DisposeAsync();
            }

            await Biobank.DisposeAsync();
            Api.Dispose();
            await Host.DisposeAsync();
        }
    }
}
