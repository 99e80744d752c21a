using Spectre.Console;

namespace SampleBroker.Cli;

/// <summary>
/// Everything a command touches outside itself: the consoles, the environment variables, the file
/// system, the HTTP stack and the clock of the watch loop. Program builds the real one; tests build
/// one over string writers and a fake HTTP handler.
/// </summary>
internal sealed class CliEnvironment
{
    /// <summary>Tables and the live display go here.</summary>
    public required IAnsiConsole Console { get; init; }

    /// <summary>Plain output (ids, raw JSON, watch log lines) goes here unwrapped, the same stream as <see cref="Console"/>.</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Error messages.</summary>
    public required TextWriter Error { get; init; }

    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>True when stdout is a terminal: <c>watch</c> then redraws a live display instead of printing lines.</summary>
    public bool LiveDisplay { get; init; }

    public TextReader In { get; init; } = TextReader.Null;

    public Func<string, string> ReadFile { get; init; } = File.ReadAllText;

    /// <summary>The HTTP stack; null means the default one.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    /// <summary>The watch loop's wait between polls.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    public TimeSpan PollInterval { get; init; } = Api.ApiClient.DefaultPollInterval;

    /// <summary>Width of tables when stdout is a pipe or file and <c>COLUMNS</c> does not say: wide enough that ids and prices do not wrap.</summary>
    public const int RedirectedWidth = 160;

    public static CliEnvironment FromProcess()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Out) });
        if (System.Console.IsOutputRedirected)
        {
            // Spectre falls back to 80 columns without a terminal, which wraps every id in a table.
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0
                ? columns
                : RedirectedWidth;
        }

        return new CliEnvironment
        {
            Console = console,
            Out = System.Console.Out,
            Error = System.Console.Error,
            In = System.Console.In,
            GetVariable = Environment.GetEnvironmentVariable,
            LiveDisplay = !System.Console.IsOutputRedirected && console.Profile.Capabilities.Ansi,
        };
    }
}
