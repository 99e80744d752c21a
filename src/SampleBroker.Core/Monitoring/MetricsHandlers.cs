using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SampleBroker.Access;
using SampleBroker.Biobanks;
using SampleBroker.Http;
using SampleBroker.Requests;

namespace SampleBroker.Monitoring;

/// <summary>One biobank in the metrics: its id and the same health its registry entry shows.</summary>
public sealed record BiobankMetric(string BiobankId, BiobankHealth Health);

/// <summary>
/// <c>GET /v1/admin/metrics</c>. <c>AnswerRate</c> is answered / queried over every biobank's tally (null
/// before any query); <c>P50AnswerSeconds</c> the nearest-rank median of the time from query sent to valid
/// answer over the alliance's newest 1,000 answers (null before any answer).
/// </summary>
public sealed record Metrics(RequestCounts Requests, IReadOnlyList<BiobankMetric> Biobanks, double? AnswerRate, double? P50AnswerSeconds);

/// <summary>The staff console's key figures (contract section 7), read from the same tallies the biobank list shows.</summary>
public sealed class MetricsHandlers(
    ApiKeyAuthenticator auth,
    SampleRequestStore requests,
    BiobankStore biobanks,
    BiobankHealthStore health,
    BiobankClient client,
    TimeProvider time,
    ILogger<MetricsHandlers> logger)
{
    /// <summary>How many of the newest answers the median is taken over.</summary>
    public const int MedianWindow = 1000;

    public Task<IResult> GetAsync(HttpRequest request) => StaffRoute.RunAsync(auth, logger, request, async (_, ct) =>
    {
        var countsTask = requests.CountAllAsync(time.GetUtcNow() - AdminRequestHandlers.OverdueAfter, ct);
        var registryTask = biobanks.ListAsync(ct);
        var talliesTask = health.GetAllAsync(ct);
        await Task.WhenAll(countsTask, registryTask, talliesTask).ConfigureAwait(false);
        var tallies = await talliesTask.ConfigureAwait(false);
        var registry = await registryTask.ConfigureAwait(false);
        var circuits = (await Task.WhenAll(registry.Select(async b => (b.BiobankId, State: await client.CircuitStateOfAsync(b.BiobankId, ct).ConfigureAwait(false)))).ConfigureAwait(false))
            .ToDictionary(c => c.BiobankId, c => c.State, StringComparer.Ordinal);
        return TypedResults.Ok(Compute(await countsTask.ConfigureAwait(false), registry, tallies, id => circuits[id]));
    });

    /// <summary>The metrics from the counts, the registry and every biobank's tally (also those since removed from the registry).</summary>
    public static Metrics Compute(RequestCounts counts, IReadOnlyList<BiobankRecord> registry, IReadOnlyDictionary<string, HealthTally> tallies, Func<string, string> circuitOf)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(tallies);
        ArgumentNullException.ThrowIfNull(circuitOf);
        var queried = tallies.Values.Sum(t => t.Queries);
        var answered = tallies.Values.Sum(t => t.Answered);
        var newest = tallies.Values
            .SelectMany(t => t.RecentAnswers)
            .OrderByDescending(a => a.At)
            .Take(MedianWindow)
            .Select(a => a.LatencyMs)
            .ToList();
        return new Metrics(
            counts,
            registry
                .OrderBy(b => b.BiobankId, StringComparer.Ordinal)
                .Select(b => new BiobankMetric(b.BiobankId, (tallies.TryGetValue(b.BiobankId, out var t) ? t : HealthTally.Empty).ToHealth(circuitOf(b.BiobankId)) with { Problem = b.Problem }))
                .ToList(),
            queried == 0 ? null : (double)answered / queried,
            HealthTally.Percentile(newest, 50) is { } ms ? ms / 1000.0 : null);
    }
}
