namespace SampleBroker.Cli;

/// <summary>Where the broker is and which key to send, read from the environment.</summary>
internal sealed class CliSettings
{
    public const string UrlVariable = "SAMPLEBROKER_URL";
    public const string ApiKeyVariable = "SAMPLEBROKER_API_KEY";
    public const string DefaultUrl = "http://localhost:7071";

    public CliSettings(Uri baseUrl, string apiKey)
    {
        ArgumentNullException.ThrowIfNull(baseUrl);
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw MissingApiKey();
        }

        BaseUrl = baseUrl;
        ApiKey = apiKey;
    }

    /// <summary>The broker's base URL, ending in <c>/</c>, without the <c>/api</c> prefix of the routes.</summary>
    public Uri BaseUrl { get; }

    public string ApiKey { get; }

    public static CliSettings FromEnvironment(Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        var apiKey = getVariable(ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            throw MissingApiKey();
        }

        return new CliSettings(ParseBaseUrl(getVariable(UrlVariable)), apiKey.Trim());
    }

    /// <summary>
    /// Accepts the host's base URL with or without a trailing <c>/</c> or <c>/api</c>, because both
    /// forms appear in the docs (the contract's routes are relative to <c>/api</c>).
    /// </summary>
    public static Uri ParseBaseUrl(string? value)
    {
        var text = string.IsNullOrWhiteSpace(value) ? DefaultUrl : value.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new CliException($"{UrlVariable} must be an absolute http(s) URL such as {DefaultUrl}, not '{text}'.");
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        if (path.EndsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^"/api".Length];
        }

        return new UriBuilder(uri) { Path = path + "/", Query = "", Fragment = "" }.Uri;
    }

    /// <summary>Never shows the key: settings end up in error messages and debugger views.</summary>
    public override string ToString() => $"{BaseUrl} (API key set)";

    private static CliException MissingApiKey() => new(
        $"{ApiKeyVariable} is not set. Every command needs an API key: export {ApiKeyVariable}=<your organisation's key> " +
        "(keys are issued by alliance staff; the demo key is in the README).");
}
