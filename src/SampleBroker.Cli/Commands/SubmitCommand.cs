using System.CommandLine;
using SampleBroker.Cli.Api;
using SampleBroker.Cli.Requests;

namespace SampleBroker.Cli.Commands;

/// <summary><c>submit</c>: POST a sample request built from options or a file, and optionally watch it.</summary>
internal sealed class SubmitCommand : Command
{
    private readonly Option<string?> file = new("--file", "-f")
    {
        Description = "A JSON file with the POST body (\"-\" reads standard input); options given as well replace the fields they name.",
        HelpName = "request.json",
    };

    private readonly Option<string[]> sampleTypes = ListOption("--sample-type", "Sample type code, e.g. blood-serum (repeatable; required unless --file).", "code");
    private readonly Option<string[]> diagnoses = ListOption("--diagnosis", "ICD-10 code, e.g. C50 or C50.9 (repeatable).", "icd10");
    private readonly Option<string[]> sex = ListOption("--sex", "Female, Male, Unknown or Undifferentiated (repeatable).", "sex");
    private readonly Option<int?> ageMin = new("--age-min") { Description = "Youngest donor age in years (0 when only --age-max is given).", HelpName = "years" };
    private readonly Option<int?> ageMax = new("--age-max") { Description = "Oldest donor age in years (150 when only --age-min is given).", HelpName = "years" };
    private readonly Option<string[]> storageTemperatures = ListOption("--storage-temperature", "Storage temperature code, e.g. temperature-60to-85 (repeatable).", "code");
    private readonly Option<string[]> useConditions = ListOption("--use-condition", "Use condition, e.g. CommercialUse (repeatable).", "condition");
    private readonly Option<int?> minVolume = new("--min-volume") { Description = "Minimum volume per sample in microliters.", HelpName = "µl" };
    private readonly Option<int?> quantity = new("--quantity", "-q") { Description = "How many samples you need (required unless --file).", HelpName = "n" };
    private readonly Option<int?> answerWithin = new("--answer-within")
    {
        Description = $"How long biobanks have to answer: {DurationParser.Help} (the broker's default is 300 s).",
        HelpName = "duration",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : null;
            if (DurationParser.TryParseSeconds(text, out var seconds))
            {
                return seconds;
            }

            result.AddError($"--answer-within takes {DurationParser.Help}, not '{text}'.");
            return null;
        },
    };

    private readonly Option<string?> reference = new("--reference", "-r") { Description = "Your own reference, e.g. a purchase order number." };
    private readonly Option<string?> callbackUrl = new("--callback-url") { Description = "URL the broker POSTs the signed completion callback to.", HelpName = "url" };
    private readonly Option<string?> idempotencyKey = new("--idempotency-key") { Description = "Sent as Idempotency-Key: the same key and body again returns the same request.", HelpName = "key" };
    private readonly Option<bool> watch = new("--watch", "-w") { Description = "Go on watching the request until it finishes." };
    private readonly Option<bool> plain = WatchCommand.CreatePlainOption();

    public SubmitCommand(CliEnvironment environment)
        : base("submit", "Submit a sample request; every matching biobank is asked at once.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        foreach (var option in new Option[]
        {
            file, sampleTypes, diagnoses, sex, ageMin, ageMax, storageTemperatures, useConditions, minVolume,
            quantity, answerWithin, reference, callbackUrl, idempotencyKey, watch, plain,
        })
        {
            Add(option);
        }

        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            environment,
            client => RunAsync(client, environment, ReadArguments(parse), parse.GetValue(watch), parse.GetValue(plain), cancellationToken),
            cancellationToken));
    }

    /// <summary>The options of a parsed <c>submit</c> command line.</summary>
    public SubmitArguments ReadArguments(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return new SubmitArguments
        {
            File = parse.GetValue(file),
            SampleTypes = SubmitRequestBuilder.SplitValues(parse.GetValue(sampleTypes)),
            Diagnoses = SubmitRequestBuilder.SplitValues(parse.GetValue(diagnoses)),
            Sex = SubmitRequestBuilder.SplitValues(parse.GetValue(sex)),
            AgeMin = parse.GetValue(ageMin),
            AgeMax = parse.GetValue(ageMax),
            StorageTemperatures = SubmitRequestBuilder.SplitValues(parse.GetValue(storageTemperatures)),
            UseConditions = SubmitRequestBuilder.SplitValues(parse.GetValue(useConditions)),
            MinVolumeMicroliters = parse.GetValue(minVolume),
            Quantity = parse.GetValue(quantity),
            AnswerWithinSeconds = parse.GetValue(answerWithin),
            Reference = parse.GetValue(reference),
            CallbackUrl = parse.GetValue(callbackUrl),
            IdempotencyKey = parse.GetValue(idempotencyKey),
        };
    }

    private static async Task<int> RunAsync(
        ApiClient client, CliEnvironment environment, SubmitArguments arguments, bool watch, bool plain, CancellationToken cancellationToken)
    {
        var body = SubmitRequestBuilder.Build(arguments, environment.ReadFile, environment.In);
        var result = await client.SubmitAsync(body, arguments.IdempotencyKey, cancellationToken);
        await environment.Out.WriteLineAsync($"requestId: {result.RequestId}");
        await environment.Out.WriteLineAsync($"status:    {result.Status}");
        await environment.Out.WriteLineAsync($"location:  {result.Location?.ToString() ?? "-"}");
        if (!watch)
        {
            return ExitCodes.Success;
        }

        await environment.Out.WriteLineAsync();
        return await WatchCommand.WatchAsync(client, environment, result.RequestId, plain, cancellationToken);
    }

    private static Option<string[]> ListOption(string name, string description, string helpName) => new(name)
    {
        Description = description + " Comma-separated lists work too.",
        HelpName = helpName,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };
}
