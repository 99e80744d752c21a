using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using SampleBroker.Http;
using SampleBroker.LocalHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SampleBroker.Orchestration;
using SampleBroker.Requests;
using SampleBroker.Storage;

namespace SampleBroker.Functions.Tests;

/// <summary>
/// The two hosts serve one contract: the Functions app's triggers, as its build declares them in
/// <c>functions.metadata</c>, and the local host's endpoint map must name the same routes and methods.
/// </summary>
public sealed partial class HostRoutesTests
{
    [Fact]
    public async Task Functions_app_and_local_host_serve_the_same_routes_and_methods()
    {
        var functions = FunctionsHttpRoutes();
        var local = await LocalHostRoutesAsync();

        var onlyFunctions = functions.Except(local).Order().ToList();
        var onlyLocal = local.Except(functions).Order().ToList();
        Assert.True(
            onlyFunctions.Count == 0 && onlyLocal.Count == 0,
            $"Only in the Functions app: [{string.Join(", ", onlyFunctions)}]; only in the local host: [{string.Join(", ", onlyLocal)}].");
        Assert.NotEmpty(functions);
    }

    [Fact]
    public void Functions_app_serves_every_route_of_ApiRoutes()
    {
        var served = FunctionsHttpRoutes().Select(r => r.Path).ToHashSet();
        var declared = typeof(ApiRoutes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name != nameof(ApiRoutes.Prefix))
            .Select(f => Normalise("/" + ApiRoutes.Prefix + "/" + (string)f.GetRawConstantValue()!))
            .ToList();

        Assert.All(declared, path => Assert.Contains(path, served));
    }

    [Fact]
    public void OpenApi_catalog_describes_exactly_the_routes_the_Functions_app_serves()
    {
        var functions = FunctionsHttpRoutes();
        var described = ApiCatalog.Operations
            .Select(o => new Route(o.Method.ToUpperInvariant(), Normalise("/" + ApiRoutes.Prefix + "/" + o.Route)))
            .ToHashSet();

        Assert.Equal(functions.Order(), described.Order());
    }

    [Fact]
    public void Functions_app_declares_the_brokering_orchestration_its_activities_and_the_queue_intake()
    {
        var functions = FunctionsMetadata();

        Assert.Equal("orchestrationTrigger", TriggerOf(functions, TaskNames.BrokerSampleRequest).GetProperty("type").GetString());
        // Every task name but the orchestration and its event names an activity both hosts must run.
        var activities = typeof(TaskNames).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name is not (nameof(TaskNames.BrokerSampleRequest) or nameof(TaskNames.CancelEvent)))
            .Select(f => (string)f.GetRawConstantValue()!)
            .ToList();
        Assert.Contains(TaskNames.SendCompletionCallback, activities);
        foreach (var activity in activities)
        {
            Assert.Equal("activityTrigger", TriggerOf(functions, activity).GetProperty("type").GetString());
        }

        var queue = Assert.Single(functions.SelectMany(Bindings), b => b.GetProperty("type").GetString() == "queueTrigger");
        Assert.Equal(StorageNames.RequestQueue, queue.GetProperty("queueName").GetString());
        Assert.Equal(StorageNames.ConnectionSetting, queue.GetProperty("connection").GetString());

