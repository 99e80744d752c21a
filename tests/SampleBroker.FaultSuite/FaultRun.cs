using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using SampleBroker.Testing;

namespace SampleBroker.FaultSuite;

/// <summary>One accepted (or never accepted) submission of the run.</summary>
public sealed class Submission(int number, string reference, bool viaQueue, bool cancel)
{
    public int Number { get; } = number;

    public string Reference { get; } = reference;

    public bool ViaQueue { get; } = viaQueue;

    /// <summary>Whether the requester cancels it a few seconds after it is accepted.</summary>
    public bool Cancel { get; } = cancel;

    public string? RequestId { get; set; }

    public DateTime? AcceptedAt { get; set; }

    /// <summary>Other request ids the same submission was answered with (HTTP) or listed under (queue): duplicates.</summary>
    public ConcurrentBag<string> OtherIds { get; } = [];

    public int Attempts { get; set; }
}

/// <summary>One kill of host A and how long it took to come back.</summary>
public sealed record KillRecord(int Number, double AtSeconds, bool SecondHostUp, double DownSeconds, double? ApiBackSeconds, double? ProgressSeconds);

/// <summary>
/// The run: host A with 20 misbehaving biobanks, submissions over HTTP and the queue, kills, an Azurite
/// restart and a second host, then the wait until every request is final and the checks.
/// </summary>
public sealed class FaultRun(SuiteSettings settings) : IDisposable
{
    private static readonly Behaviour[] Layout =
    [
        Behaviour.Fast, Behaviour.Fast, Behaviour.Fast,
        Behaviour.Async, Behaviour.Async, Behaviour.Async,
        Behaviour.AsyncTwice,
        Behaviour.Slow, Behaviour.Slow,
        Behaviour.FlakyThenOk, Behaviour.FlakyThenOk,
        Behaviour.ResetThenOk, Behaviour.ResetThenOk,
        Behaviour.AlwaysReset,
        Behaviour.Garbage, Behaviour.Garbage,
        Behaviour.Huge, Behaviour.Huge,
        Behaviour.Silent, Behaviour.Silent,
    ];

    private readonly Stopwatch clock = new();
    private readonly List<FaultBiobank> biobanks = [];
    private readonly List<KillRecord> kills = [];
    private readonly Cluster cluster = new();
    private readonly string runId = Guid.NewGuid().ToString("N")[..6];
    private string apiKey = "";
    private QueueClient queue = null!;
    private double? azuriteDownSeconds;
    private int launched;
    private int killsDone;
    private double secondHostSeconds;

    private double Now => clock.Elapsed.TotalSeconds;

