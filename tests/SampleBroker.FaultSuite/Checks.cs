using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using SampleBroker.Testing;

namespace SampleBroker.FaultSuite;

/// <summary>What the checks found about one accepted request.</summary>
public sealed record RequestFinding(
    string RequestId,
    bool ViaQueue,
    string Status,
    int Endings,
    int ExecutionsStarted,
    int BrokeringExecutions,
    int MaxQueriesPerBiobank,
    bool AnswersCountedOnce,
    IReadOnlyList<string> Problems);

/// <summary>
/// Reads every request as staff see it (status, biobanks, progress, timeline), the task hub's history
/// and what the biobanks received, and judges the run: lost, duplicated, stuck.
/// </summary>
public sealed class Checks(SuiteSettings settings, Cluster cluster, IReadOnlyList<FaultBiobank> biobanks, string apiKey)
{
    private static readonly string[] EndingEvents = ["completed", "failed", "cancelled", "terminated"];

    public async Task<RunReport> RunAsync(
        List<Submission> submissions, Dictionary<string, JsonElement> finals, List<KillRecord> kills, double? azuriteDownSeconds, double secondHostSeconds, double runSeconds)
    {
        var history = new TableClient(TestStorage.ConnectionString, cluster.A.Settings["LocalHost__TaskHubName"] + "History");
        var queries = biobanks.ToDictionary(b => b.Id, b => b.QueriesByRequest(), StringComparer.Ordinal);
        var findings = new List<RequestFinding>();
        var report = new RunReport(settings, kills, azuriteDownSeconds, secondHostSeconds, runSeconds)
        {
            Submitted = submissions.Count,
            SubmittedByQueue = submissions.Count(s => s.ViaQueue),
            Accepted = submissions.Count(s => s.RequestId is not null),
        };

        // Never accepted within five minutes: lost.
        foreach (var s in submissions.Where(s => s.RequestId is null))
        {
            report.Problems.Add($"{s.Reference} ({(s.ViaQueue ? "queue" : "HTTP")}) was never accepted after {s.Attempts} attempt(s)");
            report.Lost++;
        }

        using var staff = new BrokerApi(cluster.A.BaseAddress);
        foreach (var s in submissions.Where(s => s.RequestId is not null))
        {
            var id = s.RequestId!;
            var problems = new List<string>();
            var duplicated = false;
            if (!s.OtherIds.IsEmpty)
            {
                problems.Add($"one HTTP submission answered with {s.OtherIds.Count + 1} request ids");
                duplicated = true;
            }

            if (s.ViaQueue && await ListedAsync(s.Reference) is { Count: > 1 } listed)
            {
                problems.Add($"one queued message brokered as {listed.Count} requests");
                duplicated = true;
            }

            using var response = await staff.SendAsync(HttpMethod.Get, $"/api/v1/admin/sample-requests/{id}", LocalHostProcess.StaffKey, null);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                report.Problems.Add($"{id}: accepted but the staff detail answered {(int)response.StatusCode}");
                report.Lost++;
                continue;
            }

            var detail = await response.Content.ReadFromJsonAsync<JsonElement>();
            var status = detail.GetProperty("status").GetString()!;
            var endings = detail.GetProperty("timeline").EnumerateArray().Count(e => EndingEvents.Contains(e.GetProperty("event").GetString()));
            if (status == "Brokering")
            {
                problems.Add("still Brokering well past its deadline");
                report.Stuck++;
            }
            else
            {
                if (endings != 1)
                {
                    problems.Add($"{endings} ending events on its timeline");
                    duplicated |= endings > 1;
                }

                if (finals.TryGetValue(id, out var seen) && seen.GetProperty("status").GetString() != status)
                {
                    problems.Add($"was {seen.GetProperty("status").GetString()}, later {status}");
                    duplicated = true;
                }
            }

            var (started, brokering) = await ExecutionsAsync(history, id);
            if (brokering > 1)
            {
                problems.Add($"{brokering} executions brokered it");
                duplicated = true;
            }

            var maxQueries = 0;
            foreach (var biobank in biobanks)
            {
                if (queries[biobank.Id].TryGetValue(id, out var q))
                {
                    maxQueries = Math.Max(maxQueries, Math.Max(q.WebhookIds.Count, q.QueryIds.Count));
                    report.QueryDeliveries += q.Deliveries;
                    report.QueryPairs++;
                }
            }

            if (maxQueries > 1)
            {
                problems.Add($"a biobank got {maxQueries} different queries for it");
                duplicated = true;
            }

            var (countedOnce, lostAnswers, doubleAnswers) = CheckAnswers(id, detail, status, problems);
            report.Lost += lostAnswers;
            duplicated |= doubleAnswers;
            if (duplicated)
            {
                report.Duplicated++;
            }

            foreach (var offer in detail.GetProperty("biobanks").EnumerateArray())
            {
                var behaviour = biobanks.First(b => b.Id == offer.GetProperty("biobankId").GetString()).Behaviour;
                report.CountOutcome(behaviour, offer.GetProperty("outcome").GetString()!);
            }

            findings.Add(new RequestFinding(id, s.ViaQueue, status, endings, started, brokering, maxQueries, countedOnce, problems));
            report.Problems.AddRange(problems.Select(p => $"{id} ({s.Reference}): {p}"));
        }

