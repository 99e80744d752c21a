using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SampleBroker.Protocol.Vocabulary;
using SampleBroker.Requests;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Requests;

/// <summary>Contract section 4, "Submit": every rule, with the JSON paths the contract names.</summary>
public sealed class SampleRequestValidatorTests
{
    private const string ValidBody = """
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
        """;

    private const string Absent = Json.Absent;

    private static readonly string TenSampleTypes = Json.Strings(Codes.SampleTypes.Take(10));
    private static readonly string ElevenSampleTypes = Json.Strings(Codes.SampleTypes.Take(11));
    private static readonly string FiftyDiagnoses = Json.Strings(Enumerable.Range(0, 50).Select(i => "C" + i.ToString("00", CultureInfo.InvariantCulture)));
    private static readonly string FiftyOneDiagnoses = Json.Strings(Enumerable.Range(0, 51).Select(i => "C" + i.ToString("00", CultureInfo.InvariantCulture)));

    /// <summary>One broken field: the property to change (dotted path), its new JSON value, and the error key expected.</summary>
    public static TheoryData<string, string, string> BrokenFields => new()
    {
        // reference: optional, <= 100 chars
        { "reference", Quote(new string('r', 101)), "reference" },
        { "reference", "117", "reference" },

        // criteria itself
        { "criteria", Absent, "criteria" },
        { "criteria", "null", "criteria" },
        { "criteria", "\"blood-serum\"", "criteria" },
        { "criteria", "[]", "criteria" },

        // criteria.sampleTypes: required, 1..10 codes of the vocabulary
        { "criteria.sampleTypes", Absent, "criteria.sampleTypes" },
        { "criteria.sampleTypes", "null", "criteria.sampleTypes" },
        { "criteria.sampleTypes", "[]", "criteria.sampleTypes" },
        { "criteria.sampleTypes", ElevenSampleTypes, "criteria.sampleTypes" },
        { "criteria.sampleTypes", "\"blood-serum\"", "criteria.sampleTypes" },
        { "criteria.sampleTypes", "{\"0\": \"blood-serum\"}", "criteria.sampleTypes" },
        { "criteria.sampleTypes", "[\"serum\"]", "criteria.sampleTypes[0]" },
        { "criteria.sampleTypes", "[\"Blood-Serum\"]", "criteria.sampleTypes[0]" },
        { "criteria.sampleTypes", "[\"blood-serum\", \"plasma\"]", "criteria.sampleTypes[1]" },
        { "criteria.sampleTypes", "[42]", "criteria.sampleTypes[0]" },
        { "criteria.sampleTypes", "[null]", "criteria.sampleTypes[0]" },
        { "criteria.sampleTypes", "[[\"blood-serum\"]]", "criteria.sampleTypes[0]" },

        // criteria.diagnoses: <= 50 ICD-10 codes, letter + 2 digits + optional . + 1..2 digits, upper case
        { "criteria.diagnoses", "[\"c50\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C5\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C50.123\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C500\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C50.\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C50.a\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"050\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\" C50\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C50\\n\"]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", "[\"C50\", \"C50.9\", \"c50.9\"]", "criteria.diagnoses[2]" },
        { "criteria.diagnoses", "[50]", "criteria.diagnoses[0]" },
        { "criteria.diagnoses", FiftyOneDiagnoses, "criteria.diagnoses" },
        { "criteria.diagnoses", "\"C50\"", "criteria.diagnoses" },

        // criteria.sex: subset of Female, Male, Unknown, Undifferentiated
        { "criteria.sex", "[\"female\"]", "criteria.sex[0]" },
        { "criteria.sex", "[\"Male\", \"Other\"]", "criteria.sex[1]" },
        { "criteria.sex", "[\"F\"]", "criteria.sex[0]" },
        { "criteria.sex", "\"Female\"", "criteria.sex" },

        // criteria.ageRange: 0 <= min <= max <= 150
        { "criteria.ageRange", "{\"min\": -1, \"max\": 70}", "criteria.ageRange.min" },
        { "criteria.ageRange", "{\"min\": 40, \"max\": 151}", "criteria.ageRange.max" },
        { "criteria.ageRange", "{\"min\": 151, \"max\": 150}", "criteria.ageRange.min" },
        { "criteria.ageRange", "{\"min\": 71, \"max\": 70}", "criteria.ageRange" },
        { "criteria.ageRange", "{\"min\": 150, \"max\": 0}", "criteria.ageRange" },
        { "criteria.ageRange", "{\"min\": 40.5, \"max\": 70}", "criteria.ageRange.min" },
        { "criteria.ageRange", "{\"min\": \"40\", \"max\": 70}", "criteria.ageRange.min" },
        { "criteria.ageRange", "\"40-70\"", "criteria.ageRange" },
        { "criteria.ageRange", "[40, 70]", "criteria.ageRange" },

        // criteria.storageTemperatures and criteria.useConditions: codes of the vocabulary
        { "criteria.storageTemperatures", "[\"-80\"]", "criteria.storageTemperatures[0]" },
        { "criteria.storageTemperatures", "[\"temperatureroom\"]", "criteria.storageTemperatures[0]" },
        { "criteria.storageTemperatures", "[\"temperatureLN\", 4]", "criteria.storageTemperatures[1]" },
        { "criteria.storageTemperatures", "\"temperatureLN\"", "criteria.storageTemperatures" },
        { "criteria.useConditions", "[\"commercialUse\"]", "criteria.useConditions[0]" },
        { "criteria.useConditions", "[\"Collaboration\", \"MTA\"]", "criteria.useConditions[1]" },
        { "criteria.useConditions", "{}", "criteria.useConditions" },

        // criteria.minVolumeMicroliters: 1..10,000,000
        { "criteria.minVolumeMicroliters", "0", "criteria.minVolumeMicroliters" },
        { "criteria.minVolumeMicroliters", "-5", "criteria.minVolumeMicroliters" },
        { "criteria.minVolumeMicroliters", "10000001", "criteria.minVolumeMicroliters" },
        { "criteria.minVolumeMicroliters", "2.5", "criteria.minVolumeMicroliters" },
        { "criteria.minVolumeMicroliters", "\"500\"", "criteria.minVolumeMicroliters" },

        // quantity: required, 1..100,000
        { "quantity", Absent, "quantity" },
        { "quantity", "null", "quantity" },
        { "quantity", "0", "quantity" },
        { "quantity", "-1", "quantity" },
        { "quantity", "100001", "quantity" },
        { "quantity", "1.5", "quantity" },
        { "quantity", "\"10\"", "quantity" },
        { "quantity", "1e3", "quantity" },
        { "quantity", "true", "quantity" },
        { "quantity", "[10]", "quantity" },
        { "quantity", "2147483648", "quantity" },
        { "quantity", "99999999999999999999999999999999", "quantity" },
        { "quantity", "1e400", "quantity" },
        { "quantity", "-99999999999999999999999999999999", "quantity" },

        // answerWithinSeconds: optional, 5..604,800
        { "answerWithinSeconds", "4", "answerWithinSeconds" },
        { "answerWithinSeconds", "0", "answerWithinSeconds" },
        { "answerWithinSeconds", "604801", "answerWithinSeconds" },
        { "answerWithinSeconds", "300.5", "answerWithinSeconds" },
        { "answerWithinSeconds", "\"300\"", "answerWithinSeconds" },

        // callbackUrl: absolute URL under the rules of biobank endpoints
        { "callbackUrl", "\"not a url\"", "callbackUrl" },
        { "callbackUrl", "\"/hooks/samplebroker\"", "callbackUrl" },
        { "callbackUrl", "\"ftp://sme.example/hooks\"", "callbackUrl" },
        { "callbackUrl", "\"file:///etc/passwd\"", "callbackUrl" },
        { "callbackUrl", "\"\"", "callbackUrl" },
        { "callbackUrl", "42", "callbackUrl" },
    };

