using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Biobanks;
using SampleBroker.ReferenceBiobank.Inventory;
using SampleBroker.ReferenceBiobank.Tests.Support;

namespace SampleBroker.ReferenceBiobank.Tests;

/// <summary>The demo data in infra/local/demo is what the README walks through; these tests keep it honest.</summary>
public sealed class DemoDataTests
{
    private static readonly string DemoFile = Path.Combine(RepositoryRoot.Path, "infra", "local", "demo", "demo-data.json");

    [Fact]
    public void Demo_data_file_serves_the_three_demo_biobanks()
    {
        BiobankCatalog catalog = LoadDemo();

        Assert.Equal(
            ["bb-demo-liege", "bb-demo-oslo", "bb-demo-torino"],
            catalog.Biobanks.Select(biobank => biobank.BiobankId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void README_example_request_gets_120_from_torino_80_from_liege_and_0_from_oslo()
    {
        BiobankCatalog catalog = LoadDemo();
        var readmeCriteria = new SampleCriteria
        {
            SampleTypes = ["blood-serum"],
            Diagnoses = ["C50"],
            Sex = ["Female"],
            AgeRange = new AgeRange(40, 70),
            StorageTemperatures = ["temperature-60to-85"],
            UseConditions = ["CommercialUse"],
        };
        var today = new DateOnly(2026, 11, 27);

        Dictionary<string, BiobankAnswer> answers = catalog.Biobanks.ToDictionary(
            biobank => biobank.BiobankId,
            biobank => InventoryMatcher.Answer(readmeCriteria, biobank.Inventory, today));

        Assert.Equal(120, answers["bb-demo-torino"].AvailableSamples);
        Assert.Equal(80, answers["bb-demo-liege"].AvailableSamples);
        Assert.Equal(0, answers["bb-demo-oslo"].AvailableSamples);
        Assert.Equal(3, answers.Values.Select(answer => answer.PricePerSampleEur).Distinct().Count());
        Assert.Equal(3, answers.Values.Select(answer => answer.LeadTimeDays).Distinct().Count());
    }

    [Fact]
    public void Demo_organisation_key_and_biobank_secrets_have_the_documented_shapes()
    {
        using JsonDocument demo = JsonDocument.Parse(File.ReadAllText(DemoFile));
        string apiKey = demo.RootElement.GetProperty("organisation").GetProperty("apiKey").GetString()!;
        string[] secrets = demo.RootElement.GetProperty("biobanks").EnumerateArray()
            .Select(biobank => biobank.GetProperty("signingSecret").GetString()!)
            .ToArray();

        Assert.Matches(new Regex("^sbk_demo_[A-Za-z0-9_-]{43}$"), apiKey);
        Assert.All(secrets, secret =>
        {
            Assert.True(WebhookSecret.TryParse(secret, out byte[] key));
            Assert.Equal(32, key.Length);
        });
        Assert.Equal(secrets.Length, secrets.Distinct(StringComparer.Ordinal).Count());
    }

    private static BiobankCatalog LoadDemo()
    {
        IConfigurationSection section = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Adapter:BiobanksFile"] = DemoFile })
            .Build()
            .GetSection("Adapter");
        return BiobankCatalog.Load(section, Path.GetTempPath());
    }
}
