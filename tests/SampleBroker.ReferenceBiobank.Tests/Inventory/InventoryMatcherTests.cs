using SampleBroker.Protocol;
using SampleBroker.ReferenceBiobank.Inventory;

namespace SampleBroker.ReferenceBiobank.Tests.Inventory;

public sealed class InventoryMatcherTests
{
    private static readonly DateOnly Today = new(2026, 11, 27);

    private static readonly InventoryEntry Serum = new()
    {
        SampleType = "blood-serum",
        Diagnosis = "C50.9",
        Sex = "Female",
        Age = 54,
        StorageTemperature = "temperature-60to-85",
        VolumeMicroliters = 1000,
        Conditions = ["CommercialUse", "Collaboration"],
        Count = 40,
    };

    private static SampleCriteria Criteria(params string[] sampleTypes) => new() { SampleTypes = sampleTypes };

    [Fact]
    public void Only_the_sample_type_is_required_to_match()
    {
        Assert.True(InventoryMatcher.Matches(Criteria("blood-serum"), Serum));
    }

    [Fact]
    public void A_request_for_a_parent_type_matches_stock_of_a_child_type()
    {
        InventoryEntry edtaPlasma = Serum with { SampleType = "plasma-edta" };

        Assert.True(InventoryMatcher.Matches(Criteria("blood-plasma"), edtaPlasma));
    }

    [Fact]
    public void A_request_for_a_child_type_does_not_match_stock_of_the_parent_type()
    {
        InventoryEntry plasma = Serum with { SampleType = "blood-plasma" };

        Assert.False(InventoryMatcher.Matches(Criteria("plasma-edta"), plasma));
    }

    [Fact]
    public void A_request_for_one_child_type_does_not_match_a_sibling()
    {
        InventoryEntry citratePlasma = Serum with { SampleType = "plasma-citrat" };

        Assert.False(InventoryMatcher.Matches(Criteria("plasma-edta"), citratePlasma));
    }

    [Fact]
    public void Any_of_several_requested_types_may_match()
    {
        Assert.True(InventoryMatcher.Matches(Criteria("blood-plasma", "blood-serum"), Serum));
        Assert.False(InventoryMatcher.Matches(Criteria("blood-plasma", "whole-blood"), Serum));
    }

    [Fact]
    public void Sample_type_codes_match_case_sensitively()
    {
        Assert.False(InventoryMatcher.Matches(Criteria("Blood-Serum"), Serum));
    }

    [Fact]
    public void An_empty_sample_type_list_matches_nothing()
    {
        Assert.False(InventoryMatcher.Matches(Criteria(), Serum));
    }

    [Theory]
    [InlineData("C50", "C50.9", true)]
    [InlineData("C50", "C50.11", true)]
    [InlineData("C50", "C50", true)]
    [InlineData("C50.9", "C50.9", true)]
    [InlineData("C50.9", "C50", false)]
    [InlineData("C50.9", "C50.1", false)]
    [InlineData("C50.1", "C50.11", false)]
    [InlineData("C5", "C50.9", false)]
    [InlineData("C50", "C501", false)]
    [InlineData("C51", "C50.9", false)]
    [InlineData("c50", "C50.9", false)]
    public void A_diagnosis_category_matches_its_subcategories_and_a_subcategory_only_itself(string requested, string stocked, bool matches)
    {
        SampleCriteria criteria = Criteria("blood-serum") with { Diagnoses = [requested] };

        Assert.Equal(matches, InventoryMatcher.Matches(criteria, Serum with { Diagnosis = stocked }));
    }

    [Fact]
    public void Any_of_several_requested_diagnoses_may_match()
    {
        SampleCriteria criteria = Criteria("blood-serum") with { Diagnoses = ["C34", "C50.9"] };

        Assert.True(InventoryMatcher.Matches(criteria, Serum));
    }

    [Fact]
    public void Stock_without_a_diagnosis_does_not_match_a_diagnosis_filter()
    {
        SampleCriteria criteria = Criteria("blood-serum") with { Diagnoses = ["C50"] };

        Assert.False(InventoryMatcher.Matches(criteria, Serum with { Diagnosis = null }));
        Assert.True(InventoryMatcher.Matches(Criteria("blood-serum"), Serum with { Diagnosis = null }));
    }

    [Theory]
    [InlineData(new[] { "Female" }, true)]
    [InlineData(new[] { "Male", "Female" }, true)]
    [InlineData(new[] { "Male" }, false)]
    [InlineData(new[] { "female" }, false)]
    [InlineData(new string[0], true)]
    public void Sex_must_be_one_of_the_requested_values_when_any_are_given(string[] sex, bool matches)
    {
        Assert.Equal(matches, InventoryMatcher.Matches(Criteria("blood-serum") with { Sex = sex }, Serum));
    }

    [Theory]
    [InlineData(new[] { "temperature-60to-85" }, true)]
    [InlineData(new[] { "temperatureLN", "temperature-60to-85" }, true)]
    [InlineData(new[] { "temperatureLN" }, false)]
    [InlineData(new string[0], true)]
    public void Storage_temperature_must_be_one_of_the_requested_values_when_any_are_given(string[] temperatures, bool matches)
    {
        Assert.Equal(matches, InventoryMatcher.Matches(Criteria("blood-serum") with { StorageTemperatures = temperatures }, Serum));
    }

