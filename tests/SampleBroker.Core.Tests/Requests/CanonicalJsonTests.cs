using SampleBroker.Requests;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Requests;

/// <summary>Contract section 4, Idempotency-Key: "the same JSON document once parsed: property order and whitespace do not matter".</summary>
public sealed class CanonicalJsonTests
{
    private const string Body = """{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""";

    [Theory]
    [InlineData("""{"quantity":200,"criteria":{"ageRange":{"max":70,"min":40},"sampleTypes":["blood-serum","dna"]},"reference":"PO-1"}""")]
    [InlineData("""
        {
          "reference" : "PO-1",
          "criteria" : {
            "sampleTypes" : [ "blood-serum" , "dna" ],
            "ageRange" : { "min" : 40, "max" : 70 }
          },
          "quantity" : 200
        }
        """)]
    [InlineData("\t{\"criteria\":{\"ageRange\":{\"min\":40,\"max\":70},\"sampleTypes\":[\"blood-serum\",\"dna\"]},\r\n\"quantity\":200,\"reference\":\"PO-1\"}  ")]
    [InlineData("""{"reference":"PO\u002D1","criteria":{"sampleTypes":["blood\u002dserum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"\u0072eference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    public void Same_document_with_other_property_order_whitespace_or_escapes_has_the_same_hash(string variant)
    {
        Assert.Equal(CanonicalJson.Hash(Json.Element(Body)), CanonicalJson.Hash(Json.Element(variant)));
    }

    [Theory]
    [InlineData("""{"reference":"PO-2","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":201}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["dna","blood-serum"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":70,"max":40}},"quantity":200}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"]},"quantity":200}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":"200"}""")]
    [InlineData("""{"reference":"po-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"Reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"reference":null,"criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200}""")]
    [InlineData("""{"reference":"PO-1","criteria":{"sampleTypes":["blood-serum","dna"],"ageRange":{"min":40,"max":70}},"quantity":200,"callbackUrl":"https://sme.example/"}""")]
    public void Document_with_a_different_value_or_array_order_has_a_different_hash(string variant)
    {
        Assert.NotEqual(CanonicalJson.Hash(Json.Element(Body)), CanonicalJson.Hash(Json.Element(variant)));
    }

    [Fact]
    public void Values_moved_between_properties_change_the_hash()
    {
        Assert.NotEqual(CanonicalJson.Hash(Json.Element("""{"a":"b","c":"d"}""")), CanonicalJson.Hash(Json.Element("""{"a":"d","c":"b"}""")));
        Assert.NotEqual(CanonicalJson.Hash(Json.Element("""{"a":{"b":1}}""")), CanonicalJson.Hash(Json.Element("""{"a":[{"b":1}]}""")));
    }

    [Fact]
    public void Hash_is_a_lower_case_hex_sha256()
    {
        var hash = CanonicalJson.Hash(Json.Element(Body));

        Assert.Matches("^[0-9a-f]{64}$", hash);
        Assert.Equal(hash, CanonicalJson.Hash(Json.Element(Body)));
    }
}
