using System.CommandLine;
using SampleBroker.Cli.Rendering;

namespace SampleBroker.Cli.Commands;

/// <summary><c>status</c>: read a request once.</summary>
internal sealed class StatusCommand : Command
{
    private readonly Argument<string> requestId = new("requestId") { Description = "The request id (or its location)." };
    private readonly Option<bool> json = new("--json") { Description = "Print the broker's JSON exactly as received." };

    public StatusCommand(CliEnvironment environment)
        : base("status", "Show a request: summary, every biobank's answer and the allocation.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        Add(requestId);
        Add(json);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            environment,
            async client =>
            {
                var snapshot = await client.GetRequestAsync(parse.GetRequiredValue(requestId), cancellationToken);
                if (parse.GetValue(json))
                {
                    await environment.Out.WriteLineAsync(snapshot.Json);
                }
                else
                {
                    environment.Console.Write(RequestRenderer.Full(snapshot.Request));
                }

                return ExitCodes.Success;
            },
            cancellationToken));
    }
}
