using SampleBroker.Biobanks;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Requests;

/// <summary>Contract section 4: "A biobank is contacted when it is enabled and its sampleTypes (if any) overlap the request's";
/// section 5: queryId is URL-safe and unique per request and biobank.</summary>
public sealed class BiobankSelectionTests
{
    [Theory]
    [InlineData(null, "blood-serum", true)]
    [InlineData("blood-serum", "blood-serum", true)]
    [InlineData("blood-plasma", "plasma-edta", true)]
    [InlineData("plasma-edta", "blood-plasma", true)]
    [InlineData("tissue-ffpe,dna", "g-dna", true)]
    [InlineData("plasma-edta", "plasma-citrat", false)]
    [InlineData("blood-serum", "blood-plasma", false)]
    [InlineData("tumor-tissue-ffpe", "tumor-tissue-frozen", false)]
    [InlineData("", "blood-serum", false)]
    public void Enabled_biobank_is_contacted_when_its_sample_types_overlap_the_request(string? offered, string wanted, bool eligible)
    {
        var biobank = Biobank(enabled: true, offered is null ? null : offered.Split(',', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(eligible, BiobankSelection.IsEligible(biobank, [wanted]));
    }

    [Fact]
    public void Biobank_is_contacted_when_any_requested_type_overlaps()
    {
        var biobank = Biobank(enabled: true, ["dna"]);

        Assert.True(BiobankSelection.IsEligible(biobank, ["blood-serum", "cf-dna"]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("blood-serum")]
    public void Disabled_biobank_is_never_contacted(string? offered)
    {
        var biobank = Biobank(enabled: false, offered is null ? null : [offered]);

        Assert.False(BiobankSelection.IsEligible(biobank, ["blood-serum"]));
    }

    [Fact]
    public void Query_id_is_url_safe_stable_and_unique_per_request_and_biobank()
    {
        var requestA = Guid.CreateVersion7().ToString("N");
        var requestB = Guid.CreateVersion7().ToString("N");
        var ids = new[]
        {
            QueryId.Create(requestA, "bb-torino").ToString(),
            QueryId.Create(requestA, "bb-liege").ToString(),
            QueryId.Create(requestB, "bb-torino").ToString(),
            QueryId.Create(requestB, "bb-liege").ToString(),
        };

        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]+$", id));
        Assert.Equal(ids.Length, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(ids[0], QueryId.Create(requestA, "bb-torino").ToString());
    }

    private static BiobankRecord Biobank(bool enabled, IReadOnlyList<string>? sampleTypes) =>
        new("bb-torino", "Biobank Torino", "IT", "https://bb.example/samplebroker", enabled, sampleTypes, 10, 0, ["whsec_x"]);
}
