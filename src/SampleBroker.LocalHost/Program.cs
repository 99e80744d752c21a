using SampleBroker.LocalHost;

await LocalHostBuilder.Build(args).RunAsync();
