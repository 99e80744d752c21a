using System.Globalization;
using SampleBroker.Cli.Api;

namespace SampleBroker.Cli.Rendering;

/// <summary>
/// The plain-text form of <c>watch</c> for a stdout that is not a terminal (a pipe, a file, CI): one
/// line per change between two snapshots instead of a redrawn display, so the output reads as a log.
/// </summary>
internal static class WatchLog
{
    public static IReadOnlyList<string> Changes(SampleRequestView? previous, SampleRequestView current)
    {
        ArgumentNullException.ThrowIfNull(current);
        var lines = new List<string>();
        if (previous is null)
        {
            var reference = string.IsNullOrEmpty(current.Reference) ? "" : $" ({current.Reference})";
            lines.Add($"Request {current.RequestId}{reference}: {current.Status}, deadline {Format.Time(current.Deadline)}");
        }

        var before = previous?.Biobanks.ToDictionary(b => b.BiobankId, StringComparer.Ordinal) ?? [];
        foreach (var biobank in current.Biobanks)
        {
            var old = before.GetValueOrDefault(biobank.BiobankId);
            if (biobank.Outcome != BiobankOutcomes.Pending && (old is null || old.Outcome != biobank.Outcome))
            {
                lines.Add(Describe(biobank));
            }
        }

        if (previous is null || previous.Progress != current.Progress)
        {
            lines.Add(Progress(current.Progress));
        }

        if (previous is not null && previous.Status != current.Status)
        {
            lines.Add($"Request {current.RequestId}: {current.Status}");
        }

        return lines;
    }

    /// <summary><c>bb-torino (IT): Available, 120 samples, 35.00 EUR/sample, lead time 14 days, 812 ms</c>.</summary>
    public static string Describe(BiobankRow biobank)
    {
        ArgumentNullException.ThrowIfNull(biobank);
        var parts = new List<string> { Format.Outcome(biobank) };
        if (biobank.AvailableSamples is { } available)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{Format.Count(available)} samples"));
        }

        if (biobank.PricePerSampleEur is not null)
        {
            parts.Add(Format.Price(biobank.PricePerSampleEur) + "/sample");
        }

        if (biobank.LeadTimeDays is not null)
        {
            parts.Add("lead time " + Format.LeadTime(biobank.LeadTimeDays));
        }

        if (biobank.LatencyMs is not null)
        {
            parts.Add(Format.Latency(biobank.LatencyMs));
        }

        var country = string.IsNullOrEmpty(biobank.Country) ? "" : $" ({biobank.Country})";
        return $"  {biobank.BiobankId}{country}: {string.Join(", ", parts)}";
    }

    private static string Progress(RequestProgress progress) => progress.BiobanksContacted == 0
        ? "no biobank contacted yet"
        : string.Create(CultureInfo.InvariantCulture, $"{progress.BiobanksAnswered}/{progress.BiobanksContacted} biobanks answered");
}
