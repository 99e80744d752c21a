using SampleBroker.Cli.Api;
using SampleBroker.Cli.Rendering;

namespace SampleBroker.Cli.Tests.Rendering;

public class ErrorRendererTests
{
    private static ApiProblem Problem(int status, string title, string? detail, params (string Path, string[] Messages)[] errors) =>
        new(status, title, detail, null, [.. errors.Select(e => new KeyValuePair<string, IReadOnlyList<string>>(e.Path, e.Messages))]);

    [Fact]
    public void A_problem_reads_as_the_headline_then_each_error_entry()
    {
        var lines = ErrorRenderer.Lines(new ApiProblemException(
            Problem(400, "Validation failed", "The request is invalid.", ("criteria.sampleTypes[0]", ["Unknown code 'serum'."]), ("quantity", ["Required.", "Must be 1..100000."])),
            null));

        Assert.Equal(
            [
                "HTTP 400 Validation failed: The request is invalid.",
                "  criteria.sampleTypes[0]: Unknown code 'serum'.",
                "  quantity: Required.",
                "  quantity: Must be 1..100000.",
            ],
            lines);
    }

    [Fact]
    public void Unauthorized_points_at_the_api_key_variable()
    {
        var lines = ErrorRenderer.Lines(new ApiProblemException(Problem(401, "Unauthorized", "Missing or unknown API key."), null));

        Assert.Equal("HTTP 401 Unauthorized: Missing or unknown API key.", lines[0]);
        Assert.Contains("SAMPLEBROKER_API_KEY", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Too_many_requests_says_when_to_retry()
    {
        var lines = ErrorRenderer.Lines(new ApiProblemException(Problem(429, "Too Many Requests", null), TimeSpan.FromSeconds(12.2)));

        Assert.Equal(["HTTP 429 Too Many Requests", "Too many requests: retry after 13 s."], lines);
    }

    [Fact]
    public void Other_errors_are_their_message()
    {
        Assert.Equal(["SAMPLEBROKER_API_KEY is not set."], ErrorRenderer.Lines(new CliException("SAMPLEBROKER_API_KEY is not set.")));
    }
}
