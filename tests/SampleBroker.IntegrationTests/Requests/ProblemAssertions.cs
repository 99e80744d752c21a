using System.Net.Http.Headers;
using System.Text.Json;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>Checks that an error answer is the contract's RFC 9457 problem (section 0).</summary>
internal static class ProblemAssertions
{
    /// <summary>
    /// Asserts the status, <c>application/problem+json</c>, <c>type</c>/<c>title</c>/<c>status</c>/<c>detail</c>
    /// and that nothing in the body looks like a stack trace; returns the problem.
    /// </summary>
    public static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, int expectedStatus, string context)
    {
        ArgumentNullException.ThrowIfNull(response);
        var text = await response.Content.ReadAsStringAsync();
        var because = $"[{context}] answered {(int)response.StatusCode} {response.Content.Headers.ContentType}: {Shorten(text)}";
        Assert.True((int)response.StatusCode == expectedStatus, $"expected {expectedStatus}; {because}");
        Assert.True(IsProblemJson(response.Content.Headers.ContentType), $"expected Content-Type application/problem+json; {because}");
        Assert.False(text.Contains("   at ", StringComparison.Ordinal), $"the body carries a stack trace; {because}");
        Assert.False(text.Contains("Exception", StringComparison.OrdinalIgnoreCase), $"the body names an exception; {because}");

        JsonElement problem;
        try
        {
            using var document = JsonDocument.Parse(text);
            problem = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            Assert.Fail($"the body is not JSON; {because}");
            throw;
        }

        Assert.True(problem.ValueKind == JsonValueKind.Object, $"the problem is not an object; {because}");
        foreach (var member in new[] { "type", "title", "detail" })
        {
            Assert.True(
                problem.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0,
                $"the problem has no '{member}'; {because}");
        }

        Assert.True(
            problem.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number && status.GetInt32() == expectedStatus,
            $"the problem's 'status' is not {expectedStatus}; {because}");
        return problem;
    }

    /// <summary>Asserts a validation problem names <paramref name="path"/> in <c>errors</c> with at least one message.</summary>
    public static void AssertFieldError(JsonElement problem, string path, string context)
    {
        var because = $"[{context}] {Shorten(problem.GetRawText())}";
        Assert.True(problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object, $"the problem has no 'errors' object; {because}");
        Assert.True(errors.TryGetProperty(path, out var messages), $"'errors' has no entry for '{path}'; {because}");
        Assert.True(
            messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0 && messages.EnumerateArray().All(m => m.ValueKind == JsonValueKind.String),
            $"'errors.{path}' is not a non-empty array of messages; {because}");
    }

    public static bool IsProblemJson(MediaTypeHeaderValue? contentType) =>
        string.Equals(contentType?.MediaType, "application/problem+json", StringComparison.OrdinalIgnoreCase);

    private static string Shorten(string text) => text.Length <= 600 ? text : text[..600] + "...";
}
