using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SampleBroker.Access;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;
using SampleBroker.Organisations;
using SampleBroker.Protocol;

namespace SampleBroker.Demo;

/// <summary>
/// Seeds the demo organisation, its documented API key and the demo biobanks from the demo data file
/// (<see cref="SampleBrokerOptions.DemoDataPath"/>), which the reference biobank adapter reads too, so
/// both sides agree on endpoints and signing secrets. Existing data is updated, never duplicated.
/// </summary>
public sealed class DemoDataSeeder(
    IOptions<SampleBrokerOptions> options,
    OrganisationStore organisations,
    ApiKeyStore keys,
    BiobankStore biobanks,
    ILogger<DemoDataSeeder> logger)
{
    public const string DemoKeyId = "key_demo";

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.DemoDataPath;
        if (!options.Value.SeedDemoData || string.IsNullOrEmpty(configured))
        {
            return;
        }

        var path = Locate(configured);
        if (path is null)
        {
            logger.LogWarning("Demo data file {Path} not found; nothing seeded", configured);
            return;
        }

        await using var stream = File.OpenRead(path);
        var demo = await JsonSerializer.DeserializeAsync<DemoData>(stream, ProtocolJson.Options, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidDataException($"{path} holds no demo data.");

        var org = demo.Organisation;
        await organisations.CreateOrUpdateAsync(new Organisation(org.OrganisationId, org.Name, org.Country), webhookSecret: null, cancellationToken).ConfigureAwait(false);
        await keys.EnsureAsync(org.OrganisationId, DemoKeyId, org.ApiKey, cancellationToken).ConfigureAwait(false);
        foreach (var b in demo.Biobanks)
        {
            var settings = new BiobankSettings(b.Name, b.Country, b.EndpointUrl, Enabled: true, b.SampleTypes, b.AnswerTimeoutSeconds ?? 10, b.MinReportableCount ?? 0);
            await biobanks.CreateOrUpdateAsync(b.BiobankId, settings, b.SigningSecret, cancellationToken).ConfigureAwait(false);
        }

        logger.LogInformation("Demo data seeded: organisation {OrganisationId} and {Count} biobanks", org.OrganisationId, demo.Biobanks.Count);
    }

    /// <summary>
    /// A relative path is looked up from the working directory and the app's folder upwards, so the
    /// repository's demo file is found whether a host runs from the repository root (the local host) or
    /// from its build output (Core Tools).
    /// </summary>
    public static string? Locate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.IsPathRooted(path))
        {
            return File.Exists(path) ? path : null;
        }

        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, path);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private sealed record DemoData(DemoOrganisation Organisation, IReadOnlyList<DemoBiobank> Biobanks);

    private sealed record DemoOrganisation(string OrganisationId, string Name, string Country, string ApiKey);

    private sealed record DemoBiobank(
        string BiobankId, string Name, string Country, string EndpointUrl, IReadOnlyList<string>? SampleTypes,
        int? AnswerTimeoutSeconds, int? MinReportableCount, string SigningSecret);
}
