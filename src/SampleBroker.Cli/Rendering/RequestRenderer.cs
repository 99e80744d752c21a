using System.Globalization;
using SampleBroker.Cli.Api;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SampleBroker.Cli.Rendering;

/// <summary>
/// Builds what <c>status</c>, <c>watch</c> and <c>list</c> show, as Spectre renderables and without
/// touching a console, so each piece is testable on its own. Every value from the broker goes in as
/// <see cref="Text"/>, never as markup, so a bracket in a name or error cannot break the output.
/// </summary>
internal static class RequestRenderer
{
    /// <summary>The key facts of a request: who, what, status, times and whether it can be fulfilled.</summary>
    public static IRenderable Summary(SampleRequestView request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        AddRow(grid, "Request", new Text(request.RequestId));
        if (!string.IsNullOrEmpty(request.Reference))
        {
            AddRow(grid, "Reference", new Text(request.Reference));
        }

        if (!string.IsNullOrEmpty(request.OrganisationId))
        {
            AddRow(grid, "Organisation", new Text(request.OrganisationId));
        }

        AddRow(grid, "Status", new Text(request.Status, Format.StatusStyle(request.Status)));
        AddRow(grid, "Criteria", new Text(Format.Criteria(request.Criteria)));
        AddRow(grid, "Created", new Text(Format.Time(request.CreatedAt)));
        AddRow(grid, "Deadline", new Text(Format.Time(request.Deadline)));
        if (request.CompletedAt is not null)
        {
            AddRow(grid, "Finished", new Text(Format.Time(request.CompletedAt)));
        }

        AddRow(grid, "Biobanks", new Text(string.Create(
            CultureInfo.InvariantCulture,
            $"{request.Progress.BiobanksAnswered}/{request.Progress.BiobanksContacted} answered, {request.Progress.BiobanksPending} pending")));
        AddRow(grid, "Quantity", QuantityLine(request));
        return grid;
    }

    /// <summary>Every contacted biobank, in the broker's order (by id); pending rows fill in as answers arrive.</summary>
    public static Table BiobankTable(SampleRequestView request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var table = new Table().Border(TableBorder.Rounded).Title("Biobanks")
            .AddColumn(new TableColumn("Biobank").NoWrap())
            .AddColumn("Country")
            .AddColumn("Outcome")
            .AddColumn(new TableColumn("Available").RightAligned())
            .AddColumn(new TableColumn("Price/sample").RightAligned())
            .AddColumn(new TableColumn("Lead time").RightAligned())
            .AddColumn(new TableColumn("Latency").RightAligned());
        foreach (var biobank in request.Biobanks)
        {
            table.AddRow(
                new Text(biobank.BiobankId),
                new Text(biobank.Country ?? Format.None),
                new Text(Format.Outcome(biobank), Format.OutcomeStyle(biobank.Outcome)),
                new Text(Format.Count(biobank.AvailableSamples)),
                new Text(Format.Price(biobank.PricePerSampleEur)),
                new Text(Format.LeadTime(biobank.LeadTimeDays)),
                new Text(Format.Latency(biobank.LatencyMs)));
        }

        if (request.Biobanks.Count == 0)
        {
            table.AddRow(new Text("no biobank contacted", new Style(Color.Grey)));
        }

        return table;
    }

    /// <summary>Who supplies how many, at what cost; a total row says whether the quantity is covered.</summary>
    public static IRenderable AllocationTable(SampleRequestView request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Allocation.Count == 0)
        {
            var why = request.IsBrokering
                ? "Allocation: none yet (computed when brokering ends)."
                : "Allocation: none (no biobank has matching samples).";
            return new Text(why, new Style(Color.Grey));
        }

        var biobanks = request.Biobanks.ToDictionary(b => b.BiobankId, StringComparer.Ordinal);
        var table = new Table().Border(TableBorder.Rounded).Title("Allocation")
            .AddColumn(new TableColumn("Biobank").NoWrap())
            .AddColumn("Country")
            .AddColumn(new TableColumn("Quantity").RightAligned())
            .AddColumn(new TableColumn("Price/sample").RightAligned())
            .AddColumn(new TableColumn("Subtotal").RightAligned())
            .AddColumn(new TableColumn("Lead time").RightAligned());
        decimal total = 0;
        var priced = true;
        foreach (var line in request.Allocation)
        {
            var biobank = biobanks.GetValueOrDefault(line.BiobankId);
            var price = biobank?.PricePerSampleEur;
            decimal? subtotal = price * line.Quantity;
            total += subtotal ?? 0;
            priced &= subtotal is not null;
            table.AddRow(
                new Text(line.BiobankId),
                new Text(biobank?.Country ?? Format.None),
                new Text(Format.Count(line.Quantity)),
                new Text(Format.Price(price)),
                new Text(subtotal is { } s ? Format.Money(s) : Format.None),
                new Text(Format.LeadTime(biobank?.LeadTimeDays)));
        }

