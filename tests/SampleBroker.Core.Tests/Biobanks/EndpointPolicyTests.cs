using System.Net;
using Microsoft.Extensions.Options;
using SampleBroker.Biobanks;
using SampleBroker.Configuration;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Biobanks;

/// <summary>Contract section 3: endpoints "must not resolve to a loopback, private, link-local or unspecified address".</summary>
public sealed class EndpointPolicyTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.255.255.254")]
    [InlineData("10.0.0.1")]
    [InlineData("10.255.255.255")]
    [InlineData("172.16.0.1")]
    [InlineData("172.20.10.5")]
    [InlineData("172.31.255.255")]
    [InlineData("192.168.0.1")]
    [InlineData("192.168.255.255")]
    [InlineData("169.254.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("0.1.2.3")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fe80::1234:5678:9abc:def0")]
    [InlineData("fc00::1")]
    [InlineData("fd12:3456:789a::1")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:10.0.0.1")]
    [InlineData("::ffff:172.16.0.1")]
    [InlineData("::ffff:192.168.1.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:0.0.0.0")]
    [InlineData("100.64.0.1")]
    [InlineData("100.127.255.254")]
    [InlineData("198.18.0.1")]
    [InlineData("198.19.255.254")]
    [InlineData("192.0.0.8")]
    [InlineData("168.63.129.16")]
    [InlineData("100.100.100.200")]
    [InlineData("64:ff9b::a00:1")]
    [InlineData("64:ff9b::808:808")]
    [InlineData("2002:a00:1::1")]
    [InlineData("2002:808:808::1")]
    [InlineData("2001:0:4136:e378::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("::ffff:168.63.129.16")]
    [InlineData("::ffff:100.64.0.1")]
    public void Loopback_private_link_local_and_unspecified_addresses_are_forbidden(string address)
    {
        Assert.True(EndpointPolicy.IsForbidden(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("93.184.216.34")]
    [InlineData("9.255.255.255")]
    [InlineData("11.0.0.1")]
    [InlineData("126.255.255.255")]
    [InlineData("128.0.0.1")]
    [InlineData("172.15.255.255")]
    [InlineData("172.32.0.1")]
    [InlineData("192.167.255.255")]
    [InlineData("192.169.0.1")]
    [InlineData("169.253.255.255")]
    [InlineData("169.255.0.1")]
    [InlineData("2001:4860:4860::8888")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2a00:1450:4001:80b::200e")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("100.63.255.255")]
    [InlineData("100.128.0.1")]
    [InlineData("198.17.255.255")]
    [InlineData("198.20.0.1")]
    [InlineData("168.63.129.17")]
    [InlineData("2001:db9::1")]
    [InlineData("2003::1")]
    public void Public_addresses_are_allowed(string address)
    {
        Assert.False(EndpointPolicy.IsForbidden(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("10.0.0.1", true)]
    [InlineData("8.8.8.8", true)]
    public void Send_time_check_allows_every_address_when_insecure_endpoints_are_allowed(string address, bool allowed)
    {
        Assert.Equal(allowed, Policies.Endpoints(allowInsecure: true).IsAllowedAtSendTime(IPAddress.Parse(address), EndpointKind.BiobankEndpoint));
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("8.8.8.8", true)]
    public void Send_time_check_refuses_internal_addresses_when_insecure_endpoints_are_not_allowed(string address, bool allowed)
    {
        Assert.Equal(allowed, Policies.Endpoints(allowInsecure: false).IsAllowedAtSendTime(IPAddress.Parse(address), EndpointKind.BiobankEndpoint));
    }

    [Theory]
    [InlineData("https://8.8.8.8/samplebroker")]
    [InlineData("https://[2001:4860:4860::8888]:8443/samplebroker")]
    public async Task Https_url_on_a_public_address_is_accepted(string url)
    {
        Assert.Null(await Policies.Endpoints(allowInsecure: false).CheckAsync(url, EndpointKind.BiobankEndpoint, CancellationToken.None));
    }

    [Theory]
    [InlineData("http://8.8.8.8/samplebroker")]
    [InlineData("http://bb.example/samplebroker")]
    [InlineData("https://127.0.0.1/samplebroker")]
    [InlineData("https://10.0.0.1/samplebroker")]
    [InlineData("https://172.31.0.1/samplebroker")]
    [InlineData("https://192.168.0.10:8443/samplebroker")]
    [InlineData("https://169.254.169.254/")]
    [InlineData("https://0.0.0.0/")]
    [InlineData("https://[::1]/")]
    [InlineData("https://[fe80::1]/")]
    [InlineData("https://[fc00::1]/")]
    [InlineData("https://[::ffff:127.0.0.1]/")]
    [InlineData("https://2130706433/")]
    [InlineData("https://user:password@8.8.8.8/")]
    [InlineData("ftp://8.8.8.8/")]
    [InlineData("bb.example/samplebroker")]
    [InlineData("/samplebroker")]
    [InlineData("")]
    public async Task Url_that_is_not_https_on_a_public_address_is_refused(string url)
    {
        Assert.NotNull(await Policies.Endpoints(allowInsecure: false).CheckAsync(url, EndpointKind.BiobankEndpoint, CancellationToken.None));
    }

    [Theory]
    [InlineData("http://127.0.0.1:7072/samplebroker")]
    [InlineData("http://localhost:7072/samplebroker")]
    [InlineData("https://10.0.0.1/samplebroker")]
    public async Task Development_setting_allows_http_and_loopback(string url)
    {
        Assert.Null(await Policies.Endpoints(allowInsecure: true).CheckAsync(url, EndpointKind.BiobankEndpoint, CancellationToken.None));
    }

    [Theory]
    [InlineData("ftp://127.0.0.1/")]
    [InlineData("/samplebroker")]
    [InlineData("http://user:password@127.0.0.1/")]
    public async Task Development_setting_still_needs_an_absolute_http_url_without_credentials(string url)
    {
        Assert.NotNull(await Policies.Endpoints(allowInsecure: true).CheckAsync(url, EndpointKind.BiobankEndpoint, CancellationToken.None));
    }

    [Theory]
    [InlineData("https://100.64.0.1/")]
    [InlineData("https://198.18.0.1/")]
    [InlineData("https://168.63.129.16/")]
    [InlineData("https://[64:ff9b::a00:1]/")]
    [InlineData("https://[2002:a00:1::1]/")]
    [InlineData("https://[fd00:ec2::254]/latest/meta-data/")]
    public async Task Url_on_a_shared_reserved_translated_or_cloud_metadata_address_is_refused(string url)
    {
        var reason = await Policies.Endpoints(allowInsecure: false).CheckAsync(url, EndpointKind.CallbackUrl, CancellationToken.None);

        Assert.Contains("must not point to", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_host_name_over_253_characters_is_refused_even_in_development(bool allowInsecure)
    {
        var url = "https://" + string.Join('.', Enumerable.Repeat(new string('a', 60), 5)) + "/hooks";

        var reason = await Policies.Endpoints(allowInsecure).CheckAsync(url, EndpointKind.CallbackUrl, CancellationToken.None);

        Assert.Equal("has a host name longer than 253 characters.", reason);
    }

    [Fact]
    public async Task Allowing_insecure_biobank_endpoints_does_not_allow_insecure_callback_urls()
    {
        var policy = new EndpointPolicy(Options.Create(new SampleBrokerOptions { AllowInsecureBiobankEndpoints = true, AllowInsecureCallbackUrls = false }));

        Assert.Null(await policy.CheckAsync("http://127.0.0.1:9999/query", EndpointKind.BiobankEndpoint, CancellationToken.None));
        Assert.NotNull(await policy.CheckAsync("http://127.0.0.1:9999/hooks", EndpointKind.CallbackUrl, CancellationToken.None));
        Assert.NotNull(await policy.CheckAsync("https://169.254.169.254/latest/meta-data/", EndpointKind.CallbackUrl, CancellationToken.None));
        Assert.True(policy.IsAllowedAtSendTime(IPAddress.Loopback, EndpointKind.BiobankEndpoint));
        Assert.False(policy.IsAllowedAtSendTime(IPAddress.Loopback, EndpointKind.CallbackUrl));
    }

    [Fact]
    public async Task Allowing_insecure_callback_urls_does_not_allow_insecure_biobank_endpoints()
    {
        var policy = new EndpointPolicy(Options.Create(new SampleBrokerOptions { AllowInsecureBiobankEndpoints = false, AllowInsecureCallbackUrls = true }));

        Assert.NotNull(await policy.CheckAsync("http://127.0.0.1:9999/query", EndpointKind.BiobankEndpoint, CancellationToken.None));
        Assert.Null(await policy.CheckAsync("http://127.0.0.1:9999/hooks", EndpointKind.CallbackUrl, CancellationToken.None));
    }
}
