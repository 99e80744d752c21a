using System.Diagnostics;
using System.Globalization;
using OpenTelemetry;
using OpenTelemetry.Trace;
using SampleBroker.IntegrationTests.Requests;
using SampleBroker.IntegrationTests.Support;
using SampleBroker.LocalHost;
using SampleBroker.Monitoring;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Monitoring;

/// <summary>
/// The local host runs in this test's process on Azurite, so an in-memory exporter registered here sees
/// every span the host, the Durable Task SDK and the broker create for one brokered request.
/// </summary>
[Collection(LocalHostCollection.Name)]
public sealed class TelemetryTests
{
    [Fact]
    public async Task One_brokered_request_traces_the_POST_the_query_activity_and_each_biobank_call_with_their_tags()
    {
        var spans = new SpanList();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(BrokerTelemetry.Name, TelemetryExtensions.DurableTaskSource, "Microsoft.AspNetCore")
            .AddInMemoryExporter(spans)
            .Build();

        var port = FreePort.Next();
        var app = LocalHostBuilder.Build(
        [
            "--AzureWebJobsStorage=" + TestStorage.ConnectionString,
            "--LocalHost:Port=" + port.ToString(CultureInfo.InvariantCulture),
            "--LocalHost:TaskHubName=" + TestStorage.UniqueName("hub"),
            "--SampleBroker:StoragePrefix=" + TestStorage.UniqueName("t"),
            "--SampleBroker:RequestQueueName=" + TestStorage.UniqueName("q"),
            "--SampleBroker:PublicBaseUrl=http://localhost:" + port.ToString(CultureInfo.InvariantCulture),
            "--SampleBroker:BootstrapStaffKey=" + LocalHostProcess.StaffKey,
            "--SampleBroker:SeedDemoData=false",
            "--SampleBroker:AllowInsecureBiobankEndpoints=true",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await using (app)
        {
            await app.StartAsync();
            using var api = new BrokerApi(new Uri($"http://localhost:{port}"));
            await using var biobank = await FakeBiobank.AnsweringAsync(12);
            await api.RegisterAsync("bb-traced", biobank);
            var apiKey = await api.CreateRequesterAsync("traced-dx");

            var requestId = await api.SubmitAsync(apiKey, new
            {
                criteria = new { sampleTypes = new[] { "blood-serum" }, diagnoses = new[] { "C50" } },
                quantity = 5,
                answerWithinSeconds = 30,
            });
            var result = await api.WaitUntilFinishedAsync(apiKey, requestId, TimeSpan.FromSeconds(30));
            Assert.Equal("Completed", result.GetProperty("status").GetString());

            // The orchestration's last step ends just after the request reads Completed: wait for its span.
            await Eventually.UntilAsync(
                () => Task.FromResult(spans.Snapshot().Any(s => s.DisplayName == "CompleteSampleRequest" && Equals(s.GetTagItem(BrokerTelemetry.Tags.RequestId), requestId))),
                done => done,
                TimeSpan.FromSeconds(15),
                "the CompleteSampleRequest span");
            await app.StopAsync();
            tracing.ForceFlush();

            var all = spans.Snapshot();
            const string InstanceTag = "durabletask.task.instance_id";
            var create = Assert.Single(all, s => s.DisplayName == "create_orchestration:BrokerSampleRequest" && Equals(s.GetTagItem(InstanceTag), requestId));
            var post = Assert.Single(all, s => s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server && s.SpanId == create.ParentSpanId);
            var scheduled = Assert.Single(all, s => s.DisplayName == "activity:QueryBiobank" && s.Kind == ActivityKind.Client && Equals(s.GetTagItem(InstanceTag), requestId));
            var executed = Assert.Single(all, s => s.DisplayName == "activity:QueryBiobank" && s.Kind == ActivityKind.Server && s.ParentSpanId == scheduled.SpanId);
            var query = Assert.Single(all, s => s.DisplayName == "QueryBiobank" && Equals(s.GetTagItem(BrokerTelemetry.Tags.RequestId), requestId));
            var call = Assert.Single(all, s => s.DisplayName == "biobank.call" && s.ParentSpanId == query.SpanId);
            var complete = Assert.Single(all, s => s.DisplayName == "CompleteSampleRequest" && Equals(s.GetTagItem(BrokerTelemetry.Tags.RequestId), requestId));

            // One trace from the POST: it starts the orchestration, whose activities carry the broker's spans.
            Assert.All(new[] { create, scheduled, executed, query, call, complete }, s => Assert.Equal(post.TraceId, s.TraceId));
            Assert.Equal(executed.SpanId, query.ParentSpanId);

            Assert.Equal("bb-traced", query.GetTagItem(BrokerTelemetry.Tags.BiobankId));
            Assert.NotNull(query.GetTagItem(BrokerTelemetry.Tags.QueryId));
            Assert.Equal("Available", query.GetTagItem(BrokerTelemetry.Tags.Outcome));
            Assert.Equal(1, call.GetTagItem(BrokerTelemetry.Tags.Attempt));
            Assert.Equal("HTTP 200", call.GetTagItem(BrokerTelemetry.Tags.Outcome));
            Assert.Equal("bb-traced", call.GetTagItem(BrokerTelemetry.Tags.BiobankId));
            Assert.Equal(requestId, call.GetTagItem(BrokerTelemetry.Tags.RequestId));
            Assert.Equal(query.GetTagItem(BrokerTelemetry.Tags.QueryId), call.GetTagItem(BrokerTelemetry.Tags.QueryId));
            Assert.Equal("Completed", complete.GetTagItem(BrokerTelemetry.Tags.Status));
        }
    }

    /// <summary>The exporter adds from the host's threads while the test reads.</summary>
    private sealed class SpanList : ICollection<Activity>
    {
        private readonly List<Activity> items = [];

        public int Count
        {
            get
            {
                lock (items)
                {
                    return items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Snapshot()
        {
            lock (items)
            {
                return [.. items];
            }
        }

        public void Add(Activity item)
        {
            lock (items)
            {
                items.Add(item);
            }
        }

        public void Clear()
        {
            lock (items)
            {
                items.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (items)
            {
                return items.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
