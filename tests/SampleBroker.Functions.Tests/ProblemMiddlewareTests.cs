using System.Text.Json;
using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace SampleBroker.Functions.Tests;

public sealed class ProblemMiddlewareTests
{
    private readonly ProblemMiddleware middleware = new(NullLogger<ProblemMiddleware>.Instance);

    [Theory]
    [InlineData(StatusCode.NotFound, 404)]
    [InlineData(StatusCode.AlreadyExists, 409)]
    [InlineData(StatusCode.FailedPrecondition, 409)]
    [InlineData(StatusCode.Unavailable, 503)]
    public async Task A_durable_backend_condition_becomes_its_contract_status_not_a_500(StatusCode code, int expected)
    {
        var (status, contentType, _) = await InvokeAsync(new RpcException(new Status(code, "instance sb-123 state")));

        Assert.Equal(expected, status);
        Assert.Equal("application/problem+json", contentType);
    }

    [Fact]
    public async Task A_storage_outage_is_a_503()
    {
        var (status, _, body) = await InvokeAsync(new AggregateException(new RequestFailedException(503, "Server busy")));

        Assert.Equal(503, status);
        Assert.Equal(503, body.GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task An_unknown_failure_is_a_bare_500_problem_without_message_type_or_stack_trace()
    {
        var (status, contentType, body) = await InvokeAsync(Thrown(new InvalidOperationException("row sbRequests/abc has secret-ish detail")));

        Assert.Equal(500, status);
        Assert.Equal("application/problem+json", contentType);
        var text = body.GetRawText();
        Assert.DoesNotContain("secret-ish", text, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", text, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_outside_an_HTTP_function_is_rethrown_for_the_host_to_retry()
    {
        var context = Context(http: null);

        await Assert.ThrowsAsync<RequestFailedException>(() => middleware.Invoke(context.Object, _ => throw new RequestFailedException(503, "busy")));
    }

    [Fact]
    public async Task A_successful_function_is_left_alone()
    {
        var http = new DefaultHttpContext();
        var context = Context(http);

        await middleware.Invoke(context.Object, _ =>
        {
            http.Response.StatusCode = 202;
            return Task.CompletedTask;
        });

        Assert.Equal(202, http.Response.StatusCode);
    }

    private async Task<(int Status, string? ContentType, JsonElement Body)> InvokeAsync(Exception exception)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider() };
        http.Response.Body = new MemoryStream();
        var context = Context(http);

        await middleware.Invoke(context.Object, _ => throw exception);

        http.Response.Body.Position = 0;
        using var document = await JsonDocument.ParseAsync(http.Response.Body);
        return (http.Response.StatusCode, http.Response.ContentType, document.RootElement.Clone());
    }

    private static Mock<FunctionContext> Context(HttpContext? http)
    {
        var definition = new Mock<FunctionDefinition>();
        definition.SetupGet(d => d.Name).Returns("CancelSampleRequest");
        var context = new Mock<FunctionContext>();
        context.SetupGet(c => c.FunctionDefinition).Returns(definition.Object);

        // Where the ASP.NET Core integration keeps the invocation's HttpContext (FunctionContext.GetHttpContext()).
        var items = new Dictionary<object, object>();
        if (http is not null)
        {
            items["HttpRequestContext"] = http;
        }

        context.SetupGet(c => c.Items).Returns(items);
        return context;
    }

    private static Exception Thrown(Exception e)
    {
        try
        {
            throw e;
        }
        catch (Exception caught)
        {
            return caught;
        }
    }
}