    public async Task<RunReport> RunAsync()
    {
        clock.Start();
        var hostSettings = new Dictionary<string, string>
        {
            ["SampleBroker__RequestsPerMinute"] = "100000",
            ["SampleBroker__ReconcileIntervalSeconds"] = "2",
            // What a killed host had taken from the task hub's queues is handed out again after these (the
            // defaults, 60 and 120 s, stall whatever the killed host held for longer than a 30 s answer window).
            // Activities are given more than an answer window, so a query still running is not handed out twice.
            ["LocalHost__OrchestrationVisibilityTimeoutSeconds"] = "10",
            ["LocalHost__ActivityVisibilityTimeoutSeconds"] = "40",
        };
        Log($"starting host A ({settings.Requests} requests, {settings.Kills} kills{(settings.RestartAzurite ? ", one Azurite restart" : "")})");
        cluster.A = await LocalHostProcess.StartAsync(hostSettings);
        cluster.AUp = true;
        Log("host A up");
        try
        {
            using var api = new BrokerApi(cluster.A.BaseAddress);
            biobanks.AddRange(await Task.WhenAll(Enumerable.Range(0, SuiteSettings.BiobankCount).Select(async i =>
            {
                var biobank = await FaultBiobank.StartAsync($"bb-fault-{i:D2}", Layout[i], 11 + i, cluster);
                await api.RegisterAsync(biobank.Id, biobank.Fake, new
                {
                    name = $"Fault {Layout[i]} {i:D2}",
                    country = "BE",
                    endpointUrl = biobank.Fake.EndpointUrl,
                    sampleTypes = new[] { "blood-serum" },
                    answerTimeoutSeconds = 8,
                    minReportableCount = 1,
                });
                return biobank;
            })));
            Log($"{biobanks.Count} biobanks registered");

            apiKey = await api.CreateRequesterAsync("fault-" + runId);
            queue = new QueueClient(TestStorage.ConnectionString, cluster.A.Settings["SampleBroker__RequestQueueName"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await queue.CreateIfNotExistsAsync();

            var secondHostSettings = new Dictionary<string, string>(hostSettings)
            {
                ["LocalHost__TaskHubName"] = cluster.A.Settings["LocalHost__TaskHubName"],
                ["SampleBroker__StoragePrefix"] = cluster.A.Settings["SampleBroker__StoragePrefix"],
                ["SampleBroker__RequestQueueName"] = cluster.A.Settings["SampleBroker__RequestQueueName"],
                ["SampleBroker__BootstrapStaffKey"] = cluster.A.Settings["SampleBroker__BootstrapStaffKey"],
            };

            var submissions = Enumerable.Range(0, settings.Requests)
                .Select(n => new Submission(n, $"fs-{runId}-{n:D3}", viaQueue: n % 2 == 1, cancel: n % 10 == 7))
                .ToList();
            Log("submitting");
            var submitting = SubmitAllAsync(submissions);
            await ChaosAsync(secondHostSettings);
            await submitting;
            Log($"all submissions done: {submissions.Count(s => s.RequestId is not null)} accepted");

            var finals = await WaitUntilFinalAsync(submissions);
            Log("waiting for callbacks still in flight");
            await Task.WhenAll(biobanks.SelectMany(b => b.InFlight.Keys).ToList()).WaitAsync(TimeSpan.FromSeconds(120));
            Log("checking");
            var report = await new Checks(settings, cluster, biobanks, apiKey).RunAsync(submissions, finals, kills, azuriteDownSeconds, secondHostSeconds, Now);
            return report;
        }
        finally
        {
            await StopAsync();
        }
    }

    private async Task StopAsync()
    {
        if (settings.LogDir is { } dir)
        {
            Directory.CreateDirectory(dir);
            await File.WriteAllTextAsync(Path.Combine(dir, "host-a.log"), cluster.A.Output);
            if (cluster.B is { } b)
            {
                await File.WriteAllTextAsync(Path.Combine(dir, "host-b.log"), b.Output);
            }
        }

        await cluster.A.DisposeAsync();
        if (cluster.B is { } second)
        {
            await second.DisposeAsync();
        }

        foreach (var biobank in biobanks)
        {
            await biobank.DisposeAsync();
        }

    }

    public void Dispose() => cluster.Dispose();

    /// <summary>
    /// Kills host A at random moments and restarts it, measuring its recovery; starts host B after the first
    /// fifth of the kills and kills it after the fourth fifth; restarts Azurite once halfway.
    /// </summary>
    private async Task ChaosAsync(Dictionary<string, string> secondHostSettings)
    {
        var segment = settings.Requests / (settings.Kills + 1);
        var startB = settings.IsShort ? 0 : settings.Kills / 5;
        var stopB = settings.IsShort ? 1 : settings.Kills * 4 / 5;
        var restartAzuriteAfter = settings.Kills / 2;
        double? bStartedAt = null;
        Task? startingB = null;
        for (var k = 0; k <= settings.Kills; k++)
        {
            if (k == startB)
            {
                startingB = StartSecondHostAsync();
            }

            if (k == stopB && startingB is not null)
            {
                await startingB;
                var b = cluster.B!;
                Log("killing host B (kill -9); it stays down");
                cluster.BUp = false;
                await b.KillAsync();
                secondHostSeconds = Now - bStartedAt!.Value;
            }

            async Task StartSecondHostAsync()
            {
                Log("starting host B beside A");
                cluster.B = await LocalHostProcess.StartAsync(secondHostSettings);
                cluster.BUp = true;
                bStartedAt = Now;
                Log("host B up");
            }

            if (settings.RestartAzurite && k == restartAzuriteAfter && k > 0)
            {
                await RestartAzuriteAsync();
            }

            if (k == settings.Kills)
            {
                break;
            }

            // Kill k+1 falls at a random moment after the (k+1)-th segment of the submissions has begun, so
            // every kill finds requests in flight however long the restarts take.
            while (Volatile.Read(ref launched) < (k + 1) * segment)
            {
                await Task.Delay(100);
            }

            await Task.Delay(TimeSpan.FromSeconds(Random.Shared.NextDouble() * settings.SubmitWindow.TotalSeconds / (settings.Kills + 1) / 2));
            kills.Add(await KillAndRestartAsync(k + 1));
            Interlocked.Increment(ref killsDone);
        }
    }

    private async Task<KillRecord> KillAndRestartAsync(int number)
    {
        var at = Now;
        var secondUp = cluster.BUp;
        cluster.AUp = false;
        await cluster.A.KillAsync();
        var down = TimeSpan.FromMilliseconds(Random.Shared.Next(500, 3000));
        await Task.Delay(down);
        var restartedAt = DateTime.UtcNow;
        var restart = Stopwatch.StartNew();
        var apiBack = FirstSuccessfulCallAsync(cluster.A.BaseAddress, TimeSpan.FromSeconds(120));
        await cluster.A.RestartAsync();
        cluster.AUp = true;
        var apiSeconds = await apiBack;

        // The first sign of A moving a request on: a query it sends (its public address is in the query's
        // callbackUrl), or, while B is down, a request in flight at the restart that has more answers or has ended.
        var baseline = secondUp ? null : await BrokeringAsync();
        double? progress = null;
        while (restart.Elapsed < TimeSpan.FromSeconds(45))
        {
            if (cluster.FirstProgressAfter(cluster.A.BaseAddress.Port, restartedAt) is { } first)
            {
                progress = (first - restartedAt).TotalSeconds;
                break;
            }

            if (baseline is { Count: > 0 } && await BrokeringAsync() is { } now
                && baseline.Any(b => !now.TryGetValue(b.Key, out var answered) || answered > b.Value))
            {
                progress = restart.Elapsed.TotalSeconds;
                break;
            }

            await Task.Delay(250);
        }

        var record = new KillRecord(number, at, secondUp, down.TotalSeconds, apiSeconds, progress);
        Log($"kill {number}: down {record.DownSeconds:F1} s, API back after {Show(apiSeconds)} s, first query sent after {Show(progress)} s");
        return record;
    }

    /// <summary>The requests still brokering and how many biobanks each has answered; null when A does not answer.</summary>
    private async Task<Dictionary<string, int>?> BrokeringAsync()
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.A.BaseAddress, "/api/v1/sample-requests?status=Brokering&top=100"));
            request.Headers.Add("X-Api-Key", apiKey);
            using var response = await cluster.Http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            return page.GetProperty("items").EnumerateArray().ToDictionary(
                i => i.GetProperty("requestId").GetString()!, i => i.GetProperty("progress").GetProperty("biobanksAnswered").GetInt32(), StringComparer.Ordinal);
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Seconds until an API call (the requester's list) answers 200, polled every 100 ms.</summary>
    private async Task<double?> FirstSuccessfulCallAsync(Uri baseAddress, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(5) };
        while (watch.Elapsed < timeout)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sample-requests?top=1");
                request.Headers.Add("X-Api-Key", apiKey);
                using var response = await http.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return watch.Elapsed.TotalSeconds;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        return null;
    }