    [Fact]
    public void Stock_without_a_sex_or_temperature_does_not_match_a_filter_on_it()
    {
        Assert.False(InventoryMatcher.Matches(Criteria("blood-serum") with { Sex = ["Female"] }, Serum with { Sex = null }));
        Assert.False(InventoryMatcher.Matches(
            Criteria("blood-serum") with { StorageTemperatures = ["temperature-60to-85"] },
            Serum with { StorageTemperature = null }));
    }

    [Theory]
    [InlineData(54, 54, true)]
    [InlineData(40, 54, true)]
    [InlineData(54, 70, true)]
    [InlineData(55, 70, false)]
    [InlineData(18, 53, false)]
    public void Age_must_be_within_the_range_both_ends_included(int min, int max, bool matches)
    {
        Assert.Equal(matches, InventoryMatcher.Matches(Criteria("blood-serum") with { AgeRange = new AgeRange(min, max) }, Serum));
    }

    [Fact]
    public void Stock_without_an_age_does_not_match_an_age_range()
    {
        Assert.False(InventoryMatcher.Matches(Criteria("blood-serum") with { AgeRange = new AgeRange(0, 150) }, Serum with { Age = null }));
    }

    [Theory]
    [InlineData(999, true)]
    [InlineData(1000, true)]
    [InlineData(1001, false)]
    public void Volume_must_be_at_least_the_requested_minimum(int minVolume, bool matches)
    {
        Assert.Equal(matches, InventoryMatcher.Matches(Criteria("blood-serum") with { MinVolumeMicroliters = minVolume }, Serum));
    }

    [Fact]
    public void Stock_without_a_volume_does_not_match_a_minimum_volume()
    {
        Assert.False(InventoryMatcher.Matches(Criteria("blood-serum") with { MinVolumeMicroliters = 1 }, Serum with { VolumeMicroliters = null }));
    }

    [Theory]
    [InlineData(new[] { "CommercialUse" }, true)]
    [InlineData(new[] { "CommercialUse", "Collaboration" }, true)]
    [InlineData(new[] { "CommercialUse", "GeneticDataUse" }, false)]
    [InlineData(new[] { "GeneticDataUse" }, false)]
    [InlineData(new string[0], true)]
    public void Every_requested_use_must_be_permitted(string[] uses, bool matches)
    {
        Assert.Equal(matches, InventoryMatcher.Matches(Criteria("blood-serum") with { UseConditions = uses }, Serum));
    }

    [Fact]
    public void Stock_without_conditions_does_not_match_a_requested_use()
    {
        Assert.False(InventoryMatcher.Matches(Criteria("blood-serum") with { UseConditions = ["CommercialUse"] }, Serum with { Conditions = null }));
    }

    [Fact]
    public void Answer_sums_the_counts_and_unites_the_conditions_of_matching_stock_only()
    {
        var inventory = new BiobankInventory
        {
            PricePerSampleEur = 35.0m,
            LeadTimeDays = 14,
            ValidForDays = 30,
            Samples =
            [
                Serum,
                Serum with { Diagnosis = "C50.1", Conditions = ["MTA", "CommercialUse"], Count = 25 },
                Serum with { Diagnosis = "C34.1", Conditions = ["Xenograft"], Count = 1000 },
                Serum with { SampleType = "plasma-edta", Conditions = ["OtherAnimalWork"], Count = 7 },
            ],
        };
        SampleCriteria criteria = Criteria("blood-serum") with { Diagnoses = ["C50"] };

        BiobankAnswer answer = InventoryMatcher.Answer(criteria, inventory, Today);

        Assert.Equal(65, answer.AvailableSamples);
        Assert.Equal(["Collaboration", "CommercialUse", "MTA"], answer.Conditions);
        Assert.Equal(35.0m, answer.PricePerSampleEur);
        Assert.Equal(14, answer.LeadTimeDays);
        Assert.Equal("2026-12-27", answer.ValidUntil);
        Assert.False(answer.Declined);
        Assert.Null(answer.DeclineReason);
    }

    [Fact]
    public void Answer_without_matching_stock_offers_zero_samples_and_no_conditions()
    {
        var inventory = new BiobankInventory { PricePerSampleEur = 28m, LeadTimeDays = 10, ValidForDays = 0, Samples = [Serum] };

        BiobankAnswer answer = InventoryMatcher.Answer(Criteria("rna"), inventory, Today);

        Assert.Equal(0, answer.AvailableSamples);
        Assert.Empty(answer.Conditions!);
        Assert.Equal("2026-11-27", answer.ValidUntil);
    }

    [Fact]
    public void Answer_of_an_inventory_without_samples_is_zero()
    {
        BiobankAnswer answer = InventoryMatcher.Answer(Criteria("blood-serum"), new BiobankInventory(), Today);

        Assert.Equal(0, answer.AvailableSamples);
        Assert.Null(answer.PricePerSampleEur);
        Assert.Null(answer.LeadTimeDays);
    }

    [Fact]
    public void Answer_caps_available_samples_at_the_contract_maximum()
    {
        var inventory = new BiobankInventory { Samples = [Serum with { Count = int.MaxValue }, Serum with { Count = int.MaxValue }] };

        BiobankAnswer answer = InventoryMatcher.Answer(Criteria("blood-serum"), inventory, Today);

        Assert.Equal(InventoryMatcher.MaxAvailableSamples, answer.AvailableSamples);
    }
}
