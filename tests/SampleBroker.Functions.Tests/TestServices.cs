using System.Text;
using System.Text.Json;
using Azure.Core.Pipeline;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SampleBroker.Functions.Tests;

/// <summary>The core as the Functions app registers it, on <see cref="FakeStorage"/>, and HTTP plumbing to run its results.</summary>
internal static class TestServices
{
    public const string StaffKey = "test-staff-key-0123456789abcdef";

    public static ServiceProvider Create(FakeStorage storage)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["SampleBroker:BootstrapStaffKey"] = StaffKey })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSampleBrokerCore(configuration);
        services.AddProblemDetails();

        // Registered after the core's own clients, so these win; no retries keep an outage test fast.
        var transport = new HttpClientTransport(storage);
        services.AddSingleton(new TableServiceClient("UseDevelopmentStorage=true", new TableClientOptions { Transport = transport, Retry = { MaxRetries = 0 } }));
        services.AddSingleton(new QueueServiceClient(
            "UseDevelopmentStorage=true",
            new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64, Transport = transport, Retry = { MaxRetries = 0 } }));
        return services.BuildServiceProvider();
    }

    public static T Get<T>(this IServiceProvider services)
        where T : notnull => services.GetRequiredService<T>();

    public static HttpRequest Request(IServiceProvider services, string method, string? apiKey = null, string? json = null)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        context.Request.Method = method;
        context.Response.Body = new MemoryStream();
        if (apiKey is not null)
        {
            context.Request.Headers["X-Api-Key"] = apiKey;
        }

        if (json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(json);
            context.Request.ContentType = "application/json";
            context.Request.ContentLength = bytes.Length;
            context.Request.Body = new MemoryStream(bytes);
        }

        return context.Request;
    }

    /// <summary>Writes the result as a host would and reads back what the caller gets.</summary>
    public static async Task<Answer> ExecuteAsync(this IResult result, HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(result);
        var context = request.HttpContext;
        await result.ExecuteAsync(context);
        context.Response.Body.Position = 0;
        var text = await new StreamReader(context.Response.Body).ReadToEndAsync();
        return new Answer(context.Response.StatusCode, context.Response.ContentType, text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone());
    }
}

internal sealed record Answer(int Status, string? ContentType, JsonElement? Body)
{
    public JsonElement Json => Body ?? throw new InvalidOperationException("The response has no body.");

    /// <summary>Asserts an RFC 9457 problem with the given status, as the contract wants every error.</summary>
    public void AssertProblem(int status)
    {
        Assert.Equal(status, Status);
        Assert.Equal("application/problem+json", ContentType);
        Assert.Equal(status, Json.GetProperty("status").GetInt32());
        foreach (var member in new[] { "type", "title", "detail" })
        {
            Assert.False(string.IsNullOrEmpty(Json.GetProperty(member).GetString()), $"problem '{member}' is empty");
        }
    }
}
