using System.Globalization;
using SampleBroker.Cli.Api;
using SampleBroker.Protocol;
using Spectre.Console;

namespace SampleBroker.Cli.Rendering;

/// <summary>How values read, the same in tables and in plain lines; invariant culture throughout.</summary>
internal static class Format
{
    public const string None = "-";

    public static string Time(DateTimeOffset? value) =>
        value is { } time ? time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : None;

    public static string Count(int? value) => value?.ToString("N0", CultureInfo.InvariantCulture) ?? None;

    public static string Price(decimal? value) =>
        value is { } price ? price.ToString("0.00", CultureInfo.InvariantCulture) + " EUR" : None;

    public static string LeadTime(int? days) => days switch
    {
        null => None,
        1 => "1 day",
        { } d => d.ToString(CultureInfo.InvariantCulture) + " days",
    };

    public static string Latency(long? milliseconds) => milliseconds switch
    {
        null => None,
        < 1000 => milliseconds.Value.ToString(CultureInfo.InvariantCulture) + " ms",
        { } ms => (ms / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s",
    };

    public static string Money(decimal value) => value.ToString("N2", CultureInfo.InvariantCulture) + " EUR";

    /// <summary>The outcome as a person reads it; a failure carries its short reason.</summary>
    public static string Outcome(BiobankRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var label = row.Outcome switch
        {
            BiobankOutcomes.Pending => "Pending",
            BiobankOutcomes.NoMatch => "No match",
            BiobankOutcomes.BelowReportingThreshold => "Below reporting threshold",
            BiobankOutcomes.TimedOut => "Timed out",
            var other => other,
        };
        return string.IsNullOrWhiteSpace(row.Error) ? label : $"{label}: {row.Error}";
    }

    public static Style OutcomeStyle(string outcome) => outcome switch
    {
        BiobankOutcomes.Available => new Style(Color.Green),
        BiobankOutcomes.Pending => new Style(Color.Yellow),
        BiobankOutcomes.NoMatch or BiobankOutcomes.BelowReportingThreshold or BiobankOutcomes.Declined or BiobankOutcomes.Cancelled => new Style(Color.Grey),
        _ => new Style(Color.Red),
    };

    public static Style StatusStyle(string status) => status switch
    {
        RequestStatuses.Brokering => new Style(Color.Yellow),
        RequestStatuses.Completed => new Style(Color.Green),
        RequestStatuses.Cancelled => new Style(Color.Grey),
        _ => new Style(Color.Red),
    };

    /// <summary>The criteria on one line: <c>blood-serum; C50; Female; 40-70 years; ...</c>.</summary>
    public static string Criteria(SampleCriteria? criteria)
    {
        if (criteria is null)
        {
            return None;
        }

        var parts = new List<string>();
        Add(parts, criteria.SampleTypes);
        Add(parts, criteria.Diagnoses);
        Add(parts, criteria.Sex);
        if (criteria.AgeRange is { } age)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{age.Min}-{age.Max} years"));
        }

        Add(parts, criteria.StorageTemperatures);
        Add(parts, criteria.UseConditions);
        if (criteria.MinVolumeMicroliters is { } volume)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $">= {volume} µl"));
        }

        return parts.Count == 0 ? None : string.Join("; ", parts);
    }

    private static void Add(List<string> parts, IReadOnlyList<string>? values)
    {
        if (values is { Count: > 0 })
        {
            parts.Add(string.Join(", ", values));
        }
    }
}