    /// <summary>Values at the edges of every rule that must still be accepted.</summary>
    public static TheoryData<string, string> AcceptedFields => new()
    {
        { "reference", Absent },
        { "reference", Quote(new string('r', 100)) },
        { "criteria.sampleTypes", TenSampleTypes },
        { "criteria.sampleTypes", "[\"plasma-edta\", \"blood-plasma\", \"tumor-tissue-ffpe\"]" },
        { "criteria.diagnoses", Absent },
        { "criteria.diagnoses", "[]" },
        { "criteria.diagnoses", "[\"C50\", \"C50.9\", \"C50.91\", \"Z00.00\", \"A01\"]" },
        { "criteria.diagnoses", FiftyDiagnoses },
        { "criteria.sex", Absent },
        { "criteria.sex", "[\"Female\", \"Male\", \"Unknown\", \"Undifferentiated\"]" },
        { "criteria.ageRange", Absent },
        { "criteria.ageRange", "{\"min\": 0, \"max\": 0}" },
        { "criteria.ageRange", "{\"min\": 0, \"max\": 150}" },
        { "criteria.ageRange", "{\"min\": 150, \"max\": 150}" },
        { "criteria.ageRange", "{\"min\": 70, \"max\": 70}" },
        { "criteria.storageTemperatures", Absent },
        { "criteria.storageTemperatures", "[\"temperatureRoom\", \"temperature2to10\", \"temperature-18to-35\", \"temperature-60to-85\", \"temperatureGN\", \"temperatureLN\", \"temperatureOther\"]" },
        { "criteria.useConditions", Absent },
        { "criteria.useConditions", "[\"CommercialUse\", \"Collaboration\", \"SpecificResearchUse\", \"GeneticDataUse\", \"OutsideEuAccess\", \"Xenograft\", \"OtherAnimalWork\", \"Other\"]" },
        { "criteria.minVolumeMicroliters", Absent },
        { "criteria.minVolumeMicroliters", "1" },
        { "criteria.minVolumeMicroliters", "10000000" },
        { "quantity", "1" },
        { "quantity", "100000" },
        { "answerWithinSeconds", Absent },
        { "answerWithinSeconds", "5" },
        { "answerWithinSeconds", "604800" },
        { "callbackUrl", Absent },
        { "callbackUrl", "null" },
        { "callbackUrl", "\"http://localhost:9999/hooks\"" },
    };

