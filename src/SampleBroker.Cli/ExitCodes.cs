namespace SampleBroker.Cli;

/// <summary>Process exit codes, so scripts can tell a broken call from a request that ended badly.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>Configuration, input, connection or API error (the message says which).</summary>
    public const int Error = 1;

    /// <summary>A watched request ended <c>Failed</c>: the brokering itself broke.</summary>
    public const int RequestFailed = 3;

    /// <summary>A watched request ended <c>Cancelled</c>, so its answer is partial.</summary>
    public const int RequestCancelled = 4;

    /// <summary>Interrupted by the user (Ctrl-C), as shells report SIGINT.</summary>
    public const int Interrupted = 130;

    public static int ForFinalStatus(string status) => status switch
    {
        Api.RequestStatuses.Completed => Success,
        Api.RequestStatuses.Cancelled => RequestCancelled,
        _ => RequestFailed,
    };
}
