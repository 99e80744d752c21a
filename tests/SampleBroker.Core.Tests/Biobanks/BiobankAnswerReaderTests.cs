using System.Text;
using System.Text.Json;
using SampleBroker.Biobanks;
using SampleBroker.Http;
using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Biobanks;

/// <summary>Contract section 5, "BiobankAnswer", and section 4, "outcome".</summary>
public sealed class BiobankAnswerReaderTests
{
    private const string FullAnswer = """
        {"availableSamples": 120, "pricePerSampleEur": 35.0, "leadTimeDays": 14,
         "conditions": ["CommercialUse"], "validUntil": "2026-12-31",
         "declined": false, "declineReason": null}
        """;

    private static readonly DateTimeOffset AnsweredAt = new(2026, 11, 27, 10, 15, 3, TimeSpan.Zero);

    private static readonly BiobankOffer Pending = BiobankOffer.Pending("bb-torino", "Biobank Torino", "IT", "q_1_bb-torino");

    public static TheoryData<string> InvalidAnswers => new()
    {
        // availableSamples: integer 0..10,000,000, required unless declined is true
        "{}",
        """{"declined": false}""",
        """{"availableSamples": null}""",
        """{"availableSamples": -1}""",
        """{"availableSamples": 10000001}""",
        """{"availableSamples": 12.5}""",
        """{"availableSamples": "12"}""",
        """{"availableSamples": true}""",
        """{"availableSamples": 1e3}""",
        """{"availableSamples": 99999999999999999999999}""",
        // pricePerSampleEur >= 0
        """{"availableSamples": 5, "pricePerSampleEur": -0.01}""",
        """{"availableSamples": 5, "pricePerSampleEur": "35.0"}""",
        // leadTimeDays 0..3650
        """{"availableSamples": 5, "leadTimeDays": 3651}""",
        """{"availableSamples": 5, "leadTimeDays": -1}""",
        """{"availableSamples": 5, "leadTimeDays": 1.5}""",
        // conditions: <= 20 strings of <= 100 chars
        """{"availableSamples": 5, "conditions": "CommercialUse"}""",
        """{"availableSamples": 5, "conditions": [42]}""",
        """{"availableSamples": 5, "conditions": [null]}""",
        $$"""{"availableSamples": 5, "conditions": {{Strings(21, 5)}}}""",
        $$"""{"availableSamples": 5, "conditions": ["MTA", "{{new string('c', 101)}}"]}""",
        // declined must be a boolean
        """{"declined": "yes"}""",
        """{"declined": 1, "availableSamples": 5}""",
        // not a JSON object
        "not json",
        "",
        "[]",
        """[{"availableSamples": 5}]""",
        "5",
        "\"available\"",
        "null",
        """{"availableSamples": 5""",
        """{"availableSamples": 5} {"availableSamples": 6}""",
    };

    [Fact]
    public void Full_answer_is_read_with_every_field()
    {
        var (answer, errors) = Read(FullAnswer);

        Assert.Empty(errors);
        Assert.NotNull(answer);
        Assert.Equal(120, answer.AvailableSamples);
        Assert.Equal(35.0m, answer.PricePerSampleEur);
        Assert.Equal(14, answer.LeadTimeDays);
        Assert.Equal(["CommercialUse"], answer.Conditions);
        Assert.Equal("2026-12-31", answer.ValidUntil);
        Assert.False(answer.Declined);
        Assert.Null(answer.DeclineReason);
    }

    [Theory]
    [InlineData("""{"availableSamples": 0}""")]
    [InlineData("""{"availableSamples": 10000000}""")]
    [InlineData("""{"availableSamples": 5, "pricePerSampleEur": 0, "leadTimeDays": 0}""")]
    [InlineData("""{"availableSamples": 5, "leadTimeDays": 3650}""")]
    [InlineData("""{"availableSamples": 5, "pricePerSampleEur": null, "leadTimeDays": null, "conditions": null, "validUntil": null}""")]
    [InlineData("""{"availableSamples": 5, "conditions": []}""")]
    [InlineData("""{"declined": true}""")]
    [InlineData("""{"declined": true, "declineReason": "No consent for commercial use"}""")]
    [InlineData("""{"availableSamples": 5, "futureField": {"nested": [1, 2, 3]}, "declined": false}""")]
    [InlineData(""" { "availableSamples" : 5 } """)]
    public void Answer_within_the_rules_is_read(string json)
    {
        var (answer, errors) = Read(json);

        Assert.Empty(errors);
        Assert.NotNull(answer);
    }

    [Fact]
    public void Answer_with_20_conditions_of_100_characters_is_read()
    {
        var (answer, _) = Read($$"""{"availableSamples": 5, "conditions": {{Strings(20, 100)}}}""");

        Assert.Equal(20, answer?.Conditions?.Count);
    }

