using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SampleBroker.LocalHost;

/// <summary>Builds the local host; <c>Program</c> runs it and tests build it to inspect its routes.</summary>
public static class LocalHostBuilder
{
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddLocalSettings(args);
        var port = builder.Configuration.GetValue("LocalHost:Port", 7071);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenLocalhost(port, listen => listen.Protocols = HttpProtocols.Http1));

        builder.Services.AddSampleBrokerCore(builder.Configuration);
        builder.AddLocalDurableBackend();
        builder.Services.AddSingleton(QueueSettings.FromHostJson(builder.Environment.ContentRootPath));
        builder.Services.AddHostedService<QueueListener>();

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapSampleBrokerApi();
        app.MapLocalDurableBackend();
        return app;
    }
}
