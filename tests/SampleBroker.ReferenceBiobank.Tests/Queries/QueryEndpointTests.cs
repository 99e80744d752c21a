using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Tests.Support;

namespace SampleBroker.ReferenceBiobank.Tests.Queries;

public sealed class QueryEndpointTests(AdapterFixture fixture) : IClassFixture<AdapterFixture>
{
    private const string ProblemJson = "application/problem+json";

    private readonly AdapterHost _adapter = fixture.Host;

    private static byte[] Body(BiobankQuery query) => JsonSerializer.SerializeToUtf8Bytes(query, ProtocolJson.Options);

    [Fact]
    public async Task Health_returns_200_Healthy()
    {
        using HttpResponseMessage response = await _adapter.Client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Signed_query_to_a_sync_biobank_is_answered_200_from_its_inventory()
    {
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, TestData.Query(TestData.BreastCancerSerum), fixture.SyncSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        BiobankAnswer? answer = await response.Content.ReadFromJsonAsync<BiobankAnswer>(ProtocolJson.Options);
        Assert.NotNull(answer);
        Assert.Equal(40, answer.AvailableSamples);
        Assert.Equal(35.0m, answer.PricePerSampleEur);
        Assert.Equal(14, answer.LeadTimeDays);
        Assert.Equal(["CommercialUse"], answer.Conditions);
        Assert.Contains(answer.ValidUntil, TestData.PossibleValidUntil(30, startedAt));
        Assert.False(answer.Declined);
    }

    [Fact]
    public async Task Sync_answer_uses_the_contract_field_names()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, TestData.Query(TestData.BreastCancerSerum), fixture.SyncSecret);

        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string[] names = body.RootElement.EnumerateObject().Select(property => property.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(
            ["availableSamples", "conditions", "declineReason", "declined", "leadTimeDays", "pricePerSampleEur", "validUntil"],
            names);
    }

    [Fact]
    public async Task A_request_for_plasma_is_answered_from_edta_plasma_stock()
    {
        SampleCriteria plasma = new() { SampleTypes = ["blood-plasma"] };

        using HttpResponseMessage response = await _adapter.PostSignedAsync(AdapterFixture.SyncBiobank, TestData.Query(plasma), fixture.SyncSecret);

        BiobankAnswer? answer = await response.Content.ReadFromJsonAsync<BiobankAnswer>(ProtocolJson.Options);
        Assert.Equal(25, answer?.AvailableSamples);
        Assert.Equal(["CommercialUse", "MTA"], answer?.Conditions);
    }

