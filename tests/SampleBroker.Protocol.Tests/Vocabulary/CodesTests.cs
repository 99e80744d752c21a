using SampleBroker.Protocol.Vocabulary;

namespace SampleBroker.Protocol.Tests.Vocabulary;

public sealed class CodesTests
{
    [Theory]
    [InlineData("blood-plasma", "blood-plasma")]
    [InlineData("plasma-edta", "blood-plasma")]
    [InlineData("plasma-citrat", "blood-plasma")]
    [InlineData("plasma-heparin", "blood-plasma")]
    [InlineData("plasma-cell-free", "blood-plasma")]
    [InlineData("plasma-other", "blood-plasma")]
    [InlineData("tumor-tissue-ffpe", "tissue-ffpe")]
    [InlineData("normal-tissue-ffpe", "tissue-ffpe")]
    [InlineData("other-tissue-ffpe", "tissue-ffpe")]
    [InlineData("tumor-tissue-frozen", "tissue-frozen")]
    [InlineData("normal-tissue-frozen", "tissue-frozen")]
    [InlineData("other-tissue-frozen", "tissue-frozen")]
    [InlineData("cf-dna", "dna")]
    [InlineData("g-dna", "dna")]
    [InlineData("blood-serum", "blood-serum")]
    public void A_code_is_itself_or_a_descendant_of_its_parent(string code, string ancestor)
    {
        Assert.True(Codes.IsSameOrDescendant(code, ancestor));
    }

    [Theory]
    [InlineData("blood-plasma", "plasma-edta")]
    [InlineData("plasma-edta", "plasma-citrat")]
    [InlineData("blood-serum", "blood-plasma")]
    [InlineData("tumor-tissue-ffpe", "tissue-frozen")]
    [InlineData("tumor-tissue-frozen", "tumor-tissue-ffpe")]
    [InlineData("rna", "dna")]
    [InlineData("Blood-Plasma", "blood-plasma")]
    [InlineData("unknown-code", "blood-plasma")]
    public void A_code_is_not_a_descendant_of_a_child_a_sibling_or_an_unrelated_code(string code, string ancestor)
    {
        Assert.False(Codes.IsSameOrDescendant(code, ancestor));
    }

    [Theory]
    [InlineData("blood-plasma", "plasma-edta")]
    [InlineData("plasma-edta", "blood-plasma")]
    [InlineData("dna", "dna")]
    public void Sample_types_overlap_when_one_is_the_other_or_its_ancestor(string a, string b)
    {
        Assert.True(Codes.SampleTypesOverlap(a, b));
    }

    [Theory]
    [InlineData("plasma-edta", "plasma-citrat")]
    [InlineData("blood-serum", "blood-plasma")]
    [InlineData("cf-dna", "rna")]
    public void Siblings_and_unrelated_sample_types_do_not_overlap(string a, string b)
    {
        Assert.False(Codes.SampleTypesOverlap(a, b));
    }

    [Theory]
    [InlineData("C50", true)]
    [InlineData("C50.9", true)]
    [InlineData("C50.91", true)]
    [InlineData("c50", false)]
    [InlineData("C5", false)]
    [InlineData("C50.", false)]
    [InlineData("C50.123", false)]
    [InlineData("CC50", false)]
    [InlineData("C50 ", false)]
    [InlineData("Ｃ50", false)]
    public void Icd10_codes_are_a_category_or_a_subcategory_in_upper_case(string code, bool valid)
    {
        Assert.Equal(valid, Codes.IsIcd10(code));
    }
}
