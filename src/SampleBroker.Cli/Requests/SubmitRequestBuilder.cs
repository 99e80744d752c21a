using System.Text.Json;
using System.Text.Json.Nodes;

namespace SampleBroker.Cli.Requests;

/// <summary>
/// Turns <c>submit</c>'s arguments into the body of <c>POST /v1/sample-requests</c> (contract
/// section 4). With <c>--file</c> the file is the starting point and any option given replaces the
/// field it names, so one file can serve several submissions (<c>--file base.json --reference PO-2</c>).
/// Code values are not checked here: the broker validates them against the vocabulary and its
/// answer names each bad field.
/// </summary>
internal static class SubmitRequestBuilder
{
    public const int DefaultAgeMin = 0;
    public const int DefaultAgeMax = 150;

    public static JsonObject Build(SubmitArguments arguments, Func<string, string> readFile, TextReader standardInput)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(readFile);
        ArgumentNullException.ThrowIfNull(standardInput);

        JsonObject body;
        if (arguments.File is { } file)
        {
            body = ReadBody(file, readFile, standardInput);
        }
        else
        {
            if (arguments.SampleTypes.Count == 0)
            {
                throw new CliException("--sample-type is required unless --file is given (e.g. --sample-type blood-serum).");
            }

            if (arguments.Quantity is null)
            {
                throw new CliException("--quantity is required unless --file is given (how many samples you need).");
            }

            body = [];
        }

        if (arguments.Reference is { } reference)
        {
            body["reference"] = reference;
        }

        var criteria = body["criteria"] switch
        {
            null => new JsonObject(),
            JsonObject o => o,
            _ => throw new CliException("\"criteria\" in the request file must be a JSON object."),
        };
        if (criteria.Parent is null)
        {
            body["criteria"] = criteria;
        }

        ApplyCriteria(criteria, arguments);

        if (arguments.Quantity is { } quantity)
        {
            body["quantity"] = quantity;
        }

        if (arguments.AnswerWithinSeconds is { } seconds)
        {
            body["answerWithinSeconds"] = seconds;
        }

        if (arguments.CallbackUrl is { } callbackUrl)
        {
            body["callbackUrl"] = callbackUrl;
        }

        return body;
    }

    /// <summary>Repeated options and comma-separated lists mean the same: <c>--sex Female,Male</c>.</summary>
    public static IReadOnlyList<string> SplitValues(IEnumerable<string>? values) =>
        values is null
            ? []
            : [.. values.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    private static JsonObject ReadBody(string file, Func<string, string> readFile, TextReader standardInput)
    {
        var name = file == "-" ? "standard input" : file;
        string text;
        try
        {
            text = file == "-" ? standardInput.ReadToEnd() : readFile(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Cannot read the request file {name}: {ex.Message}", ex);
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new CliException($"The request file {name} is not valid JSON: {ex.Message}", ex);
        }

        return node as JsonObject
            ?? throw new CliException($"The request file {name} must hold a JSON object (the body of POST /api/v1/sample-requests).");
    }

    private static void ApplyCriteria(JsonObject criteria, SubmitArguments arguments)
    {
        SetList(criteria, "sampleTypes", arguments.SampleTypes);
        SetList(criteria, "diagnoses", arguments.Diagnoses);
        SetList(criteria, "sex", arguments.Sex);

        if (arguments.AgeMin is not null || arguments.AgeMax is not null)
        {
            var range = criteria["ageRange"] as JsonObject;
            var min = arguments.AgeMin ?? ReadInt(range, "min") ?? DefaultAgeMin;
            var max = arguments.AgeMax ?? ReadInt(range, "max") ?? DefaultAgeMax;
            criteria["ageRange"] = new JsonObject { ["min"] = min, ["max"] = max };
        }

        SetList(criteria, "storageTemperatures", arguments.StorageTemperatures);
        SetList(criteria, "useConditions", arguments.UseConditions);

        if (arguments.MinVolumeMicroliters is { } volume)
        {
            criteria["minVolumeMicroliters"] = volume;
        }
    }

    private static void SetList(JsonObject target, string name, IReadOnlyList<string> values)
    {
        if (values.Count > 0)
        {
            target[name] = new JsonArray([.. values.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }
    }

    private static int? ReadInt(JsonObject? source, string name) =>
        source?[name] is JsonValue value && value.TryGetValue(out int number) ? number : null;
}
