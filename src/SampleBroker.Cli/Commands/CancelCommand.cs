using System.CommandLine;
using SampleBroker.Cli.Api;

namespace SampleBroker.Cli.Commands;

/// <summary><c>cancel</c>: stop brokering a request; answers received so far are kept.</summary>
internal sealed class CancelCommand : Command
{
    private readonly Argument<string> requestId = new("requestId") { Description = "The request id (or its location)." };

    public CancelCommand(CliEnvironment environment)
        : base("cancel", "Cancel a request that is still brokering (answers received so far are kept).")
    {
        ArgumentNullException.ThrowIfNull(environment);
        Add(requestId);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            environment,
            client => RunAsync(client, environment, ApiClient.NormalizeRequestId(parse.GetRequiredValue(requestId)), cancellationToken),
            cancellationToken));
    }

    private static async Task<int> RunAsync(ApiClient client, CliEnvironment environment, string id, CancellationToken cancellationToken)
    {
        var result = await client.CancelAsync(id, cancellationToken);
        if (result.Outcome == CancelOutcome.Cancelled)
        {
            await environment.Out.WriteLineAsync(
                $"Request {id} cancelled (status {result.Status ?? RequestStatuses.Cancelled}); the answers received so far are kept.");
            return ExitCodes.Success;
        }

        // A 409 means the request already left Brokering; say how it ended, which is what the user wants to know next.
        string? status = null;
        try
        {
            status = (await client.GetRequestAsync(id, cancellationToken)).Request.Status;
        }
        catch (CliException)
        {
            // The explanation below stands without the status.
        }

        var ended = status is null ? "has already finished" : $"has already finished ({status})";
        await environment.Error.WriteLineAsync($"Request {id} {ended}: only a Brokering request can be cancelled.");
        if (result.Problem is { } problem)
        {
            await environment.Error.WriteLineAsync(ApiProblemException.Headline(problem));
        }

        return ExitCodes.Error;
    }
}
