using System.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SampleBroker.Http;

/// <summary>
/// The contract's answer for an exception that escaped a handler, the same on both hosts (the Functions
/// app's worker middleware and the local host's exception handler call it): a known condition gets its
/// 4xx or 503, anything else a bare 500 problem. Never a message, a type name or a stack trace: those
/// go to the log only.
/// </summary>
public static class ExceptionProblems
{
    public static ProblemHttpResult For(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var e = Unwrap(exception);
        if (StorageGuard.IsStorageOutage(e))
        {
            return Problems.StorageUnavailable();
        }

        return e switch
        {
            // The durable backend through the Functions host: the orchestration is gone or has ended.
            RpcException { StatusCode: StatusCode.NotFound } => Problems.NotFound("The sample request's orchestration does not exist."),
            RpcException { StatusCode: StatusCode.AlreadyExists } => Problems.Conflict("An orchestration with this id exists already."),
            RpcException { StatusCode: StatusCode.FailedPrecondition } => Problems.Conflict("The sample request's orchestration has finished."),
            BadHttpRequestException bad => Problems.Status(bad.StatusCode, "The request could not be read."),
            _ => Problems.Status(StatusCodes.Status500InternalServerError, "An unexpected error occurred; it was logged. Retry later or contact the alliance."),
        };
    }

    /// <summary>True when the exception is a known condition rather than a bug.</summary>
    public static bool IsKnownCondition(Exception exception) =>
        For(exception).StatusCode != StatusCodes.Status500InternalServerError;

    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException { InnerExceptions.Count: 1 } a:
                    e = a.InnerExceptions[0];
                    break;
                case TargetInvocationException { InnerException: { } inner }:
                    e = inner;
                    break;
                default:
                    return e;
            }
        }
    }
}
