using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using SampleBroker.Benchmarks;
using SampleBroker.Testing;

// How long a request to N biobanks that each answer in 500 ms takes end to end, measured as a client
// sees it: from the POST until a GET (polled every 50 ms) shows it Completed. Measured twice: each
// request alone (the next starts once the previous orchestration has ended), and back to back (the
// next starts as soon as the previous shows Completed, while its orchestration still winds down).
var biobankCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
var answerDelay = TimeSpan.FromMilliseconds(500);
var verbose = Environment.GetEnvironmentVariable("BENCH_VERBOSE") is not null;
var warmUp = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;

// Measured before the host starts, so that nothing else uses Azurite meanwhile.
var floor = await AzuriteFloor.MeasureAsync(TestStorage.ConnectionString);

// A benchmark sends more requests a minute than one organisation may.
await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__RequestsPerMinute"] = "100000" });
using var api = new BrokerApi(host.BaseAddress);
var instances = new TableClient(TestStorage.ConnectionString, host.Settings["LocalHost__TaskHubName"] + "Instances");
var biobanks = new List<FakeBiobank>();
for (var i = 0; i < biobankCount; i++)
{
    var fake = await FakeBiobank.AnsweringAsync(10 + i, price: 20m + i, leadTimeDays: i, delay: answerDelay);
    await api.RegisterAsync($"bb-bench-{i:D3}", fake);
    biobanks.Add(fake);
}

var apiKey = await api.CreateRequesterAsync("bench-dx");
var body = new { criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 100, answerWithinSeconds = 60 };

async Task<(double Total, double Post, string RequestId)> MeasureOnceAsync()
{
    var clock = Stopwatch.StartNew();
    var requestId = await api.SubmitAsync(apiKey, body);
    var post = clock.Elapsed.TotalMilliseconds;
    var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(60));
    clock.Stop();
    if (Environment.GetEnvironmentVariable("BENCH_DUMP") is { } dump)
    {
        File.AppendAllText(dump, result.GetRawText() + "\n");
    }
    if (result.GetProperty("status").GetString() != "Completed" || result.GetProperty("progress").GetProperty("biobanksAnswered").GetInt32() != biobankCount)
    {
        throw new InvalidOperationException("Request did not complete with every biobank: " + result);
    }

    return (clock.Elapsed.TotalMilliseconds, post, requestId);
}

// The orchestration records its end in the task hub's instances table after the answers are visible.
async Task WaitForOrchestrationEndAsync(string instanceId)
{
    var giveUp = Stopwatch.StartNew();
    while (giveUp.Elapsed < TimeSpan.FromSeconds(60))
    {
        var row = await instances.GetEntityIfExistsAsync<TableEntity>(instanceId, string.Empty, ["RuntimeStatus"]);
        if (row.HasValue && row.Value!.GetString("RuntimeStatus") is "Completed" or "Failed" or "Terminated")
        {
            return;
        }

        await Task.Delay(50);
    }

    throw new TimeoutException($"Orchestration {instanceId} did not end within 60 s.");
}

// CPU time the host has used so far (user + system, /proc/<pid>/stat fields 14 and 15, in clock ticks of 10 ms).
double HostCpuMs()
{
    var fields = File.ReadAllText($"/proc/{host.ProcessId}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 10.0;
}

async Task<(List<(double Total, double Post)> Samples, double CpuMsPerRequest, double CpuShare)> SeriesAsync(bool alone)
{
    var samples = new List<(double, double)>();
    var cpuBefore = 0.0;
    var clock = new Stopwatch();
    for (var i = 0; i < runs + warmUp; i++)
    {
        var (total, post, requestId) = await MeasureOnceAsync();
        if (verbose)
        {
            Console.Write(string.Create(CultureInfo.InvariantCulture, $"{total:F0} "));
        }
        if (alone)
        {
            var windDown = Stopwatch.StartNew();
            await WaitForOrchestrationEndAsync(requestId);
            if (verbose)
            {
                Console.Write(string.Create(CultureInfo.InvariantCulture, $"(+{windDown.ElapsedMilliseconds}) "));
            }
        }

        // The first ones warm up connection pools, the JIT (tiered compilation recompiles hot code over the
        // first seconds of load) and the task hub's partitions.
        if (i >= warmUp)
        {
            samples.Add((total, post));
        }

        if (i == warmUp - 1)
        {
            cpuBefore = HostCpuMs();
            clock.Start();
        }
    }

    var cpu = HostCpuMs() - cpuBefore;
    return (samples, cpu / runs, cpu / clock.Elapsed.TotalMilliseconds);
}

static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Round(p * (sorted.Count - 1)))];

void Report(string title, (List<(double Total, double Post)> Samples, double CpuMsPerRequest, double CpuShare) series)
{
    var samples = series.Samples;
    var totals = samples.Select(s => s.Total).Order().ToList();
    var posts = samples.Select(s => s.Post).Order().ToList();
    var median = Percentile(totals, 0.5);
    Console.WriteLine(title);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  end to end ms: min {totals[0]:F0}  median {median:F0}  p90 {Percentile(totals, 0.9):F0}  max {totals[^1]:F0}  ({median / answerDelay.TotalMilliseconds:F2}x the answer time, target <= 1.25x)"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  of which the POST: median {Percentile(posts, 0.5):F0} ms"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"  host CPU: {series.CpuMsPerRequest:F0} ms per request ({series.CpuShare * 100:F0}% of one core over the series, GET polling included)"));
}

Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{biobankCount} biobanks answering in {answerDelay.TotalMilliseconds} ms, {runs} runs per series after {warmUp} warm-up runs, GET polled every 50 ms"));
Console.WriteLine(floor.Describe(biobankCount));
var bound = floor.DispatchMs(biobankCount) + answerDelay.TotalMilliseconds + 25;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"  With the answer time and half a polling interval: >= {bound:F0} ms ({bound / answerDelay.TotalMilliseconds:F2}x) end to end, before any host time, the POST, the start of the orchestration and recording the answers."));
Report("one request at a time (the previous orchestration has ended):", await SeriesAsync(alone: true));
Report("back to back (the next POST as soon as the previous shows Completed):", await SeriesAsync(alone: false));
var peakKb = File.ReadLines($"/proc/{host.ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) ?? "VmHWM: n/a";
Console.WriteLine($"local host peak memory: {peakKb.Split(':')[1].Trim()}");

if (Environment.GetEnvironmentVariable("BENCH_HOST_LOG") is { } hostLog)
{
    File.WriteAllText(hostLog, host.Output);
}

foreach (var fake in biobanks)
{
    await fake.DisposeAsync();
}
