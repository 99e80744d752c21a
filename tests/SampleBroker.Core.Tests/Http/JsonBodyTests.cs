using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.Http;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Http;

/// <summary>Contract section 0: JSON only (415), at most 64 KiB (413), well-formed (400), problem details for each.</summary>
public sealed class JsonBodyTests
{
    private const string JsonType = "application/json";

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json;charset=\"utf-8\"")]
    [InlineData("Application/JSON")]
    public async Task Body_sent_as_application_json_is_read(string contentType)
    {
        var (body, problem) = await ReadAsync(contentType, """{"quantity": 10, "criteria": {"sampleTypes": ["dna"]}}""");

        Assert.Null(problem);
        Assert.NotNull(body);
        using (body)
        {
            Assert.Equal(10, body.Root.GetProperty("quantity").GetInt32());
            Assert.Equal("""{"quantity": 10, "criteria": {"sampleTypes": ["dna"]}}""", Encoding.UTF8.GetString(body.Raw));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=latin1")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/jsonp")]
    [InlineData("text/json")]
    [InlineData("not a media type")]
    public async Task Body_not_sent_as_utf8_application_json_is_415(string? contentType)
    {
        var (body, problem) = await ReadAsync(contentType, """{"quantity": 10}""");

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status415UnsupportedMediaType);
    }

    [Fact]
    public async Task Body_declared_larger_than_64_KiB_by_content_length_is_413()
    {
        var (body, problem) = await ReadAsync(JsonType, Padded(JsonBody.MaxBytes + 1), contentLength: JsonBody.MaxBytes + 1);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task Body_declared_larger_than_64_KiB_is_413_even_when_what_arrives_is_short()
    {
        var (body, problem) = await ReadAsync(JsonType, "{}", contentLength: 10L * 1024 * 1024);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task Chunked_body_without_length_that_passes_64_KiB_is_413()
    {
        var (body, problem) = await ReadAsync(JsonType, Padded(JsonBody.MaxBytes + 1), contentLength: null);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status413PayloadTooLarge);
    }

    [Fact]
    public async Task Body_longer_than_its_declared_content_length_is_still_cut_at_64_KiB()
    {
        var (body, problem) = await ReadAsync(JsonType, Padded(200 * 1024), contentLength: 10);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status413PayloadTooLarge);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Body_of_exactly_64_KiB_is_read(bool withContentLength)
    {
        var text = Padded(JsonBody.MaxBytes);
        var (body, problem) = await ReadAsync(JsonType, text, contentLength: withContentLength ? JsonBody.MaxBytes : null);

        Assert.Null(problem);
        Assert.NotNull(body);
        using (body)
        {
            Assert.Equal(JsonBody.MaxBytes, body.Raw.Length);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"quantity\": }")]
    [InlineData("{\"quantity\": 10,}")]
    [InlineData("{'quantity': 10}")]
    [InlineData("{\"quantity\": 10} trailing")]
    [InlineData("{\"quantity\": 10} {}")]
    [InlineData("{\"a\": 1 /* comment */}")]
    [InlineData("{\"a\": NaN}")]
    [InlineData("quantity=10")]
    public async Task Malformed_json_is_400(string text)
    {
        var (body, problem) = await ReadAsync(JsonType, text);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status400BadRequest);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D })] // {"a":"\xFF"}
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xC3, 0x22, 0x7D })] // {"a":"\xC3"}: truncated sequence
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x22, 0x3A, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x7D })] // {"a":"<UTF-16 surrogate>"}
    [InlineData(new byte[] { 0x7B, 0x22, 0xC0, 0xAF, 0x22, 0x3A, 0x31, 0x7D })] // {"<overlong />":1}
    public async Task Body_that_is_not_valid_utf8_is_400(byte[] raw)
    {
        var (body, problem) = await ReadAsync(JsonType, raw);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status400BadRequest);
    }

    [Fact]
    public async Task Json_nested_deeper_than_32_levels_is_400()
    {
        var (body, problem) = await ReadAsync(JsonType, Nested(33));

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status400BadRequest);
    }

    [Fact]
    public async Task Json_nested_32_levels_deep_is_read()
    {
        var (body, problem) = await ReadAsync(JsonType, Nested(32));

        Assert.Null(problem);
        Assert.NotNull(body);
        body.Dispose();
    }

    [Fact]
    public async Task Objects_nested_deeper_than_32_levels_are_400()
    {
        var text = string.Concat(Enumerable.Repeat("{\"a\":", 33)) + "1" + new string('}', 33);
        var (body, problem) = await ReadAsync(JsonType, text);

        Assert.Null(body);
        await AssertProblemAsync(problem, StatusCodes.Status400BadRequest);
    }

    [Fact]
    public async Task Validation_problem_carries_errors_by_json_path()
    {
        var errors = new Dictionary<string, string[]>
        {
            ["criteria.sampleTypes[0]"] = ["is not a sample type code of the vocabulary."],
            ["quantity"] = ["is required."],
        };

        var response = await ProblemResponse.ExecuteAsync(Problems.Validation(errors));

        AssertProblem(response, StatusCodes.Status400BadRequest);
        var reported = response.Body.GetProperty("errors");
        Assert.Equal("is required.", reported.GetProperty("quantity")[0].GetString());
        Assert.Equal("is not a sample type code of the vocabulary.", reported.GetProperty("criteria.sampleTypes[0]")[0].GetString());
    }

    private static async Task AssertProblemAsync(IResult? problem, int status)
    {
        Assert.NotNull(problem);
        AssertProblem(await ProblemResponse.ExecuteAsync(problem), status);
    }

    private static void AssertProblem(ProblemResponse response, int status)
    {
        Assert.Equal(status, response.Status);
        Assert.StartsWith("application/problem+json", response.ContentType, StringComparison.Ordinal);
        Assert.Equal(status, response.Body.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(response.Text("type")));
        Assert.False(string.IsNullOrWhiteSpace(response.Text("title")));
        Assert.False(string.IsNullOrWhiteSpace(response.Text("detail")));
        Assert.False(response.Body.TryGetProperty("exception", out _));
        Assert.DoesNotContain("   at ", response.Body.GetRawText(), StringComparison.Ordinal);
    }

    /// <summary>A well-formed JSON object of exactly <paramref name="size"/> bytes.</summary>
    private static string Padded(int size)
    {
        const string prefix = "{\"pad\":\"";
        const string suffix = "\"}";
        return prefix + new string('x', size - prefix.Length - suffix.Length) + suffix;
    }

    private static string Nested(int depth) => new string('[', depth) + new string(']', depth);

    private static Task<(JsonBody? Body, IResult? Problem)> ReadAsync(string? contentType, string text, long? contentLength = -1) =>
        ReadAsync(contentType, Encoding.UTF8.GetBytes(text), contentLength);

    private static async Task<(JsonBody? Body, IResult? Problem)> ReadAsync(string? contentType, byte[] raw, long? contentLength = -1)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        context.Request.ContentType = contentType;
        context.Request.ContentLength = contentLength == -1 ? raw.Length : contentLength;
        context.Request.Body = new MemoryStream(raw);
        return await JsonBody.ReadAsync(context.Request, CancellationToken.None);
    }

    [Theory]
    [InlineData("{\"note\":\"\\uD800\"}")]
    [InlineData("{\"\\uDC00\":1}")]
    [InlineData("[\"\\uDC00\\uD800\"]")]
    [InlineData("{\"a\":{\"b\":[\"ok\",\"\\uD83D\"]}}")]
    public void Escaped_unpaired_surrogates_anywhere_make_the_body_malformed(string json)
    {
        Assert.Null(JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("{\"quantity\":-1,\"quantity\":10}")]
    [InlineData("{\"criteria\":{},\"criteria\":{\"sampleTypes\":[\"dna\"]}}")]
    public void Duplicate_properties_make_the_body_malformed(string json)
    {
        Assert.Null(JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Fact]
    public void A_surrogate_pair_escaped_as_two_units_is_well_formed()
    {
        using var body = JsonBody.Parse(System.Text.Encoding.UTF8.GetBytes("{\"emoji\":\"\\uD83D\\uDE00\"}"));
        Assert.NotNull(body);
        Assert.Equal("\U0001F600", body.Root.GetProperty("emoji").GetString());
    }
}
