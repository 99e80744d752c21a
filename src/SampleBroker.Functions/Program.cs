using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SampleBroker;
using SampleBroker.Functions;
using SampleBroker.Monitoring;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.UseMiddleware<ProblemMiddleware>();
builder.Services.AddSampleBrokerCore(builder.Configuration);
builder.Services.AddSampleBrokerTelemetry(builder.Configuration).UseFunctionsWorkerDefaults();

builder.Build().Run();