    /// <summary>Asks faults.sh to restart Azurite on the same data folder and waits until it has.</summary>
    private async Task RestartAzuriteAsync()
    {
        if (settings.ControlDir is not { } dir)
        {
            Log("no SB_FAULTS_CONTROL: Azurite is not restarted");
            return;
        }

        var done = Path.Combine(dir, "azurite-restarted");
        File.Delete(done);
        Log("asking faults.sh to restart Azurite");
        var watch = Stopwatch.StartNew();
        await File.WriteAllTextAsync(Path.Combine(dir, "restart-azurite"), "");
        while (!File.Exists(done))
        {
            if (watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException("faults.sh did not restart Azurite within 2 minutes");
            }

            await Task.Delay(200);
        }

        azuriteDownSeconds = double.Parse((await File.ReadAllTextAsync(done)).Trim(), CultureInfo.InvariantCulture);
        Log($"Azurite restarted (down {azuriteDownSeconds:F1} s)");
    }

    private async Task SubmitAllAsync(List<Submission> submissions)
    {
        var spacing = settings.SubmitWindow / Math.Max(1, submissions.Count);
        var segment = settings.Requests / (settings.Kills + 1);
        var running = new List<Task>();
        foreach (var submission in submissions)
        {
            // Never more than half a segment ahead of the kills: slow restarts slow the submissions down,
            // so that the later kills too find requests in flight.
            while (Volatile.Read(ref killsDone) < settings.Kills && submission.Number >= (Volatile.Read(ref killsDone) + 1) * segment + segment / 2)
            {
                await Task.Delay(100);
            }

            running.Add(submission.ViaQueue ? SubmitByQueueAsync(submission) : SubmitByHttpAsync(submission));
            Interlocked.Increment(ref launched);
            await Task.Delay(spacing);
        }

        await Task.WhenAll(running);
    }

