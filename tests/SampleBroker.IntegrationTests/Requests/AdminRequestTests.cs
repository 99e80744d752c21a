using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// Contract section 7, requests across organisations: the list with its filters, a request's detail with its
/// orchestration and timeline, terminate, restart and purge, and what each refuses, on the real host.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class AdminRequestTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Staff_list_see_terminate_and_purge_a_request_of_any_organisation_and_each_step_refuses_what_it_must()
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);
        await using var fast = await FakeBiobank.AnsweringAsync(12);
        await using var held = await HeldBiobank.StartAsync();
        await api.RegisterAsync("bb-fast", fast);
        await api.RegisterAsync("bb-held", held.Fake);
        var organisation = TestStorage.UniqueName("org");
        var requesterKey = await api.CreateRequesterAsync(organisation);
        var requestId = await api.SubmitAsync(requesterKey, new { reference = "PO-ADMIN", criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 5, answerWithinSeconds = 120 });

        // The fast biobank's answer is in and the held one is still being asked.
        var brokering = await Eventually.UntilAsync(
            () => DetailAsync(api, requestId), d => d.GetProperty("progress").GetProperty("biobanksAnswered").GetInt32() == 1, Patience, "the fast answer stored");
        var listed = await ListAsync(api, $"?status=Brokering&organisationId={organisation}");
        using var purgeWhileBrokering = await api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sample-requests/{requestId}", LocalHostProcess.StaffKey, null);
        using var restartWhileBrokering = await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/sample-requests/{requestId}/restart", LocalHostProcess.StaffKey, null);
        using var terminate = await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/sample-requests/{requestId}/terminate", LocalHostProcess.StaffKey, null);
        var terminated = await DetailAsync(api, requestId);
        using var terminateAgain = await api.SendAsync(HttpMethod.Post, $"/api/v1/admin/sample-requests/{requestId}/terminate", LocalHostProcess.StaffKey, null);
        var cancelledList = await ListAsync(api, $"?status=Cancelled&organisationId={organisation}");
        using var purge = await api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/sample-requests/{requestId}", LocalHostProcess.StaffKey, null);
        using var afterPurge = await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/sample-requests/{requestId}", LocalHostProcess.StaffKey, null);
        var audit = await AuditAsync(api, requestId);

        Assert.Equal("Brokering", brokering.GetProperty("status").GetString());
        Assert.Equal(requestId, brokering.GetProperty("orchestration").GetProperty("instanceId").GetString());
        var events = Events(brokering);
        Assert.Contains(("submitted", (string?)null), events);
        Assert.Contains(("querySent", "bb-fast"), events);
        Assert.Contains(("answerReceived", "bb-fast"), events);
        // A query's querySent goes in with its first outcome (no extra write on the hot path), so the held one shows none yet.
        Assert.DoesNotContain(events, e => e.BiobankId == "bb-held");
        Assert.Equal([requestId], listed);
        await ProblemAssertions.AssertProblemAsync(purgeWhileBrokering, 409, "purge while brokering");
        await ProblemAssertions.AssertProblemAsync(restartWhileBrokering, 409, "restart of a request that has not failed");
        Assert.Equal(HttpStatusCode.Accepted, terminate.StatusCode);
        Assert.Equal("Cancelled", terminated.GetProperty("status").GetString());
        Assert.Contains(("terminated", (string?)null), Events(terminated));
        Assert.Equal(
            ["Available", "Cancelled"],
            terminated.GetProperty("biobanks").EnumerateArray().Select(b => b.GetProperty("outcome").GetString()).Order(StringComparer.Ordinal));
        await ProblemAssertions.AssertProblemAsync(terminateAgain, 409, "terminate once finished");
        Assert.Equal([requestId], cancelledList);
        Assert.Equal(HttpStatusCode.NoContent, purge.StatusCode);
        await ProblemAssertions.AssertProblemAsync(afterPurge, 404, "a purged request");
        Assert.Contains(("bootstrap", "request.terminated"), audit);
        Assert.Contains(("bootstrap", "request.purged"), audit);
    }

    [Theory]
    [InlineData("/api/v1/admin/sample-requests?status=Lost", 400)]
    [InlineData("/api/v1/admin/sample-requests?top=0", 400)]
    [InlineData("/api/v1/admin/sample-requests?createdFrom=yesterday", 400)]
    [InlineData("/api/v1/admin/sample-requests?overdue=maybe", 400)]
    [InlineData("/api/v1/admin/sample-requests/not-a-request-id", 400)]
    [InlineData("/api/v1/admin/sample-requests/0190a1b2c3d4e5f60718293a4b5c6d7e", 404)]
    public async Task Bad_filters_and_ids_are_400_and_an_unknown_request_is_404(string path, int status)
    {
        await using var host = await LocalHostProcess.StartAsync();
        using var api = new BrokerApi(host.BaseAddress);

        using var response = await api.SendAsync(HttpMethod.Get, path, LocalHostProcess.StaffKey, null);

        await ProblemAssertions.AssertProblemAsync(response, status, path);
    }

    private static async Task<JsonElement> DetailAsync(BrokerApi api, string requestId)
    {
        using var response = await api.SendAsync(HttpMethod.Get, $"/api/v1/admin/sample-requests/{requestId}", LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<List<string>> ListAsync(BrokerApi api, string query)
    {
        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/sample-requests" + query, LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!)];
    }

    private static async Task<List<(string? Actor, string? Action)>> AuditAsync(BrokerApi api, string requestId)
    {
        using var response = await api.SendAsync(HttpMethod.Get, "/api/v1/admin/audit?top=100", LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. page.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("target").GetString() == "request:" + requestId)
            .Select(i => (i.GetProperty("actor").GetString(), i.GetProperty("action").GetString()))];
    }

    private static List<(string? Event, string? BiobankId)> Events(JsonElement detail) =>
        [.. detail.GetProperty("timeline").EnumerateArray().Select(e => (e.GetProperty("event").GetString(), e.GetProperty("biobankId").GetString()))];
}
