using SampleBroker.Cli.Commands;
using SampleBroker.Cli.Requests;
using System.Text.Json;

namespace SampleBroker.Cli.Tests.Requests;

public class SubmitCommandLineTests
{
    private static SubmitCommand CreateCommand() => new(new CliEnvironment
    {
        Console = new Spectre.Console.Testing.TestConsole(),
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        GetVariable = _ => null,
    });

    [Fact]
    public void Every_option_maps_to_its_submit_argument()
    {
        var command = CreateCommand();
        var parse = command.Parse(
            "--sample-type blood-serum --sample-type plasma-edta --diagnosis C50,C50.9 --sex Female --age-min 40 --age-max 70 " +
            "--storage-temperature temperature-60to-85 --use-condition CommercialUse --min-volume 500 --quantity 200 " +
            "--answer-within 5m --reference PO-2026-117 --callback-url https://sme.example/hook --idempotency-key po-117");

        Assert.Empty(parse.Errors);
        // Serialised, because records compare their lists by reference.
        Assert.Equal(
            JsonSerializer.Serialize(new SubmitArguments
            {
                SampleTypes = ["blood-serum", "plasma-edta"],
                Diagnoses = ["C50", "C50.9"],
                Sex = ["Female"],
                AgeMin = 40,
                AgeMax = 70,
                StorageTemperatures = ["temperature-60to-85"],
                UseConditions = ["CommercialUse"],
                MinVolumeMicroliters = 500,
                Quantity = 200,
                AnswerWithinSeconds = 300,
                Reference = "PO-2026-117",
                CallbackUrl = "https://sme.example/hook",
                IdempotencyKey = "po-117",
            }),
            JsonSerializer.Serialize(command.ReadArguments(parse)));
    }

    [Fact]
    public void The_file_option_and_its_short_form_name_the_body_file()
    {
        var command = CreateCommand();

        Assert.Equal("request.json", command.ReadArguments(command.Parse("--file request.json")).File);
        Assert.Equal("-", command.ReadArguments(command.Parse("-f -")).File);
    }

    [Theory]
    [InlineData("300", 300)]
    [InlineData("90s", 90)]
    [InlineData("5m", 300)]
    [InlineData("2h", 7200)]
    [InlineData("7d", 604800)]
    public void Answer_within_takes_seconds_or_a_duration_with_a_unit(string text, int seconds)
    {
        var command = CreateCommand();
        var parse = command.Parse(["--answer-within", text]);

        Assert.Empty(parse.Errors);
        Assert.Equal(seconds, command.ReadArguments(parse).AnswerWithinSeconds);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("-5")]
    [InlineData("99999999999d")]
    public void Answer_within_rejects_what_is_not_a_duration(string text)
    {
        var parse = CreateCommand().Parse(["--answer-within", text]);

        Assert.Contains(parse.Errors, e => e.Message.Contains("--answer-within takes", StringComparison.Ordinal));
    }

    [Fact]
    public void A_quantity_that_is_not_a_number_is_a_parse_error()
    {
        Assert.NotEmpty(CreateCommand().Parse("--sample-type urine --quantity many").Errors);
    }

    [Fact]
    public void Duration_parser_reads_plain_seconds_and_units()
    {
        Assert.True(DurationParser.TryParseSeconds(" 45 ", out var plain));
        Assert.Equal(45, plain);
        Assert.True(DurationParser.TryParseSeconds("1H", out var hour));
        Assert.Equal(3600, hour);
        Assert.False(DurationParser.TryParseSeconds("", out _));
    }
}
