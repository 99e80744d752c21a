namespace SampleBroker.Cli.Api;

/// <summary>The broker answered with an error status; <see cref="Problem"/> is its problem details.</summary>
public sealed class ApiProblemException : CliException
{
    public ApiProblemException()
        : this(new ApiProblem(0, "Error", null, null, []), null)
    {
    }

    public ApiProblemException(string message)
        : base(message)
    {
        Problem = new ApiProblem(0, "Error", message, null, []);
    }

    public ApiProblemException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problem = new ApiProblem(0, "Error", message, null, []);
    }

    public ApiProblemException(ApiProblem problem, TimeSpan? retryAfter)
        : base(Headline(problem ?? throw new ArgumentNullException(nameof(problem))))
    {
        Problem = problem;
        RetryAfter = retryAfter;
    }

    public ApiProblem Problem { get; }

    /// <summary>From <c>Retry-After</c> on a <c>429</c>.</summary>
    public TimeSpan? RetryAfter { get; }

    public int Status => Problem.Status;

    /// <summary><c>HTTP &lt;status&gt; &lt;title&gt;: &lt;detail&gt;</c>, the detail left out when there is none.</summary>
    public static string Headline(ApiProblem problem)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var head = $"HTTP {problem.Status} {problem.Title}";
        return string.IsNullOrWhiteSpace(problem.Detail) ? head : $"{head}: {problem.Detail}";
    }
}

/// <summary>The broker could not be reached at all (refused, DNS, TLS, timeout).</summary>
public sealed class ApiUnreachableException : CliException
{
    public ApiUnreachableException()
    {
    }

    public ApiUnreachableException(string message)
        : base(message)
    {
    }

    public ApiUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public static ApiUnreachableException For(Uri baseUrl, string reason, Exception innerException) => new(
        $"Cannot reach the SampleBroker API at {baseUrl.ToString().TrimEnd('/')} ({reason}). Is the broker running? " +
        $"Set {CliSettings.UrlVariable} to its base URL (default {CliSettings.DefaultUrl}; " +
        "`bash infra/local/run.sh` starts a local one).",
        innerException);
}
