using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace SampleBroker.Tests.Support;

/// <summary>An <see cref="IResult"/> executed against a bare <see cref="DefaultHttpContext"/>, as the hosts would run it.</summary>
internal sealed record ProblemResponse(int Status, string? ContentType, JsonElement Body)
{
    public static async Task<ProblemResponse> ExecuteAsync(IResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext { RequestServices = services };
        using var body = new MemoryStream();
        context.Response.Body = body;

        await result.ExecuteAsync(context);

        return new ProblemResponse(context.Response.StatusCode, context.Response.ContentType, Json.Element(System.Text.Encoding.UTF8.GetString(body.ToArray())));
    }

    public string? Text(string name) => Body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
