using System.Diagnostics;
using System.Globalization;
using SampleBroker.Testing;

// How long a request to N biobanks that each answer in 500 ms takes end to end, measured as a client
// sees it: from the POST until a GET (polled every 50 ms) shows it Completed.
var biobankCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 20;
var runs = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 15;
var answerDelay = TimeSpan.FromMilliseconds(500);

await using var host = await LocalHostProcess.StartAsync();
using var api = new BrokerApi(host.BaseAddress);
var biobanks = new List<FakeBiobank>();
for (var i = 0; i < biobankCount; i++)
{
    var fake = await FakeBiobank.AnsweringAsync(10 + i, price: 20m + i, leadTimeDays: i, delay: answerDelay);
    await api.RegisterAsync($"bb-bench-{i:D3}", fake);
    biobanks.Add(fake);
}

var apiKey = await api.CreateRequesterAsync("bench-dx");
var body = new { criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 100, answerWithinSeconds = 60 };

async Task<double> MeasureOnceAsync()
{
    var clock = Stopwatch.StartNew();
    var requestId = await api.SubmitAsync(apiKey, body);
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

    return clock.Elapsed.TotalMilliseconds;
}

// Warm-up: connection pools, JIT, the task hub's partitions.
for (var i = 0; i < 3; i++)
{
    await MeasureOnceAsync();
}

var samples = new List<double>();
for (var i = 0; i < runs; i++)
{
    samples.Add(await MeasureOnceAsync());
}

samples.Sort();
double Percentile(double p) => samples[(int)Math.Min(samples.Count - 1, Math.Round(p * (samples.Count - 1)))];
var median = Percentile(0.5);
var peakKb = File.ReadLines($"/proc/{host.ProcessId}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal)) ?? "VmHWM: n/a";
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{biobankCount} biobanks answering in {answerDelay.TotalMilliseconds} ms, {runs} runs after 3 warm-up runs, GET polled every 50 ms"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"end to end ms: min {samples[0]:F0}  median {median:F0}  p90 {Percentile(0.9):F0}  max {samples[^1]:F0}"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median / answer time: {median / answerDelay.TotalMilliseconds:F2}x (target <= 1.25x)"));
Console.WriteLine($"local host peak memory: {peakKb.Split(':')[1].Trim()}");

foreach (var fake in biobanks)
{
    await fake.DisposeAsync();
}
