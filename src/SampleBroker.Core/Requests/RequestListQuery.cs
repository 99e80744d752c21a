using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using SampleBroker.Http;

namespace SampleBroker.Requests;

/// <summary>
/// Reads the query parameters the request lists share (<c>status</c>, <c>top</c>, <c>continuationToken</c>)
/// and the staff list's own, collecting every broken one for one <c>400</c>.
/// </summary>
public sealed partial class RequestListQuery(IQueryCollection query)
{
    public JsonFields Fields { get; } = new();

    /// <summary>A text parameter, or null when absent or empty.</summary>
    public string? Text(string name) => query.TryGetValue(name, out var value) && !string.IsNullOrEmpty(value) ? value.ToString() : null;

    public RequestStatus? Status()
    {
        if (Text("status") is not { } text)
        {
            return null;
        }

        if (Enum.GetNames<RequestStatus>().Contains(text, StringComparer.Ordinal))
        {
            return Enum.Parse<RequestStatus>(text);
        }

        Fields.Add("status", "must be one of Brokering, Completed, Cancelled, Failed.");
        return null;
    }

    public int Top(int fallback = 20)
    {
        if (Text("top") is not { } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var top) && top is >= 1 and <= 100)
        {
            return top;
        }

        Fields.Add("top", "must be an integer from 1 to 100.");
        return fallback;
    }

    public string? ContinuationToken()
    {
        var token = Text("continuationToken");
        if (token is not null && !TokenPattern().IsMatch(token))
        {
            Fields.Add("continuationToken", "is not a token this API returned.");
            return null;
        }

        return token;
    }

    /// <summary>An ISO 8601 time with an offset or <c>Z</c>.</summary>
    public DateTimeOffset? Time(string name)
    {
        if (Text(name) is not { } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) && text.Contains('T', StringComparison.Ordinal))
        {
            return at;
        }

        Fields.Add(name, "must be an ISO 8601 time such as 2026-11-27T10:15:00Z.");
        return null;
    }

    public bool? Flag(string name)
    {
        switch (Text(name))
        {
            case null:
                return null;
            case "true":
                return true;
            case "false":
                return false;
            default:
                Fields.Add(name, "must be true or false.");
                return null;
        }
    }

    public string? ResourceId(string name)
    {
        var id = Text(name);
        if (id is not null && !Identifiers.IsResourceId(id))
        {
            Fields.Add(name, "must match ^[a-z0-9][a-z0-9-]{1,62}$.");
            return null;
        }

        return id;
    }

    [GeneratedRegex(@"^[0-9]{19}-[0-9a-f]{32}\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex TokenPattern();
}
