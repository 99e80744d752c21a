using SampleBroker.ReferenceBiobank;

WebApplicationBuilder builder = WebApplication.CreateBuilder(args);
builder.AddReferenceBiobank();

WebApplication app = builder.Build();
app.MapReferenceBiobank();

app.Run();
