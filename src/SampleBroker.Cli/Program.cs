using System.CommandLine;
using SampleBroker.Cli;
using SampleBroker.Cli.Commands;

var environment = CliEnvironment.FromProcess();
return await CliCommandLine.Create(environment).Parse(args).InvokeAsync(
    new InvocationConfiguration { Output = environment.Out, Error = environment.Error });
