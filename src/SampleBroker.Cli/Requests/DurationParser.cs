using System.Globalization;

namespace SampleBroker.Cli.Requests;

/// <summary>Reads <c>--answer-within</c>: seconds (<c>300</c>) or a number with a unit (<c>90s</c>, <c>5m</c>, <c>2h</c>, <c>7d</c>).</summary>
internal static class DurationParser
{
    public const string Help = "seconds (300) or a duration with a unit: 90s, 5m, 2h, 7d";

    public static bool TryParseSeconds(string? text, out int seconds)
    {
        seconds = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var value = text.Trim();
        var multiplier = char.ToLowerInvariant(value[^1]) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => 0,
        };
        var number = multiplier == 0 ? value : value[..^1];
        if (multiplier == 0)
        {
            multiplier = 1;
        }

        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var total = amount * multiplier;
        if (total > int.MaxValue)
        {
            return false;
        }

        seconds = (int)total;
        return true;
    }
}
