using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace SampleBroker.Requests;

/// <summary>
/// The id of the query one biobank gets for one request (contract section 5): URL-safe, unique per
/// request and biobank, and the same on every attempt. The one place that writes and reads its grammar,
/// <c>q_{requestId}_{biobankId}</c>.
/// </summary>
public readonly partial record struct QueryId(string RequestId, string BiobankId)
{
    /// <summary>The query id of <paramref name="biobankId"/> for <paramref name="requestId"/>.</summary>
    public static QueryId Create(string requestId, string biobankId)
    {
        ArgumentException.ThrowIfNullOrEmpty(requestId);
        ArgumentException.ThrowIfNullOrEmpty(biobankId);
        return new QueryId(requestId, biobankId);
    }

    /// <summary>Reads a query id the broker issued; false for anything else, including ids of malformed shape.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out QueryId queryId)
    {
        var match = text is null ? Match.Empty : Pattern().Match(text);
        queryId = match.Success ? new QueryId(match.Groups[1].Value, match.Groups[2].Value) : default;
        return match.Success;
    }

    public override string ToString() => $"q_{RequestId}_{BiobankId}";

    [GeneratedRegex(@"^q_([0-9a-f]{32})_([a-z0-9][a-z0-9-]{1,62})\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Pattern();
}
