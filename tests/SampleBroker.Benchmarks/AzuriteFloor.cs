using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Azure.Data.Tables;
using Azure.Storage.Queues;

namespace SampleBroker.Benchmarks;

/// <summary>
/// What the storage emulator alone costs a fan-out, measured on the machine the benchmark runs on. The
/// Durable Task Framework's Azure Storage provider hands every activity to the worker through a queue
/// message: each query needs its message sent by the orchestration episode and received by the activity
/// dispatcher (one message per receive) before it can leave, and its biobank read. Azurite serves these one
/// after another on one Node thread, so their cost per operation, taken at the concurrency a fan-out
/// reaches, bounds how soon the last of N queries can leave even if the host took no time at all.
/// </summary>
internal sealed record AzuriteFloor(double SendMs, double ReceiveMs, double DeleteMs, double TableReadMs)
{
    private const int Operations = 300;
    private const int Passes = 4;
    private const int Concurrency = 8;

    public static async Task<AzuriteFloor> MeasureAsync(string connectionString)
    {
        var queue = new QueueClient(connectionString, "bench-floor-" + Guid.NewGuid().ToString("N")[..12]);
        var table = new TableClient(connectionString, "benchfloor" + Guid.NewGuid().ToString("N")[..12]);
        await queue.CreateAsync();
        await table.CreateAsync();
        try
        {
            await table.UpsertEntityAsync(new TableEntity("biobank", "row") { ["EndpointUrl"] = "http://127.0.0.1:1/query" });

            // Azurite (Node) and the client speed up over the first thousands of calls; the fastest of
            // several passes is kept for each operation, so that the bound stays a lower bound.
            var best = new AzuriteFloor(double.MaxValue, double.MaxValue, double.MaxValue, double.MaxValue);
            for (var pass = 0; pass < Passes; pass++)
            {
                var send = await PerOperationAsync(_ => queue.SendMessageAsync("""{"TaskMessage":{"Event":{"EventType":"TaskScheduled"}}}"""));
                var received = new ConcurrentQueue<(string Id, string Receipt)>();
                var receive = await PerOperationAsync(async _ =>
                {
                    var message = (await queue.ReceiveMessageAsync(TimeSpan.FromMinutes(5))).Value
                        ?? throw new InvalidOperationException("Azurite returned no message although every one sent is visible.");
                    received.Enqueue((message.MessageId, message.PopReceipt));
                });
                var delete = await PerOperationAsync(async _ =>
                {
                    if (received.TryDequeue(out var m))
                    {
                        await queue.DeleteMessageAsync(m.Id, m.Receipt);
                    }
                });
                var read = await PerOperationAsync(_ => table.GetEntityAsync<TableEntity>("biobank", "row"));
                best = new AzuriteFloor(Math.Min(best.SendMs, send), Math.Min(best.ReceiveMs, receive), Math.Min(best.DeleteMs, delete), Math.Min(best.TableReadMs, read));
            }

            return best;
        }
        finally
        {
            await queue.DeleteIfExistsAsync();
            await table.DeleteAsync();
        }
    }

    /// <summary>The least time Azurite spends before the last of <paramref name="queries"/> queries can leave.</summary>
    public double DispatchMs(int queries) => MessagesMs(queries) + queries * TableReadMs;

    private double MessagesMs(int queries) => queries * (SendMs + ReceiveMs);

    public string Describe(int queries) => string.Create(CultureInfo.InvariantCulture, $"""
        Azurite on this machine, {Concurrency} operations at a time: queue send {SendMs:F2} ms, receive {ReceiveMs:F2} ms, delete {DeleteMs:F2} ms, table read {TableReadMs:F2} ms per operation.
          Before the last query of {queries} can leave: the Durable Task provider's message sends and receives, one each per query, {MessagesMs(queries):F0} ms; the activities' biobank reads, one per query, {queries * TableReadMs:F0} ms.
        """);

    private static async Task<double> PerOperationAsync(Func<int, Task> operation)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, Operations), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (i, _) => await operation(i));
        return clock.Elapsed.TotalMilliseconds / Operations;
    }
}
