using SampleBroker.Protocol.Webhooks;

namespace SampleBroker.Protocol.Tests.Webhooks;

public sealed class WebhookSecretTests
{
    [Fact]
    public void Generate_returns_whsec_prefix_and_32_random_bytes()
    {
        string secret = WebhookSecret.Generate();

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(32, Convert.FromBase64String(secret["whsec_".Length..]).Length);
    }

    [Fact]
    public void Generate_returns_a_different_secret_each_time()
    {
        Assert.NotEqual(WebhookSecret.Generate(), WebhookSecret.Generate());
    }

    [Fact]
    public void Generated_secret_parses_back_to_its_key()
    {
        string secret = WebhookSecret.Generate();

        Assert.True(WebhookSecret.TryParse(secret, out byte[] key));
        Assert.Equal(Convert.FromBase64String(secret["whsec_".Length..]), key);
    }

    [Fact]
    public void TryParse_accepts_the_Standard_Webhooks_vector_secret()
    {
        Assert.True(WebhookSecret.TryParse(StandardWebhooksVector.Secret, out byte[] key));
        Assert.Equal(24, key.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("whsec_")]
    [InlineData("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("WHSEC_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData(" whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqr TwjUPD8ILPZIo2LaLaSw")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS")]
    [InlineData("whsec_not base64!")]
    [InlineData("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw-_")]
    [InlineData("whsec_c2hvcnQ=")]
    public void TryParse_rejects_anything_but_whsec_and_base64_of_a_24_to_64_byte_key(string? secret)
    {
        Assert.False(WebhookSecret.TryParse(secret, out byte[] key));
        Assert.Empty(key);
    }

    [Fact]
    public void TryParse_rejects_a_key_longer_than_64_bytes()
    {
        string secret = "whsec_" + Convert.ToBase64String(new byte[65]);

        Assert.False(WebhookSecret.TryParse(secret, out _));
    }

    [Fact]
    public void TryParse_accepts_a_64_byte_key()
    {
        string secret = "whsec_" + Convert.ToBase64String(new byte[64]);

        Assert.True(WebhookSecret.TryParse(secret, out byte[] key));
        Assert.Equal(64, key.Length);
    }

    [Fact]
    public void TryParse_rejects_a_huge_value_without_decoding_it()
    {
        string secret = "whsec_" + new string('A', 1_000_000);

        Assert.False(WebhookSecret.TryParse(secret, out _));
    }
}
