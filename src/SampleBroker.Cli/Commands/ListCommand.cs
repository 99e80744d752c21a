using System.CommandLine;
using SampleBroker.Cli.Api;
using SampleBroker.Cli.Rendering;
using Spectre.Console;

namespace SampleBroker.Cli.Commands;

/// <summary><c>list</c>: the caller's requests, newest first.</summary>
internal sealed class ListCommand : Command
{
    public const int MaxTop = 100;

    private readonly Option<string?> status = new("--status", "-s") { Description = "Only requests in this status." };
    private readonly Option<string?> reference = new("--reference", "-r") { Description = "Only requests with this reference." };
    private readonly Option<int?> top = new("--top", "-n") { Description = $"Page size, 1..{MaxTop} (the broker's default is 20).", HelpName = "n" };
    private readonly Option<bool> all = new("--all") { Description = "Follow continuation tokens and list every matching request." };

    public ListCommand(CliEnvironment environment)
        : base("list", "List your sample requests, newest first.")
    {
        ArgumentNullException.ThrowIfNull(environment);
        status.AcceptOnlyFromAmong([.. RequestStatuses.All]);
        top.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } value && value is < 1 or > MaxTop)
            {
                result.AddError($"--top must be between 1 and {MaxTop}.");
            }
        });
        Add(status);
        Add(reference);
        Add(top);
        Add(all);
        SetAction((parse, cancellationToken) => CommandRunner.RunAsync(
            environment,
            client => RunAsync(client, environment, new RequestListQuery(parse.GetValue(status), parse.GetValue(reference), parse.GetValue(top)), parse.GetValue(all), cancellationToken),
            cancellationToken));
    }

    private static async Task<int> RunAsync(ApiClient client, CliEnvironment environment, RequestListQuery query, bool all, CancellationToken cancellationToken)
    {
        var items = new List<SampleRequestView>();
        string? more = null;
        if (all)
        {
            await foreach (var page in client.ListAllRequestsAsync(query, cancellationToken))
            {
                items.AddRange(page.Items);
            }
        }
        else
        {
            var page = await client.ListRequestsAsync(query, null, cancellationToken);
            items.AddRange(page.Items);
            more = page.ContinuationToken;
        }

        environment.Console.Write(RequestRenderer.RequestList(items));
        if (!string.IsNullOrEmpty(more))
        {
            environment.Console.Write(new Text("More requests match: add --all to list them all.\n", new Style(Color.Grey)));
        }

        return ExitCodes.Success;
    }
}
