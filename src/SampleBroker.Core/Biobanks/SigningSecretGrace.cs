namespace SampleBroker.Biobanks;

/// <summary>
/// Which of a biobank's secrets are valid at a moment: the current one always, the one it replaced
/// until the rotation's grace period ends (contract section 3, <c>rotate-secret</c>).
/// </summary>
public static class SigningSecretGrace
{
    /// <summary>The current secret first (it signs and verifies), then the previous one while in grace.</summary>
    public static IReadOnlyList<string> Valid(string current, string? previous, DateTimeOffset? previousValidUntil, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrEmpty(current);
        return previous is { Length: > 0 } && previousValidUntil is { } until && now < until && previous != current
            ? [current, previous]
            : [current];
    }
}