    [Theory]
    [MemberData(nameof(InvalidAnswers))]
    public void Answer_that_breaks_the_rules_is_no_answer(string json)
    {
        var (answer, errors) = Read(json);

        Assert.Null(answer);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Answer_larger_than_64_KiB_is_no_answer_even_when_well_formed()
    {
        var raw = Padded("""{"availableSamples": 5}""", JsonBody.MaxBytes + 1);

        var (answer, errors) = BiobankAnswerReader.Read(raw);

        Assert.Null(answer);
        Assert.Equal(["$"], errors.Keys);
    }

    [Fact]
    public void Answer_of_exactly_64_KiB_is_read()
    {
        var (answer, _) = BiobankAnswerReader.Read(Padded("""{"availableSamples": 5}""", JsonBody.MaxBytes));

        Assert.Equal(5, answer?.AvailableSamples);
    }

    [Theory]
    [InlineData(new byte[] { 0x7B, 0x22, 0x61, 0x76, 0x61, 0x69, 0x6C, 0x61, 0x62, 0x6C, 0x65, 0x53, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0x73, 0x22, 0x3A, 0x35, 0x2C, 0x22, 0x76, 0x61, 0x6C, 0x69, 0x64, 0x55, 0x6E, 0x74, 0x69, 0x6C, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D })] // {"availableSamples":5,"validUntil":"\xFF"}
    [InlineData(new byte[] { 0xFF, 0xFE, 0x7B, 0x00, 0x7D, 0x00 })] // UTF-16 "{}" with its byte order mark
    public void Answer_that_is_not_valid_utf8_is_no_answer(byte[] raw)
    {
        var (answer, errors) = BiobankAnswerReader.Read(raw);

        Assert.Null(answer);
        Assert.NotEmpty(errors);
    }

    [Fact]
    public void Invalid_answer_names_each_broken_field()
    {
        var (_, errors) = Read("""{"availableSamples": -1, "pricePerSampleEur": -1, "leadTimeDays": 9999, "conditions": ["ok", ""]}""");

        Assert.Equal(["availableSamples", "conditions[1]", "leadTimeDays", "pricePerSampleEur"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Answer_with_samples_is_Available_with_its_terms()
    {
        var offer = ToOffer(FullAnswer, minReportableCount: 0);

        Assert.Equal(BiobankOutcome.Available, offer.Outcome);
        Assert.Equal(120, offer.AvailableSamples);
        Assert.Equal(35.0m, offer.PricePerSampleEur);
        Assert.Equal(14, offer.LeadTimeDays);
        Assert.Equal(["CommercialUse"], offer.Conditions);
        Assert.Equal("2026-12-31", offer.ValidUntil);
        Assert.Equal(AnsweredAt, offer.AnsweredAt);
        Assert.Equal(812, offer.LatencyMs);
        Assert.Null(offer.Error);
        Assert.Equal(Pending.BiobankId, offer.BiobankId);
        Assert.Equal(Pending.QueryId, offer.QueryId);
    }

    [Fact]
    public void Answer_of_zero_samples_is_NoMatch()
    {
        var offer = ToOffer("""{"availableSamples": 0, "pricePerSampleEur": 10}""", minReportableCount: 0);

        Assert.Equal(BiobankOutcome.NoMatch, offer.Outcome);
        Assert.Equal(0, offer.AvailableSamples);
        Assert.True(offer.IsFinal);
    }

    [Fact]
    public void Answer_of_zero_samples_is_NoMatch_whatever_the_reporting_threshold()
    {
        Assert.Equal(BiobankOutcome.NoMatch, ToOffer("""{"availableSamples": 0}""", minReportableCount: 10).Outcome);
    }

    [Fact]
    public void Declined_answer_is_Declined_without_a_count()
    {
        var offer = ToOffer("""{"declined": true, "declineReason": "no capacity", "availableSamples": 40}""", minReportableCount: 0);

        Assert.Equal(BiobankOutcome.Declined, offer.Outcome);
        Assert.Null(offer.AvailableSamples);
        Assert.True(offer.IsFinal);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(4, 5)]
    [InlineData(999, 1000)]
    public void Answer_below_the_biobanks_reporting_threshold_hides_the_count(int samples, int minReportableCount)
    {
        var offer = ToOffer($$"""{"availableSamples": {{samples}}, "pricePerSampleEur": 10, "leadTimeDays": 3, "conditions": ["MTA"]}""", minReportableCount);

        Assert.Equal(BiobankOutcome.BelowReportingThreshold, offer.Outcome);
        Assert.Null(offer.AvailableSamples);
        Assert.Null(offer.PricePerSampleEur);
        Assert.Null(offer.LeadTimeDays);
        Assert.Null(offer.Conditions);
    }

    [Theory]
    [InlineData(5, 5)]
    [InlineData(1, 0)]
    [InlineData(1, 1)]
    [InlineData(1001, 1000)]
    public void Answer_at_or_above_the_reporting_threshold_is_Available(int samples, int minReportableCount)
    {
        var offer = ToOffer($$"""{"availableSamples": {{samples}}}""", minReportableCount);

        Assert.Equal(BiobankOutcome.Available, offer.Outcome);
        Assert.Equal(samples, offer.AvailableSamples);
    }

    [Fact]
    public void Failed_outcome_carries_the_short_reason()
    {
        var offer = BiobankAnswerReader.Failed(Pending, "invalid answer", AnsweredAt, 40);

        Assert.Equal(BiobankOutcome.Failed, offer.Outcome);
        Assert.Equal("invalid answer", offer.Error);
        Assert.Null(offer.AvailableSamples);
    }

    private static (BiobankAnswer? Answer, IDictionary<string, string[]> Errors) Read(string json) =>
        BiobankAnswerReader.Read(Encoding.UTF8.GetBytes(json));

    private static BiobankOffer ToOffer(string json, int minReportableCount)
    {
        var (answer, errors) = Read(json);
        Assert.Empty(errors);
        Assert.NotNull(answer);
        return BiobankAnswerReader.ToOffer(Pending, answer, minReportableCount, AnsweredAt, 812);
    }

    private static string Strings(int count, int length) =>
        JsonSerializer.Serialize(Enumerable.Range(0, count).Select(i => i.ToString("00", System.Globalization.CultureInfo.InvariantCulture).PadRight(length, 'c')));

    /// <summary>Pads a JSON object with trailing spaces to exactly <paramref name="size"/> bytes.</summary>
    private static byte[] Padded(string json, int size) => Encoding.UTF8.GetBytes(json.PadRight(size));
}
