using SampleBroker.FaultSuite;

// The fault suite (docs/reliability.md): run by infra/local/faults.sh, which starts Azurite, sets
// SAMPLEBROKER_TEST_STORAGE and restarts Azurite when this program asks (SB_FAULTS_CONTROL).
// Usage: SampleBroker.FaultSuite [--short] [--write-doc <path>]
var settings = SuiteSettings.Parse(args);
using var run = new FaultRun(settings);
var report = await run.RunAsync();
var markdown = report.ToMarkdown();
Console.WriteLine();
Console.WriteLine(markdown);
if (settings.DocPath is { } doc)
{
    ReliabilityDoc.WriteTable(doc, markdown);
    Console.WriteLine($"Written to {doc}");
}

Console.WriteLine($"lost {report.Lost}, duplicated {report.Duplicated}, stuck {report.Stuck}");
return report.Lost + report.Duplicated + report.Stuck == 0 ? 0 : 1;
