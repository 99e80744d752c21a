using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>Contract section 1: demo seeding, health, and storage going away under a running host.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class HostSettingsTests
{
    [Fact]
    public async Task Demo_data_is_seeded_when_configured_and_its_documented_key_works()
    {
        var demoFile = Path.Combine(Repository.Root, "infra", "local", "demo", "demo-data.json");
        var demoKey = JsonDocument.Parse(File.ReadAllText(demoFile)).RootElement.GetProperty("organisation").GetProperty("apiKey").GetString()!;
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string>
        {
            ["SampleBroker__SeedDemoData"] = "true",
            ["SampleBroker__DemoDataPath"] = "infra/local/demo/demo-data.json",
        });
        using var api = new BrokerApi(host.BaseAddress);

        using var biobanks = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", LocalHostProcess.StaffKey, null);
        using var list = await api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests", demoKey, null);

        var ids = (await biobanks.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("items").EnumerateArray().Select(b => b.GetProperty("biobankId").GetString()).ToList();
        Assert.Equal(["bb-demo-liege", "bb-demo-oslo", "bb-demo-torino"], ids);
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.DoesNotContain("signingSecret", await biobanks.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Health_is_200_without_a_key_and_503_Unhealthy_once_storage_is_unreachable()
    {
        // A private Azurite, so stopping it disturbs no other test.
        var ports = (Blob: FreePort.Next(), Queue: FreePort.Next(), Table: FreePort.Next());
        var folder = Directory.CreateTempSubdirectory("sb-health-").FullName;
        using var azurite = Process.Start(new ProcessStartInfo(Path.Combine(Repository.Root, "infra", "local", "node_modules", ".bin", "azurite"),
            ["--skipApiVersionCheck", "--loose", "--silent", "--location", folder, "--blobPort", $"{ports.Blob}", "--queuePort", $"{ports.Queue}", "--tablePort", $"{ports.Table}"])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var connection = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;"
                + $"BlobEndpoint=http://127.0.0.1:{ports.Blob}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{ports.Queue}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{ports.Table}/devstoreaccount1;";
            await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["AzureWebJobsStorage"] = connection });
            using var http = new HttpClient { BaseAddress = host.BaseAddress };
            using var healthy = await http.GetAsync(new Uri("/api/health", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
            Assert.Equal("Healthy", (await healthy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

            azurite.Kill(entireProcessTree: true);
            await azurite.WaitForExitAsync();
            using var unhealthy = await http.GetAsync(new Uri("/api/health", UriKind.Relative));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, unhealthy.StatusCode);
            Assert.Equal("Unhealthy", (await unhealthy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }
        finally
        {
            if (!azurite.HasExited)
            {
                azurite.Kill(entireProcessTree: true);
            }

            Directory.Delete(folder, recursive: true);
        }
    }
}
