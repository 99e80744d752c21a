using SampleBroker.Http;

namespace SampleBroker.Tests.Http;

/// <summary>Contract section 0: path identifiers match <c>^[a-z0-9][a-z0-9-]{1,62}$</c>; anything else is 400.</summary>
public sealed class IdentifiersTests
{
    [Theory]
    [InlineData("acme-dx")]
    [InlineData("bb-torino")]
    [InlineData("b1")]
    [InlineData("0-")]
    public void Identifier_of_the_contracts_shape_is_accepted(string value)
    {
        Assert.True(Identifiers.IsResourceId(value));
    }

    [Fact]
    public void Identifier_of_63_characters_is_accepted_and_of_64_refused()
    {
        Assert.True(Identifiers.IsResourceId("a" + new string('b', 62)));
        Assert.False(Identifiers.IsResourceId("a" + new string('b', 63)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("-acme")]
    [InlineData("Acme")]
    [InlineData("acme_dx")]
    [InlineData("acme dx")]
    [InlineData("acme'dx")]
    [InlineData("acme\n")]
    [InlineData("acme-dx\n")]
    [InlineData("\nacme")]
    public void Identifier_of_any_other_shape_is_refused(string? value)
    {
        Assert.False(Identifiers.IsResourceId(value));
    }

    [Theory]
    [InlineData("0190a1b2c3d4e5f60718293a4b5c6d7e", true)]
    [InlineData("0190A1B2C3D4E5F60718293A4B5C6D7E", false)]
    [InlineData("0190a1b2c3d4e5f60718293a4b5c6d7", false)]
    [InlineData("0190a1b2c3d4e5f60718293a4b5c6d7e\n", false)]
    [InlineData("0190a1b2-c3d4-e5f6-0718-293a4b5c6d7e", false)]
    public void Request_id_is_32_lower_case_hex_digits(string value, bool valid)
    {
        Assert.Equal(valid, Identifiers.IsRequestId(value));
    }

    [Theory]
    [InlineData("staff_0123456789abcdef", true)]
    [InlineData("staff_0123456789ABCDEF", false)]
    [InlineData("staff_0123456789abcde", false)]
    [InlineData("staff_0123456789abcdef0", false)]
    [InlineData("staff_0123456789abcdef\n", false)]
    [InlineData("bootstrap", false)]
    [InlineData("key_0123456789abcdef", false)]
    public void Staff_key_id_is_staff_and_16_lower_case_hex_digits(string value, bool valid)
    {
        Assert.Equal(valid, Identifiers.IsStaffKeyId(value));
    }
}
