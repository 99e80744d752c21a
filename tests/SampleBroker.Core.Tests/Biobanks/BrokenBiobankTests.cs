using Azure.Data.Tables;
using Microsoft.AspNetCore.Http;
using SampleBroker.Biobanks;
using SampleBroker.Monitoring;
using SampleBroker.Requests;
using SampleBroker.Security;
using SampleBroker.Storage;
using SampleBroker.Testing;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Biobanks;

/// <summary>A registry row whose secret cannot be decrypted is skipped, shown, and recorded once; it never breaks a submission.</summary>
public sealed class BrokenBiobankTests : IAsyncLifetime
{
    private static readonly System.Text.Json.JsonElement Body = Json.Element("""{"criteria":{"sampleTypes":["blood-serum"]},"quantity":10}""");

    private CoreInstance core = null!;

    public async Task InitializeAsync()
    {
        core = await CoreInstance.StartAsync(TestStorage.UniqueName("t"));
        foreach (var id in new[] { "bb-good", "bb-broken" })
        {
            await core.Get<BiobankStore>().CreateOrUpdateAsync(
                id, new BiobankSettings(id, "IT", $"https://{id}.example.org/q", Enabled: true, SampleTypes: null, AnswerTimeoutSeconds: 10, MinReportableCount: 0), signingSecret: null, CancellationToken.None);
        }

        // A secret protected with a key the ring does not hold (say, a key ring that was reset).
        await core.Get<BrokerTables>().Biobanks.UpdateEntityAsync(
            new TableEntity("biobank", "bb-broken") { ["SigningSecret"] = "dp1:CfDJ8NotAKeyThisRingHas" }, Azure.ETag.All, TableUpdateMode.Merge);
    }

    public async Task DisposeAsync() => await core.DisposeAsync();

    [Fact]
    public async Task Submissions_skip_the_broken_biobank_and_the_audit_log_records_it_once()
    {
        var first = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync());
        var second = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync());

        foreach (var accepted in new[] { first, second })
        {
            var (_, offers) = (await core.Get<SampleRequestStore>().GetAsync(accepted.RequestId, CancellationToken.None))!.Value;
            Assert.Equal(["bb-good"], offers.Select(o => o.BiobankId));
        }

        var entries = await AuditEntriesAsync(AuditActions.BiobankUnreadable);
        var entry = Assert.Single(entries);
        Assert.Equal(AuditLog.SystemActor, entry.GetString("Actor"));
        Assert.Equal("biobank:bb-broken", entry.GetString("Target"));
        Assert.StartsWith("misconfigured", entry.GetString("Detail"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Staff_see_why_in_the_broken_biobanks_health_and_the_list_still_works()
    {
        var list = await ProblemResponse.ExecuteAsync(await core.Get<BiobankHandlers>().ListAsync(StaffRequest()));
        var one = await ProblemResponse.ExecuteAsync(await core.Get<BiobankHandlers>().GetAsync(StaffRequest(), "bb-broken"));

        Assert.Equal(200, list.Status);
        var items = list.Body.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("biobankId").GetString()!);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, items["bb-good"].GetProperty("health").GetProperty("problem").ValueKind);
        Assert.StartsWith("misconfigured", items["bb-broken"].GetProperty("health").GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, one.Status);
        Assert.StartsWith("misconfigured", one.Body.GetProperty("health").GetProperty("problem").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("dp1:", one.Body.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotating_the_secret_repairs_the_biobank_and_it_is_queried_again()
    {
        await SubmitAsync();

        var secret = await core.Get<BiobankStore>().RotateSecretAsync("bb-broken", CancellationToken.None);
        var after = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync());

        var repaired = await core.Get<BiobankStore>().GetAsync("bb-broken", CancellationToken.None);
        Assert.Null(repaired!.Problem);
        Assert.Equal([secret!], repaired.SigningSecrets);
        var (_, offers) = (await core.Get<SampleRequestStore>().GetAsync(after.RequestId, CancellationToken.None))!.Value;
        Assert.Equal(["bb-broken", "bb-good"], offers.Select(o => o.BiobankId));
    }

    [Theory]
    [InlineData("not-a-secret", "not a whsec_ secret")]
    [InlineData("", "no signing secret")]
    [InlineData("dp1:", "cannot be decrypted")]
    public async Task A_secret_that_is_not_a_usable_signing_secret_is_a_problem_not_an_exception(string stored, string reason)
    {
        // Stored as the broker stores secrets (protected), except no value and the broken protected value.
        var value = stored is "" or SecretProtector.Marker ? stored : core.Get<SecretProtector>().Protect(SecretPurposes.BiobankSigningSecret, stored);
        await core.Get<BrokerTables>().Biobanks.UpdateEntityAsync(
            new TableEntity("biobank", "bb-good") { ["SigningSecret"] = value }, Azure.ETag.All, TableUpdateMode.Merge);

        var biobank = await core.Get<BiobankStore>().GetAsync("bb-good", CancellationToken.None);
        var outcome = Assert.IsType<SubmitOutcome.Accepted>(await SubmitAsync());

        Assert.Contains(reason, biobank!.Problem, StringComparison.Ordinal);
        Assert.Empty(biobank.SigningSecrets);
        var (_, offers) = (await core.Get<SampleRequestStore>().GetAsync(outcome.RequestId, CancellationToken.None))!.Value;
        Assert.Empty(offers);
    }

    private Task<SubmitOutcome> SubmitAsync() =>
        core.Get<SampleRequestIntake>().SubmitAsync("acme-dx", idempotencyKey: null, Body, CoreInstance.Durable, CancellationToken.None);

    private HttpRequest StaffRequest()
    {
        var context = new DefaultHttpContext { RequestServices = core.Services };
        context.Request.Headers["X-Api-Key"] = CoreInstance.StaffKey;
        return context.Request;
    }

    private async Task<List<TableEntity>> AuditEntriesAsync(string action)
    {
        var entries = new List<TableEntity>();
        await foreach (var e in core.Get<BrokerTables>().Audit.QueryAsync<TableEntity>(e => e.PartitionKey == "audit"))
        {
            if (e.GetString("Action") == action)
            {
                entries.Add(e);
            }
        }

        return entries;
    }
}
