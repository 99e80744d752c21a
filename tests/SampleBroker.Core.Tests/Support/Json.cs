using System.Text.Json;
using System.Text.Json.Nodes;

namespace SampleBroker.Tests.Support;

/// <summary>Small helpers to build and edit JSON documents in tests.</summary>
internal static class Json
{
    /// <summary>Marks a property to be removed by <see cref="With"/>.</summary>
    public const string Absent = "<absent>";

    /// <summary>Parses <paramref name="json"/> and returns a detached root element.</summary>
    public static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Sets the property at a dotted <paramref name="path"/> (<c>criteria.ageRange.min</c>) to the JSON
    /// <paramref name="valueJson"/>; <see cref="Absent"/> removes it instead.
    /// </summary>
    public static JsonObject With(JsonObject root, string path, string valueJson)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(path);
        var copy = (JsonObject)root.DeepClone();
        var names = path.Split('.');
        var parent = copy;
        foreach (var name in names[..^1])
        {
            parent = (JsonObject)parent[name]!;
        }

        if (valueJson == Absent)
        {
            parent.Remove(names[^1]);
        }
        else
        {
            parent[names[^1]] = JsonNode.Parse(valueJson);
        }

        return copy;
    }

    /// <summary>A JSON array of the given strings.</summary>
    public static string Strings(IEnumerable<string> values) => JsonSerializer.Serialize(values);
}