        // API keys and signatures are checked by the core, never by Functions keys.
        Assert.All(
            functions.SelectMany(Bindings).Where(b => b.GetProperty("type").GetString() == "httpTrigger"),
            b => Assert.Equal("Anonymous", b.GetProperty("authLevel").GetString()));
    }

    [Fact]
    public async Task Functions_app_and_local_host_run_the_same_timers_and_the_Functions_app_on_the_declared_schedules()
    {
        var timers = FunctionsMetadata()
            .Select(f => (Name: f.GetProperty("name").GetString()!, Trigger: Bindings(f).SingleOrDefault(b => b.GetProperty("type").GetString() == "timerTrigger")))
            .Where(f => f.Trigger.ValueKind == JsonValueKind.Object)
            .ToDictionary(f => f.Name, f => f.Trigger.GetProperty("schedule").GetString());

        Assert.Equal(MaintenanceLoops.Names.Order(StringComparer.Ordinal), timers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MaintenanceTimers.ReconcileSchedule, timers[MaintenanceTimers.Reconcile]);
        Assert.Equal(MaintenanceTimers.RetentionSchedule, timers[MaintenanceTimers.Retention]);

        // The local host runs them: its loops are a hosted service of the app.
        var app = LocalHostBuilder.Build([]);
        await using (app)
        {
            Assert.Single(app.Services.GetServices<IHostedService>().OfType<MaintenanceLoops>());
        }
    }

    private static HashSet<Route> FunctionsHttpRoutes() =>
        FunctionsMetadata()
            .SelectMany(Bindings)
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .SelectMany(b => b.GetProperty("methods").EnumerateArray().Select(m => new Route(
                m.GetString()!.ToUpperInvariant(),
                Normalise("/" + ApiRoutes.Prefix + "/" + b.GetProperty("route").GetString()))))
            .ToHashSet();

    /// <summary>Builds the local host, never runs it, and reads its endpoint map (without the durable sidecar's gRPC routes).</summary>
    private static async Task<HashSet<Route>> LocalHostRoutesAsync()
    {
        // Kestrel's port is configured but never bound: the app is not started.
        var app = LocalHostBuilder.Build([]);
        await using (app)
        {
            return ((IEndpointRouteBuilder)app).DataSources
                .SelectMany(source => source.Endpoints)
                .OfType<RouteEndpoint>()
                .Where(e => e.RoutePattern.RawText is { } raw && Normalise(raw).StartsWith("/" + ApiRoutes.Prefix + "/", StringComparison.Ordinal))
                .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                    .Select(m => new Route(m.ToUpperInvariant(), Normalise(e.RoutePattern.RawText!))))
                .ToHashSet();
        }
    }

    private static List<JsonElement> FunctionsMetadata()
    {
        var path = Path.Combine(RepoRoot(), "src", "SampleBroker.Functions", "bin", Configuration(), TargetFramework(), "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: build src/SampleBroker.Functions (this project references it, so building the tests does).");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().Select(f => f.Clone()).ToList();
    }

    private static IEnumerable<JsonElement> Bindings(JsonElement function) => function.GetProperty("bindings").EnumerateArray();

    private static JsonElement TriggerOf(List<JsonElement> functions, string name)
    {
        var function = Assert.Single(functions, f => f.GetProperty("name").GetString() == name);
        return Assert.Single(Bindings(function), b => b.GetProperty("type").GetString()!.EndsWith("Trigger", StringComparison.Ordinal));
    }

    /// <summary>Routing ignores case and a trailing slash; parameters compare by name, without constraints or defaults.</summary>
    private static string Normalise(string route) =>
        "/" + RouteParameter().Replace(route.Trim('/'), m => "{" + m.Groups["name"].Value + "}").ToLowerInvariant();

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SampleBroker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No SampleBroker.sln above {AppContext.BaseDirectory}.");
    }

    private static string Configuration() =>
        typeof(HostRoutesTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The tests build for the same target framework as the app; their output folder is named after it.</summary>
    private static string TargetFramework() => new DirectoryInfo(AppContext.BaseDirectory).Name;

    [GeneratedRegex(@"\{\*{0,2}(?<name>[^}:=?]+)[^}]*\}", RegexOptions.CultureInvariant)]
    private static partial Regex RouteParameter();

    private sealed record Route(string Method, string Path) : IComparable<Route>
    {
        public int CompareTo(Route? other) =>
            other is null ? 1 : string.CompareOrdinal(Path + " " + Method, other.Path + " " + other.Method);

        public override string ToString() => $"{Method} {Path}";
    }
}