    [Fact]
    public async Task Query_signed_with_old_and_new_secret_during_rotation_is_accepted()
    {
        byte[] body = Body(TestData.Query(TestData.BreastCancerSerum));

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, body, [WebhookSecret.Generate(), fixture.SyncSecret]);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Query_without_signature_headers_is_rejected_401_with_problem_details()
    {
        using HttpResponseMessage response = await _adapter.PostAsync(
            AdapterFixture.SyncBiobank, Body(TestData.Query(TestData.BreastCancerSerum)), null, null, null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(401, problem.RootElement.GetProperty("status").GetInt32());
        Assert.Contains(WebhookHeaders.Signature, problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public async Task Query_missing_any_one_signature_header_is_rejected_401(bool dropId, bool dropTimestamp, bool dropSignature)
    {
        byte[] body = Body(TestData.Query(TestData.BreastCancerSerum));
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string signature = WebhookSigner.Sign("msg_1", now, body, [fixture.SyncSecret]);

        using HttpResponseMessage response = await _adapter.PostAsync(
            AdapterFixture.SyncBiobank,
            body,
            dropId ? null : "msg_1",
            dropTimestamp ? null : now.ToString(CultureInfo.InvariantCulture),
            dropSignature ? null : signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Query_signed_with_another_secret_is_rejected_401()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, TestData.Query(TestData.BreastCancerSerum), WebhookSecret.Generate());

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Query_signed_with_another_served_biobanks_secret_is_rejected_401()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, TestData.Query(TestData.BreastCancerSerum), fixture.OtherSecret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Each_served_biobank_accepts_queries_signed_with_its_own_secret()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.OtherBiobank, TestData.Query(TestData.BreastCancerSerum), fixture.OtherSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Query_whose_body_was_changed_after_signing_is_rejected_401()
    {
        byte[] signedBody = Body(TestData.Query(TestData.BreastCancerSerum));
        byte[] forgedBody = Body(TestData.Query(TestData.BreastCancerSerum with { Sex = ["Male"] }));
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string signature = WebhookSigner.Sign("msg_forged", now, signedBody, [fixture.SyncSecret]);

        using HttpResponseMessage response = await _adapter.PostAsync(
            AdapterFixture.SyncBiobank, forgedBody, "msg_forged", now.ToString(CultureInfo.InvariantCulture), signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData(-310)]
    [InlineData(310)]
    [InlineData(-86_400)]
    public async Task Query_signed_more_than_300_seconds_from_the_adapters_clock_is_rejected_401(int offsetSeconds)
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank,
            Body(TestData.Query(TestData.BreastCancerSerum)),
            [fixture.SyncSecret],
            DateTimeOffset.UtcNow.AddSeconds(offsetSeconds));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("300 seconds", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Query_with_a_garbage_signature_header_is_rejected_401()
    {
        using HttpResponseMessage response = await _adapter.PostAsync(
            AdapterFixture.SyncBiobank,
            Body(TestData.Query(TestData.BreastCancerSerum)),
            "msg_1",
            DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            "v1,@@@ v1, v2,AAAA " + new string('x', 4000));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Query_for_a_biobank_this_adapter_does_not_serve_is_404()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            "bb-unknown", TestData.Query(TestData.BreastCancerSerum), fixture.SyncSecret);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Signed_body_that_is_not_json_is_400()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, Encoding.UTF8.GetBytes("{not json"), [fixture.SyncSecret]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Signed_json_missing_required_properties_is_400()
    {
        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SyncBiobank, Encoding.UTF8.GetBytes("""{"type": "sample-availability.query"}"""), [fixture.SyncSecret]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Signed_query_without_sample_types_is_400_with_errors_by_json_path()
    {
        BiobankQuery query = TestData.Query(new SampleCriteria { SampleTypes = [] }) with { Quantity = 0 };

        using HttpResponseMessage response = await _adapter.PostSignedAsync(AdapterFixture.SyncBiobank, query, fixture.SyncSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(ProblemJson, response.Content.Headers.ContentType?.MediaType);
        using JsonDocument problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        JsonElement errors = problem.RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("criteria.sampleTypes", out _));
        Assert.True(errors.TryGetProperty("quantity", out _));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("ftp://broker.example/answers/q-1")]
    public async Task Signed_query_with_an_unusable_callback_url_is_400(string callbackUrl)
    {
        BiobankQuery query = TestData.Query(TestData.BreastCancerSerum, callbackUrl);

        using HttpResponseMessage response = await _adapter.PostSignedAsync(AdapterFixture.SyncBiobank, query, fixture.SyncSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Signed_query_of_another_message_type_is_400()
    {
        BiobankQuery query = TestData.Query(TestData.BreastCancerSerum) with { Type = "sample-request.completed" };

        using HttpResponseMessage response = await _adapter.PostSignedAsync(AdapterFixture.SyncBiobank, query, fixture.SyncSecret);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Body_over_64_KiB_is_413()
    {
        byte[] body = new byte[(64 * 1024) + 1];
        Array.Fill(body, (byte)' ');

        using HttpResponseMessage response = await _adapter.PostSignedAsync(AdapterFixture.SyncBiobank, body, [fixture.SyncSecret]);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Sync_biobank_with_a_delay_answers_no_sooner_than_the_delay()
    {
        var stopwatch = Stopwatch.StartNew();

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.SlowBiobank, TestData.Query(TestData.BreastCancerSerum), fixture.SyncSecret);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(stopwatch.ElapsedMilliseconds >= AdapterFixture.SlowDelayMs, $"answered after {stopwatch.ElapsedMilliseconds} ms");
    }
}
