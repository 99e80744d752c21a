using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using SampleBroker.Protocol;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.ReferenceBiobank.Tests.Support;

namespace SampleBroker.ReferenceBiobank.Tests.Queries;

public sealed class AsyncAnswerTests(AdapterFixture fixture) : IClassFixture<AdapterFixture>
{
    private readonly AdapterHost _adapter = fixture.Host;

    [Fact]
    public async Task Query_to_an_async_biobank_is_202_and_the_answer_arrives_signed_at_the_callback_url()
    {
        await using CallbackReceiver receiver = await CallbackReceiver.StartAsync();
        Uri callback = receiver.Url("/api/v1/biobanks/bb-test-async/answers/q-async");
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.AsyncBiobank, TestData.Query(TestData.BreastCancerSerum, callback.ToString(), "q-async"), fixture.AsyncSecret);
        Delivery delivery = await receiver.NextAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("/api/v1/biobanks/bb-test-async/answers/q-async", delivery.Path);
        Assert.StartsWith("application/json", delivery.ContentType, StringComparison.Ordinal);
        Assert.Equal(
            WebhookVerificationResult.Valid,
            WebhookSigner.Verify(delivery.MessageId, delivery.Timestamp, delivery.Signature, delivery.Body, [fixture.AsyncSecret], DateTimeOffset.UtcNow));
        BiobankAnswer? answer = JsonSerializer.Deserialize<BiobankAnswer>(delivery.Body, ProtocolJson.Options);
        Assert.NotNull(answer);
        Assert.Equal(40, answer.AvailableSamples);
        Assert.Equal(35.0m, answer.PricePerSampleEur);
        Assert.Equal(14, answer.LeadTimeDays);
        Assert.Contains(answer.ValidUntil, TestData.PossibleValidUntil(30, startedAt));
    }

    [Fact]
    public async Task Callback_is_not_signed_with_any_other_biobanks_secret()
    {
        await using CallbackReceiver receiver = await CallbackReceiver.StartAsync();

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.AsyncBiobank, TestData.Query(TestData.BreastCancerSerum, receiver.Url("/answers/q-x").ToString(), "q-x"), fixture.AsyncSecret);
        Delivery delivery = await receiver.NextAsync();

        Assert.Equal(
            WebhookVerificationResult.InvalidSignature,
            WebhookSigner.Verify(delivery.MessageId, delivery.Timestamp, delivery.Signature, delivery.Body, [fixture.SyncSecret], DateTimeOffset.UtcNow));
    }

    [Fact]
    public async Task Async_query_is_acknowledged_while_its_callback_is_still_in_flight()
    {
        await using CallbackReceiver receiver = await CallbackReceiver.StartAsync(holdRequests: true);
        Uri callback = receiver.Url("/answers/q-held");

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.AsyncBiobank, TestData.Query(TestData.BreastCancerSerum, callback.ToString(), "q-held"), fixture.AsyncSecret);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);

        // The callback can only complete after Release, which happens after the 202 was seen.
        await receiver.FirstArrival;
        receiver.Release();
        Delivery delivery = await receiver.NextAsync();

        Assert.Equal("/answers/q-held", delivery.Path);
    }

    [Fact]
    public async Task Callback_is_retried_after_server_errors_with_the_same_webhook_id_and_a_valid_signature_each_time()
    {
        await using CallbackReceiver receiver = await CallbackReceiver.StartAsync(
            holdRequests: false, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status500InternalServerError);
        Uri callback = receiver.Url("/answers/q-retry");

        using HttpResponseMessage response = await _adapter.PostSignedAsync(
            AdapterFixture.AsyncBiobank, TestData.Query(TestData.BreastCancerSerum, callback.ToString(), "q-retry"), fixture.AsyncSecret);
        Delivery first = await receiver.NextAsync();
        Delivery second = await receiver.NextAsync();
        Delivery third = await receiver.NextAsync();

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.False(string.IsNullOrEmpty(first.MessageId));
        Assert.Equal(first.MessageId, second.MessageId);
        Assert.Equal(first.MessageId, third.MessageId);
        Assert.Equal(first.Body, third.Body);
        Assert.All([first, second, third], delivery => Assert.Equal(
            WebhookVerificationResult.Valid,
            WebhookSigner.Verify(delivery.MessageId, delivery.Timestamp, delivery.Signature, delivery.Body, [fixture.AsyncSecret], DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task Different_queries_are_answered_with_different_webhook_ids()
    {
        await using CallbackReceiver receiver = await CallbackReceiver.StartAsync();

        using HttpResponseMessage first = await _adapter.PostSignedAsync(
            AdapterFixture.AsyncBiobank, TestData.Query(TestData.BreastCancerSerum, receiver.Url("/answers/q-a").ToString(), "q-a"), fixture.AsyncSecret);
        using HttpResponseMessage second = await _adapter.PostSignedAsync(
            AdapterFixture.AsyncBiobank, TestData.Query(TestData.BreastCancerSerum, receiver.Url("/answers/q-b").ToString(), "q-b"), fixture.AsyncSecret);
        Delivery[] deliveries = [await receiver.NextAsync(), await receiver.NextAsync()];

        Assert.Equal(["/answers/q-a", "/answers/q-b"], deliveries.Select(delivery => delivery.Path).Order(StringComparer.Ordinal));
        Assert.NotEqual(deliveries[0].MessageId, deliveries[1].MessageId);
    }
}
