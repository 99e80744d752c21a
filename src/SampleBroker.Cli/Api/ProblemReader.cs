using System.Net;
using System.Text.Json;

namespace SampleBroker.Cli.Api;

/// <summary>
/// Reads an error body into an <see cref="ApiProblem"/>. Tolerant on purpose: a proxy in front of
/// the broker may answer with HTML or nothing, and the user still deserves the status and a hint.
/// </summary>
internal static class ProblemReader
{
    private const int MaxDetailFromPlainBody = 200;

    public static ApiProblem Read(int status, string? reasonPhrase, string? body)
    {
        var fallbackTitle = string.IsNullOrWhiteSpace(reasonPhrase) ? DefaultTitle(status) : reasonPhrase;
        if (string.IsNullOrWhiteSpace(body))
        {
            return new ApiProblem(status, fallbackTitle, null, null, []);
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                var root = document.RootElement;
                return new ApiProblem(
                    status,
                    String(root, "title") ?? fallbackTitle,
                    String(root, "detail"),
                    String(root, "type"),
                    Errors(root));
            }
        }
        catch (JsonException)
        {
            // Not JSON: fall through and show the start of the body as the detail.
        }

        var text = body.Trim();
        var detail = text.Length <= MaxDetailFromPlainBody ? text : text[..MaxDetailFromPlainBody] + "...";
        return new ApiProblem(status, fallbackTitle, detail, null, []);
    }

    private static string DefaultTitle(int status) =>
        Enum.IsDefined(typeof(HttpStatusCode), status) ? SplitWords(((HttpStatusCode)status).ToString()) : "Error";

    private static string SplitWords(string name) =>
        string.Concat(name.Select((c, i) => i > 0 && char.IsUpper(c) ? " " + c : c.ToString()));

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<KeyValuePair<string, IReadOnlyList<string>>> Errors(JsonElement root)
    {
        var errors = new List<KeyValuePair<string, IReadOnlyList<string>>>();
        if (!root.TryGetProperty("errors", out var element) || element.ValueKind != JsonValueKind.Object)
        {
            return errors;
        }

        foreach (var property in element.EnumerateObject())
        {
            IReadOnlyList<string> messages = property.Value.ValueKind switch
            {
                JsonValueKind.Array => [.. property.Value.EnumerateArray().Select(m => m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : m.GetRawText())],
                JsonValueKind.String => [property.Value.GetString() ?? ""],
                _ => [property.Value.GetRawText()],
            };
            errors.Add(new(property.Name, messages));
        }

        return errors;
    }
}
