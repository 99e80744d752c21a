namespace SampleBroker.Cli;

/// <summary>
/// A failure the user can act on (missing configuration, unreadable input, an API error). Its message
/// is shown as it is, without a stack trace, and the command exits non-zero.
/// </summary>
public class CliException : Exception
{
    public CliException()
    {
    }

    public CliException(string message)
        : base(message)
    {
    }

    public CliException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
