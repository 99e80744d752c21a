using System.Reflection;
using System.Text.Json;
using SampleBroker.Http;
using SampleBroker.Orchestration;
using SampleBroker.Requests;
using SampleBroker.Storage;

namespace SampleBroker.Deployment.Tests;

/// <summary>
/// What `azd deploy` ships: the published Functions app. infra/local/test.sh publishes it once (after the
/// build, without rebuilding) and names the folder in SAMPLEBROKER_FUNCTIONS_PUBLISH; run alone, the
/// fixture publishes it itself.
/// </summary>
public sealed class PublishedFunctionsAppTests(PublishedFunctionsAppTests.Published published) : IClassFixture<PublishedFunctionsAppTests.Published>
{
    [Fact]
    public void Every_core_route_is_an_anonymous_http_trigger_in_the_published_metadata()
    {
        var routes = published.Bindings("httpTrigger")
            .Select(b => (b.GetProperty("route").GetString()!, b.GetProperty("authLevel").GetString()))
            .ToList();
        var declared = typeof(ApiRoutes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(ApiRoutes.Prefix))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();

        Assert.NotEmpty(declared);
        Assert.All(declared, route => Assert.Contains(routes, r => Same(r.Item1, route)));
        Assert.All(routes, r => Assert.Equal("Anonymous", r.Item2));
    }

    [Fact]
    public void The_queue_trigger_reads_the_contract_queue_whose_failures_end_in_its_poison_queue()
    {
        var queue = Assert.Single(published.Bindings("queueTrigger"));

        Assert.Equal(StorageNames.RequestQueue, queue.GetProperty("queueName").GetString());
        Assert.Equal(StorageNames.ConnectionSetting, queue.GetProperty("connection").GetString());

        // The host moves a message to "<queue>-poison" after maxDequeueCount attempts: the count must be set.
        var queues = published.HostJson.GetProperty("extensions").GetProperty("queues");
        Assert.InRange(queues.GetProperty("maxDequeueCount").GetInt32(), 1, 10);
    }

    [Fact]
    public void The_maintenance_timers_are_declared_with_their_schedules()
    {
        Assert.Equal(MaintenanceTimers.ReconcileSchedule, published.Trigger(MaintenanceTimers.Reconcile, "timerTrigger").GetProperty("schedule").GetString());
        Assert.Equal(MaintenanceTimers.RetentionSchedule, published.Trigger(MaintenanceTimers.Retention, "timerTrigger").GetProperty("schedule").GetString());
    }

    [Fact]
    public void The_orchestration_and_every_activity_are_declared()
    {
        published.Trigger(TaskNames.BrokerSampleRequest, "orchestrationTrigger");
        foreach (var activity in new[] { TaskNames.BeginBrokering, TaskNames.QueryBiobank, TaskNames.CompleteSampleRequest, TaskNames.SendCompletionCallback })
        {
            published.Trigger(activity, "activityTrigger");
        }
    }

    [Fact]
    public void The_published_host_json_takes_the_hub_from_settings_and_bounds_each_function()
    {
        var host = published.HostJson;
        var durable = host.GetProperty("extensions").GetProperty("durableTask");

        Assert.Equal("%TaskHubName%", durable.GetProperty("hubName").GetString());
        Assert.False(durable.GetProperty("throwStatusExceptionsOnRaiseEvent").GetBoolean());
        Assert.Equal("V2", durable.GetProperty("tracing").GetProperty("version").GetString());
        Assert.True(TimeSpan.TryParse(host.GetProperty("functionTimeout").GetString(), System.Globalization.CultureInfo.InvariantCulture, out var timeout));
        Assert.InRange(timeout, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(30));
    }

    [Fact]
    public void The_published_app_carries_one_DurableTask_version_and_no_local_settings()
    {
        using var deps = JsonDocument.Parse(File.ReadAllText(Path.Combine(published.Folder, "SampleBroker.Functions.deps.json")));
        var durableTask = deps.RootElement.GetProperty("libraries").EnumerateObject()
            .Select(l => l.Name)
            .Where(n => n.StartsWith("Microsoft.DurableTask.", StringComparison.Ordinal) && !n.StartsWith("Microsoft.DurableTask.Analyzers", StringComparison.Ordinal))
            .ToList();

        Assert.Contains(durableTask, n => n.StartsWith("Microsoft.DurableTask.Worker.Grpc/", StringComparison.Ordinal));
        Assert.All(durableTask, n => Assert.EndsWith("/1.28.0", n, StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(published.Folder, "local.settings.json")), "local.settings.json must never be deployed.");
    }

    /// <summary>Routes compare without constraints, case or slashes.</summary>
    private static bool Same(string a, string b) => Normalise(a) == Normalise(b);

    private static string Normalise(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route.Trim('/'), @"\{(\*{0,2})([^}:=?]+)[^}]*\}", "{$2}").ToLowerInvariant();

    /// <summary>The published folder and what the tests read from it.</summary>
    public sealed class Published : IAsyncLifetime
    {
        public string Folder { get; private set; } = string.Empty;

        public JsonElement HostJson { get; private set; }

        private List<JsonElement> functions = [];

        public async Task InitializeAsync()
        {
            Folder = Environment.GetEnvironmentVariable("SAMPLEBROKER_FUNCTIONS_PUBLISH") is { Length: > 0 } given
                ? given
                : await PublishAsync();
            using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "functions.metadata")));
            functions = metadata.RootElement.EnumerateArray().Select(f => f.Clone()).ToList();
            using var host = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Folder, "host.json")));
            HostJson = host.RootElement.Clone();
        }

        public Task DisposeAsync() => Task.CompletedTask;

        public IEnumerable<JsonElement> Bindings(string type) =>
            functions.SelectMany(f => f.GetProperty("bindings").EnumerateArray()).Where(b => b.GetProperty("type").GetString() == type);

        public JsonElement Trigger(string function, string type)
        {
            var declared = Assert.Single(functions, f => f.GetProperty("name").GetString() == function);
            return Assert.Single(declared.GetProperty("bindings").EnumerateArray(), b => b.GetProperty("type").GetString() == type);
        }

        private static async Task<string> PublishAsync()
        {
            var output = Directory.CreateTempSubdirectory("samplebroker-functions-").FullName;
            var configuration = typeof(Published).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
            var result = await ProcessRunner.RunAsync(
                "dotnet",
                ["publish", Path.Combine("src", "SampleBroker.Functions"), "-c", configuration, "-o", output, "--nologo"],
                Repository.Root,
                TimeSpan.FromMinutes(10));
            Assert.True(result.ExitCode == 0, result.Output);
            return output;
        }
    }
}
