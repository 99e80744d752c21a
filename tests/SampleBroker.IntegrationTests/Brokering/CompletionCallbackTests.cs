using Microsoft.AspNetCore.Http;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>The requester's completion callback (contract section 4, "Completion callback").</summary>
[Collection(LocalHostCollection.Name)]
public sealed class CompletionCallbackTests
{
    [Fact]
    public async Task Completion_callback_is_signed_with_the_organisations_secret_and_retried_until_accepted()
    {
        await using var host = await LocalHostProcess.StartAsync(new Dictionary<string, string> { ["SampleBroker__CompletionCallbackFirstRetrySeconds"] = "1" });
        using var api = new BrokerApi(host.BaseAddress);
        await using var biobank = await FakeBiobank.AnsweringAsync(30);
        await api.RegisterAsync("bb-one", biobank);
        var (apiKey, webhookSecret) = await api.CreateRequesterWithSecretAsync("acme-dx");
        var calls = 0;
        var accepted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var requester = await FakeBiobank.StartAsync((_, _) =>
        {
            // The first delivery fails; the broker must try again.
            if (Interlocked.Increment(ref calls) == 1)
            {
                return Task.FromResult(Results.StatusCode(StatusCodes.Status500InternalServerError));
            }

            accepted.TrySetResult();
            return Task.FromResult(Results.Ok());
        });
        requester.SigningSecret = webhookSecret;

        var requestId = await api.SubmitAsync(apiKey, new { criteria = new { sampleTypes = new[] { "saliva" } }, quantity = 10, callbackUrl = requester.EndpointUrl });
        await accepted.Task.WaitAsync(TimeSpan.FromSeconds(60));

        var deliveries = requester.Received.ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(WebhookVerificationResult.Valid, d.Signature));
        Assert.Single(deliveries.Select(d => d.WebhookId).Distinct());
        var body = deliveries[^1].Body;
        Assert.Equal("sample-request.completed", body.GetProperty("type").GetString());
        Assert.Equal(requestId, body.GetProperty("requestId").GetString());
        Assert.Equal("Completed", body.GetProperty("status").GetString());
        Assert.Equal(30, body.GetProperty("summary").GetProperty("totalAvailable").GetInt32());
        Assert.True(body.GetProperty("summary").GetProperty("canFulfil").GetBoolean());
    }
}
