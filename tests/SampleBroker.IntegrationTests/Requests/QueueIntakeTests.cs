using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// The <c>sample-requests</c> queue (contract section 6), fed the way Azure Functions producers feed it: UTF-8
/// JSON, base64-encoded. Each test runs its own host, so everything its biobank received is the test's.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class QueueIntakeTests
{
    /// <summary>Poisoning may wait for <c>maxDequeueCount</c> (5) visibility timeouts of 10 s (host.json).</summary>
    private static readonly TimeSpan PoisonPatience = TimeSpan.FromSeconds(90);

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task Valid_message_delivered_three_times_is_brokered_exactly_once()
    {
        await using var queue = await QueueHost.StartAsync();
        var message = Message(queue.OrganisationId, "batch-7-line-3", Request("PO-QUEUE-1"));

        for (var i = 0; i < 3; i++)
        {
            await queue.Requests.SendMessageAsync(message);
        }

        var listed = await Eventually.UntilAsync(
            () => queue.ListAsync("PO-QUEUE-1"), ids => ids.Count > 0, Patience, "the queued request listed by its reference");
        var requestId = listed[0];
        await Eventually.UntilAsync(
            async () => (await queue.Requests.GetPropertiesAsync()).Value.ApproximateMessagesCount, count => count == 0, Patience, "all three deliveries handled");
        await queue.Api.WaitUntilFinishedAsync(queue.ApiKey, requestId, Patience);
        var sentinel = await queue.BrokerSentinelAsync();

        Assert.Equal([requestId], await queue.ListAsync("PO-QUEUE-1"));
        Assert.Equal([requestId], queue.QueriedRequests(except: sentinel));
        Assert.Empty(await queue.PoisonTextsAsync());
        var request = await queue.Api.GetAsync(queue.ApiKey, requestId);
        Assert.Equal(queue.OrganisationId, request.GetProperty("organisationId").GetString());
        Assert.Equal(10, request.GetProperty("quantity").GetInt32());
    }

    [Fact]
    public async Task Invalid_messages_end_in_poison_with_their_original_text_and_are_never_brokered()
    {
        await using var queue = await QueueHost.StartAsync();
        var org = queue.OrganisationId;
        var messages = new[]
        {
            "this is not JSON",
            "{\"organisationId\":\"" + org + "\",\"idem",
            "[" + Message(org, "k-array", Request("poison-array")) + "]",
            "{\"organisationId\":\"" + org + "\",\"request\":" + Request("poison-no-key") + "}",
            "{\"organisationId\":\"" + org + "\",\"idempotencyKey\":123,\"request\":" + Request("poison-numeric-key") + "}",
            Message(org, new string('k', 101), Request("poison-long-key")),
            Message(org, "k-control\u0001", Request("poison-control-key")),
            "{\"idempotencyKey\":\"k-no-org\",\"request\":" + Request("poison-no-org") + "}",
            Message("no-such-org", "k-unknown-org", Request("poison-unknown-org")),
            Message(org + "' or PartitionKey ne '", "k-odata-org", Request("poison-odata-org")),
            Message(org, "k-invalid", "{\"reference\":\"poison-invalid\",\"criteria\":{\"sampleTypes\":[\"bIood-serum\"]},\"quantity\":0}"),
            Message(org, "k-no-request", null),
            "{\"organisationId\":\"" + org + "\",\"idempotencyKey\":\"k-string-request\",\"request\":\"quantity=10\"}",
            Message(org, "k-deep", "{\"reference\":\"poison-deep\",\"criteria\":{\"sampleTypes\":[\"blood-serum\"]},\"quantity\":10,\"x\":" + new string('[', 1000) + new string(']', 1000) + "}"),
        };

        foreach (var message in messages)
        {
            await queue.Requests.SendMessageAsync(message);
        }

        var poisoned = await Eventually.UntilAsync(
            queue.PoisonTextsAsync, texts => texts.Count >= messages.Length, PoisonPatience, $"{messages.Length} messages in the poison queue");
        var sentinel = await queue.SendSentinelMessageAsync();

        Assert.Equal(messages.Order(StringComparer.Ordinal), poisoned.Order(StringComparer.Ordinal));
        Assert.Equal([sentinel], await queue.ListAsync(reference: null));
        Assert.Empty(queue.QueriedRequests(except: sentinel));
    }

    [Fact]
    public async Task Message_that_is_not_base64_ends_in_poison_with_its_text()
    {
        await using var queue = await QueueHost.StartAsync();
        var text = "not base64: " + Message(queue.OrganisationId, "k-plain", Request("PO-PLAIN"));

        await queue.RawRequests.SendMessageAsync(text);

        var poisoned = await Eventually.UntilAsync(
            queue.RawPoisonTextsAsync, raw => raw.Count > 0, PoisonPatience, "the message that is not base64 in the poison queue");
        var stored = Assert.Single(poisoned);
        Assert.True(stored == text || TryDecodeBase64(stored) == text, $"the poison queue holds '{stored}', not the message sent");
        Assert.Empty(await queue.ListAsync(reference: null));
    }

    [Fact]
    public async Task Message_that_is_not_base64_does_not_hold_up_the_valid_messages_behind_it()
    {
        await using var queue = await QueueHost.StartAsync();

        // Both become visible together, so the host receives them in one batch, as it would in a busy queue.
        var together = TimeSpan.FromSeconds(2);
        await queue.RawRequests.SendMessageAsync("not base64 at all!", visibilityTimeout: together);
        await queue.Requests.SendMessageAsync(Message(queue.OrganisationId, "k-behind", Request("PO-BEHIND")), visibilityTimeout: together);

        var listed = await Eventually.UntilAsync(
            () => queue.ListAsync("PO-BEHIND"), ids => ids.Count > 0, PoisonPatience, "the valid message behind the bad one brokered");
        Assert.Single(listed);
    }

    [Fact]
    public async Task Message_whose_bytes_are_not_utf8_ends_in_poison_with_its_bytes_intact()
    {
        await using var queue = await QueueHost.StartAsync();
        // "k-latin1-é" with the é as its Latin-1 byte 0xE9, which is no UTF-8.
        var text = Message(queue.OrganisationId, "k-latin1-#", Request("PO-LATIN1"));
        var hash = text.IndexOf('#', StringComparison.Ordinal);
        byte[] bytes = [.. Encoding.UTF8.GetBytes(text[..hash]), 0xE9, .. Encoding.UTF8.GetBytes(text[(hash + 1)..])];
        var base64 = Convert.ToBase64String(bytes);

        await queue.RawRequests.SendMessageAsync(base64);

        var poisoned = await Eventually.UntilAsync(
            queue.RawPoisonTextsAsync, raw => raw.Count > 0, PoisonPatience, "the message that is not UTF-8 in the poison queue");
        var stored = Assert.Single(poisoned);
        Assert.Equal(base64, stored);
        Assert.Empty(await queue.ListAsync(reference: null));
    }

    /// <summary>A queue message as contract section 6 shows it; <paramref name="request"/> is raw JSON (null leaves it out).</summary>
    private static string Message(string organisationId, string idempotencyKey, string? request) =>
        "{\"organisationId\":" + JsonSerializer.Serialize(organisationId) + ",\"idempotencyKey\":" + JsonSerializer.Serialize(idempotencyKey)
        + (request is null ? "" : ",\"request\":" + request) + "}";

    private static string Request(string reference) =>
        "{\"reference\":" + JsonSerializer.Serialize(reference) + ",\"criteria\":{\"sampleTypes\":[\"blood-serum\"]},\"quantity\":10,\"answerWithinSeconds\":60}";

    private static string? TryDecodeBase64(string text)
    {
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(Convert.FromBase64String(text));
        }
        catch (FormatException)
        {
            return null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A host with one requester organisation, one biobank, and clients for its queues.</summary>
    private sealed class QueueHost : IAsyncDisposable
    {
        private LocalHostProcess host = null!;
        private FakeBiobank biobank = null!;

        public BrokerApi Api { get; private set; } = null!;

        public string OrganisationId { get; } = TestStorage.UniqueName("queue");

        public string ApiKey { get; private set; } = "";

        /// <summary>The intake queue, encoding messages as base64 like Azure Functions producers.</summary>
        public QueueClient Requests { get; private set; } = null!;

        /// <summary>The intake queue without any encoding, to put text that is not base64 on it.</summary>
        public QueueClient RawRequests { get; private set; } = null!;

        private QueueClient Poison { get; set; } = null!;

        private QueueClient RawPoison { get; set; } = null!;

        public static async Task<QueueHost> StartAsync()
        {
            var queue = new QueueHost { host = await LocalHostProcess.StartAsync() };
            queue.Api = new BrokerApi(queue.host.BaseAddress);
            queue.biobank = await FakeBiobank.AnsweringAsync(10);
            await queue.Api.RegisterAsync("bb-queue", queue.biobank);
            queue.ApiKey = await queue.Api.CreateRequesterAsync(queue.OrganisationId);

            var name = queue.host.Settings["SampleBroker__RequestQueueName"];
            var base64 = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
            queue.Requests = new QueueClient(TestStorage.ConnectionString, name, base64);
            queue.RawRequests = new QueueClient(TestStorage.ConnectionString, name);
            queue.Poison = new QueueClient(TestStorage.ConnectionString, name + "-poison", base64);
            queue.RawPoison = new QueueClient(TestStorage.ConnectionString, name + "-poison");
            await queue.Requests.CreateIfNotExistsAsync();
            await queue.Poison.CreateIfNotExistsAsync();
            return queue;
        }

        /// <summary>The texts in the poison queue, decoded from base64.</summary>
        public async Task<List<string>> PoisonTextsAsync()
        {
            var peeked = await Poison.PeekMessagesAsync(maxMessages: 32);
            return [.. peeked.Value.Select(m => m.Body.ToString())];
        }

        /// <summary>The texts in the poison queue exactly as stored.</summary>
        public async Task<List<string>> RawPoisonTextsAsync()
        {
            var peeked = await RawPoison.PeekMessagesAsync(maxMessages: 32);
            return [.. peeked.Value.Select(m => m.MessageText)];
        }

        public async Task<List<string>> ListAsync(string? reference)
        {
            var query = reference is null ? "" : "?reference=" + Uri.EscapeDataString(reference);
            using var response = await Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests" + query, ApiKey, null);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var page = await response.Content.ReadFromJsonAsync<JsonElement>();
            return [.. page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()!)];
        }

        /// <summary>The request ids of every query the biobank received.</summary>
        public List<string> QueriedRequests(string? except) =>
            [.. biobank.Received.Select(q => q.Body.GetProperty("requestId").GetString()!).Where(id => id != except)];

        /// <summary>Brokers one more request over HTTP: work the host started earlier has reached the biobank by then.</summary>
        public async Task<string> BrokerSentinelAsync()
        {
            var sentinel = await Api.SubmitAsync(ApiKey, new { reference = "sentinel", criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 1 });
            await Api.WaitUntilFinishedAsync(ApiKey, sentinel, Patience);
            return sentinel;
        }

        /// <summary>Brokers one more request through the queue, after the messages sent before it.</summary>
        public async Task<string> SendSentinelMessageAsync()
        {
            await Requests.SendMessageAsync(Message(OrganisationId, "k-sentinel", Request("sentinel")));
            var listed = await Eventually.UntilAsync(() => ListAsync("sentinel"), ids => ids.Count > 0, Patience, "the sentinel message brokered");
            await Api.WaitUntilFinishedAsync(ApiKey, listed[0], Patience);
            return listed[0];
        }

        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await biobank.DisposeAsync();
            await host.DisposeAsync();
            await Requests.DeleteIfExistsAsync();
            await Poison.DeleteIfExistsAsync();
        }
    }
}