    [Theory]
    [MemberData(nameof(BrokenFields))]
    public async Task Submit_with_one_broken_field_is_rejected_under_that_fields_json_path(string property, string value, string expectedPath)
    {
        var (request, errors) = await ValidateAsync(Json.With(Valid(), property, value));

        Assert.Null(request);
        Assert.Equal([expectedPath], errors.Keys);
        Assert.All(errors.Values, messages => Assert.NotEmpty(messages));
    }

    [Theory]
    [MemberData(nameof(AcceptedFields))]
    public async Task Submit_with_a_field_at_the_edge_of_its_rule_is_accepted(string property, string value)
    {
        var (request, errors) = await ValidateAsync(Json.With(Valid(), property, value));

        Assert.Empty(errors);
        Assert.NotNull(request);
    }

    [Fact]
    public async Task Submit_example_of_the_contract_is_accepted_with_every_field_read()
    {
        var (request, errors) = await ValidateAsync(Valid());

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal("PO-2026-117", request.Reference);
        Assert.Equal(["blood-serum"], request.Criteria.SampleTypes);
        Assert.Equal(["C50", "C50.9"], request.Criteria.Diagnoses);
        Assert.Equal(["Female"], request.Criteria.Sex);
        Assert.Equal(new Protocol.AgeRange(40, 70), request.Criteria.AgeRange);
        Assert.Equal(["temperature-60to-85"], request.Criteria.StorageTemperatures);
        Assert.Equal(["CommercialUse"], request.Criteria.UseConditions);
        Assert.Equal(500, request.Criteria.MinVolumeMicroliters);
        Assert.Equal(200, request.Quantity);
        Assert.Equal(300, request.AnswerWithinSeconds);
        Assert.Equal("https://sme.example/hooks/samplebroker", request.CallbackUrl);
    }

    [Fact]
    public async Task Submit_with_only_the_required_fields_is_accepted_with_answer_within_300_seconds()
    {
        var (request, errors) = await ValidateAsync("""{"criteria": {"sampleTypes": ["dna"]}, "quantity": 10}""");

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal(SampleRequestValidator.DefaultAnswerWithinSeconds, request.AnswerWithinSeconds);
        Assert.Equal(300, request.AnswerWithinSeconds);
        Assert.Null(request.Reference);
        Assert.Null(request.CallbackUrl);
        Assert.Null(request.Criteria.Diagnoses);
        Assert.Null(request.Criteria.AgeRange);
    }

    [Fact]
    public async Task Submit_without_sample_types_is_rejected()
    {
        var (request, errors) = await ValidateAsync("""{"criteria": {}, "quantity": 10}""");

        Assert.Null(request);
        Assert.Equal(["criteria.sampleTypes"], errors.Keys);
    }

    [Fact]
    public async Task Submit_with_unknown_properties_is_accepted_and_they_are_ignored()
    {
        var body = Json.With(Valid(), "extra", """{"nested": [1, 2, {"deep": true}]}""");
        body = Json.With(body, "criteria.colour", "\"blue\"");
        body = Json.With(body, "criteria.ageRange.unit", "\"years\"");

        var (request, errors) = await ValidateAsync(body);

        Assert.Empty(errors);
        Assert.NotNull(request);
        Assert.Equal(200, request.Quantity);
    }

