using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace SampleBroker.Monitoring;

/// <summary>Where the broker's traces and metrics go, chosen by settings.</summary>
public enum TelemetryDestination
{
    /// <summary>Nowhere: no exporter setting is present (spans are still created for in-process listeners).</summary>
    None,

    /// <summary>An OpenTelemetry collector at <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    Otlp,

    /// <summary>Application Insights at <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c>.</summary>
    AzureMonitor,
}

/// <summary>OpenTelemetry for both hosts: the broker's source and meter, the Durable Task SDK's spans, and the exporter the settings choose.</summary>
public static class TelemetryExtensions
{
    public const string AppInsightsSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";
    public const string AppInsightsAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>The Durable Task SDK's spans (orchestrations, activities, timers, events), which the broker's spans nest under.</summary>
    public const string DurableTaskSource = "Microsoft.DurableTask";

    /// <summary>Azure Monitor when its connection string is set, else OTLP when its endpoint is set, else none.</summary>
    public static TelemetryDestination Destination(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[AppInsightsSetting]) ? TelemetryDestination.AzureMonitor
            : !string.IsNullOrWhiteSpace(configuration[OtlpEndpointSetting]) ? TelemetryDestination.Otlp
            : TelemetryDestination.None;
    }

    /// <summary>One line for the start-up log: where traces go (never the connection string itself).</summary>
    public static string Describe(IConfiguration configuration) => Destination(configuration) switch
    {
        TelemetryDestination.AzureMonitor => "traces and metrics go to Application Insights (" + AppInsightsSetting + ")",
        TelemetryDestination.Otlp => "traces and metrics go to the OTLP endpoint " + configuration[OtlpEndpointSetting],
        _ => "traces and metrics are not exported (set " + OtlpEndpointSetting + " or " + AppInsightsSetting + ")",
    };

    /// <summary>Registers OpenTelemetry; <paramref name="tracing"/> adds the host's own sources (ASP.NET Core, the Functions worker).</summary>
    public static IOpenTelemetryBuilder AddSampleBrokerTelemetry(this IServiceCollection services, IConfiguration configuration, Action<TracerProviderBuilder>? tracing = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var destination = Destination(configuration);
        var builder = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : "samplebroker"))
            .WithTracing(t =>
            {
                t.AddSource(BrokerTelemetry.Name, DurableTaskSource);
                tracing?.Invoke(t);
                switch (destination)
                {
                    case TelemetryDestination.AzureMonitor:
                        t.AddAzureMonitorTraceExporter(o => AzureMonitor(o, configuration));
                        break;
                    case TelemetryDestination.Otlp:
                        t.AddOtlpExporter();
                        break;
                }
            })
            .WithMetrics(m =>
            {
                m.AddMeter(BrokerTelemetry.Name);
                switch (destination)
                {
                    case TelemetryDestination.AzureMonitor:
                        m.AddAzureMonitorMetricExporter(o => AzureMonitor(o, configuration));
                        break;
                    case TelemetryDestination.Otlp:
                        m.AddOtlpExporter();
                        break;
                }
            });
        return builder;
    }

    /// <summary>With local auth disabled on the component, the exporter signs in as the app's identity.</summary>
    private static void AzureMonitor(AzureMonitorExporterOptions options, IConfiguration configuration)
    {
        options.ConnectionString = configuration[AppInsightsSetting];
        if (configuration[AppInsightsAuthenticationSetting] is { Length: > 0 } authentication
            && authentication.Contains("Authorization=AAD", StringComparison.OrdinalIgnoreCase))
        {
            options.Credential = Credential(authentication);
        }
    }

    private static ManagedIdentityCredential Credential(string authentication)
    {
        var clientId = authentication.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => part.Split('=', 2))
            .FirstOrDefault(kv => kv.Length == 2 && kv[0].Equals("ClientId", StringComparison.OrdinalIgnoreCase))?[1];
        return clientId is null
            ? new ManagedIdentityCredential(ManagedIdentityId.SystemAssigned)
            : new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(clientId));
    }
}
