using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.RegularExpressions;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Inventory;

namespace SampleBroker.ReferenceBiobank.Biobanks;

/// <summary>The biobanks this adapter serves, loaded and validated once at startup.</summary>
public sealed partial class BiobankCatalog
{
    private readonly Dictionary<string, ServedBiobank> _biobanks;

    public BiobankCatalog(IEnumerable<ServedBiobank> biobanks)
    {
        ArgumentNullException.ThrowIfNull(biobanks);
        _biobanks = biobanks.ToDictionary(biobank => biobank.BiobankId, StringComparer.Ordinal);
    }

    public IReadOnlyCollection<ServedBiobank> Biobanks => _biobanks.Values;

    public bool TryGet(string biobankId, [NotNullWhen(true)] out ServedBiobank? biobank) =>
        _biobanks.TryGetValue(biobankId, out biobank);

    /// <summary>
    /// Reads <c>Adapter:Biobanks</c> and <c>Adapter:BiobanksFile</c>, checks every biobank and loads
    /// its inventory. Relative inventory paths resolve against <paramref name="contentRoot"/> for
    /// <c>Adapter:Biobanks</c> and against the biobanks file's directory for entries of that file.
    /// </summary>
    /// <exception cref="AdapterConfigurationException">Anything is wrong; the message lists all problems.</exception>
    public static BiobankCatalog Load(IConfiguration adapterSection, string contentRoot)
    {
        ArgumentNullException.ThrowIfNull(adapterSection);
        ArgumentNullException.ThrowIfNull(contentRoot);

        AdapterOptions options = adapterSection.Get<AdapterOptions>() ?? new AdapterOptions();
        var problems = new List<string>();
        var configured = new List<(BiobankSettings Settings, string BaseDirectory, string Source)>();

        for (int i = 0; i < options.Biobanks.Count; i++)
        {
            configured.Add((options.Biobanks[i], contentRoot, $"Adapter:Biobanks:{i}"));
        }

        if (!string.IsNullOrWhiteSpace(options.BiobanksFile))
        {
            configured.AddRange(ReadBiobanksFile(options.BiobanksFile, problems));
        }

        if (configured.Count == 0 && problems.Count == 0)
        {
            problems.Add("No biobank is configured: set Adapter:Biobanks or Adapter:BiobanksFile.");
        }

        var biobanks = new List<ServedBiobank>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach ((BiobankSettings settings, string baseDirectory, string source) in configured)
        {
            ServedBiobank? biobank = Validate(settings, baseDirectory, source, problems);
            if (biobank is null)
            {
                continue;
            }

            if (!seen.Add(biobank.BiobankId))
            {
                problems.Add($"{source}: biobank '{biobank.BiobankId}' is configured more than once.");
                continue;
            }

            biobanks.Add(biobank);
        }

        if (problems.Count > 0)
        {
            throw new AdapterConfigurationException(
                "The reference biobank adapter cannot start:" + Environment.NewLine + "  - "
                + string.Join(Environment.NewLine + "  - ", problems));
        }

        return new BiobankCatalog(biobanks);
    }

    private static IEnumerable<(BiobankSettings, string, string)> ReadBiobanksFile(string configuredPath, List<string> problems)
    {
        string path = Path.GetFullPath(configuredPath);
        if (!File.Exists(path))
        {
            problems.Add($"Adapter:BiobanksFile: file '{path}' does not exist.");
            return [];
        }

        BiobanksFileContent? content;
        try
        {
            content = JsonSerializer.Deserialize<BiobanksFileContent>(File.ReadAllBytes(path), ProtocolJson.Options);
        }
        catch (JsonException exception)
        {
            problems.Add($"Adapter:BiobanksFile: '{path}' is not valid JSON ({exception.Message}).");
            return [];
        }

        if (content?.Biobanks is not { Count: > 0 } entries)
        {
            problems.Add($"Adapter:BiobanksFile: '{path}' has no \"biobanks\" array or it is empty.");
            return [];
        }

        string directory = Path.GetDirectoryName(path)!;
        return entries.Select((settings, i) => (settings, directory, $"{path} biobanks[{i}]"));
    }

    private static ServedBiobank? Validate(BiobankSettings settings, string baseDirectory, string source, List<string> problems)
    {
        int before = problems.Count;
        string id = settings.BiobankId ?? "";
        if (!BiobankIdPattern().IsMatch(id))
        {
            problems.Add($"{source}: biobankId must match ^[a-z0-9][a-z0-9-]{{1,62}}$.");
        }

        string label = $"{source} ('{id}')";

        // The secret's value never goes into a message: these messages end up in logs.
        if (!WebhookSecret.TryParse(settings.SigningSecret, out _))
        {
            problems.Add($"{label}: signingSecret is missing or not 'whsec_' followed by the base64 of a 24 to 64 byte key.");
        }

        AnswerMode mode = AnswerMode.Sync;
        if (settings.Mode is not null
            && !(Enum.TryParse(settings.Mode, ignoreCase: true, out mode) && Enum.IsDefined(mode)))
        {
            problems.Add($"{label}: mode must be \"Sync\" or \"Async\".");
        }

        if (settings.DelayMs is < 0 or > 600_000)
        {
            problems.Add($"{label}: delayMs must be between 0 and 600000.");
        }

        BiobankInventory? inventory = null;
        if (string.IsNullOrWhiteSpace(settings.InventoryPath))
        {
            problems.Add($"{label}: inventoryPath is missing.");
        }
        else
        {
            string inventoryPath = Path.GetFullPath(settings.InventoryPath, baseDirectory);
            if (!File.Exists(inventoryPath))
            {
                problems.Add($"{label}: inventory file '{inventoryPath}' does not exist.");
            }
            else
            {
                inventory = BiobankInventory.TryLoad(inventoryPath, problems, label);
            }
        }

        if (problems.Count > before || inventory is null)
        {
            return null;
        }

        return new ServedBiobank(id, settings.SigningSecret!, inventory, mode, TimeSpan.FromMilliseconds(settings.DelayMs));
    }

    // The contract's identifier rule (section 0); \z rather than $ so a trailing newline does not slip through.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9-]{1,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex BiobankIdPattern();

    private sealed record BiobanksFileContent(List<BiobankSettings>? Biobanks);
}
