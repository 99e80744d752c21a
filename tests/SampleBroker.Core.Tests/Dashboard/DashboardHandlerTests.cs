using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using SampleBroker.Dashboard;

namespace SampleBroker.Core.Tests.Dashboard;

public sealed partial class DashboardHandlerTests
{
    private static async Task<(HttpResponse Response, string Body)> GetAsync(string path, string? ifNoneMatch = null)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (ifNoneMatch is not null)
        {
            context.Request.Headers.IfNoneMatch = ifNoneMatch;
        }

        using var body = new MemoryStream();
        context.Response.Body = body;
        await DashboardHandler.Get(context.Request).ExecuteAsync(context);
        return (context.Response, Encoding.UTF8.GetString(body.ToArray()));
    }

    [Theory]
    [InlineData("/api/dashboard")]
    [InlineData("/api/dashboard/")]
    public async Task The_page_is_served_at_the_console_root_with_a_policy_that_allows_no_inline_script(string path)
    {
        var (response, body) = await GetAsync(path);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal("text/html; charset=utf-8", response.ContentType);
        var policy = response.Headers.ContentSecurityPolicy.ToString();
        foreach (var directive in new[] { "default-src 'none'", "script-src 'self'", "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'" })
        {
            Assert.Contains(directive, policy, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("unsafe", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions.ToString());
        Assert.Contains("<main id=\"main\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void No_file_holds_inline_script_inline_style_or_a_resource_from_another_origin()
    {
        foreach (var name in DashboardHandler.Names)
        {
            var text = Text(name);
            Assert.DoesNotMatch(InlineScript(), text);
            Assert.DoesNotContain("style=", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<style", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("innerHTML", text, StringComparison.Ordinal);
            Assert.DoesNotMatch(ExternalUrl(), text);
            Assert.DoesNotContain("localStorage.setItem", text, StringComparison.Ordinal);
            Assert.DoesNotContain("document.cookie", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_file_the_page_and_its_modules_load_is_served()
    {
        var loaded = new List<string>();
        foreach (Match match in PageReference().Matches(Text("index.html")))
        {
            loaded.Add(match.Groups["name"].Value);
        }

        foreach (var module in DashboardHandler.Names.Where(n => n.EndsWith(".js", StringComparison.Ordinal)))
        {
            var folder = Path.GetDirectoryName(module)!.Replace('\\', '/');
            foreach (Match match in ModuleImport().Matches(Text(module)))
            {
                loaded.Add(Path.GetFullPath(Path.Combine("/" + folder, match.Groups["path"].Value)).TrimStart('/'));
            }
        }

        Assert.Contains("main.js", loaded);
        Assert.Contains("views/requests.js", loaded);
        Assert.All(loaded, name => Assert.Contains(name, DashboardHandler.Names));
    }

    [Theory]
    [InlineData("/api/dashboard/main.js", "text/javascript; charset=utf-8")]
    [InlineData("/api/dashboard/views/request.js", "text/javascript; charset=utf-8")]
    [InlineData("/api/dashboard/dashboard.css", "text/css; charset=utf-8")]
    [InlineData("/api/dashboard/favicon.svg", "image/svg+xml")]
    public async Task Each_file_is_served_with_its_type_and_revalidated_by_its_ETag(string path, string type)
    {
        var (first, body) = await GetAsync(path);
        Assert.Equal(200, first.StatusCode);
        Assert.Equal(type, first.ContentType);
        Assert.Equal("no-cache", first.Headers.CacheControl.ToString());
        Assert.NotEmpty(body);

        var (again, repeated) = await GetAsync(path, first.Headers.ETag.ToString());
        Assert.Equal(304, again.StatusCode);
        Assert.Empty(repeated);
    }

    [Theory]
    [InlineData("/api/dashboard/nothing.js")]
    [InlineData("/api/dashboard/../openapi.json")]
    [InlineData("/api/dashboard/views/../main.js")]
    [InlineData("/api/dashboard/MAIN.JS")]
    [InlineData("/api/dashboard/main.js.map")]
    [InlineData("/api/dashboard//etc/passwd")]
    [InlineData("/api/dashboardmain.js")]
    public void A_path_that_names_no_file_of_the_console_is_404(string path)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;

        var problem = Assert.IsType<ProblemHttpResult>(DashboardHandler.Get(context.Request));
        Assert.Equal(404, problem.StatusCode);
    }

    private static string Text(string name)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = "/api/dashboard/" + name;
        using var body = new MemoryStream();
        context.Response.Body = body;
        DashboardHandler.Get(context.Request).ExecuteAsync(context).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(body.ToArray());
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"(src|href|import|from)\s*=?\s*['""(]?\s*(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalUrl();

    [GeneratedRegex(@"(?:href|src)=""/api/dashboard/(?<name>[^""]+)""")]
    private static partial Regex PageReference();

    [GeneratedRegex(@"(?:from\s+|import\()'(?<path>\.{1,2}/[^']+)'")]
    private static partial Regex ModuleImport();
}
