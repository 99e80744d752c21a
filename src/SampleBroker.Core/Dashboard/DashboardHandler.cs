using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using SampleBroker.Http;

namespace SampleBroker.Dashboard;

/// <summary>
/// <c>GET /dashboard</c> and <c>GET /dashboard/{asset}</c>: the staff console, plain HTML, CSS and JavaScript
/// modules embedded in the core, so both hosts serve the same bytes from one handler (contract section 7).
/// No key is needed for the page: every call it makes to the API carries the staff key the person types in.
/// Every answer carries a Content-Security-Policy that allows only the app's own scripts and styles.
/// </summary>
public static partial class DashboardHandler
{
    /// <summary>Only the app's own files; no inline script or style, no plugin, no framing, no base element.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
        "manifest-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    private const string ResourcePrefix = "SampleBroker.Dashboard.wwwroot/";

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>Where the console lives: <c>/api/dashboard</c>.</summary>
    public static readonly string BasePath = ApiRoutes.Path("dashboard");

    /// <summary>
    /// The page itself at <c>/api/dashboard</c>, else the file named by the rest of the path; anything else is 404.
    /// The name is read from the path, not from a bound route value, so both hosts hand over the request alone.
    /// </summary>
    public static IResult Get(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var path = request.Path.Value ?? "";
        var rest = path.StartsWith(BasePath, StringComparison.OrdinalIgnoreCase) ? path[BasePath.Length..] : null;
        var asset = rest is not null && (rest.Length == 0 || rest[0] == '/') ? rest.TrimStart('/') : null;
        var name = asset is null ? "" : asset.Length == 0 ? "index.html" : asset;
        if (!AssetName().IsMatch(name) || !Assets.TryGetValue(name, out var found))
        {
            return Problems.NotFound("There is no such file in the staff console.");
        }

        return new AssetResult(found);
    }

    /// <summary>The names of the files served, for tests.</summary>
    public static IReadOnlyCollection<string> Names => Assets.Keys;

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(DashboardHandler).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            var name = resource[ResourcePrefix.Length..];
            assets[name] = new Asset(bytes, ContentTypeOf(name), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes))[..32] + "\"");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".svg" => "image/svg+xml",
        _ => "application/octet-stream",
    };

    [GeneratedRegex(@"^[a-z0-9-]+(/[a-z0-9-]+)*\.(html|css|js|svg)\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex AssetName();

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    /// <summary>
    /// Writes one file with its security headers. The browser revalidates every time (the files are small and the
    /// ETag makes a repeat a 304), so a new deployment is seen at once and modules never mix versions.
    /// </summary>
    private sealed class AssetResult(Asset asset) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            var headers = httpContext.Response.Headers;
            headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
            headers[HeaderNames.XContentTypeOptions] = "nosniff";
            headers[HeaderNames.XFrameOptions] = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers[HeaderNames.CacheControl] = "no-cache";
            headers[HeaderNames.ETag] = asset.ETag;
            if (httpContext.Request.Headers.IfNoneMatch.Contains(asset.ETag))
            {
                httpContext.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            httpContext.Response.ContentType = asset.ContentType;
            httpContext.Response.ContentLength = asset.Bytes.Length;
            return HttpMethods.IsHead(httpContext.Request.Method)
                ? Task.CompletedTask
                : httpContext.Response.Body.WriteAsync(asset.Bytes, httpContext.RequestAborted).AsTask();
        }
    }
}
