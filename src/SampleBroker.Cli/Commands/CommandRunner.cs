using SampleBroker.Cli.Api;
using SampleBroker.Cli.Rendering;

namespace SampleBroker.Cli.Commands;

/// <summary>
/// What every command does around its own work: read the settings (so a missing key fails before
/// any call), open the client, and turn failures into a message on stderr and an exit code.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(CliEnvironment environment, Func<ApiClient, Task<int>> command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(command);
        try
        {
            var settings = CliSettings.FromEnvironment(environment.GetVariable);
            using var client = new ApiClient(settings, environment.HttpHandler, environment.Delay);
            return await command(client);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await environment.Error.WriteLineAsync("Interrupted.");
            return ExitCodes.Interrupted;
        }
        catch (CliException ex)
        {
            foreach (var line in ErrorRenderer.Lines(ex))
            {
                await environment.Error.WriteLineAsync(line);
            }

            return ExitCodes.Error;
        }
    }
}
