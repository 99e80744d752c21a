using Microsoft.AspNetCore.Diagnostics;
using SampleBroker.Http;

namespace SampleBroker.LocalHost;

/// <summary>The local host's twin of the Functions app's ProblemMiddleware: the same mapping, from the core.</summary>
public sealed partial class ProblemExceptionHandler(ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var problem = ExceptionProblems.For(exception);
        if (problem.StatusCode >= StatusCodes.Status500InternalServerError)
        {
            LogFailed(exception, httpContext.Request.Path, problem.StatusCode);
        }

        await problem.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Path} failed and answered {Status}")]
    private partial void LogFailed(Exception exception, string path, int? status);
}
