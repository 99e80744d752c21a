using SampleBroker.ReferenceBiobank.Biobanks;
using SampleBroker.ReferenceBiobank.Queries;

namespace SampleBroker.ReferenceBiobank;

/// <summary>Wiring of the reference biobank adapter: services and endpoints.</summary>
public static class ReferenceBiobankExtensions
{
    /// <summary>Name of the configuration section the adapter reads.</summary>
    public const string ConfigurationSection = "Adapter";

    /// <summary>
    /// Loads the served biobanks and their inventories from the <c>Adapter</c> configuration section
    /// and registers the adapter's services. Invalid configuration fails here, at startup, with an
    /// <see cref="AdapterConfigurationException"/> that lists every problem found.
    /// </summary>
    public static IHostApplicationBuilder AddReferenceBiobank(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        IConfigurationSection section = builder.Configuration.GetSection(ConfigurationSection);
        builder.Services.AddSingleton(BiobankCatalog.Load(section, builder.Environment.ContentRootPath));

        builder.Services.AddOptions<CallbackOptions>().Bind(section.GetSection(CallbackOptions.SectionName));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.AddHttpClient(AnswerDispatcher.HttpClientName);
        builder.Services.AddSingleton<AnswerDispatcher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<AnswerDispatcher>());
        return builder;
    }

    /// <summary>Maps <c>POST /biobanks/{biobankId}/query</c> and <c>GET /health</c>.</summary>
    public static WebApplication MapReferenceBiobank(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Unhandled exceptions become a bare problem+json 500, never a stack trace.
        app.UseExceptionHandler();
        app.MapGet("/health", () => TypedResults.Ok(new HealthStatus("Healthy")));
        app.MapPost("/biobanks/{biobankId}/query", QueryEndpoint.HandleAsync);
        return app;
    }
}

/// <summary>Body of <c>GET /health</c>.</summary>
public sealed record HealthStatus(string Status);
