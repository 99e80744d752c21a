namespace SampleBroker.FaultSuite;

/// <summary>The size of a run: the full suite, or the short one CI runs.</summary>
public sealed record SuiteSettings(
    bool IsShort,
    int Requests,
    int Kills,
    bool RestartAzurite,
    TimeSpan SubmitWindow,
    int AnswerWithinSeconds,
    string? ControlDir,
    string? LogDir,
    string? DocPath)
{
    public const int BiobankCount = 20;

    public static SuiteSettings Parse(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var isShort = args.Contains("--short");
        var doc = Array.IndexOf(args, "--write-doc") is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new SuiteSettings(
            isShort,
            Requests: isShort ? 20 : 200,
            Kills: isShort ? 2 : 10,
            RestartAzurite: !isShort,
            SubmitWindow: TimeSpan.FromSeconds(isShort ? 30 : 300),
            AnswerWithinSeconds: 30,
            ControlDir: Environment.GetEnvironmentVariable("SB_FAULTS_CONTROL") is { Length: > 0 } c ? c : null,
            LogDir: Environment.GetEnvironmentVariable("SB_FAULTS_LOGS") is { Length: > 0 } l ? l : null,
            DocPath: doc);
    }
}
