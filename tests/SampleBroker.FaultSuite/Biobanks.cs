using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.Testing;

namespace SampleBroker.FaultSuite;

/// <summary>How a fault-suite biobank answers a query.</summary>
public enum Behaviour
{
    /// <summary><c>200</c> with an answer at once.</summary>
    Fast,

    /// <summary><c>202</c>, then a signed callback 1-4 s later to the query's <c>callbackUrl</c>.</summary>
    Async,

    /// <summary><c>202</c>, then the same callback twice and a second, different answer (which must be refused).</summary>
    AsyncTwice,

    /// <summary><c>200</c> after 3-6 seconds.</summary>
    Slow,

    /// <summary><c>503</c> to the first attempt of each query, then an answer.</summary>
    FlakyThenOk,

    /// <summary>The connection reset on the first attempt of each query, then an answer.</summary>
    ResetThenOk,

    /// <summary>The connection reset on every attempt.</summary>
    AlwaysReset,

    /// <summary><c>200</c> with a body that is not JSON.</summary>
    Garbage,

    /// <summary><c>200</c> with a 10 MB body.</summary>
    Huge,

    /// <summary>Never answers: every attempt runs into the biobank's answer timeout.</summary>
    Silent,
}

/// <summary>What a biobank's callback got back from the broker.</summary>
public sealed record CallbackResult(string RequestId, string MessageId, bool Original, HttpStatusCode? Status);

/// <summary>
/// One fault-suite biobank: a <see cref="FakeBiobank"/> that answers as its <see cref="Behaviour"/> says
/// and remembers what each request's query looked like and what its callbacks got back.
/// </summary>
public sealed class FaultBiobank : IAsyncDisposable
{
    private static readonly byte[] HugeBody = Encoding.UTF8.GetBytes("{\"availableSamples\":1,\"padding\":\"" + new string('x', 10 * 1024 * 1024) + "\"}");

    private readonly ConcurrentDictionary<string, int> attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> callbacksScheduled = new(StringComparer.Ordinal);
    private readonly Cluster cluster;
    private FakeBiobank fake = null!;

    private FaultBiobank(string id, Behaviour behaviour, int availableSamples, Cluster cluster)
    {
        Id = id;
        Behaviour = behaviour;
        AvailableSamples = availableSamples;
        this.cluster = cluster;
    }

    public string Id { get; }

    public Behaviour Behaviour { get; }

    /// <summary>What this biobank answers, when it answers; distinct per biobank so sums can be checked.</summary>
    public int AvailableSamples { get; }

    public FakeBiobank Fake => fake;

    public ConcurrentBag<CallbackResult> Callbacks { get; } = [];

    /// <summary>Callbacks still being delivered, so the run can wait for them before judging.</summary>
    public ConcurrentDictionary<Task, byte> InFlight { get; } = new();

    /// <summary>Whether the biobank gives a valid answer (sync or by callback) when it is asked in time.</summary>
    public bool Answers => Behaviour is Behaviour.Fast or Behaviour.Async or Behaviour.AsyncTwice or Behaviour.Slow or Behaviour.FlakyThenOk or Behaviour.ResetThenOk;

    public static async Task<FaultBiobank> StartAsync(string id, Behaviour behaviour, int availableSamples, Cluster cluster)
    {
        var biobank = new FaultBiobank(id, behaviour, availableSamples, cluster);
        biobank.fake = await FakeBiobank.StartAsync(biobank.RespondAsync);
        return biobank;
    }

    /// <summary>The query ids and signing ids (webhook-id) each request's queries arrived with, by request id.</summary>
    public Dictionary<string, (HashSet<string> WebhookIds, HashSet<string> QueryIds, int Deliveries)> QueriesByRequest()
    {
        var result = new Dictionary<string, (HashSet<string>, HashSet<string>, int)>(StringComparer.Ordinal);
        foreach (var query in fake.Received)
        {
            var requestId = query.Body.GetProperty("requestId").GetString()!;
            if (!result.TryGetValue(requestId, out var seen))
            {
                seen = ([], [], 0);
            }

            seen.Item1.Add(query.WebhookId ?? "");
            seen.Item2.Add(query.Body.GetProperty("queryId").GetString()!);
            result[requestId] = (seen.Item1, seen.Item2, seen.Item3 + 1);
        }

        return result;
    }

    public ValueTask DisposeAsync() => fake.DisposeAsync();

