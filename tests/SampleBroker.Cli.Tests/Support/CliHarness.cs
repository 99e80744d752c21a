using System.CommandLine;
using SampleBroker.Cli.Commands;
using Spectre.Console;

namespace SampleBroker.Cli.Tests.Support;

/// <summary>
/// Runs the real command tree against a <see cref="FakeBroker"/>, with stdout and stderr captured in
/// string writers (stdout shared by the Spectre console and plain writes, so their order is kept),
/// and a poll delay that records what it was asked to wait and returns at once.
/// </summary>
public sealed class CliHarness
{
    public const string ApiKey = "sbk_test_do-not-print-me-0123456789";

    public FakeBroker Broker { get; } = new();

    public Dictionary<string, string?> Variables { get; } = new(StringComparer.Ordinal)
    {
        [CliSettings.ApiKeyVariable] = ApiKey,
        [CliSettings.UrlVariable] = "http://broker.test:7071",
    };

    public Dictionary<string, string> Files { get; } = new(StringComparer.Ordinal);

    public List<TimeSpan> Delays { get; } = [];

    public bool LiveDisplay { get; init; }

    public string StandardInput { get; set; } = "";

    public StringWriter Out { get; private set; } = new();

    public StringWriter Error { get; private set; } = new();

    public async Task<int> RunAsync(params string[] args)
    {
        Out = new StringWriter();
        Error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 160;
        var environment = new CliEnvironment
        {
            Console = console,
            Out = Out,
            Error = Error,
            In = new StringReader(StandardInput),
            GetVariable = name => Variables.GetValueOrDefault(name),
            ReadFile = path => Files.TryGetValue(path, out var text) ? text : throw new FileNotFoundException($"Could not find file '{path}'."),
            HttpHandler = Broker,
            Delay = (delay, _) =>
            {
                Delays.Add(delay);
                return Task.CompletedTask;
            },
            LiveDisplay = LiveDisplay,
        };
        return await CliCommandLine.Create(environment).Parse(args).InvokeAsync(new InvocationConfiguration { Output = Out, Error = Error });
    }
}