        var allocated = request.Allocation.Sum(l => l.Quantity);
        var covered = allocated >= request.Quantity;
        table.AddRow(
            new Text("Total", new Style(decoration: Decoration.Bold)),
            new Text(""),
            new Text(
                string.Create(CultureInfo.InvariantCulture, $"{Format.Count(allocated)} of {Format.Count(request.Quantity)}"),
                new Style(covered ? Color.Green : Color.Red, decoration: Decoration.Bold)),
            new Text(""),
            new Text(priced ? Format.Money(total) : Format.Money(total) + " + unpriced", new Style(decoration: Decoration.Bold)),
            new Text(""));
        if (!covered)
        {
            table.Caption(string.Create(
                CultureInfo.InvariantCulture,
                $"[red]Short by {Format.Count(request.Quantity - allocated)} samples.[/]"));
        }

        return table;
    }

    /// <summary>What <c>status</c> prints: summary, biobanks, allocation.</summary>
    public static IRenderable Full(SampleRequestView request) =>
        new Rows(Summary(request), new Text(""), BiobankTable(request), AllocationTable(request));

    /// <summary>The live frame of <c>watch</c>: a headline, the answered-of-contacted bar and the biobank table.</summary>
    public static IRenderable LiveView(SampleRequestView request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Rows(
            Headline(request),
            new AnswerProgressBar(request.Progress.BiobanksAnswered, request.Progress.BiobanksContacted),
            BiobankTable(request));
    }

    /// <summary>Shown by the live display before the first poll has answered.</summary>
    public static IRenderable Waiting(string requestId) =>
        new Text($"Request {requestId}: waiting for the first answer from the broker...", new Style(Color.Grey));

    /// <summary>What <c>watch</c> prints once the request has left <c>Brokering</c>.</summary>
    public static IRenderable Final(SampleRequestView request) =>
        new Rows(new Text(""), Summary(request), new Text(""), AllocationTable(request));

    /// <summary>The table of <c>list</c>.</summary>
    public static IRenderable RequestList(IReadOnlyList<SampleRequestView> requests)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
        {
            return new Text("No sample requests.", new Style(Color.Grey));
        }

        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("Request").NoWrap())
            .AddColumn("Reference")
            .AddColumn("Status")
            .AddColumn("Created")
            .AddColumn(new TableColumn("Quantity").RightAligned())
            .AddColumn(new TableColumn("Answered").RightAligned())
            .AddColumn(new TableColumn("Available").RightAligned())
            .AddColumn("Can fulfil");
        foreach (var request in requests)
        {
            table.AddRow(
                new Text(request.RequestId),
                new Text(request.Reference ?? Format.None),
                new Text(request.Status, Format.StatusStyle(request.Status)),
                new Text(Format.Time(request.CreatedAt)),
                new Text(Format.Count(request.Quantity)),
                new Text(string.Create(CultureInfo.InvariantCulture, $"{request.Progress.BiobanksAnswered}/{request.Progress.BiobanksContacted}")),
                new Text(Format.Count(request.Summary?.TotalAvailable)),
                new Text(request.Summary is null ? Format.None : request.Summary.CanFulfil ? "yes" : "no"));
        }

        return table;
    }

    private static Text Headline(SampleRequestView request)
    {
        var reference = string.IsNullOrEmpty(request.Reference) ? "" : $" ({request.Reference})";
        var deadline = request.IsBrokering ? $", deadline {Format.Time(request.Deadline)}" : "";
        return new Text($"Request {request.RequestId}{reference}: {request.Status}{deadline}", Format.StatusStyle(request.Status));
    }

    private static Text QuantityLine(SampleRequestView request)
    {
        if (request.Summary is not { } summary)
        {
            return new Text(Format.Count(request.Quantity) + " requested");
        }

        var verdict = summary.CanFulfil ? "can fulfil" : "cannot fulfil";
        return new Text(
            string.Create(
                CultureInfo.InvariantCulture,
                $"{Format.Count(summary.RequestedQuantity)} requested, {Format.Count(summary.TotalAvailable)} available from {summary.BiobanksWithSamples} biobank(s): {verdict}"),
            new Style(summary.CanFulfil ? Color.Green : request.IsBrokering ? Color.Yellow : Color.Red));
    }

    private static void AddRow(Grid grid, string label, IRenderable value) =>
        grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), value);
}
