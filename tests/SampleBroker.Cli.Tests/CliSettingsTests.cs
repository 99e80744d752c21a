namespace SampleBroker.Cli.Tests;

public class CliSettingsTests
{
    private static CliSettings Load(string? url, string? key) => CliSettings.FromEnvironment(name => name switch
    {
        CliSettings.UrlVariable => url,
        CliSettings.ApiKeyVariable => key,
        _ => null,
    });

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void A_missing_api_key_is_a_clear_error_naming_the_variable(string? key)
    {
        var error = Assert.Throws<CliException>(() => Load(null, key));

        Assert.StartsWith("SAMPLEBROKER_API_KEY is not set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_url_defaults_to_the_local_host()
    {
        Assert.Equal(new Uri("http://localhost:7071/"), Load(null, "k").BaseUrl);
    }

    [Theory]
    [InlineData("http://localhost:7071", "http://localhost:7071/")]
    [InlineData("http://localhost:7071/", "http://localhost:7071/")]
    [InlineData("http://localhost:7071/api", "http://localhost:7071/")]
    [InlineData("http://localhost:7071/api/", "http://localhost:7071/")]
    [InlineData("https://gateway.example/samplebroker/api", "https://gateway.example/samplebroker/")]
    public void The_url_may_be_given_with_or_without_a_trailing_slash_or_api(string url, string expected)
    {
        Assert.Equal(new Uri(expected), Load(url, "k").BaseUrl);
    }

    [Theory]
    [InlineData("localhost:7071")]
    [InlineData("ftp://broker.example")]
    [InlineData("not a url")]
    public void A_url_that_is_not_absolute_http_names_the_variable(string url)
    {
        var error = Assert.Throws<CliException>(() => Load(url, "k"));

        Assert.StartsWith("SAMPLEBROKER_URL must be an absolute http(s) URL", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_never_show_the_key()
    {
        var settings = Load(null, "sbk_secret_value");

        Assert.DoesNotContain("sbk_secret_value", settings.ToString(), StringComparison.Ordinal);
    }
}
