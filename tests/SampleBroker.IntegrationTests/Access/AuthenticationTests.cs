using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Access;

/// <summary>One local host for the authentication tests: each test works with organisations of its own.</summary>
public sealed class AuthenticationFixture : IAsyncLifetime
{
    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    /// <summary>A requester of an organisation that exists, with one request, for routes that need real ids.</summary>
    public string RequesterKey { get; private set; } = "";

    public string OrganisationId { get; } = TestStorage.UniqueName("auth");

    public string RequestId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync();
        Api = new BrokerApi(Host.BaseAddress);
        RequesterKey = await Api.CreateRequesterAsync(OrganisationId);
        RequestId = await Api.SubmitAsync(RequesterKey, new { criteria = new { sampleTypes = new[] { "dna" } }, quantity = 1, answerWithinSeconds = 5 });
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>API keys and roles (contract sections 1 and 2).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AuthenticationTests(AuthenticationFixture fixture) : IClassFixture<AuthenticationFixture>
{
    /// <summary>Every route that needs a key, with the role it is for.</summary>
    public static TheoryData<string, string, string> ProtectedRoutes => new()
    {
        { "PUT", "/api/v1/admin/organisations/{org}", "staff" },
        { "POST", "/api/v1/admin/organisations/{org}/api-keys", "staff" },
        { "DELETE", "/api/v1/admin/organisations/{org}/api-keys/key_0123456789abcdef", "staff" },
        { "PUT", "/api/v1/admin/biobanks/bb-auth", "staff" },
        { "GET", "/api/v1/admin/biobanks", "staff" },
        { "GET", "/api/v1/admin/biobanks/bb-auth", "staff" },
        { "POST", "/api/v1/admin/staff-keys", "staff" },
        { "GET", "/api/v1/admin/staff-keys", "staff" },
        { "DELETE", "/api/v1/admin/staff-keys/staff_0123456789abcdef", "staff" },
        { "GET", "/api/v1/admin/audit", "staff" },
        { "GET", "/api/v1/admin/metrics", "staff" },
        { "POST", "/api/v1/sample-requests", "requester" },
        { "GET", "/api/v1/sample-requests", "requester" },
        { "GET", "/api/v1/sample-requests/{request}", "any" },
        { "POST", "/api/v1/sample-requests/{request}/cancel", "requester" },
    };

    public static TheoryData<string, string> StaffRoutes => Only("staff");

    /// <summary>Keys that are not keys: each must be 401, exactly like a missing one.</summary>
    public static TheoryData<string> UnknownKeys => new()
    {
        "sbk_" + new string('A', 43),
        LocalHostProcess.StaffKey.ToUpperInvariant(),
        LocalHostProcess.StaffKey + "x",
        LocalHostProcess.StaffKey[..^1],
        "' or PartitionKey ne '",
        new string('k', 5000),
    };

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Missing_key_is_401_problem_on_every_protected_route(string method, string route, string role)
    {
        using var response = await SendAsync(method, route, apiKey: null);

        await ProblemAssertions.AssertProblemAsync(response, 401, $"{method} {route} ({role}) without a key");
    }

    [Theory]
    [MemberData(nameof(ProtectedRoutes))]
    public async Task Unknown_key_is_401_problem_on_every_protected_route_and_is_not_echoed(string method, string route, string role)
    {
        var unknown = "sbk_unknown_" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N");

        using var response = await SendAsync(method, route, unknown);

        await ProblemAssertions.AssertProblemAsync(response, 401, $"{method} {route} ({role}) with an unknown key");
        Assert.DoesNotContain(unknown, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(UnknownKeys))]
    public async Task Key_that_only_resembles_a_valid_one_is_401(string key)
    {
        using var response = await SendAsync("GET", "/api/v1/admin/biobanks", key);

        await ProblemAssertions.AssertProblemAsync(response, 401, $"GET /api/v1/admin/biobanks with key of {key.Length} chars");
    }

    [Theory]
    [MemberData(nameof(StaffRoutes))]
    public async Task Requester_key_on_a_staff_route_is_403_problem(string method, string route)
    {
        using var response = await SendAsync(method, route, fixture.RequesterKey);

        await ProblemAssertions.AssertProblemAsync(response, 403, $"{method} {route} with a requester key");
    }

    [Fact]
    public async Task Staff_key_cannot_submit_a_sample_request()
    {
        using var response = await SendAsync("POST", "/api/v1/sample-requests", LocalHostProcess.StaffKey);

        await ProblemAssertions.AssertProblemAsync(response, 403, "POST /api/v1/sample-requests with the staff key");
    }

    [Fact]
    public async Task Staff_key_gets_403_on_the_requester_list()
    {
        using var response = await SendAsync("GET", "/api/v1/sample-requests", LocalHostProcess.StaffKey);

        await ProblemAssertions.AssertProblemAsync(response, 403, "GET /api/v1/sample-requests with the staff key");
    }

    [Fact]
    public async Task Revoked_key_stops_working_at_once_while_the_organisations_other_key_still_works()
    {
        var organisationId = TestStorage.UniqueName("rev");
        await fixture.Api.CreateRequesterAsync(organisationId);
        var (revokedId, revoked) = await IssueKeyAsync(organisationId);
        var (_, kept) = await IssueKeyAsync(organisationId);
        using (var before = await SendAsync("GET", "/api/v1/sample-requests", revoked))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var revoke = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/organisations/{organisationId}/api-keys/{revokedId}", LocalHostProcess.StaffKey, null);
        using var list = await SendAsync("GET", "/api/v1/sample-requests", revoked);
        using var submit = await SendAsync("POST", "/api/v1/sample-requests", revoked);
        using var other = await SendAsync("GET", "/api/v1/sample-requests", kept);
        using var again = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/organisations/{organisationId}/api-keys/{revokedId}", LocalHostProcess.StaffKey, null);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await ProblemAssertions.AssertProblemAsync(list, 401, "list with the revoked key");
        await ProblemAssertions.AssertProblemAsync(submit, 401, "submit with the revoked key");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        await ProblemAssertions.AssertProblemAsync(again, 404, "revoking the same key again");
    }

    [Fact]
    public async Task Creating_an_organisation_is_201_with_a_webhook_secret_and_updating_it_is_200_without_one()
    {
        var organisationId = TestStorage.UniqueName("org");

        using var created = await fixture.Api.SendAsync(HttpMethod.Put, $"/api/v1/admin/organisations/{organisationId}", LocalHostProcess.StaffKey, new { name = "Acme Diagnostics", country = "BE" });
        using var updated = await fixture.Api.SendAsync(HttpMethod.Put, $"/api/v1/admin/organisations/{organisationId}", LocalHostProcess.StaffKey, new { name = "Acme Diagnostics NV", country = "NL" });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var first = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(organisationId, first.GetProperty("organisationId").GetString());
        Assert.Equal("Acme Diagnostics", first.GetProperty("name").GetString());
        Assert.Equal("BE", first.GetProperty("country").GetString());
        Assert.StartsWith("whsec_", first.GetProperty("webhookSecret").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var second = await updated.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(organisationId, second.GetProperty("organisationId").GetString());
        Assert.Equal("Acme Diagnostics NV", second.GetProperty("name").GetString());
        Assert.Equal("NL", second.GetProperty("country").GetString());
        Assert.False(second.TryGetProperty("webhookSecret", out _), $"the update shows a secret: {second}");
        Assert.DoesNotContain("whsec_", second.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Issued_keys_differ_every_time_and_each_one_works()
    {
        var organisationId = TestStorage.UniqueName("keys");
        await fixture.Api.CreateRequesterAsync(organisationId);

        var issued = new List<(string KeyId, string ApiKey)>();
        for (var i = 0; i < 4; i++)
        {
            issued.Add(await IssueKeyAsync(organisationId));
        }

        Assert.Equal(issued.Count, issued.Select(k => k.ApiKey).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(issued.Count, issued.Select(k => k.KeyId).Distinct(StringComparer.Ordinal).Count());
        foreach (var (keyId, apiKey) in issued)
        {
            // At least 32 random bytes: 43 characters even in base64url.
            Assert.True(apiKey.Length >= 43, $"key {keyId} has only {apiKey.Length} characters");
            Assert.DoesNotContain(keyId, apiKey, StringComparison.Ordinal);
            using var response = await SendAsync("GET", "/api/v1/sample-requests", apiKey);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Issuing_a_key_for_an_unknown_organisation_is_404()
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/admin/organisations/{TestStorage.UniqueName("none")}/api-keys", LocalHostProcess.StaffKey, null);

        await ProblemAssertions.AssertProblemAsync(response, 404, "issuing a key for an unknown organisation");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-key")]
    [InlineData(LocalHostProcess.StaffKey)]
    public async Task Health_needs_no_key(string? apiKey)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/health", apiKey, null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
    }

    private static TheoryData<string, string> Only(string role)
    {
        var routes = new TheoryData<string, string>();
        foreach (var row in ProtectedRoutes)
        {
            if ((string)row[2] == role)
            {
                routes.Add((string)row[0], (string)row[1]);
            }
        }

        return routes;
    }

    private async Task<(string KeyId, string ApiKey)> IssueKeyAsync(string organisationId)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/admin/organisations/{organisationId}/api-keys", LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("keyId").GetString()!, body.GetProperty("apiKey").GetString()!);
    }

    /// <summary>Sends a well-formed request to a route, so only the key can be what is wrong with it.</summary>
    private async Task<HttpResponseMessage> SendAsync(string method, string route, string? apiKey)
    {
        var path = route.Replace("{org}", fixture.OrganisationId, StringComparison.Ordinal).Replace("{request}", fixture.RequestId, StringComparison.Ordinal);
        object? body = (method, route) switch
        {
            ("PUT", var r) when r.Contains("/organisations/", StringComparison.Ordinal) => new { name = "Acme", country = "BE" },
            ("PUT", _) => new { name = "Biobank Auth", country = "IT", endpointUrl = "http://127.0.0.1:9/query" },
            ("POST", "/api/v1/admin/staff-keys") => new { name = "Auth Test" },
            ("POST", "/api/v1/sample-requests") => new { criteria = new { sampleTypes = new[] { "dna" } }, quantity = 1, answerWithinSeconds = 5 },
            _ => null,
        };
        return await fixture.Api.SendAsync(new HttpMethod(method), path, apiKey, body);
    }
}
