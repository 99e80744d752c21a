using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Brokering;

/// <summary>
/// Start exactly once (issue 11): however many repeats of one submission race each other, over HTTP and
/// through the queue, the request is brokered by one execution of its orchestration and each biobank gets
/// one query. Executions are counted where the engine records them: <c>ExecutionStarted</c> rows in the
/// task hub's history table.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class ExactlyOnceTests
{
    private const int Repeats = 50;

    private const string Request =
        "{\"reference\":\"PO-ONCE\",\"criteria\":{\"sampleTypes\":[\"blood-serum\"]},\"quantity\":10,\"answerWithinSeconds\":60}";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static readonly string[] BiobankIds = ["bb-once-a", "bb-once-b", "bb-once-c"];

    [Fact]
    public async Task Fifty_concurrent_repeats_over_HTTP_start_one_execution_and_send_one_query_per_biobank()
    {
        await using var stack = await Stack.StartAsync();

        using var go = new SemaphoreSlim(0);
        var posts = Enumerable.Range(0, Repeats).Select(async _ =>
        {
            await go.WaitAsync();
            using var response = await stack.PostAsync("race-http");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        }).ToList();
        go.Release(Repeats);
        var ids = await Task.WhenAll(posts);

        var requestId = Assert.Single(ids.Distinct());
        await stack.AssertBrokeredOnceAsync(requestId);
    }

    [Fact]
    public async Task Fifty_concurrent_repeats_through_the_queue_and_over_HTTP_start_one_execution_and_send_one_query_per_biobank()
    {
        await using var stack = await Stack.StartAsync();
        var message = JsonSerializer.Serialize(new
        {
            organisationId = stack.OrganisationId,
            idempotencyKey = "race-queue",
            request = JsonDocument.Parse(Request).RootElement,
        });

        using var go = new SemaphoreSlim(0);
        var sends = Enumerable.Range(0, Repeats / 2).Select(async _ =>
        {
            await go.WaitAsync();
            await stack.Queue.SendMessageAsync(message);
        });
        var posts = Enumerable.Range(0, Repeats / 2).Select(async _ =>
        {
            await go.WaitAsync();
            using var response = await stack.PostAsync("race-queue");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("requestId").GetString()!;
        }).ToList();
        go.Release(Repeats);
        await Task.WhenAll(sends);
        var ids = await Task.WhenAll(posts);

        var requestId = Assert.Single(ids.Distinct());
        await Eventually.UntilAsync(
            async () => (await stack.Queue.GetPropertiesAsync()).Value.ApproximateMessagesCount, count => count == 0, Patience, "every queued repeat handled");
        await stack.AssertBrokeredOnceAsync(requestId);
    }

    /// <summary>A host, three biobanks and one requester organisation, with clients for the queue and the history table.</summary>
    private sealed class Stack : IAsyncDisposable
    {
        private readonly List<FakeBiobank> biobanks = [];
        private LocalHostProcess host = null!;
        private string apiKey = "";

        public BrokerApi Api { get; private set; } = null!;

        public string OrganisationId { get; } = TestStorage.UniqueName("once");

        public QueueClient Queue { get; private set; } = null!;

        public static async Task<Stack> StartAsync()
        {
            var stack = new Stack { host = await LocalHostProcess.StartAsync() };
            stack.Api = new BrokerApi(stack.host.BaseAddress);
            foreach (var id in BiobankIds)
            {
                var biobank = await FakeBiobank.AnsweringAsync(20);
                stack.biobanks.Add(biobank);
                await stack.Api.RegisterAsync(id, biobank);
            }

            stack.apiKey = await stack.Api.CreateRequesterAsync(stack.OrganisationId);
            stack.Queue = new QueueClient(
                TestStorage.ConnectionString, stack.host.Settings["SampleBroker__RequestQueueName"], new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
            await stack.Queue.CreateIfNotExistsAsync();
            return stack;
        }

        public Task<HttpResponseMessage> PostAsync(string idempotencyKey)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/sample-requests")
            {
                Content = new StringContent(Request, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Api-Key", apiKey);
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return Api.Http.SendAsync(request);
        }

        /// <summary>
        /// The request finished; one execution of its orchestration ever started; every biobank received one
        /// query for it. A sentinel request brokered afterwards makes sure work started late has arrived.
        /// </summary>
        public async Task AssertBrokeredOnceAsync(string requestId)
        {
            var finished = await Api.WaitUntilFinishedAsync(apiKey, requestId, Patience);
            var sentinel = await Api.SubmitAsync(apiKey, new { reference = "sentinel", criteria = new { sampleTypes = new[] { "blood-serum" } }, quantity = 1 });
            await Api.WaitUntilFinishedAsync(apiKey, sentinel, Patience);

            Assert.Equal("Completed", finished.GetProperty("status").GetString());
            Assert.Equal(1, await ExecutionsStartedAsync(requestId));
            foreach (var biobank in biobanks)
            {
                Assert.Single(biobank.Received, q => q.Body.GetProperty("requestId").GetString() == requestId);
            }

            using var list = await Api.SendAsync(HttpMethod.Get, "/api/v1/sample-requests?reference=PO-ONCE", apiKey, null);
            var page = await list.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal([requestId], page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("requestId").GetString()));
        }

        private async Task<int> ExecutionsStartedAsync(string instanceId)
        {
            var history = new TableClient(TestStorage.ConnectionString, host.Settings["LocalHost__TaskHubName"] + "History");
            var executions = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var row in history.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {instanceId} and EventType eq {"ExecutionStarted"}")))
            {
                executions.Add(row.GetString("ExecutionId") ?? row.RowKey);
            }

            return executions.Count;
        }

        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            foreach (var biobank in biobanks)
            {
                await biobank.DisposeAsync();
            }

            await host.DisposeAsync();
            await Queue.DeleteIfExistsAsync();
        }
    }
}
