using System.Text.Json;
using System.Text.Json.Nodes;
using SampleBroker.Cli.Requests;
using SampleBroker.Protocol;

namespace SampleBroker.Cli.Tests.Requests;

public class SubmitRequestBuilderTests
{
    private static readonly Func<string, string> NoFiles = path => throw new FileNotFoundException($"Could not find file '{path}'.");

    private static JsonObject Build(SubmitArguments arguments, Func<string, string>? readFile = null, string standardInput = "") =>
        SubmitRequestBuilder.Build(arguments, readFile ?? NoFiles, new StringReader(standardInput));

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}\nbut got {actual.ToJsonString()}");

    [Fact]
    public void Options_build_the_contract_body_with_the_criteria_nested()
    {
        var body = Build(new SubmitArguments
        {
            Reference = "PO-2026-117",
            SampleTypes = ["blood-serum"],
            Diagnoses = ["C50", "C50.9"],
            Sex = ["Female"],
            AgeMin = 40,
            AgeMax = 70,
            StorageTemperatures = ["temperature-60to-85"],
            UseConditions = ["CommercialUse"],
            MinVolumeMicroliters = 500,
            Quantity = 200,
            AnswerWithinSeconds = 300,
            CallbackUrl = "https://sme.example/hooks/samplebroker",
            IdempotencyKey = "po-117",
        });

        AssertJson(
            """
            {
              "reference": "PO-2026-117",
              "criteria": {
                "sampleTypes": ["blood-serum"],
                "diagnoses": ["C50", "C50.9"],
                "sex": ["Female"],
                "ageRange": {"min": 40, "max": 70},
                "storageTemperatures": ["temperature-60to-85"],
                "useConditions": ["CommercialUse"],
                "minVolumeMicroliters": 500
              },
              "quantity": 200,
              "answerWithinSeconds": 300,
              "callbackUrl": "https://sme.example/hooks/samplebroker"
            }
            """,
            body);
    }

    [Fact]
    public void Only_the_options_given_appear_in_the_body()
    {
        var body = Build(new SubmitArguments { SampleTypes = ["urine"], Quantity = 5 });

        AssertJson("""{"criteria": {"sampleTypes": ["urine"]}, "quantity": 5}""", body);
    }

    [Fact]
    public void The_idempotency_key_is_a_header_and_never_part_of_the_body()
    {
        var body = Build(new SubmitArguments { SampleTypes = ["urine"], Quantity = 5, IdempotencyKey = "k-1" });

        Assert.DoesNotContain("k-1", body.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_criteria_read_as_the_protocols_sample_criteria()
    {
        var body = Build(new SubmitArguments { SampleTypes = ["blood-serum", "blood-plasma"], Sex = ["Male"], AgeMin = 18, Quantity = 10 });

        var criteria = body["criteria"].Deserialize<SampleCriteria>(ProtocolJson.Options)!;

        Assert.Equal(["blood-serum", "blood-plasma"], criteria.SampleTypes);
        Assert.Equal(["Male"], criteria.Sex);
        Assert.Equal(new AgeRange(18, SubmitRequestBuilder.DefaultAgeMax), criteria.AgeRange);
        Assert.Null(criteria.Diagnoses);
    }

    [Fact]
    public void Age_max_alone_starts_the_range_at_zero()
    {
        var body = Build(new SubmitArguments { SampleTypes = ["urine"], AgeMax = 30, Quantity = 1 });

        AssertJson("""{"min": 0, "max": 30}""", body["criteria"]!["ageRange"]!);
    }

    [Fact]
    public void Comma_separated_and_repeated_values_both_become_one_list()
    {
        Assert.Equal(["C50", "C50.9", "C18"], SubmitRequestBuilder.SplitValues(["C50, C50.9", "C18"]));
        Assert.Empty(SubmitRequestBuilder.SplitValues(null));
    }

    [Fact]
    public void A_sample_type_is_required_without_a_file()
    {
        var error = Assert.Throws<CliException>(() => Build(new SubmitArguments { Quantity = 5 }));

        Assert.Contains("--sample-type is required unless --file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_quantity_is_required_without_a_file()
    {
        var error = Assert.Throws<CliException>(() => Build(new SubmitArguments { SampleTypes = ["urine"] }));

        Assert.Contains("--quantity is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_is_the_body_when_no_option_is_given()
    {
        const string File = """{"reference":"file-1","criteria":{"sampleTypes":["dna"],"diagnoses":["C18"]},"quantity":12,"answerWithinSeconds":60}""";

        var body = Build(new SubmitArguments { File = "request.json" }, path => path == "request.json" ? File : NoFiles(path));

        AssertJson(File, body);
    }

    [Fact]
    public void Options_replace_the_fields_of_the_file_they_name_and_keep_the_rest()
    {
        const string File = """{"reference":"file-1","criteria":{"sampleTypes":["dna"],"diagnoses":["C18"],"ageRange":{"min":20,"max":60}},"quantity":12}""";

        var body = Build(
            new SubmitArguments { File = "base.json", Reference = "PO-2", Diagnoses = ["C50"], AgeMax = 50, Quantity = 30 },
            _ => File);

        AssertJson(
            """{"reference":"PO-2","criteria":{"sampleTypes":["dna"],"diagnoses":["C50"],"ageRange":{"min":20,"max":50}},"quantity":30}""",
            body);
    }

    [Fact]
    public void A_dash_reads_the_body_from_standard_input()
    {
        var body = Build(new SubmitArguments { File = "-" }, standardInput: """{"criteria":{"sampleTypes":["urine"]},"quantity":3}""");

        Assert.Equal(3, (int)body["quantity"]!);
    }

    [Fact]
    public void A_file_that_is_not_json_is_reported_with_its_name()
    {
        var error = Assert.Throws<CliException>(() => Build(new SubmitArguments { File = "broken.json" }, _ => "{\"quantity\": }"));

        Assert.Contains("broken.json is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_holds_no_json_object_is_rejected()
    {
        var error = Assert.Throws<CliException>(() => Build(new SubmitArguments { File = "list.json" }, _ => "[1, 2]"));

        Assert.Contains("must hold a JSON object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Criteria_in_the_file_that_are_no_object_are_rejected()
    {
        var error = Assert.Throws<CliException>(() => Build(new SubmitArguments { File = "r.json" }, _ => """{"criteria": "serum"}"""));

        Assert.Contains("\"criteria\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_reported_with_its_name()
    {
        var error = Assert.Throws<CliException>(() => Build(new SubmitArguments { File = "nowhere.json" }));

        Assert.Contains("Cannot read the request file nowhere.json", error.Message, StringComparison.Ordinal);
    }
}
