using System.CommandLine;

namespace SampleBroker.Cli.Commands;

/// <summary>The <c>samplebroker</c> command tree.</summary>
internal static class CliCommandLine
{
    public static RootCommand Create(CliEnvironment environment) => new(
        $"""
        Command-line client of the SampleBroker API: ask every connected biobank for samples at once.
        Configure with {CliSettings.UrlVariable} (default {CliSettings.DefaultUrl}) and {CliSettings.ApiKeyVariable} (required).
        """)
    {
        new SubmitCommand(environment),
        new WatchCommand(environment),
        new StatusCommand(environment),
        new ListCommand(environment),
        new CancelCommand(environment),
    };
}
