using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace SampleBroker.Http;

/// <summary>RFC 9457 problem details for every error the API returns (contract section 0).</summary>
public static class Problems
{
    private static readonly Dictionary<int, (string Type, string Title)> Known = new()
    {
        [400] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1", "Bad Request"),
        [401] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.2", "Unauthorized"),
        [403] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.4", "Forbidden"),
        [404] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.5", "Not Found"),
        [409] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.10", "Conflict"),
        [410] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.11", "Gone"),
        [413] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.14", "Content Too Large"),
        [415] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.16", "Unsupported Media Type"),
        [422] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.5.21", "Unprocessable Content"),
        [429] = ("https://www.rfc-editor.org/rfc/rfc6585#section-4", "Too Many Requests"),
        [500] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.6.1", "Internal Server Error"),
        [503] = ("https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4", "Service Unavailable"),
    };

    public static ProblemHttpResult Status(int status, string detail)
    {
        var (type, title) = Known.TryGetValue(status, out var known) ? known : ("about:blank", "Error");
        return TypedResults.Problem(detail: detail, statusCode: status, title: title, type: type);
    }

    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string detail = "One or more fields are invalid.")
    {
        var (type, title) = Known[400];
        return TypedResults.ValidationProblem(errors, detail: detail, title: title, type: type);
    }

    public static ProblemHttpResult BadRequest(string detail) => Status(StatusCodes.Status400BadRequest, detail);

    public static ProblemHttpResult NotFound(string detail) => Status(StatusCodes.Status404NotFound, detail);

    public static ProblemHttpResult Conflict(string detail) => Status(StatusCodes.Status409Conflict, detail);

    public static ProblemHttpResult StorageUnavailable() =>
        Status(StatusCodes.Status503ServiceUnavailable, "Storage is unreachable; nothing was changed. Retry later.");
}
