using System.Globalization;
using SampleBroker.Cli.Api;

namespace SampleBroker.Cli.Rendering;

/// <summary>The lines a failed command prints on stderr: the message, each validation error, and a hint where one helps.</summary>
internal static class ErrorRenderer
{
    public static IReadOnlyList<string> Lines(CliException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        if (exception is not ApiProblemException { Problem: var problem } apiError)
        {
            return [exception.Message];
        }

        var lines = new List<string> { ApiProblemException.Headline(problem) };
        foreach (var (path, messages) in problem.Errors)
        {
            foreach (var message in messages)
            {
                lines.Add($"  {path}: {message}");
            }
        }

        var hint = problem.Status switch
        {
            401 => $"Check {CliSettings.ApiKeyVariable}: the broker at this URL does not know that key.",
            403 => "This key's role may not use this route (requester routes need an organisation's key).",
            429 when apiError.RetryAfter is { } wait => string.Create(CultureInfo.InvariantCulture, $"Too many requests: retry after {Math.Ceiling(wait.TotalSeconds)} s."),
            _ => null,
        };
        if (hint is not null)
        {
            lines.Add(hint);
        }

        return lines;
    }
}
