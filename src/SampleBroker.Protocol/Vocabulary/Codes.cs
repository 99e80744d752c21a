using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace SampleBroker.Protocol.Vocabulary;

/// <summary>
/// The codes of vocabulary.md, shared by the broker and biobank adapters. Matching is exact and
/// case-sensitive.
/// </summary>
public static partial class Codes
{
    /// <summary>Sample material types, child to parent ("is-a"); roots map to null.</summary>
    private static readonly FrozenDictionary<string, string?> SampleTypeParents = new Dictionary<string, string?>
    {
        ["whole-blood"] = null,
        ["bone-marrow"] = null,
        ["buffy-coat"] = null,
        ["dried-whole-blood"] = null,
        ["peripheral-blood-cells-vital"] = null,
        ["blood-plasma"] = null,
        ["plasma-edta"] = "blood-plasma",
        ["plasma-citrat"] = "blood-plasma",
        ["plasma-heparin"] = "blood-plasma",
        ["plasma-cell-free"] = "blood-plasma",
        ["plasma-other"] = "blood-plasma",
        ["blood-serum"] = null,
        ["ascites"] = null,
        ["csf-liquor"] = null,
        ["saliva"] = null,
        ["stool-faeces"] = null,
        ["urine"] = null,
        ["swab"] = null,
        ["liquid-other"] = null,
        ["tissue-ffpe"] = null,
        ["tumor-tissue-ffpe"] = "tissue-ffpe",
        ["normal-tissue-ffpe"] = "tissue-ffpe",
        ["other-tissue-ffpe"] = "tissue-ffpe",
        ["tissue-frozen"] = null,
        ["tumor-tissue-frozen"] = "tissue-frozen",
        ["normal-tissue-frozen"] = "tissue-frozen",
        ["other-tissue-frozen"] = "tissue-frozen",
        ["tissue-other"] = null,
        ["dna"] = null,
        ["cf-dna"] = "dna",
        ["g-dna"] = "dna",
        ["rna"] = null,
        ["derivative-other"] = null,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static FrozenSet<string> StorageTemperatures { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "temperatureRoom", "temperature2to10", "temperature-18to-35", "temperature-60to-85",
        "temperatureGN", "temperatureLN", "temperatureOther");

    public static FrozenSet<string> Sexes { get; } = FrozenSet.Create(
        StringComparer.Ordinal, "Female", "Male", "Unknown", "Undifferentiated");

    public static FrozenSet<string> UseConditions { get; } = FrozenSet.Create(
        StringComparer.Ordinal,
        "CommercialUse", "Collaboration", "SpecificResearchUse", "GeneticDataUse",
        "OutsideEuAccess", "Xenograft", "OtherAnimalWork", "Other");

    public static IEnumerable<string> SampleTypes => SampleTypeParents.Keys;

    public static bool IsSampleType(string code) => SampleTypeParents.ContainsKey(code);

    /// <summary>ICD-10 category (C50) or subcategory (C50.9, C50.91), upper case.</summary>
    public static bool IsIcd10(string code) => Icd10Pattern().IsMatch(code);

    /// <summary>
    /// True when the two codes are the same, or one is an ancestor of the other: a request for a parent
    /// reaches biobanks that registered a child, and the reverse.
    /// </summary>
    public static bool SampleTypesOverlap(string a, string b) =>
        IsSameOrDescendant(a, b) || IsSameOrDescendant(b, a);

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestor"/> or one of its descendants.</summary>
    public static bool IsSameOrDescendant(string code, string ancestor) =>
        string.Equals(code, ancestor, StringComparison.Ordinal) || IsAncestor(ancestor, code);

    private static bool IsAncestor(string ancestor, string code)
    {
        for (var parent = SampleTypeParents.GetValueOrDefault(code); parent is not null; parent = SampleTypeParents.GetValueOrDefault(parent))
        {
            if (string.Equals(parent, ancestor, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"^[A-Z][0-9]{2}(\.[0-9]{1,2})?\z", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 100)]
    private static partial Regex Icd10Pattern();
}
