using Azure;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SampleBroker.Http;

/// <summary>
/// Runs a handler and turns an unreachable storage account or durable backend into the contract's
/// <c>503</c>: the only server error a caller may ever see. Anything else is a bug and propagates.
/// </summary>
public static class StorageGuard
{
    public static async Task<IResult> RunAsync(ILogger logger, Func<Task<IResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        try
        {
            return await handler().ConfigureAwait(false);
        }
        catch (Exception e) when (IsStorageOutage(e))
        {
            logger.LogWarning("Storage unavailable: {Reason}", e.Message);
            return Problems.StorageUnavailable();
        }
    }

    public static bool IsStorageOutage(Exception e) => e switch
    {
        RequestFailedException r => r.Status is 0 or >= 500,
        RpcException r => r.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal,
        HttpRequestException => true,
        TimeoutException => true,
        AggregateException a => a.InnerExceptions.All(IsStorageOutage),
        _ => e.InnerException is not null && IsStorageOutage(e.InnerException),
    };
}
