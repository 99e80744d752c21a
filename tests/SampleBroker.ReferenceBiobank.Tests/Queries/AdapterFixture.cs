using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Tests.Support;

namespace SampleBroker.ReferenceBiobank.Tests.Queries;

/// <summary>One adapter per test class, serving a biobank in each mode the tests need.</summary>
public sealed class AdapterFixture : IAsyncLifetime
{
    public const string SyncBiobank = "bb-test-sync";
    public const string OtherBiobank = "bb-test-other";
    public const string SlowBiobank = "bb-test-slow";
    public const string AsyncBiobank = "bb-test-async";
    public const int SlowDelayMs = 300;

    // Only the path is kept (not the TempDirectory) so the fixture owns nothing disposable outside IAsyncLifetime.
    private readonly string _contentRoot = Path.Combine(Path.GetTempPath(), "sb-refbb-" + Guid.NewGuid().ToString("N"));
    private AdapterHost? _host;

    public string SyncSecret { get; } = WebhookSecret.Generate();

    public string OtherSecret { get; } = WebhookSecret.Generate();

    public string AsyncSecret { get; } = WebhookSecret.Generate();

    public AdapterHost Host => _host ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_contentRoot);
        await File.WriteAllTextAsync(Path.Combine(_contentRoot, "inventory.json"), TestData.Inventory);
        _host = await AdapterHost.StartAsync(_contentRoot, new Dictionary<string, string?>
        {
            ["Adapter:Biobanks:0:biobankId"] = SyncBiobank,
            ["Adapter:Biobanks:0:signingSecret"] = SyncSecret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:1:biobankId"] = OtherBiobank,
            ["Adapter:Biobanks:1:signingSecret"] = OtherSecret,
            ["Adapter:Biobanks:1:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:2:biobankId"] = SlowBiobank,
            ["Adapter:Biobanks:2:signingSecret"] = SyncSecret,
            ["Adapter:Biobanks:2:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:2:delayMs"] = SlowDelayMs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Adapter:Biobanks:3:biobankId"] = AsyncBiobank,
            ["Adapter:Biobanks:3:signingSecret"] = AsyncSecret,
            ["Adapter:Biobanks:3:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:3:mode"] = "Async",
            ["Adapter:Callbacks:FirstRetryDelayMs"] = "20",
        });
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(_contentRoot, recursive: true);
    }
}