        report.Findings = findings;
        return report;
    }

    /// <summary>
    /// Each biobank listed once; progress consistent with the outcomes; the summary the sum of the
    /// offers; every callback the broker accepted (200) shown as that biobank's answer; no second,
    /// different answer accepted. Returns (all fine, answers lost, an answer counted twice).
    /// </summary>
    private (bool CountedOnce, int Lost, bool Doubled) CheckAnswers(string id, JsonElement detail, string status, List<string> problems)
    {
        var before = problems.Count;
        var lost = 0;
        var doubled = false;
        var offers = detail.GetProperty("biobanks").EnumerateArray().ToList();
        var progress = detail.GetProperty("progress");
        var ids = offers.Select(o => o.GetProperty("biobankId").GetString()!).ToList();
        if (ids.Count != SuiteSettings.BiobankCount || ids.Distinct().Count() != ids.Count)
        {
            problems.Add($"{ids.Count} biobank rows for {ids.Distinct().Count()} biobanks ({SuiteSettings.BiobankCount} contacted)");
            doubled |= ids.Count > ids.Distinct().Count();
        }

        var pending = offers.Count(o => o.GetProperty("outcome").GetString() == "Pending");
        if (progress.GetProperty("biobanksContacted").GetInt32() != offers.Count
            || progress.GetProperty("biobanksPending").GetInt32() != pending
            || progress.GetProperty("biobanksAnswered").GetInt32() != offers.Count - pending
            || (status != "Brokering" && pending != 0))
        {
            problems.Add($"progress {progress} does not match its {offers.Count} biobank rows ({pending} pending)");
        }

        var available = offers.Where(o => o.GetProperty("outcome").GetString() == "Available").ToList();
        var sum = available.Sum(o => o.GetProperty("availableSamples").GetInt32());
        var summary = detail.GetProperty("summary");
        if (summary.GetProperty("totalAvailable").GetInt32() != sum || summary.GetProperty("biobanksWithSamples").GetInt32() != available.Count)
        {
            problems.Add($"summary {summary} is not the sum of its {available.Count} offers ({sum})");
        }

        foreach (var biobank in biobanks)
        {
            var offer = offers.FirstOrDefault(o => o.GetProperty("biobankId").GetString() == biobank.Id);
            if (offer.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var outcome = offer.GetProperty("outcome").GetString();
            if (outcome == "Available" && (!biobank.Answers || offer.GetProperty("availableSamples").GetInt32() != biobank.AvailableSamples))
            {
                problems.Add($"{biobank.Id} ({biobank.Behaviour}) shows {offer.GetProperty("availableSamples")} available; it never answered that");
            }

            var conditions = offer.TryGetProperty("conditions", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().Select(x => x.GetString()).ToList() : [];
            if (conditions.Contains("SecondAnswer"))
            {
                problems.Add($"{biobank.Id}: a second, different answer replaced the first");
                doubled = true;
            }

            var callbacks = biobank.Callbacks.Where(cb => cb.RequestId == id).ToList();
            if (callbacks.Any(cb => cb.Original && cb.Status == HttpStatusCode.OK) && outcome != "Available")
            {
                problems.Add($"{biobank.Id}: its callback was accepted (200) but it shows {outcome}");
                lost++;
            }

            if (callbacks.Any(cb => !cb.Original && cb.Status == HttpStatusCode.OK))
            {
                problems.Add($"{biobank.Id}: a second, different answer was accepted (200)");
                doubled = true;
            }

            if (callbacks.Any(cb => cb.Status is null))
            {
                problems.Add($"{biobank.Id}: a callback got no decision from any host within 90 s");
            }
        }

        return (problems.Count == before, lost, doubled);
    }

    /// <summary>
    /// The executions of the request's orchestrations in the task hub's history (instance ids: the request
    /// id, then <c>{id}-g{n}</c>): how many started, and how many of them queried a biobank.
    /// </summary>
    private static async Task<(int Started, int Brokering)> ExecutionsAsync(TableClient history, string requestId)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        var brokering = new HashSet<string>(StringComparer.Ordinal);
        var filter = TableClient.CreateQueryFilter($"PartitionKey ge {requestId} and PartitionKey lt {requestId + "."}");
        await foreach (var row in history.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "EventType", "ExecutionId", "Name"]))
        {
            var execution = row.PartitionKey + "/" + row.GetString("ExecutionId");
            switch (row.GetString("EventType"))
            {
                case "ExecutionStarted":
                    started.Add(execution);
                    break;
                case "TaskScheduled" when row.GetString("Name") == "QueryBiobank":
                    brokering.Add(execution);
                    break;
            }
        }

        return (started.Count, brokering.Count);
    }

    private async Task<List<string>?> ListedAsync(string reference)
    {
        using var api = new BrokerApi(cluster.A.BaseAddress);
        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests?reference=" + Uri.EscapeDataString(reference), apiKey, null);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return null;
        }

        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!).ToList();
    }
}