    private object Body(Submission s) => new
    {
        reference = s.Reference,
        criteria = new { sampleTypes = new[] { "blood-serum" } },
        quantity = 100,
        answerWithinSeconds = settings.AnswerWithinSeconds,
    };

    /// <summary>
    /// POSTs with an Idempotency-Key until accepted, retrying on connection errors, 5xx and 429; the first
    /// attempt is sent twice at once, as an impatient client's double click would.
    /// </summary>
    private async Task SubmitByHttpAsync(Submission s)
    {
        var giveUp = DateTime.UtcNow.AddMinutes(5);
        var first = true;
        while (DateTime.UtcNow < giveUp)
        {
            var tries = first ? 2 : 1;
            first = false;
            var ids = await Task.WhenAll(Enumerable.Range(0, tries).Select(_ => PostOnceAsync(s)));
            s.Attempts += tries;
            var accepted = ids.Where(id => id is not null).Distinct().ToList();
            if (accepted.Count > 0)
            {
                s.RequestId = accepted[0];
                s.AcceptedAt = DateTime.UtcNow;
                foreach (var other in accepted.Skip(1))
                {
                    s.OtherIds.Add(other!);
                }

                if (s.Cancel)
                {
                    await CancelLaterAsync(s);
                }

                return;
            }

            await Task.Delay(500);
        }
    }

