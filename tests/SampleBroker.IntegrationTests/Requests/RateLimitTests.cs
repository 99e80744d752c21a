using System.Globalization;
using System.Net;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>A host that allows each organisation three submissions a minute.</summary>
public sealed class RateLimitFixture : IAsyncLifetime
{
    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    public FakeBiobank Biobank { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__RequestsPerMinute"] = "3" });
        Api = new BrokerApi(Host.BaseAddress);
        Biobank = await FakeBiobank.AnsweringAsync(5);
        await Api.RegisterAsync("bb-one", Biobank);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Biobank.DisposeAsync();
        await Host.DisposeAsync();
    }
}

/// <summary><c>SampleBroker:RequestsPerMinute</c> per organisation (contract section 4, submit errors).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class RateLimitTests(RateLimitFixture fixture) : IClassFixture<RateLimitFixture>
{
    private static readonly object Request = new { criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 1 };

    [Fact]
    public async Task Fourth_submission_within_a_minute_is_429_with_retry_after_and_stores_nothing()
    {
        var apiKey = await fixture.Api.CreateRequesterAsync(TestStorage.UniqueName("busy"));
        var accepted = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            accepted.Add(await fixture.Api.SubmitAsync(apiKey, Request));
        }

        using var fourth = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/sample-requests", apiKey, Request);

        await ProblemAssertions.AssertProblemAsync(fourth, 429, "fourth submission within the minute");
        Assert.True(fourth.Headers.TryGetValues("Retry-After", out var values), "the 429 has no Retry-After header");
        var retryAfter = Assert.Single(values);
        Assert.True(
            int.TryParse(retryAfter, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds is >= 1 and <= 60,
            $"Retry-After '{retryAfter}' is not a whole number of seconds within the minute");

        using var list = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests", apiKey, null);
        var page = JsonDocument.Parse(await list.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(accepted.AsEnumerable().Reverse(), page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task Another_organisation_is_not_limited_by_one_that_is()
    {
        var busy = await fixture.Api.CreateRequesterAsync(TestStorage.UniqueName("busy"));
        var calm = await fixture.Api.CreateRequesterAsync(TestStorage.UniqueName("calm"));
        for (var i = 0; i < 3; i++)
        {
            await fixture.Api.SubmitAsync(busy, Request);
        }

        using var limited = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/sample-requests", busy, Request);
        using var other = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/sample-requests", calm, Request);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }
}
