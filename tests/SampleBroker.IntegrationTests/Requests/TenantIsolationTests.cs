using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// Two organisations on one host: A has a request that stays <c>Brokering</c> (its biobank never answers while
/// the tests run), B tries to reach it.
/// </summary>
public sealed class TenantFixture : IAsyncLifetime
{
    private HeldBiobank held = null!;

    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    public string KeyA { get; private set; } = "";

    public string KeyB { get; private set; } = "";

    public string RequestOfA { get; private set; } = "";

    /// <summary>A reference only A used; it carries table-filter syntax on purpose.</summary>
    public string ReferenceOfA { get; } = "PO-' or PartitionKey ne '";

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync();
        Api = new BrokerApi(Host.BaseAddress);
        held = await HeldBiobank.StartAsync();
        await Api.RegisterAsync("bb-held", held.Fake, new { name = "Held", country = "IT", endpointUrl = held.Fake.EndpointUrl, answerTimeoutSeconds = 60 });
        KeyA = await Api.CreateRequesterAsync("tenant-a");
        KeyB = await Api.CreateRequesterAsync("tenant-b");
        RequestOfA = await Api.SubmitAsync(KeyA, new { reference = ReferenceOfA, criteria = new { sampleTypes = new[] { "dna" } }, quantity = 5, answerWithinSeconds = 600 });
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await held.DisposeAsync();
        await Host.DisposeAsync();
    }
}

/// <summary>An organisation never sees another's requests (contract sections 1 and 4).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class TenantIsolationTests(TenantFixture fixture) : IClassFixture<TenantFixture>
{
    [Fact]
    public async Task Another_organisations_request_reads_404_with_the_same_body_shape_as_an_unknown_id()
    {
        var unknownId = Guid.CreateVersion7().ToString("N");

        using var foreign = await fixture.Api.SendAsync(HttpMethod.Get, $"/api/v1/sample-requests/{fixture.RequestOfA}", fixture.KeyB, null);
        using var unknown = await fixture.Api.SendAsync(HttpMethod.Get, $"/api/v1/sample-requests/{unknownId}", fixture.KeyB, null);

        var foreignProblem = await ProblemAssertions.AssertProblemAsync(foreign, 404, "B reads A's request");
        var unknownProblem = await ProblemAssertions.AssertProblemAsync(unknown, 404, "B reads an unknown id");
        AssertSameShape(foreignProblem, fixture.RequestOfA, unknownProblem, unknownId);
        Assert.DoesNotContain("tenant-a", foreignProblem.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_organisations_request_cannot_be_cancelled_and_keeps_brokering()
    {
        var unknownId = Guid.CreateVersion7().ToString("N");

        using var foreign = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{fixture.RequestOfA}/cancel", fixture.KeyB, null);
        using var unknown = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{unknownId}/cancel", fixture.KeyB, null);

        var foreignProblem = await ProblemAssertions.AssertProblemAsync(foreign, 404, "B cancels A's request");
        var unknownProblem = await ProblemAssertions.AssertProblemAsync(unknown, 404, "B cancels an unknown id");
        AssertSameShape(foreignProblem, fixture.RequestOfA, unknownProblem, unknownId);
        var stillA = await fixture.Api.GetAsync(fixture.KeyA, fixture.RequestOfA);
        Assert.Equal("Brokering", stillA.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("PO-' or PartitionKey ne '")]
    [InlineData("' or '1' eq '1")]
    [InlineData("x') or (PartitionKey ne 'x")]
    public async Task Another_organisations_request_is_not_in_the_list_whatever_the_filter(string? reference)
    {
        var query = reference is null ? "" : "?reference=" + Uri.EscapeDataString(reference);

        using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests" + query, fixture.KeyB, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(page.GetProperty("items").EnumerateArray());
        Assert.DoesNotContain(fixture.RequestOfA, page.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_owner_finds_its_request_by_a_reference_that_looks_like_a_table_filter()
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests?reference=" + Uri.EscapeDataString(fixture.ReferenceOfA), fixture.KeyA, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        var item = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(fixture.RequestOfA, item.GetProperty("requestId").GetString());
        Assert.Equal("tenant-a", item.GetProperty("organisationId").GetString());
    }

    [Fact]
    public async Task Staff_can_read_any_organisations_request()
    {
        var request = await fixture.Api.GetAsync(LocalHostProcess.StaffKey, fixture.RequestOfA);

        Assert.Equal(fixture.RequestOfA, request.GetProperty("requestId").GetString());
        Assert.Equal("tenant-a", request.GetProperty("organisationId").GetString());
    }

    /// <summary>
    /// The two problems must not tell "exists but not yours" from "does not exist": the same members, type,
    /// title and status, and the same detail once each names its own id. Only a per-response trace id may differ.
    /// </summary>
    private static void AssertSameShape(JsonElement foreign, string foreignId, JsonElement unknown, string unknownId)
    {
        var foreignMembers = foreign.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        var unknownMembers = unknown.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(unknownMembers, foreignMembers);
        foreach (var member in foreignMembers.Where(m => m != "traceId"))
        {
            var expected = unknown.GetProperty(member).GetRawText().Replace(unknownId, "{id}", StringComparison.Ordinal);
            var actual = foreign.GetProperty(member).GetRawText().Replace(foreignId, "{id}", StringComparison.Ordinal);
            Assert.Equal(expected, actual);
        }
    }
}
