namespace SampleBroker.Cli.Requests;

/// <summary>What <c>submit</c> was given on the command line, before it becomes a request body.</summary>
internal sealed record SubmitArguments
{
    /// <summary>A JSON file holding the POST body (<c>-</c> for standard input); options override its fields.</summary>
    public string? File { get; init; }

    public IReadOnlyList<string> SampleTypes { get; init; } = [];

    public IReadOnlyList<string> Diagnoses { get; init; } = [];

    public IReadOnlyList<string> Sex { get; init; } = [];

    public int? AgeMin { get; init; }

    public int? AgeMax { get; init; }

    public IReadOnlyList<string> StorageTemperatures { get; init; } = [];

    public IReadOnlyList<string> UseConditions { get; init; } = [];

    public int? MinVolumeMicroliters { get; init; }

    public int? Quantity { get; init; }

    public int? AnswerWithinSeconds { get; init; }

    public string? Reference { get; init; }

    public string? CallbackUrl { get; init; }

    public string? IdempotencyKey { get; init; }
}
