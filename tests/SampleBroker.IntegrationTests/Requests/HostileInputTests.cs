using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// One local host for the whole hostile-input table, with a biobank that would receive every query, so a
/// case that slipped through would show up there.
/// </summary>
public sealed class HostileInputFixture : IAsyncLifetime
{
    public LocalHostProcess Host { get; private set; } = null!;

    public BrokerApi Api { get; private set; } = null!;

    /// <summary>A client that sends header values as UTF-8 bytes, so non-ASCII keys reach the broker as sent.</summary>
    public HttpClient Raw { get; private set; } = null!;

    public FakeBiobank Biobank { get; private set; } = null!;

    /// <summary>Requests a case got accepted by mistake: its own assertion already failed, others should not.</summary>
    public ConcurrentDictionary<string, string> AcceptedByMistake { get; } = new(StringComparer.Ordinal);

    public async Task InitializeAsync()
    {
        Host = await LocalHostProcess.StartAsync();
        Api = new BrokerApi(Host.BaseAddress);
        Raw = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8 })
        {
            BaseAddress = Host.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        Biobank = await FakeBiobank.AnsweringAsync(1);
        await Api.RegisterAsync("bb-watch", Biobank);
    }

    public async Task DisposeAsync()
    {
        Raw.Dispose();
        Api.Dispose();
        await Biobank.DisposeAsync();
        await Host.DisposeAsync();
    }
}

