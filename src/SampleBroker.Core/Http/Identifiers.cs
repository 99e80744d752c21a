using System.Text.RegularExpressions;

namespace SampleBroker.Http;

/// <summary>
/// Path identifiers (contract section 0). Only values that pass these checks ever reach a storage query,
/// so no caller-supplied text is ever part of a table filter.
/// </summary>
public static partial class Identifiers
{
    /// <summary><c>organisationId</c> and <c>biobankId</c>: <c>^[a-z0-9][a-z0-9-]{1,62}$</c>.</summary>
    public static bool IsResourceId(string? value) => value is not null && ResourceId().IsMatch(value);

    /// <summary>Request ids are 32 lower-case hex digits (a version 7 GUID).</summary>
    public static bool IsRequestId(string? value) => value is not null && RequestId().IsMatch(value);

    /// <summary>API key ids as issued: <c>key_</c> and 16 hex digits (or the demo key's id).</summary>
    public static bool IsKeyId(string? value) => value is not null && KeyId().IsMatch(value);

    /// <summary>Staff key ids as issued: <c>staff_</c> and 16 hex digits.</summary>
    public static bool IsStaffKeyId(string? value) => value is not null && StaffKeyId().IsMatch(value);

    [GeneratedRegex("^staff_[0-9a-f]{16}\\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex StaffKeyId();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{1,62}\\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex ResourceId();

    [GeneratedRegex("^[0-9a-f]{32}\\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex RequestId();

    [GeneratedRegex("^key_[a-z0-9-]{1,40}\\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex KeyId();
}