    private string Answer(string? marker = null) =>
        JsonSerializer.Serialize(new
        {
            availableSamples = AvailableSamples,
            pricePerSampleEur = 10m + AvailableSamples,
            leadTimeDays = AvailableSamples % 30,
            conditions = new[] { marker ?? "CommercialUse" },
            validUntil = "2027-06-30",
            declined = false,
        });

    private async Task<IResult> RespondAsync(ReceivedQuery query, CancellationToken ct)
    {
        var queryId = query.Body.GetProperty("queryId").GetString()!;
        cluster.NoteQuery(query.Body.GetProperty("callbackUrl").GetString()!);
        var attempt = attempts.AddOrUpdate(queryId, 1, (_, n) => n + 1);
        switch (Behaviour)
        {
            case Behaviour.Fast:
                return Results.Text(Answer(), "application/json");
            case Behaviour.Slow:
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(3000, 6000)), ct);
                return Results.Text(Answer(), "application/json");
            case Behaviour.FlakyThenOk:
                return attempt == 1 ? Results.StatusCode(503) : Results.Text(Answer(), "application/json");
            case Behaviour.ResetThenOk:
                return attempt == 1 ? new AbortResult() : Results.Text(Answer(), "application/json");
            case Behaviour.AlwaysReset:
                return new AbortResult();
            case Behaviour.Garbage:
                return Results.Text("<<this is not an answer>> {", "application/json");
            case Behaviour.Huge:
                return Results.Bytes(HugeBody, "application/json");
            case Behaviour.Silent:
                await Task.Delay(Timeout.Infinite, ct);
                return Results.StatusCode(500);
            case Behaviour.Async:
            case Behaviour.AsyncTwice:
                // A repeated query (the broker retried or was restarted) gets 202 again; its callback is sent once
                // more with the same webhook-id, as an adapter that re-sends its answer would.
                var requestId = query.Body.GetProperty("requestId").GetString()!;
                var callbackUrl = query.Body.GetProperty("callbackUrl").GetString()!;
                var first = callbacksScheduled.TryAdd(queryId, 0);
                var task = CallBackLaterAsync(requestId, queryId, callbackUrl, twice: Behaviour == Behaviour.AsyncTwice && first);
                InFlight.TryAdd(task, 0);
                _ = task.ContinueWith(t => InFlight.TryRemove(t, out _), TaskScheduler.Default);
                return Results.StatusCode(202);
            default:
                throw new InvalidOperationException("Unknown behaviour " + Behaviour);
        }
    }

    private async Task CallBackLaterAsync(string requestId, string queryId, string callbackUrl, bool twice)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1000, 4000)));
        var messageId = "cb-" + queryId;
        Callbacks.Add(new CallbackResult(requestId, messageId, true, await DeliverAsync(callbackUrl, Answer(), messageId)));
        if (twice)
        {
            // The same message again (counted once), then a different answer to the same query (refused: 409, or 410 once finished).
            Callbacks.Add(new CallbackResult(requestId, messageId, true, await DeliverAsync(callbackUrl, Answer(), messageId)));
            Callbacks.Add(new CallbackResult(requestId, "cb2-" + queryId, false, await DeliverAsync(callbackUrl, Answer("SecondAnswer"), "cb2-" + queryId)));
        }
    }

    /// <summary>
    /// Posts a signed answer until the broker decides on it (any status but 5xx/429), for at most 90 s. The
    /// callback goes to the host named in the URL, or to another live host while that one is down, as a
    /// load balancer in front of both would send it.
    /// </summary>
    private async Task<HttpStatusCode?> DeliverAsync(string callbackUrl, string body, string messageId)
    {
        var path = new Uri(callbackUrl).PathAndQuery;
        var giveUp = DateTime.UtcNow.AddSeconds(90);
        var tryNo = 0;
        while (DateTime.UtcNow < giveUp)
        {
            var target = tryNo++ == 0 ? new Uri(callbackUrl) : new Uri(cluster.AnyLiveBase(), path);
            try
            {
                using var response = await FakeBiobank.CallBackAsync(cluster.Http, target.ToString(), body, messageId, fake.SigningSecret!);
                if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
                {
                    return response.StatusCode;
                }
            }
            catch (HttpRequestException)
            {
                // The host is down: try again, maybe another one.
            }
            catch (TaskCanceledException)
            {
                // No answer in time: try again.
            }

            await Task.Delay(500);
        }

        return null;
    }

    /// <summary>Resets the connection without an HTTP answer.</summary>
    private sealed class AbortResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Abort();
            return Task.CompletedTask;
        }
    }
}
