using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SampleBroker.Protocol;

/// <summary>
/// Writes times as the contract shows them: ISO 8601 in UTC with a <c>Z</c>
/// (<c>2026-11-27T10:15:00Z</c>, milliseconds only when there are any). Reads any ISO 8601 offset.
/// </summary>
public sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFF'Z'", CultureInfo.InvariantCulture));
    }
}
