using System.Text.Json;

namespace SampleBroker.LocalHost;

/// <summary>
/// Reads the <c>Values</c> of <c>local.settings.json</c> (or, when absent, <c>local.settings.sample.json</c>)
/// the way Core Tools does for the Functions app, so both hosts run from the same settings.
/// Environment variables and the command line still override them.
/// </summary>
public static class LocalSettings
{
    public static WebApplicationBuilder AddLocalSettings(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var file = Find(builder.Environment.ContentRootPath);
        if (file is null)
        {
            return builder;
        }

        builder.Configuration.AddInMemoryCollection(Read(file));

        // Re-added so they win over the settings file, as they do under Core Tools.
        builder.Configuration.AddEnvironmentVariables();
        builder.Configuration.AddCommandLine(args);
        return builder;
    }

    /// <summary>The settings file in <paramref name="start"/> or the nearest parent folder that has one.</summary>
    public static string? Find(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            foreach (var name in new[] { "local.settings.json", "local.settings.sample.json" })
            {
                var candidate = Path.Combine(dir.FullName, name);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    public static Dictionary<string, string?> Read(string file)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(file));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (!document.RootElement.TryGetProperty("Values", out var section) || section.ValueKind != JsonValueKind.Object)
        {
            return values;
        }

        foreach (var property in section.EnumerateObject())
        {
            var key = property.Name.Replace("__", ":", StringComparison.Ordinal);
            values[key] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
        }

        return values;
    }
}
