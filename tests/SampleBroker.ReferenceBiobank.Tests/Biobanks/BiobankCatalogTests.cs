using Microsoft.Extensions.Configuration;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Biobanks;
using SampleBroker.ReferenceBiobank.Tests.Support;

namespace SampleBroker.ReferenceBiobank.Tests.Biobanks;

public sealed class BiobankCatalogTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly string _secret = WebhookSecret.Generate();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Loads_biobanks_from_configuration_with_inventory_paths_relative_to_the_content_root()
    {
        _directory.Write("stock/inventory.json", TestData.Inventory);

        BiobankCatalog catalog = Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-one",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "stock/inventory.json",
            ["Adapter:Biobanks:0:mode"] = "Async",
            ["Adapter:Biobanks:0:delayMs"] = "250",
        });

        Assert.True(catalog.TryGet("bb-one", out ServedBiobank? biobank));
        Assert.Equal(AnswerMode.Async, biobank.Mode);
        Assert.Equal(TimeSpan.FromMilliseconds(250), biobank.Delay);
        Assert.Equal([_secret], biobank.SigningSecrets);
        Assert.Equal(3, biobank.Inventory.Samples!.Count);
        Assert.Equal(35.0m, biobank.Inventory.PricePerSampleEur);
    }

    [Fact]
    public void Mode_defaults_to_sync_and_is_read_case_insensitively()
    {
        _directory.Write("inventory.json", TestData.Inventory);

        BiobankCatalog catalog = Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-default",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:1:biobankId"] = "bb-lower",
            ["Adapter:Biobanks:1:signingSecret"] = _secret,
            ["Adapter:Biobanks:1:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:1:mode"] = "async",
        });

        Assert.True(catalog.TryGet("bb-default", out ServedBiobank? byDefault));
        Assert.Equal(AnswerMode.Sync, byDefault.Mode);
        Assert.True(catalog.TryGet("bb-lower", out ServedBiobank? lower));
        Assert.Equal(AnswerMode.Async, lower.Mode);
    }

    [Fact]
    public void Loads_a_biobanks_file_resolving_inventory_paths_against_its_directory_and_ignoring_other_properties()
    {
        _directory.Write("demo/inventories/a.json", TestData.Inventory);
        string file = _directory.Write("demo/biobanks.json", $$"""
            {
              "organisation": {"organisationId": "demo-dx"},
              "biobanks": [
                {"biobankId": "bb-file", "name": "From file", "country": "IT", "sampleTypes": null,
                 "signingSecret": "{{_secret}}", "inventoryPath": "inventories/a.json", "mode": "Sync", "delayMs": 0}
              ]
            }
            """);

        // The content root is deliberately elsewhere: the file's own directory must win.
        BiobankCatalog catalog = BiobankCatalog.Load(Section(new() { ["Adapter:BiobanksFile"] = file }), Path.GetTempPath());

        Assert.True(catalog.TryGet("bb-file", out ServedBiobank? biobank));
        Assert.Equal(AnswerMode.Sync, biobank.Mode);
        Assert.Equal(3, biobank.Inventory.Samples!.Count);
    }

    [Fact]
    public void Serves_biobanks_from_configuration_and_file_together()
    {
        _directory.Write("inventory.json", TestData.Inventory);
        string file = _directory.Write("biobanks.json", $$"""
            {"biobanks": [{"biobankId": "bb-file", "signingSecret": "{{_secret}}", "inventoryPath": "inventory.json"}]}
            """);

        BiobankCatalog catalog = Load(new()
        {
            ["Adapter:BiobanksFile"] = file,
            ["Adapter:Biobanks:0:biobankId"] = "bb-config",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
        });

        Assert.Equal(["bb-config", "bb-file"], catalog.Biobanks.Select(biobank => biobank.BiobankId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Startup_fails_when_no_biobank_is_configured()
    {
        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load([]));

        Assert.Contains("No biobank is configured", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-secret")]
    [InlineData("whsec_c2hvcnQ=")]
    [InlineData("whsec_TopSecretButNotBase64!!")]
    public void Startup_fails_on_a_missing_or_invalid_secret_without_echoing_it(string? secret)
    {
        _directory.Write("inventory.json", TestData.Inventory);

        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-nosecret",
            ["Adapter:Biobanks:0:signingSecret"] = secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
        }));

        Assert.Contains("bb-nosecret", error.Message, StringComparison.Ordinal);
        Assert.Contains("signingSecret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_fails_on_a_missing_inventory_file_naming_its_full_path()
    {
        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-noinventory",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "missing.json",
        }));

        Assert.Contains("bb-noinventory", error.Message, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(_directory.Path, "missing.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_fails_on_a_missing_inventory_path()
    {
        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-nopath",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
        }));

        Assert.Contains("inventoryPath is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_fails_on_a_missing_biobanks_file()
    {
        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:BiobanksFile"] = Path.Combine(_directory.Path, "nowhere.json"),
        }));

        Assert.Contains("nowhere.json", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("No biobank is configured", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Sometimes")]
    [InlineData("2")]
    public void Startup_fails_on_an_unknown_mode(string mode)
    {
        _directory.Write("inventory.json", TestData.Inventory);

        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-mode",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:0:mode"] = mode,
        }));

        Assert.Contains("mode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("B")]
    [InlineData("BB-Upper")]
    [InlineData("-bb")]
    [InlineData("bb_underscore")]
    public void Startup_fails_on_an_invalid_biobank_id(string biobankId)
    {
        _directory.Write("inventory.json", TestData.Inventory);

        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = biobankId,
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
        }));

        Assert.Contains("biobankId", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_fails_on_a_biobank_configured_twice()
    {
        _directory.Write("inventory.json", TestData.Inventory);

        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-twice",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
            ["Adapter:Biobanks:1:biobankId"] = "bb-twice",
            ["Adapter:Biobanks:1:signingSecret"] = _secret,
            ["Adapter:Biobanks:1:inventoryPath"] = "inventory.json",
        }));

        Assert.Contains("more than once", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"samples": [{"sampleType": "blood-serum", "count": -1}]}""", "count must not be negative")]
    [InlineData("""{"samples": [{"count": 3}]}""", "sampleType is missing")]
    [InlineData("""{"pricePerSampleEur": -1, "samples": []}""", "pricePerSampleEur")]
    [InlineData("""{"leadTimeDays": 4000, "samples": []}""", "leadTimeDays")]
    [InlineData("""{"samples": [""", "not a valid inventory")]
    [InlineData("""{"samples": "many"}""", "not a valid inventory")]
    public void Startup_fails_on_an_inventory_that_would_produce_invalid_answers(string inventory, string expected)
    {
        _directory.Write("inventory.json", inventory);

        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-badstock",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
        }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_fails_on_an_inventory_with_more_than_20_distinct_conditions()
    {
        string conditions = string.Join(", ", Enumerable.Range(1, 21).Select(i => $"\"Term{i}\""));
        _directory.Write("inventory.json", $$"""{"samples": [{"sampleType": "blood-serum", "conditions": [{{conditions}}], "count": 1}]}""");

        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-terms",
            ["Adapter:Biobanks:0:signingSecret"] = _secret,
            ["Adapter:Biobanks:0:inventoryPath"] = "inventory.json",
        }));

        Assert.Contains("21 distinct conditions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_failure_lists_every_problem_at_once()
    {
        AdapterConfigurationException error = Assert.Throws<AdapterConfigurationException>(() => Load(new()
        {
            ["Adapter:Biobanks:0:biobankId"] = "bb-first",
            ["Adapter:Biobanks:0:inventoryPath"] = "missing-1.json",
            ["Adapter:Biobanks:1:biobankId"] = "bb-second",
            ["Adapter:Biobanks:1:signingSecret"] = _secret,
            ["Adapter:Biobanks:1:inventoryPath"] = "missing-2.json",
        }));

        Assert.Contains("signingSecret", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing-1.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("missing-2.json", error.Message, StringComparison.Ordinal);
    }

    private BiobankCatalog Load(Dictionary<string, string?> settings) => BiobankCatalog.Load(Section(settings), _directory.Path);

    private static IConfigurationSection Section(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection("Adapter");
}
