using System.Collections.Concurrent;
using SampleBroker.Testing;

namespace SampleBroker.FaultSuite;

/// <summary>
/// The hosts of one run as clients see them: host A (killed and restarted), host B (beside it for a while),
/// which of them is up, and when each last made progress (a query sent by it reached a biobank).
/// </summary>
public sealed class Cluster : IDisposable
{
    private readonly ConcurrentDictionary<int, ConcurrentQueue<DateTime>> progress = new();
    private volatile bool aUp;
    private volatile bool bUp;

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    public LocalHostProcess A { get; set; } = null!;

    public LocalHostProcess? B { get; set; }

    public bool AUp { get => aUp; set => aUp = value; }

    public bool BUp { get => bUp; set => bUp = value; }

    /// <summary>A live host to call, chosen at random when both are up, as a load balancer would; A when none is.</summary>
    public Uri AnyLiveBase()
    {
        var b = B;
        if (b is not null && bUp && (!aUp || Random.Shared.Next(2) == 0))
        {
            return b.BaseAddress;
        }

        return A.BaseAddress;
    }

    /// <summary>Notes that the host whose public address is in <paramref name="callbackUrl"/> sent a query now.</summary>
    public void NoteQuery(string callbackUrl) =>
        progress.GetOrAdd(new Uri(callbackUrl).Port, _ => new ConcurrentQueue<DateTime>()).Enqueue(DateTime.UtcNow);

    /// <summary>The first time after <paramref name="since"/> a query sent by the host on <paramref name="port"/> arrived.</summary>
    public DateTime? FirstProgressAfter(int port, DateTime since) =>
        progress.TryGetValue(port, out var times) ? times.Where(t => t >= since).Order().Cast<DateTime?>().FirstOrDefault() : null;

    public void Dispose() => Http.Dispose();
}