/// <summary>
/// Hostile input against submit, the staff PUT routes and request reads (contract sections 0, 2, 3 and 4): the
/// specific 4xx, problem details without a stack trace, and nothing stored or brokered.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class HostileInputTests(HostileInputFixture fixture) : IClassFixture<HostileInputFixture>
{
    public static TheoryData<string> Cases => new(HostileInputCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Hostile_input_is_refused_with_a_problem_and_nothing_is_stored_or_brokered(string name)
    {
        var hostile = HostileInputCases.ByName[name];
        var freshId = TestStorage.UniqueName("h");
        string apiKey;
        string path;
        var method = HttpMethod.Put;
        switch (hostile.Target)
        {
            case HostileTarget.Submit:
                apiKey = await fixture.Api.CreateRequesterAsync(freshId);
                path = "/api/v1/sample-requests";
                method = HttpMethod.Post;
                break;
            case HostileTarget.GetRequest:
                apiKey = await fixture.Api.CreateRequesterAsync(freshId);
                path = $"/api/v1/sample-requests/{hostile.PathId}";
                method = HttpMethod.Get;
                break;
            case HostileTarget.PutOrganisation:
                apiKey = LocalHostProcess.StaffKey;
                path = $"/api/v1/admin/organisations/{hostile.PathId ?? freshId}";
                break;
            default:
                apiKey = LocalHostProcess.StaffKey;
                path = $"/api/v1/admin/biobanks/{hostile.PathId ?? freshId}";
                break;
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("X-Api-Key", apiKey);
        if (hostile.IdempotencyKey is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Idempotency-Key", hostile.IdempotencyKey), "the test could not set the header");
        }

        if (hostile.Body is not null)
        {
            request.Content = hostile.Chunked ? new ChunkedContent(hostile.Body) : new ByteArrayContent(hostile.Body);
            if (hostile.ContentType is not null)
            {
                Assert.True(request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType), "the test could not set Content-Type");
            }
        }

        var biobanksBefore = await ListBiobanksAsync();
        using var response = await fixture.Raw.SendAsync(request);
        await RememberIfAcceptedAsync(response, name);

        var problem = await ProblemAssertions.AssertProblemAsync(response, hostile.ExpectedStatus, name);
        if (hostile.ErrorPath is not null)
        {
            ProblemAssertions.AssertFieldError(problem, hostile.ErrorPath, name);
        }

        await AssertNothingStoredAsync(hostile, freshId, apiKey, biobanksBefore);
        AssertNothingBrokered(name);
    }

    /// <summary>
    /// An unknown member is ignored (section 0), whatever it holds; an unpaired surrogate in it must still never
    /// become a server error when the idempotency key makes the broker hash the whole body.
    /// </summary>
    [Theory]
    [InlineData("{\"note\":\"\\uD800\",\"criteria\":{\"sampleTypes\":[\"blood-serum\"]},\"quantity\":10}")]
    [InlineData("{\"\\uDC00\":1,\"criteria\":{\"sampleTypes\":[\"blood-serum\"]},\"quantity\":10}")]
    public async Task Unpaired_surrogate_in_an_ignored_member_with_an_idempotency_key_is_never_a_server_error(string body)
    {
        var apiKey = await fixture.Api.CreateRequesterAsync(TestStorage.UniqueName("h"));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sample-requests");
        request.Headers.Add("X-Api-Key", apiKey);
        request.Headers.Add("Idempotency-Key", "surrogate-" + Guid.NewGuid().ToString("N"));
        request.Content = new StringContent(body, Encoding.UTF8, "application/json");

        using var response = await fixture.Raw.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        if (response.StatusCode == HttpStatusCode.Accepted)
        {
            var requestId = JsonDocument.Parse(text).RootElement.GetProperty("requestId").GetString()!;
            fixture.AcceptedByMistake.TryAdd(requestId, "ignored-member case (accepting it is allowed)");
        }
        else
        {
            await ProblemAssertions.AssertProblemAsync(response, 400, "not accepted, so it must be refused as 400: " + body);
        }
    }

    private async Task RememberIfAcceptedAsync(HttpResponseMessage response, string name)
    {
        if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("requestId", out var id))
            {
                fixture.AcceptedByMistake.TryAdd(id.GetString()!, name);
            }
        }
    }

    private async Task<List<string>> ListBiobanksAsync()
    {
        using var biobanks = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/admin/biobanks", LocalHostProcess.StaffKey, null);
        var all = await biobanks.Content.ReadFromJsonAsync<JsonElement>();
        return [.. all.GetProperty("items").EnumerateArray().Select(b => b.GetProperty("biobankId").GetString()!)];
    }

    private async Task AssertNothingStoredAsync(HostileCase hostile, string freshId, string apiKey, List<string> biobanksBefore)
    {
        switch (hostile.Target)
        {
            case HostileTarget.Submit:
            case HostileTarget.GetRequest:
                using (var list = await fixture.Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests", apiKey, null))
                {
                    var text = await list.Content.ReadAsStringAsync();
                    Assert.True(list.StatusCode == HttpStatusCode.OK, $"[{hostile.Name}] listing answered {(int)list.StatusCode}: {text}");
                    var items = JsonDocument.Parse(text).RootElement.GetProperty("items");
                    Assert.True(items.GetArrayLength() == 0, $"[{hostile.Name}] the organisation's list is not empty: {text}");
                }

                break;
            case HostileTarget.PutOrganisation when hostile.PathId is null:
                // There is no read route for organisations; issuing a key proves whether one exists.
                using (var key = await fixture.Api.SendAsync(HttpMethod.Post, $"/api/v1/admin/organisations/{freshId}/api-keys", LocalHostProcess.StaffKey, null))
                {
                    Assert.True(key.StatusCode == HttpStatusCode.NotFound, $"[{hostile.Name}] organisation {freshId} exists: issuing a key answered {(int)key.StatusCode}");
                }

                break;
            case HostileTarget.PutBiobank when hostile.PathId is null:
                using (var biobank = await fixture.Api.SendAsync(HttpMethod.Get, $"/api/v1/admin/biobanks/{freshId}", LocalHostProcess.StaffKey, null))
                {
                    Assert.True(biobank.StatusCode == HttpStatusCode.NotFound, $"[{hostile.Name}] biobank {freshId} was registered: {(int)biobank.StatusCode}");
                }

                break;
            default:
                // An identifier the route refuses cannot name anything stored; the registry stays as it was.
                Assert.Equal(biobanksBefore, await ListBiobanksAsync());
                break;
        }
    }

    private void AssertNothingBrokered(string name)
    {
        var unexpected = fixture.Biobank.Received
            .Select(q => q.Body.GetProperty("requestId").GetString()!)
            .Where(id => !fixture.AcceptedByMistake.ContainsKey(id))
            .ToList();
        Assert.True(unexpected.Count == 0, $"[{name}] the biobank was queried for request(s) nobody was told about: {string.Join(", ", unexpected)}");
    }

    /// <summary>A body sent with <c>Transfer-Encoding: chunked</c> and no <c>Content-Length</c>.</summary>
    private sealed class ChunkedContent(byte[] body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            for (var offset = 0; offset < body.Length; offset += 4096)
            {
                await stream.WriteAsync(body.AsMemory(offset, Math.Min(4096, body.Length - offset)));
                await stream.FlushAsync();
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
