using System.CommandLine;
using SampleBroker.Cli.Api;
using SampleBroker.Cli.Rendering;
using Spectre.Console;

namespace SampleBroker.Cli.Commands;

/// <summary><c>watch</c>: follow a request until it leaves Brokering, live on a terminal and as log lines elsewhere.</summary>
internal sealed class WatchCommand : Command
{
    private readonly Argument<string> requestId = new("requestId") { Description = "The request id (or the location that submit printed)." };
    private readonly Option<bool> plain = CreatePlainOption();

    public WatchCommand(CliEnvironment environment)
        : base("watch", "Follow a request live until every biobank has answered or the deadline passes.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        Add(requestId);
        Add(plain);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            environment,
            client => WatchAsync(client, environment, parse.GetRequiredValue(requestId), parse.GetValue(plain), cancellationToken),
            cancellationToken));
    }

    /// <summary><c>--plain</c>, shared with <c>submit --watch</c>.</summary>
    public static Option<bool> CreatePlainOption() => new("--plain")
    {
        Description = "Print a line per change instead of a live display (the default when stdout is not a terminal).",
    };

    /// <summary>Watches until the request is final; exits 0 for Completed and non-zero for Failed or Cancelled.</summary>
    public static async Task<int> WatchAsync(ApiClient client, CliEnvironment environment, string requestId, bool plain, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(environment);
        var id = ApiClient.NormalizeRequestId(requestId);
        SampleRequestView? last = null;
        var snapshots = client.WatchAsync(id, environment.PollInterval, cancellationToken);

        if (environment.LiveDisplay && !plain)
        {
            await environment.Console.Live(RequestRenderer.Waiting(id))
                .AutoClear(false)
                .Overflow(VerticalOverflow.Ellipsis)
                .StartAsync(async context =>
                {
                    await foreach (var snapshot in snapshots)
                    {
                        last = snapshot;
                        context.UpdateTarget(RequestRenderer.LiveView(snapshot));
                        context.Refresh();
                    }
                });
        }
        else
        {
            await foreach (var snapshot in snapshots)
            {
                foreach (var line in WatchLog.Changes(last, snapshot))
                {
                    await environment.Out.WriteLineAsync(line);
                }

                last = snapshot;
            }
        }

        if (last is null)
        {
            return ExitCodes.Error;
        }

        environment.Console.Write(RequestRenderer.Final(last));
        return ExitCodes.ForFinalStatus(last.Status);
    }
}
