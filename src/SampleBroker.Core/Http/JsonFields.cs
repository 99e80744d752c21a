using System.Text.Json;

namespace SampleBroker.Http;

/// <summary>
/// Reads typed fields out of a parsed JSON object and records every broken one under its JSON path,
/// so a client sees all of its mistakes in one answer. Unknown properties are ignored.
/// </summary>
public sealed class JsonFields
{
    private readonly Dictionary<string, List<string>> errors = new(StringComparer.Ordinal);

    public bool HasErrors => errors.Count > 0;

    public IDictionary<string, string[]> Errors => errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public void Add(string path, string message)
    {
        if (!errors.TryGetValue(path, out var list))
        {
            errors[path] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Control characters and invisible format characters (bidi overrides, zero-width spaces, isolates).</summary>
    public static bool IsInvisible(char c) =>
        char.IsControl(c) || System.Globalization.CharUnicodeInfo.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.Format;

    /// <summary>The property when <paramref name="parent"/> is an object and has it with a non-null value.</summary>
    public static bool TryGet(JsonElement parent, string name, out JsonElement value)
    {
        if (parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        value = default;
        return false;
    }

    public bool RequireObject(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        Add(path, "must be a JSON object.");
        return false;
    }

    public string? ReadString(JsonElement parent, string name, string path, int minLength, int maxLength, bool required)
    {
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add(path, "is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Add(path, "must be a string.");
            return null;
        }

        var text = value.GetString()!;
        if (text.Length < minLength || text.Length > maxLength)
        {
            Add(path, minLength == maxLength ? $"must be {minLength} characters long." : $"must be {minLength} to {maxLength} characters long.");
            return null;
        }

        if (text.Any(IsInvisible))
        {
            Add(path, "must not contain control or invisible formatting characters.");
            return null;
        }

        return text;
    }

    public long? ReadInteger(JsonElement parent, string name, string path, long min, long max, bool required)
    {
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add(path, "is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number) || number < min || number > max)
        {
            Add(path, $"must be an integer from {min} to {max}.");
            return null;
        }

        return number;
    }

    public decimal? ReadDecimal(JsonElement parent, string name, string path, decimal min, decimal max)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number) || number < min || number > max)
        {
            Add(path, $"must be a number from {min} to {max}.");
            return null;
        }

        return number;
    }

    public bool? ReadBoolean(JsonElement parent, string name, string path)
    {
        if (!TryGet(parent, name, out var value))
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Add(path, "must be true or false.");
            return null;
        }

        return value.GetBoolean();
    }

    /// <summary>
    /// An array of strings, each checked by <paramref name="isValid"/>; errors name the element's index.
    /// Duplicates are dropped, order is kept.
    /// </summary>
    public IReadOnlyList<string>? ReadStringList(
        JsonElement parent, string name, string path, int minCount, int maxCount, bool required,
        Func<string, bool> isValid, string invalidMessage)
    {
        if (!TryGet(parent, name, out var value))
        {
            if (required)
            {
                Add(path, "is required.");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            Add(path, "must be an array of strings.");
            return null;
        }

        var length = value.GetArrayLength();
        if (length < minCount || length > maxCount)
        {
            Add(path, $"must have {minCount} to {maxCount} items.");
            return null;
        }

        var items = new List<string>(length);
        var index = 0;
        var ok = true;
        foreach (var item in value.EnumerateArray())
        {
            var itemPath = $"{path}[{index++}]";
            if (item.ValueKind != JsonValueKind.String)
            {
                Add(itemPath, "must be a string.");
                ok = false;
            }
            else if (!isValid(item.GetString()!))
            {
                Add(itemPath, invalidMessage);
                ok = false;
            }
            else if (!items.Contains(item.GetString()!, StringComparer.Ordinal))
            {
                items.Add(item.GetString()!);
            }
        }

        return ok ? items : null;
    }
}
