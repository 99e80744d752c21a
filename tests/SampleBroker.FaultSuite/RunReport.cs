using System.Globalization;
using System.Text;

namespace SampleBroker.FaultSuite;

/// <summary>What a run found, and the markdown table docs/reliability.md keeps.</summary>
public sealed class RunReport(SuiteSettings settings, List<KillRecord> kills, double? azuriteDownSeconds, double secondHostSeconds, double runSeconds)
{
    private static readonly string[] Outcomes = ["Available", "TimedOut", "Failed", "Cancelled", "Pending", "NoMatch", "Declined", "BelowReportingThreshold"];

    private readonly SortedDictionary<Behaviour, Dictionary<string, int>> outcomes = [];

    public int Submitted { get; init; }

    public int SubmittedByQueue { get; init; }

    public int Accepted { get; init; }

    public int Lost { get; set; }

    public int Duplicated { get; set; }

    public int Stuck { get; set; }

    /// <summary>(request, biobank) pairs that were queried, and the deliveries including retries.</summary>
    public int QueryPairs { get; set; }

    public int QueryDeliveries { get; set; }

    public List<string> Problems { get; } = [];

    public IReadOnlyList<RequestFinding> Findings { get; set; } = [];

    public void CountOutcome(Behaviour behaviour, string outcome)
    {
        if (!outcomes.TryGetValue(behaviour, out var counts))
        {
            outcomes[behaviour] = counts = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
    }

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var f = Findings;
        var final = f.Where(x => x.Status != "Brokering").ToList();
        var exactlyOnce = final.Count(x => x.Endings == 1);
        var byStatus = string.Join(", ", final.GroupBy(x => x.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key} {g.Count()}"));
        var started = f.GroupBy(x => x.ExecutionsStarted).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        var brokering = f.GroupBy(x => x.BrokeringExecutions).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}");
        var apiTimes = kills.Where(k => k.ApiBackSeconds is not null).Select(k => k.ApiBackSeconds!.Value).ToList();
        var progressTimes = kills.Where(k => k.ProgressSeconds is not null).Select(k => k.ProgressSeconds!.Value).ToList();
        var sb = new StringBuilder();
        sb.AppendLine(inv, $"Run of {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {(settings.IsShort ? "short" : "full")} suite, {Environment.ProcessorCount} cores, {runSeconds:F0} s.");
        sb.AppendLine();
        sb.AppendLine("| measure | result |");
        sb.AppendLine("|---|---|");
        sb.AppendLine(inv, $"| requests submitted | {Submitted} over {SuiteSettings.BiobankCount} biobanks ({Submitted - SubmittedByQueue} HTTP with an Idempotency-Key, first attempt sent twice at once; {SubmittedByQueue} through the queue); {Submitted / 10} cancelled by the requester |");
        sb.AppendLine(inv, $"| requests accepted | {Accepted} |");
        sb.AppendLine(inv, $"| reached exactly one final state | {exactlyOnce} of {Accepted} ({byStatus}; one ending event on the timeline, the same status on every read) |");
        sb.AppendLine(inv, $"| executions per request | brokering executions {string.Join(", ", brokering)}; ExecutionStarted rows {string.Join(", ", started)} |");
        sb.AppendLine(inv, $"| queries per biobank per request | at most {(f.Count == 0 ? 0 : f.Max(x => x.MaxQueriesPerBiobank))} distinct webhook-id / queryId over {QueryPairs} (request, biobank) pairs; {QueryDeliveries} deliveries with retries |");
        sb.AppendLine(inv, $"| answers counted once | {f.Count(x => x.AnswersCountedOnce)} of {f.Count} requests: every biobank listed once, progress and summary match the rows, every accepted callback shown, no second answer accepted |");
        sb.AppendLine(inv, $"| host A killed (kill -9) | {kills.Count} times; API back after {Stats(apiTimes)} s; first query sent after {Stats(progressTimes)} s |");
        sb.AppendLine(inv, $"| Azurite restarted | {(azuriteDownSeconds is { } d ? $"once, down {d:F1} s" : "no")} |");
        sb.AppendLine(inv, $"| second host B beside A | {secondHostSeconds:F0} s of the run, then killed |");
        sb.AppendLine(inv, $"| **lost / duplicated / stuck** | **{Lost} / {Duplicated} / {Stuck}** |");
        sb.AppendLine();
        sb.AppendLine("Recovery after each kill (seconds from the restart; the process takes most of it to start):");
        sb.AppendLine();
        sb.AppendLine("| kill | at (s) | host B up | down (s) | API answers after (s) | first query sent after (s) |");
        sb.AppendLine("|---|---|---|---|---|---|");
        foreach (var k in kills)
        {
            sb.AppendLine(inv, $"| {k.Number} | {k.AtSeconds:F0} | {(k.SecondHostUp ? "yes" : "no")} | {k.DownSeconds:F1} | {Show(k.ApiBackSeconds)} | {Show(k.ProgressSeconds)} |");
        }

        sb.AppendLine();
        sb.AppendLine("Outcomes by biobank behaviour (biobank rows over all requests):");
        sb.AppendLine();
        var shown = Outcomes.Where(o => outcomes.Values.Any(c => c.ContainsKey(o))).ToList();
        sb.AppendLine("| behaviour | " + string.Join(" | ", shown) + " |");
        sb.AppendLine("|---|" + string.Concat(shown.Select(_ => "---|")));
        foreach (var (behaviour, counts) in outcomes)
        {
            sb.AppendLine("| " + behaviour + " | " + string.Join(" | ", shown.Select(o => counts.GetValueOrDefault(o).ToString(inv))) + " |");
        }

        if (Problems.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Problems ({Problems.Count}):");
            sb.AppendLine();
            foreach (var p in Problems.Take(50))
            {
                sb.AppendLine("- " + p);
            }
        }

        return sb.ToString();
    }

    private static string Stats(List<double> values)
    {
        if (values.Count == 0)
        {
            return "n/a";
        }

        var sorted = values.Order().ToList();
        return string.Create(CultureInfo.InvariantCulture, $"median {sorted[sorted.Count / 2]:F1}, max {sorted[^1]:F1}");
    }

    private static string Show(double? seconds) => seconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>Keeps the latest full run's table in docs/reliability.md, between two markers.</summary>
public static class ReliabilityDoc
{
    public const string Begin = "<!-- fault-suite:begin -->";
    public const string End = "<!-- fault-suite:end -->";

    public static void WriteTable(string path, string markdown)
    {
        var text = File.Exists(path) ? File.ReadAllText(path) : $"# Reliability\n\n{Begin}\n{End}\n";
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start)
        {
            text = text.TrimEnd() + $"\n\n{Begin}\n{End}\n";
            start = text.IndexOf(Begin, StringComparison.Ordinal);
            end = text.IndexOf(End, StringComparison.Ordinal);
        }

        File.WriteAllText(path, text[..(start + Begin.Length)] + "\n" + markdown.TrimEnd() + "\n" + text[end..]);
    }
}
