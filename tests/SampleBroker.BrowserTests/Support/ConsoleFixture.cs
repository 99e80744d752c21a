using DurableTask.AzureStorage;
using Microsoft.Playwright;
using SampleBroker.Testing;

namespace SampleBroker.BrowserTests.Support;

/// <summary>
/// One local host on the test Azurite (the reconciler every second, so a broken orchestration is noticed
/// at once) and one headless Debian Chromium, shared by the console's tests.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    /// <summary>Where the browser comes from: Debian's package, never Playwright's download.</summary>
    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("SAMPLEBROKER_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private IPlaywright? playwright;

    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Screenshots kept as artefacts of the run: screenshots/ beside the test assembly.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    public Uri Dashboard => new(Host.BaseAddress, "/api/dashboard");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"No Chromium at {ChromiumPath}. Install Debian's: apt-get install -y chromium (infra/local/test.sh does it when apt is available), or set SAMPLEBROKER_CHROMIUM.");
        }

        Directory.CreateDirectory(ScreenshotFolder);
        Host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__ReconcileIntervalSeconds"] = "1" });
        Api = new BrokerApi(Host.BaseAddress);
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true });
        Assertions.SetDefaultExpectTimeout(20_000);
    }

    /// <summary>A new browser tab with nothing in its sessionStorage, failing the test on any console error (a CSP violation is one).</summary>
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1360, Height = 900 }, Locale = "en-GB", TimezoneId = "UTC" });
        var page = await context.NewPageAsync();
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            // A refused key or an expected 404 shows as a failed resource load; everything else is a fault of the page.
            if (message.Type == "error" && !message.Text.StartsWith("Failed to load resource", StringComparison.Ordinal))
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return (context, page, errors);
    }

    /// <summary>
    /// Ends an orchestration at the engine level, behind the broker's back, as a crashed or corrupted instance
    /// would end: the broker's own terminate is not used, so the request stays Brokering until the reconciler sees it.
    /// </summary>
    public async Task BreakOrchestrationAsync(string instanceId)
    {
        var service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = Host.Settings["LocalHost__TaskHubName"],
            StorageAccountClientProvider = new StorageAccountClientProvider(TestStorage.ConnectionString),
            PartitionCount = 1,
            UseAppLease = false,
        });
        await service.ForceTerminateTaskOrchestrationAsync(instanceId, "broken by the browser test");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        Api?.Dispose();
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }
    }
}
