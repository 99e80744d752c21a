using System.Text.Json;
using System.Text.Json.Serialization;

namespace SampleBroker.Protocol;

/// <summary>JSON settings of the contract: camelCase, UTF-8, nulls written out, enums as strings.</summary>
public static class ProtocolJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new UtcTimestampConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
