using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Monitoring;

/// <summary>One local host for the audit tests.</summary>
public sealed class AuditFixture : IAsyncLifetime
{
    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync();
        Api = new BrokerApi(Host.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>The audit log (contract section 7): who did what, by key id, never a key.</summary>
[Collection(LocalHostCollection.Name)]
public sealed class AuditTests(AuditFixture fixture) : IClassFixture<AuditFixture>
{
    private BrokerApi Api => fixture.Api;

    [Fact]
    public async Task Audit_names_each_staff_member_and_requester_by_key_id_for_what_they_did_and_never_holds_a_key()
    {
        var secrets = new List<string> { LocalHostProcess.StaffKey };
        var (mariaId, maria) = await IssueStaffKeyAsync("Maria Rossi");
        secrets.Add(maria);
        var organisationId = TestStorage.UniqueName("org");

        using var putOrganisation = await Api.SendAsync(HttpMethod.Put, $"/api/v1/admin/organisations/{organisationId}", maria, new { name = "Acme", country = "BE" });
        Assert.Equal(HttpStatusCode.Created, putOrganisation.StatusCode);
        secrets.Add((await putOrganisation.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("webhookSecret").GetString()!);
        var (requesterKeyId, requesterKey) = await IssueApiKeyAsync(organisationId, maria);
        var (droppedKeyId, droppedKey) = await IssueApiKeyAsync(organisationId, maria);
        secrets.AddRange([requesterKey, droppedKey]);
        using (var revoke = await Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/organisations/{organisationId}/api-keys/{droppedKeyId}", maria, null))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        }

        await using var held = await HeldBiobank.StartAsync();
        var biobankId = TestStorage.UniqueName("bb-");
        using (var put = await Api.SendAsync(HttpMethod.Put, $"/api/v1/admin/biobanks/{biobankId}", maria, new { name = "Held", country = "IT", endpointUrl = held.Fake.EndpointUrl }))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            secrets.Add((await put.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signingSecret").GetString()!);
        }

        using (var rotate = await Api.SendAsync(HttpMethod.Post, $"/api/v1/admin/biobanks/{biobankId}/rotate-secret", maria, null))
        {
            Assert.Equal(HttpStatusCode.OK, rotate.StatusCode);
            secrets.Add((await rotate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("signingSecret").GetString()!);
        }

        var body = new { criteria = new { sampleTypes = new[] { "dna" } }, quantity = 1, answerWithinSeconds = 120 };
        var cancelled = await Api.SubmitAsync(requesterKey, body);
        var terminated = await Api.SubmitAsync(requesterKey, body);
        using (var cancel = await Api.SendAsync(HttpMethod.Post, $"/api/v1/sample-requests/{cancelled}/cancel", requesterKey, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        }

        using (var terminate = await Api.SendAsync(HttpMethod.Post, $"/api/v1/admin/sample-requests/{terminated}/terminate", maria, null))
        {
            Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        }

        using (var delete = await Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/biobanks/{biobankId}", maria, null))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using (var revokeMaria = await Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/staff-keys/{mariaId}", LocalHostProcess.StaffKey, null))
        {
            Assert.Equal(HttpStatusCode.NoContent, revokeMaria.StatusCode);
        }

        var byMaria = await QueryAsync($"actor={mariaId}&top=100");
        Assert.Equal(
            [
                ("biobank.deleted", $"biobank:{biobankId}"),
                ("request.terminated", $"request:{terminated}"),
                ("biobank.secretRotated", $"biobank:{biobankId}"),
                ("biobank.saved", $"biobank:{biobankId}"),
                ("apiKey.revoked", $"organisation:{organisationId}"),
                ("apiKey.issued", $"organisation:{organisationId}"),
                ("apiKey.issued", $"organisation:{organisationId}"),
                ("organisation.saved", $"organisation:{organisationId}"),
            ],
            byMaria.Select(e => (e.GetProperty("action").GetString()!, e.GetProperty("target").GetString()!)).ToList());
        Assert.All(byMaria, e => Assert.Equal(mariaId, e.GetProperty("actor").GetString()));
        Assert.Equal(droppedKeyId, byMaria[4].GetProperty("detail").GetString());

        var byRequester = Assert.Single(await QueryAsync($"actor={requesterKeyId}"));
        Assert.Equal("request.cancelled", byRequester.GetProperty("action").GetString());
        Assert.Equal($"request:{cancelled}", byRequester.GetProperty("target").GetString());

        var staffKeyEvents = (await QueryAsync("actor=bootstrap&top=100"))
            .Where(e => e.GetProperty("target").GetString() == $"staffKey:{mariaId}")
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("detail").GetString()))
            .ToList();
        Assert.Equal([("staffKey.revoked", null), ("staffKey.issued", "Maria Rossi")], staffKeyEvents);

        var everything = await AllPagesTextAsync("top=100");
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, everything, StringComparison.Ordinal));
        Assert.DoesNotContain("whsec_", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("sbk_", everything, StringComparison.Ordinal);
        Assert.DoesNotContain("sbs_", everything, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audit_pages_newest_first_and_from_and_to_select_entries_by_their_own_times()
    {
        var issued = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add((await IssueStaffKeyAsync($"Pager {i}")).KeyId);
        }

        var walked = new List<JsonElement>();
        string? token = null;
        var pages = 0;
        do
        {
            using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/admin/audit?action=staffKey.issued&top=2" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), LocalHostProcess.StaffKey, null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            var items = page.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
            Assert.InRange(items.Count, 1, 2);
            walked.AddRange(items);
            token = page.GetProperty("continuationToken").GetString();
            pages++;
        }
        while (token is not null && pages < 100);

        Assert.Null(token);
        var mine = walked.Where(e => issued.Contains(e.GetProperty("target").GetString()!["staffKey:".Length..])).ToList();
        Assert.Equal(issued.AsEnumerable().Reverse().Select(id => $"staffKey:{id}"), mine.Select(e => e.GetProperty("target").GetString()));
        Assert.Equal(walked.Count, walked.Select(e => e.GetRawText()).Distinct().Count());
        var times = walked.Select(e => e.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderByDescending(t => t), times);

        // The second and the fourth key, by the times the log itself shows for them.
        var second = mine[3].GetProperty("at").GetString();
        var fourth = mine[1].GetProperty("at").GetString();
        var window = await QueryAsync($"action=staffKey.issued&from={Uri.EscapeDataString(second!)}&to={Uri.EscapeDataString(fourth!)}");
        Assert.Equal([issued[3], issued[2], issued[1]], window.Select(e => e.GetProperty("target").GetString()!["staffKey:".Length..]));
    }

    [Theory]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2026-13-01T00:00:00Z", "to")]
    [InlineData("from=2026-11-28T00:00:00Z&to=2026-11-27T00:00:00Z", "from")]
    [InlineData("action=request.exploded", "action")]
    [InlineData("actor=%27%20or%20PartitionKey%20ne%20%27", "actor")]
    [InlineData("actor=staff:bootstrap", "actor")]
    [InlineData("top=0", "top")]
    [InlineData("top=101", "top")]
    [InlineData("continuationToken=abc", "continuationToken")]
    public async Task A_bad_audit_filter_is_400_naming_the_parameter(string query, string parameter)
    {
        using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/admin/audit?" + query, LocalHostProcess.StaffKey, null);

        ProblemAssertions.AssertFieldError(await ProblemAssertions.AssertProblemAsync(response, 400, query), parameter, query);
    }

    private async Task<(string KeyId, string ApiKey)> IssueStaffKeyAsync(string name)
    {
        using var response = await Api.SendAsync(HttpMethod.Post, "/api/v1/admin/staff-keys", LocalHostProcess.StaffKey, new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("keyId").GetString()!, body.GetProperty("apiKey").GetString()!);
    }

    private async Task<(string KeyId, string ApiKey)> IssueApiKeyAsync(string organisationId, string staffKey)
    {
        using var response = await Api.SendAsync(HttpMethod.Post, $"/api/v1/admin/organisations/{organisationId}/api-keys", staffKey, null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("keyId").GetString()!, body.GetProperty("apiKey").GetString()!);
    }

    private async Task<List<JsonElement>> QueryAsync(string query)
    {
        using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/admin/audit?" + query, LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return page.GetProperty("items").EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private async Task<string> AllPagesTextAsync(string query)
    {
        var text = new System.Text.StringBuilder();
        string? token = null;
        do
        {
            using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/admin/audit?" + query + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), LocalHostProcess.StaffKey, null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var raw = await response.Content.ReadAsStringAsync();
            text.Append(raw);
            token = JsonDocument.Parse(raw).RootElement.GetProperty("continuationToken").GetString();
        }
        while (token is not null);
        return text.ToString();
    }
}
