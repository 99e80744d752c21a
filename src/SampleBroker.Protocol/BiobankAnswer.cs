namespace SampleBroker.Protocol;

/// <summary>A biobank's answer to a query, synchronous or by callback (contract section 5, "BiobankAnswer").</summary>
public sealed record BiobankAnswer
{
    public int? AvailableSamples { get; init; }

    public decimal? PricePerSampleEur { get; init; }

    public int? LeadTimeDays { get; init; }

    public IReadOnlyList<string>? Conditions { get; init; }

    public string? ValidUntil { get; init; }

    public bool Declined { get; init; }

    public string? DeclineReason { get; init; }
}
