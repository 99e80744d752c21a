using Microsoft.AspNetCore.Server.Kestrel.Core;
using SampleBroker.Monitoring;

namespace SampleBroker.LocalHost;

/// <summary>Builds the local host; <c>Program</c> runs it and tests build it to inspect its routes.</summary>
public static partial class LocalHostBuilder
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // Quiet framework logging by default, as host.json does for the Functions app; any configuration overrides it.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.DurableTask"] = "Warning",
                ["Logging:LogLevel:Microsoft.DurableTask.Sidecar"] = "Warning",
                ["Logging:LogLevel:DurableTask"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Grpc"] = "Warning",
            },
        });
        builder.AddLocalSettings(args);
        var port = builder.Configuration.GetValue("LocalHost:Port", 7071);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1));

        builder.Services.AddSampleBrokerCore(builder.Configuration);
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddSampleBrokerTelemetry(builder.Configuration, tracing => tracing.AddSource("Microsoft.AspNetCore"));
        builder.AddLocalDurableBackend();
        builder.Services.AddSingleton(QueueSettings.FromHostJson(builder.Environment.ContentRootPath));
        builder.Services.AddHostedService<QueueListener>();
        builder.Services.AddHostedService<MaintenanceLoops>();

        var app = builder.Build();
        LogTelemetry(app.Logger, TelemetryExtensions.Describe(builder.Configuration));
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapSampleBrokerApi();
        app.MapLocalDurableBackend();
        return app;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Telemetry: {Destination}")]
    private static partial void LogTelemetry(ILogger logger, string destination);
}
