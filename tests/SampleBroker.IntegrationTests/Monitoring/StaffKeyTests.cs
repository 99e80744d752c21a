using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Monitoring;

/// <summary>Two local hosts on the same tables, as two instances of one broker are.</summary>
public sealed class TwoInstancesFixture : IAsyncLifetime
{
    public LocalHostProcess First { get; private set; } = null!;

    public LocalHostProcess Second { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    public BrokerApi SecondApi { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        First = await LocalHostProcess.StartAsync();
        Second = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__StoragePrefix"] = First.Settings["SampleBroker__StoragePrefix"] });
        Api = new BrokerApi(First.BaseAddress);
        SecondApi = new BrokerApi(Second.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        Api.Dispose();
        SecondApi.Dispose();
        await Second.DisposeAsync();
        await First.DisposeAsync();
    }
}

/// <summary>Staff keys, one per person (contract section 7).</summary>
[Collection(LocalHostCollection.Name)]
public sealed class StaffKeyTests(TwoInstancesFixture fixture) : IClassFixture<TwoInstancesFixture>
{
    [Fact]
    public async Task Issued_staff_key_is_shown_once_works_as_staff_and_is_listed_after_the_bootstrap_key_without_key_or_hash()
    {
        var (keyId, apiKey, issuedBody) = await IssueAsync("Maria Rossi");

        Assert.Matches("^staff_[0-9a-f]{16}$", keyId);
        Assert.Equal("Maria Rossi", issuedBody.GetProperty("name").GetString());
        Assert.True(apiKey.Length >= 43, $"the key has only {apiKey.Length} characters");
        using (var asStaff = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", apiKey, null))
        {
            Assert.Equal(HttpStatusCode.OK, asStaff.StatusCode);
        }

        var listText = await Eventually.UntilAsync(
            ListTextAsync,
            text => Item(text, keyId) is { } item && item.GetProperty("lastUsedAt").ValueKind == JsonValueKind.String,
            TimeSpan.FromSeconds(10),
            "the key's lastUsedAt after its first use");
        var items = JsonDocument.Parse(listText).RootElement.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal("bootstrap", items[0].GetProperty("keyId").GetString());
        var mine = Item(listText, keyId)!.Value;
        Assert.Equal("Maria Rossi", mine.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.String, mine.GetProperty("createdAt").ValueKind);
        Assert.DoesNotContain(apiKey, listText, StringComparison.Ordinal);
        Assert.DoesNotContain(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))), listText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(LocalHostProcess.StaffKey, listText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoked_staff_key_is_refused_at_once_on_both_instances_and_a_second_revoke_is_404()
    {
        var (keyId, apiKey, _) = await IssueAsync("Jan Jansen");
        using (var first = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", apiKey, null))
        using (var second = await fixture.SecondApi.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", apiKey, null))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        }

        using var revoke = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/staff-keys/{keyId}", LocalHostProcess.StaffKey, null);
        using var onFirst = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", apiKey, null);
        using var onSecond = await fixture.SecondApi.SendAsync(HttpMethod.Get, "/api/v1/admin/metrics", apiKey, null);
        using var again = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/staff-keys/{keyId}", LocalHostProcess.StaffKey, null);

        Assert.Equal(HttpStatusCode.NoContent, revoke.StatusCode);
        await ProblemAssertions.AssertProblemAsync(onFirst, 401, "the revoked key on the instance that revoked it");
        await ProblemAssertions.AssertProblemAsync(onSecond, 401, "the revoked key on the other instance");
        await ProblemAssertions.AssertProblemAsync(again, 404, "revoking the same key again");
        Assert.Null(Item(await ListTextAsync(), keyId));
    }

    [Fact]
    public async Task A_staff_key_can_issue_and_revoke_keys_and_revoking_itself_locks_it_out()
    {
        var (mariaId, maria, _) = await IssueAsync("Maria Rossi");

        using var issued = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/admin/staff-keys", maria, new { name = "Piet" });
        Assert.Equal(HttpStatusCode.Created, issued.StatusCode);
        var piet = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("keyId").GetString()!;
        using var revokePiet = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/staff-keys/{piet}", maria, null);
        Assert.Equal(HttpStatusCode.NoContent, revokePiet.StatusCode);

        using var revokeSelf = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/staff-keys/{mariaId}", maria, null);
        using var afterwards = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/admin/staff-keys", maria, null);
        Assert.Equal(HttpStatusCode.NoContent, revokeSelf.StatusCode);
        await ProblemAssertions.AssertProblemAsync(afterwards, 401, "a key that revoked itself");
    }

    [Theory]
    [InlineData("bootstrap", 409)]
    [InlineData("staff_0123456789abcdef", 404)]
    [InlineData("staff_0123", 400)]
    [InlineData("STAFF_0123456789ABCDEF", 400)]
    [InlineData("key_0123456789abcdef", 400)]
    public async Task Revoking_the_bootstrap_key_is_409_an_unknown_key_404_and_a_malformed_id_400(string keyId, int expected)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Delete, $"/api/v1/admin/staff-keys/{keyId}", LocalHostProcess.StaffKey, null);

        await ProblemAssertions.AssertProblemAsync(response, expected, $"DELETE staff key {keyId}");
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"name\":\"\"}")]
    [InlineData("{\"name\":\"   \"}")]
    [InlineData("{\"name\":42}")]
    public async Task Issuing_a_staff_key_without_a_proper_name_is_400_naming_the_field(string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/staff-keys") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Api-Key", LocalHostProcess.StaffKey);
        using var response = await fixture.Api.Http.SendAsync(request);

        var problem = await ProblemAssertions.AssertProblemAsync(response, 400, $"issuing a staff key with {body}");
        ProblemAssertions.AssertFieldError(problem, "name", body);
    }

    [Fact]
    public async Task Issuing_a_staff_key_with_a_name_of_201_characters_is_400_and_200_is_fine()
    {
        using var tooLong = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/admin/staff-keys", LocalHostProcess.StaffKey, new { name = new string('n', 201) });
        using var longest = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/admin/staff-keys", LocalHostProcess.StaffKey, new { name = new string('n', 200) });

        ProblemAssertions.AssertFieldError(await ProblemAssertions.AssertProblemAsync(tooLong, 400, "a 201-character name"), "name", "201 characters");
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
    }

    private async Task<(string KeyId, string ApiKey, JsonElement Body)> IssueAsync(string name)
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Post, "/api/v1/admin/staff-keys", LocalHostProcess.StaffKey, new { name });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/api/v1/admin/staff-keys/{body.GetProperty("keyId").GetString()}", response.Headers.Location?.OriginalString);
        return (body.GetProperty("keyId").GetString()!, body.GetProperty("apiKey").GetString()!, body);
    }

    private async Task<string> ListTextAsync()
    {
        using var response = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/admin/staff-keys", LocalHostProcess.StaffKey, null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static JsonElement? Item(string listText, string keyId) =>
        JsonDocument.Parse(listText).RootElement.GetProperty("items").EnumerateArray()
            .Where(i => i.GetProperty("keyId").GetString() == keyId)
            .Select(i => (JsonElement?)i.Clone())
            .FirstOrDefault();
}
