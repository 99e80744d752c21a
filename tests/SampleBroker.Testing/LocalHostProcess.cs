using System.Diagnostics;
using System.Text;

namespace SampleBroker.Testing;

/// <summary>
/// The local host as a real process on the test Azurite, with its own task hub and tables, so a test
/// can kill it (<c>kill -9</c>) and start it again on the same state.
/// </summary>
public sealed class LocalHostProcess : IAsyncDisposable
{
    public const string StaffKey = "integration-test-staff-key";

    private readonly Dictionary<string, string> environment;
    private readonly StringBuilder output = new();
    private Process? process;

    private LocalHostProcess(Dictionary<string, string> environment, int port)
    {
        this.environment = environment;
        BaseAddress = new Uri($"http://localhost:{port}");
    }

    public Uri BaseAddress { get; }

    /// <summary>The settings the host runs with, e.g. its queue name.</summary>
    public IReadOnlyDictionary<string, string> Settings => environment;

    /// <summary>The process id, e.g. to read its peak memory from /proc.</summary>
    public int ProcessId => process?.Id ?? 0;

    /// <summary>What the host printed, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (output)
            {
                return output.ToString();
            }
        }
    }

    public static async Task<LocalHostProcess> StartAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var port = FreePort.Next();
        var environment = new Dictionary<string, string>
        {
            ["AzureWebJobsStorage"] = TestStorage.ConnectionString,
            ["LocalHost__Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["LocalHost__TaskHubName"] = TestStorage.UniqueName("hub"),
            ["SampleBroker__StoragePrefix"] = TestStorage.UniqueName("t"),
            ["SampleBroker__RequestQueueName"] = TestStorage.UniqueName("q"),
            ["SampleBroker__PublicBaseUrl"] = $"http://localhost:{port}",
            ["SampleBroker__BootstrapStaffKey"] = StaffKey,
            ["SampleBroker__SeedDemoData"] = "false",
            ["SampleBroker__AllowInsecureBiobankEndpoints"] = "true",
            ["SampleBroker__AllowInsecureCallbackUrls"] = "true",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__SampleBroker"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var host = new LocalHostProcess(environment, port);
        await host.LaunchAsync();
        return host;
    }

    /// <summary>Kills the process at once, as <c>kill -9</c> does: nothing is flushed or stopped cleanly.</summary>
    public async Task KillAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the host again on the same storage, task hub and port.</summary>
    public Task RestartAsync() => LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process?.Dispose();
    }

    private async Task LaunchAsync()
    {
        process?.Dispose();
        var dll = Repository.ProjectOutput("SampleBroker.LocalHost");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException("Build the solution first; the local host is missing.", dll);
        }

        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("The local host did not start.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"The local host exited with {process.ExitCode}:\n{Output}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The local host was not healthy within {timeout}:\n{Output}");
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }
}