    [Fact]
    public async Task Submit_with_several_broken_fields_reports_them_all_at_once()
    {
        const string body = """
            {
              "reference": 7,
              "criteria": {
                "sampleTypes": ["blood-serum", "serum"],
                "diagnoses": ["C50", "c50"],
                "sex": ["Female", "female"],
                "ageRange": {"min": 70, "max": 40},
                "storageTemperatures": ["-80"],
                "useConditions": ["Commercial"],
                "minVolumeMicroliters": 0
              },
              "quantity": 0,
              "answerWithinSeconds": 1,
              "callbackUrl": "nope"
            }
            """;

        var (request, errors) = await ValidateAsync(body);

        Assert.Null(request);
        Assert.Equal(
            new[]
            {
                "answerWithinSeconds", "callbackUrl", "criteria.ageRange", "criteria.diagnoses[1]", "criteria.minVolumeMicroliters",
                "criteria.sampleTypes[1]", "criteria.sex[1]", "criteria.storageTemperatures[0]", "criteria.useConditions[0]",
                "quantity", "reference",
            },
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Submit_with_several_bad_sample_types_names_each_by_its_index()
    {
        var (_, errors) = await ValidateAsync(Json.With(Valid(), "criteria.sampleTypes", "[\"serum\", \"blood-serum\", 3, \"DNA\"]"));

        Assert.Equal(["criteria.sampleTypes[0]", "criteria.sampleTypes[2]", "criteria.sampleTypes[3]"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Submit_with_a_broken_criteria_and_a_missing_quantity_reports_both()
    {
        var (request, errors) = await ValidateAsync("""{"criteria": {"sampleTypes": []}}""");

        Assert.Null(request);
        Assert.Equal(["criteria.sampleTypes", "quantity"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Submit_with_both_age_bounds_out_of_range_reports_both()
    {
        var (request, errors) = await ValidateAsync(Json.With(Valid(), "criteria.ageRange", "{\"min\": -1, \"max\": 151}"));

        Assert.Null(request);
        Assert.Equal(["criteria.ageRange.max", "criteria.ageRange.min"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("null")]
    public async Task Submit_whose_body_is_not_a_json_object_is_rejected(string body)
    {
        var (request, errors) = await ValidateAsync(body);

        Assert.Null(request);
        Assert.Equal(["$"], errors.Keys);
    }

    [Theory]
    [InlineData("http://sme.example/hooks")]
    [InlineData("http://127.0.0.1:7071/hooks")]
    [InlineData("https://127.0.0.1/")]
    [InlineData("https://127.1.2.3/hooks")]
    [InlineData("https://10.0.0.1/")]
    [InlineData("https://172.16.5.4/hooks")]
    [InlineData("https://192.168.1.10/hooks")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://[::1]/hooks")]
    [InlineData("https://[fe80::1]/hooks")]
    [InlineData("https://[fd00::1]/hooks")]
    [InlineData("https://[::ffff:127.0.0.1]/hooks")]
    [InlineData("https://user:secret@8.8.8.8/hooks")]
    public async Task Submit_with_an_insecure_or_internal_callback_url_is_rejected_when_insecure_endpoints_are_not_allowed(string url)
    {
        var (request, errors) = await ValidateAsync(Json.With(Valid(), "callbackUrl", Quote(url)), allowInsecure: false);

        Assert.Null(request);
        Assert.Equal(["callbackUrl"], errors.Keys);
    }

    [Theory]
    [InlineData("https://8.8.8.8/hooks")]
    [InlineData("https://[2001:4860:4860::8888]/hooks")]
    public async Task Submit_with_an_https_callback_url_on_a_public_address_is_accepted_when_insecure_endpoints_are_not_allowed(string url)
    {
        var (request, errors) = await ValidateAsync(Json.With(Valid(), "callbackUrl", Quote(url)), allowInsecure: false);

        Assert.Empty(errors);
        Assert.Equal(url, request?.CallbackUrl);
    }

    [Theory]
    [InlineData("http://127.0.0.1:7071/hooks")]
    [InlineData("http://localhost:5000/hooks")]
    [InlineData("https://10.0.0.1/hooks")]
    public async Task Submit_with_an_http_or_loopback_callback_url_is_accepted_when_insecure_endpoints_are_allowed(string url)
    {
        var (request, errors) = await ValidateAsync(Json.With(Valid(), "callbackUrl", Quote(url)), allowInsecure: true);

        Assert.Empty(errors);
        Assert.Equal(url, request?.CallbackUrl);
    }

    [Fact]
    public async Task Submit_with_duplicate_sample_types_keeps_each_code_once_in_order()
    {
        var (request, _) = await ValidateAsync(Json.With(Valid(), "criteria.sampleTypes", "[\"dna\", \"rna\", \"dna\"]"));

        Assert.Equal(["dna", "rna"], request?.Criteria.SampleTypes);
    }

    private static JsonObject Valid() => (JsonObject)JsonNode.Parse(ValidBody)!;

    private static string Quote(string text) => JsonSerializer.Serialize(text);

    private static Task<(SubmittedRequest? Request, IDictionary<string, string[]> Errors)> ValidateAsync(JsonObject body, bool allowInsecure = true) =>
        ValidateAsync(body.ToJsonString(), allowInsecure);

    private static async Task<(SubmittedRequest? Request, IDictionary<string, string[]> Errors)> ValidateAsync(string body, bool allowInsecure = true)
    {
        var validator = new SampleRequestValidator(Policies.Endpoints(allowInsecure));
        return await validator.ValidateAsync(Json.Element(body), CancellationToken.None);
    }
}
