using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;

namespace SampleBroker.Requests;

/// <summary>
/// <c>SampleBroker:RequestsPerMinute</c> per organisation over a sliding minute. The window lives in
/// the host's memory: each Functions instance counts on its own, which bounds bursts per instance.
/// </summary>
public sealed class SubmitRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> limiter;

    public SubmitRateLimiter(IOptions<SampleBrokerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var perMinute = Math.Max(1, options.Value.RequestsPerMinute);
        limiter = PartitionedRateLimiter.Create<string, string>(organisationId =>
            RateLimitPartition.GetSlidingWindowLimiter(organisationId, _ => new SlidingWindowRateLimiterOptions
            {
                PermitLimit = perMinute,
                Window = TimeSpan.FromMinutes(1),
                SegmentsPerWindow = 12,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    /// <summary>Null when the organisation may submit now, else how long to wait.</summary>
    public TimeSpan? TryAcquire(string organisationId)
    {
        using var lease = limiter.AttemptAcquire(organisationId);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(5);
    }

    public void Dispose() => limiter.Dispose();
}
