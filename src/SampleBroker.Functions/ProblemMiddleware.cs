using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;
using Microsoft.Extensions.Logging;
using SampleBroker.Http;

namespace SampleBroker.Functions;

/// <summary>
/// What escapes an HTTP function becomes the contract's problem+json (<see cref="ExceptionProblems"/>),
/// not the host's bare 500 with the exception's text. Other triggers rethrow: the queue's retries and
/// poison queue, and the durable runtime, rely on seeing the failure.
/// </summary>
public sealed partial class ProblemMiddleware(ILogger<ProblemMiddleware> logger) : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (Exception e) when (context.GetHttpContext() is { Response.HasStarted: false })
        {
            var http = context.GetHttpContext()!;
            var problem = ExceptionProblems.For(e);
            if (problem.StatusCode >= StatusCodes.Status500InternalServerError)
            {
                LogFailed(e, context.FunctionDefinition.Name, problem.StatusCode);
            }
            else
            {
                LogKnownCondition(context.FunctionDefinition.Name, problem.StatusCode, e.GetType().Name);
            }

            http.Response.Clear();
            await problem.ExecuteAsync(http).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Function} failed and answered {Status}")]
    private partial void LogFailed(Exception exception, string function, int? status);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Function} answered {Status} for a known condition ({Condition})")]
    private partial void LogKnownCondition(string function, int? status, string condition);
}
