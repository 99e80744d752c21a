using SampleBroker.Cli.Api;
using SampleBroker.Protocol;

namespace SampleBroker.Cli.Tests.Support;

/// <summary>Sample requests in the shapes the broker returns, from the demo of the README.</summary>
public static class SampleRequests
{
    public const string Id = "req-0001";
    public static readonly DateTimeOffset Created = new(2026, 11, 27, 10, 15, 0, TimeSpan.Zero);

    public static BiobankRow Pending(string id, string country) =>
        new() { BiobankId = id, Name = id, Country = country, Outcome = BiobankOutcomes.Pending };

    public static BiobankRow Available(string id, string country, int samples, decimal price, int leadTimeDays, long latencyMs) => new()
    {
        BiobankId = id,
        Name = id,
        Country = country,
        Outcome = BiobankOutcomes.Available,
        AvailableSamples = samples,
        PricePerSampleEur = price,
        LeadTimeDays = leadTimeDays,
        Conditions = ["CommercialUse"],
        AnsweredAt = Created.AddSeconds(1),
        LatencyMs = latencyMs,
    };

    public static BiobankRow NoMatch(string id, string country, long latencyMs) => new()
    {
        BiobankId = id, Name = id, Country = country, Outcome = BiobankOutcomes.NoMatch, AvailableSamples = 0, AnsweredAt = Created.AddSeconds(1), LatencyMs = latencyMs,
    };

    /// <summary>The demo request: Torino offers 120, Liège 80, Oslo nothing; 150 wanted.</summary>
    public static SampleRequestView Demo(string status, params BiobankRow[] biobanks)
    {
        var answered = biobanks.Count(b => b.Outcome != BiobankOutcomes.Pending);
        var available = biobanks.Where(b => b.Outcome == BiobankOutcomes.Available).ToList();
        var total = available.Sum(b => b.AvailableSamples ?? 0);
        IReadOnlyList<AllocationLine> allocation = status == RequestStatuses.Brokering
            ? []
            : Allocate(available, 150);
        return new SampleRequestView
        {
            RequestId = Id,
            OrganisationId = "demo-dx",
            Reference = "demo-1",
            Status = status,
            CreatedAt = Created,
            Deadline = Created.AddSeconds(60),
            CompletedAt = status == RequestStatuses.Brokering ? null : Created.AddSeconds(2),
            Criteria = new SampleCriteria { SampleTypes = ["blood-serum"], Diagnoses = ["C50"], Sex = ["Female"], AgeRange = new AgeRange(40, 70) },
            Quantity = 150,
            Progress = new RequestProgress(biobanks.Length, answered, biobanks.Length - answered),
            Biobanks = biobanks,
            Summary = new RequestSummary(150, total, total >= 150, available.Count),
            Allocation = allocation,
        };
    }

    public static SampleRequestView DemoBrokering() => Demo(
        RequestStatuses.Brokering, Pending("bb-demo-liege", "BE"), Pending("bb-demo-oslo", "NO"), Pending("bb-demo-torino", "IT"));

    public static SampleRequestView DemoHalfAnswered() => Demo(
        RequestStatuses.Brokering, Available("bb-demo-liege", "BE", 80, 42.5m, 21, 95), Pending("bb-demo-oslo", "NO"), Available("bb-demo-torino", "IT", 120, 35m, 14, 812));

    public static SampleRequestView DemoCompleted() => Demo(
        RequestStatuses.Completed, Available("bb-demo-liege", "BE", 80, 42.5m, 21, 95), NoMatch("bb-demo-oslo", "NO", 40), Available("bb-demo-torino", "IT", 120, 35m, 14, 812));

    private static List<AllocationLine> Allocate(List<BiobankRow> available, int quantity)
    {
        var remaining = quantity;
        var lines = new List<AllocationLine>();
        foreach (var biobank in available.OrderByDescending(b => b.AvailableSamples))
        {
            var take = Math.Min(biobank.AvailableSamples ?? 0, remaining);
            if (take > 0)
            {
                lines.Add(new AllocationLine(biobank.BiobankId, take));
                remaining -= take;
            }
        }

        return lines;
    }
}