    private async Task<string?> PostOnceAsync(Submission s)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.AnyLiveBase(), "/api/v1/sample-requests"));
            request.Headers.Add("X-Api-Key", apiKey);
            request.Headers.Add("Idempotency-Key", "key-" + s.Reference);
            request.Content = new StringContent(JsonSerializer.Serialize(Body(s)), Encoding.UTF8, "application/json");
            using var response = await cluster.Http.SendAsync(request);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString();
            }

            if ((int)response.StatusCode < 500 && response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                // Anything else is a bug in the suite or the broker; it is retried, and shows as not accepted if it persists.
                Log($"{s.Reference}: POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
        catch (HttpRequestException)
        {
            // The host is down: retried.
        }
        catch (TaskCanceledException)
        {
            // No answer in time: retried with the same key.
        }

        return null;
    }

    /// <summary>
    /// Puts the message on the queue (retrying while storage is down), then looks the request up by its
    /// reference; a message not brokered within 45 s is sent again (a redelivery, harmless by its key).
    /// </summary>
    private async Task SubmitByQueueAsync(Submission s)
    {
        var message = JsonSerializer.Serialize(new { organisationId = "fault-" + runId, idempotencyKey = "key-" + s.Reference, request = Body(s) });
        var giveUp = DateTime.UtcNow.AddMinutes(5);
        while (DateTime.UtcNow < giveUp)
        {
            try
            {
                await queue.SendMessageAsync(message);
                s.Attempts++;
            }
            catch (Azure.RequestFailedException)
            {
                await Task.Delay(500);
                continue;
            }

            var resendAt = DateTime.UtcNow.AddSeconds(45);
            while (DateTime.UtcNow < resendAt)
            {
                await Task.Delay(1000);
                var ids = await ListByReferenceAsync(s.Reference);
                if (ids is { Count: > 0 })
                {
                    s.RequestId = ids[0];
                    s.AcceptedAt = DateTime.UtcNow;
                    if (s.Cancel)
                    {
                        await CancelLaterAsync(s);
                    }

                    return;
                }
            }
        }
    }

    /// <summary>The ids of the caller's requests with this reference; null when no host answered.</summary>
    public async Task<List<string>?> ListByReferenceAsync(string reference)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(cluster.AnyLiveBase(), "/api/v1/sample-requests?reference=" + Uri.EscapeDataString(reference)));
            request.Headers.Add("X-Api-Key", apiKey);
            using var response = await cluster.Http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!).ToList();
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>Cancels the request 2-8 s after it was accepted, retrying while the hosts are down (202 or 409 both settle it).</summary>
    private async Task CancelLaterAsync(Submission s)
    {
        await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(2000, 8000)));
        var giveUp = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < giveUp)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(cluster.AnyLiveBase(), $"/api/v1/sample-requests/{s.RequestId}/cancel"));
                request.Headers.Add("X-Api-Key", apiKey);
                using var response = await cluster.Http.SendAsync(request);
                if (response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Down: retried.
            }
            catch (TaskCanceledException)
            {
                // Slow: retried.
            }

            await Task.Delay(500);
        }
    }

    /// <summary>
    /// Reads every accepted request until it is final, or until well past its deadline (then it is stuck):
    /// the last deadline, or the end of the faults if that is later, plus the reconciler's grace plus two minutes.
    /// </summary>
    private async Task<Dictionary<string, JsonElement>> WaitUntilFinalAsync(List<Submission> submissions)
    {
        var finals = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var open = submissions.Where(s => s.RequestId is not null).Select(s => s.RequestId!).ToHashSet(StringComparer.Ordinal);
        var lastAccepted = submissions.Where(s => s.AcceptedAt is not null).Select(s => s.AcceptedAt!.Value).DefaultIfEmpty(DateTime.UtcNow).Max();
        var lastDeadline = lastAccepted.AddSeconds(settings.AnswerWithinSeconds);
        var giveUp = (lastDeadline > DateTime.UtcNow ? lastDeadline : DateTime.UtcNow).AddSeconds(30 + 120);
        Log($"waiting until {open.Count} request(s) are final (at most until {giveUp:HH:mm:ss} UTC)");
        using var api = new BrokerApi(cluster.A.BaseAddress);
        while (open.Count > 0)
        {
            foreach (var id in open.ToList())
            {
                try
                {
                    var request = await api.GetAsync(apiKey, id);
                    if (request.GetProperty("status").GetString() != "Brokering")
                    {
                        finals[id] = request;
                        open.Remove(id);
                    }
                }
                catch (HttpRequestException)
                {
                    // Read again on the next round.
                }
            }

            if (open.Count == 0 || DateTime.UtcNow > giveUp)
            {
                break;
            }

            await Task.Delay(2000);
        }

        Log($"{finals.Count} final, {open.Count} still brokering");
        return finals;
    }

    private void Log(string message) => Console.WriteLine($"[faults {Now,6:F1}s] {message}");

    private static string Show(double? seconds) => seconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "n/a";
}
