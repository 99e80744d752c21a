using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using SampleBroker.BrowserTests.Support;
using SampleBroker.Testing;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SampleBroker.BrowserTests;

/// <summary>
/// The staff console in headless Chromium against the local host on Azurite with in-test biobanks:
/// what a staff member sees and does, asserted through the page as a person reads it.
/// </summary>
public sealed class StaffConsoleTests(ConsoleFixture fixture, ITestOutputHelper output) : IClassFixture<ConsoleFixture>
{
    private static object Request(string reference, string sampleType, int quantity = 150) => new
    {
        reference,
        criteria = new { sampleTypes = new[] { sampleType }, diagnoses = new[] { "C50" }, sex = new[] { "Female" } },
        quantity,
        answerWithinSeconds = 300,
    };

    [Fact]
    public async Task A_staff_member_watches_a_request_go_from_no_answer_to_all_answered_and_reads_each_biobanks_events()
    {
        var ids = new[] { "bb-torino", "bb-liege", "bb-oslo" };
        var biobanks = new List<GatedBiobank>();
        foreach (var (id, samples) in ids.Zip([120, 80, 0]))
        {
            var biobank = await GatedBiobank.StartAsync(id, samples);
            biobanks.Add(biobank);
            await biobank.RegisterAsync(fixture.Api, "blood-serum");
        }

        try
        {
            var requester = await fixture.Api.CreateRequesterAsync("acme-dx");
            var (context, page, errors) = await fixture.NewPageAsync();
            await using var _ = context;
            var console = new ConsolePage(page, fixture.Dashboard);

            var response = await console.OpenAsync();
            var policy = await response!.HeaderValueAsync("content-security-policy");
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);

            await console.SignInAsync(LocalHostProcess.StaffKey);
            await Expect(console.Heading("Requests")).ToBeVisibleAsync();
            Assert.Equal(LocalHostProcess.StaffKey, await page.EvaluateAsync<string>("sessionStorage.getItem('samplebroker.staffKey')"));
            Assert.Equal(0, await page.EvaluateAsync<int>("localStorage.length"));
            Assert.Empty(await context.CookiesAsync());
            Assert.DoesNotContain(LocalHostProcess.StaffKey, page.Url, StringComparison.Ordinal);

            var requestId = await fixture.Api.SubmitAsync(requester, Request("PO-2026-117", "blood-serum"));
            var row = console.RequestRow(requestId);
            var bar = row.Locator("progress");
            await Expect(bar).ToHaveAttributeAsync("data-contacted", "3");
            await Expect(bar).ToHaveAttributeAsync("data-answered", "0");
            await Expect(row).ToContainTextAsync("0 of 3 answered");
            await Expect(row).ToHaveAttributeAsync("data-status", "Brokering");

            for (var i = 0; i < biobanks.Count; i++)
            {
                biobanks[i].Open();
                await Expect(row).ToContainTextAsync($"{i + 1} of 3 answered");
                await Expect(bar).ToHaveAttributeAsync("data-answered", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
                if (i == 0)
                {
                    await console.ScreenshotAsync("requests-list-progress.png");
                }
            }

            await Expect(bar).ToHaveJSPropertyAsync("value", 3);
            await Expect(row).ToHaveAttributeAsync("data-status", "Completed");

            await console.OpenRequestAsync(requestId, "PO-2026-117");
            await Expect(console.DetailView).ToHaveAttributeAsync("data-status", "Completed");
            await Expect(console.Lane("request").Locator("[data-event='submitted']")).ToHaveCountAsync(1);
            await Expect(console.Lane("request").Locator("[data-event='completed']")).ToHaveCountAsync(1);
            foreach (var id in ids)
            {
                var lane = console.Lane(id);
                await Expect(lane.GetByRole(AriaRole.Heading, new() { Name = id })).ToBeVisibleAsync();
                await Expect(lane.Locator("[data-event='querySent']")).ToContainTextAsync("query sent");
                await Expect(lane.Locator("[data-event='answerReceived']")).ToContainTextAsync("answer received");
            }

            await Expect(console.Lane("bb-torino").Locator("[data-event='answerReceived']")).ToContainTextAsync("120 available");
            await Expect(page.Locator(".outcome")).ToContainTextAsync("200 of 150 samples available from 2 biobank(s)");
            await console.ScreenshotAsync("request-timeline.png");
            Assert.Empty(errors);
        }
        finally
        {
            foreach (var biobank in biobanks)
            {
                await biobank.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_staff_member_terminates_a_running_request_and_restarts_a_failed_one_each_after_a_confirmation()
    {
        await using var held = await GatedBiobank.StartAsync("bb-vilnius", 40);
        await held.RegisterAsync(fixture.Api, "urine");
        await using var broken = await GatedBiobank.StartAsync("bb-porto", 60);
        await broken.RegisterAsync(fixture.Api, "saliva");
        var requester = await fixture.Api.CreateRequesterAsync("beta-dx");
        var (context, page, errors) = await fixture.NewPageAsync();
        await using var _ = context;
        var console = new ConsolePage(page, fixture.Dashboard);
        await console.OpenSignedInAsync(LocalHostProcess.StaffKey);

        // Terminate: cancelling the confirmation changes nothing; confirming stops it.
        var running = await fixture.Api.SubmitAsync(requester, Request("PO-terminate", "urine"));
        await console.OpenRequestAsync(running, "PO-terminate");
        await Expect(console.DetailView).ToHaveAttributeAsync("data-status", "Brokering");
        await console.ActAsync("Terminate", confirm: false);
        await Expect(console.DetailView).ToHaveAttributeAsync("data-status", "Brokering");
        await console.ActAsync("Terminate", confirm: true);
        await Expect(console.Notice).ToHaveTextAsync("Request terminated.");
        await Expect(console.DetailView).ToHaveAttributeAsync("data-status", "Cancelled");
        await Expect(console.Lane("request").Locator("[data-event='terminated']")).ToHaveCountAsync(1);

        // Restart: the orchestration breaks at the engine level; the reconciler fails the request; staff restart it.
        var failing = await fixture.Api.SubmitAsync(requester, Request("PO-restart", "saliva"));
        await console.OpenRequestAsync(failing, "PO-restart");
        await Expect(page.Locator(".facts")).ToContainTextAsync($"Running ({failing})");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Restart" })).ToHaveCountAsync(0);
        await fixture.BreakOrchestrationAsync(failing);
        await Expect(console.DetailView).ToHaveAttributeAsync("data-status", "Failed");
        await Expect(console.Lane("request").Locator("[data-event='repaired']")).ToHaveCountAsync(1);
        await console.ScreenshotAsync("request-failed.png");
        await console.ActAsync("Restart", confirm: true);
        await Expect(console.Notice).ToHaveTextAsync("Request restarted.");
        await Expect(console.Lane("request").Locator("[data-event='restarted']")).ToHaveCountAsync(1);
        broken.Open();
        await Expect(console.DetailView).ToHaveAttributeAsync("data-status", "Completed");
        await Expect(console.Lane("bb-porto").Locator("[data-event='answerReceived']").First).ToContainTextAsync("60 available");

        // The list shows each with its status; the overdue filter shows none of them.
        await console.GoToAsync("Requests", "Requests");
        await Expect(console.RequestRow(running)).ToHaveAttributeAsync("data-status", "Cancelled");
        await Expect(console.RequestRow(failing)).ToHaveAttributeAsync("data-status", "Completed");
        await page.GetByLabel("Organisation").FillAsync("beta-dx");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply" }).ClickAsync();
        await Expect(page.Locator("#requests-table tbody tr")).ToHaveCountAsync(2);
        await console.ScreenshotAsync("requests-list.png");
        await page.GetByLabel("Only overdue").CheckAsync();
        await Expect(page.GetByText("No request matches these filters.")).ToBeVisibleAsync();
        await page.GetByLabel("Only overdue").UncheckAsync();
        await page.GetByLabel("Status").SelectOptionAsync("Cancelled");
        await Expect(page.Locator("#requests-table tbody tr")).ToHaveCountAsync(1);
        await Expect(console.RequestRow(running)).ToBeVisibleAsync();

        // Purge a finished request: it is gone from the list.
        await console.OpenRequestAsync(running, "PO-terminate");
        await console.ActAsync("Purge", confirm: true);
        await Expect(console.Notice).ToHaveTextAsync("Request purged.");
        await Expect(console.Heading("Requests")).ToBeVisibleAsync();
        await Expect(console.RequestRow(running)).ToHaveCountAsync(0);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_wrong_key_an_organisation_key_and_unreachable_storage_are_each_told_in_words()
    {
        var requester = await fixture.Api.CreateRequesterAsync("gamma-dx");
        var (context, page, errors) = await fixture.NewPageAsync();
        await using var _ = context;
        var console = new ConsolePage(page, fixture.Dashboard);
        await console.OpenAsync();

        await console.SignInAsync("sb-not-a-key-at-all");
        await Expect(console.SignInError).ToContainTextAsync("This staff key is not accepted");
        Assert.Null(await page.EvaluateAsync<string?>("sessionStorage.getItem('samplebroker.staffKey')"));

        await console.SignInAsync(requester);
        await Expect(console.SignInError).ToContainTextAsync("belongs to an organisation, not to alliance staff");

        await console.SignInAsync(LocalHostProcess.StaffKey);
        await Expect(console.Heading("Requests")).ToBeVisibleAsync();

        // Storage goes away: the broker answers 503 problem details; the page says so and recovers when it is back.
        await page.RouteAsync("**/api/v1/admin/sample-requests*", route => route.FulfillAsync(new()
        {
            Status = 503,
            ContentType = "application/problem+json",
            Body = """{"type":"https://www.rfc-editor.org/rfc/rfc9110#section-15.6.4","title":"Service Unavailable","status":503,"detail":"Storage is unreachable; nothing was changed. Retry later."}""",
        }));
        await Expect(console.Alert).ToContainTextAsync("Storage is unreachable");
        await page.UnrouteAsync("**/api/v1/admin/sample-requests*");
        await Expect(console.Alert).ToBeHiddenAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Every_view_of_the_console_passes_the_accessibility_check_without_serious_violations()
    {
        await using var biobank = await GatedBiobank.StartAsync("bb-tartu", 25);
        await biobank.RegisterAsync(fixture.Api, "dna");
        biobank.Open();
        var requester = await fixture.Api.CreateRequesterAsync("delta-dx");
        var requestId = await fixture.Api.SubmitAsync(requester, Request("PO-a11y", "dna", quantity: 20));
        await fixture.Api.WaitUntilFinishedAsync(requester, requestId, TimeSpan.FromSeconds(60));

        var (context, page, errors) = await fixture.NewPageAsync();
        await using var _ = context;
        var console = new ConsolePage(page, fixture.Dashboard);
        await console.OpenAsync();
        await AssertAccessibleAsync(page, "sign-in");

        // Keyboard only: the key field has the focus on arrival, Enter signs in.
        await Expect(page.GetByLabel("Staff key")).ToBeFocusedAsync();
        await page.Keyboard.TypeAsync(LocalHostProcess.StaffKey);
        await page.Keyboard.PressAsync("Enter");
        await Expect(console.Heading("Requests")).ToBeFocusedAsync();
        await Expect(console.RequestRow(requestId)).ToBeVisibleAsync();
        await AssertAccessibleAsync(page, "requests");

        await console.OpenRequestAsync(requestId, "PO-a11y");
        await Expect(console.Lane("bb-tartu").Locator("[data-event='answerReceived']")).ToHaveCountAsync(1);
        await AssertAccessibleAsync(page, "request");

        // The confirmation is a modal dialog that opens on the safe choice and closes with Escape.
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge" }).ClickAsync();
        await Expect(console.Dialog).ToBeVisibleAsync();
        await Expect(console.Dialog.GetByRole(AriaRole.Button, new() { Name = "Keep it" })).ToBeFocusedAsync();
        await AssertAccessibleAsync(page, "confirmation");
        await page.Keyboard.PressAsync("Escape");
        await Expect(console.Dialog).ToBeHiddenAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Purge" })).ToBeFocusedAsync();

        await console.GoToAsync("Biobanks", "Biobanks");
        await Expect(page.Locator("#biobanks-table tr[data-biobank-id='bb-tartu']")).ToContainTextAsync("Closed");
        await AssertAccessibleAsync(page, "biobanks");

        await console.GoToAsync("Audit log", "Audit log");
        await AssertAccessibleAsync(page, "audit");

        await console.GoToAsync("Staff keys", "Staff keys");
        await AssertAccessibleAsync(page, "staff-keys");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task A_staff_member_issues_a_key_for_a_colleague_and_once_it_is_revoked_the_colleague_is_refused()
    {
        var (adminContext, admin, adminErrors) = await fixture.NewPageAsync();
        await using var _ = adminContext;
        var console = new ConsolePage(admin, fixture.Dashboard);
        await console.OpenSignedInAsync(LocalHostProcess.StaffKey);
        await console.GoToAsync("Staff keys", "Staff keys");
        await admin.GetByLabel("Person’s name").FillAsync("Maria Rossi");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Issue key" }).ClickAsync();
        var issued = admin.Locator("#issued-key-value");
        await Expect(issued).ToBeVisibleAsync();
        var key = (await issued.TextContentAsync())!.Trim();
        var keyId = (await admin.Locator("#issued-key code").First.TextContentAsync())!.Trim();
        var row = admin.Locator($"#staff-keys-table tr[data-key-id='{keyId}']");
        await Expect(row).ToContainTextAsync("Maria Rossi");
        await Expect(admin.Locator("#staff-keys-table tr[data-key-id='bootstrap']")).ToContainTextAsync("from configuration");

        var (colleagueContext, colleague, colleagueErrors) = await fixture.NewPageAsync();
        await using var __ = colleagueContext;
        var colleagueConsole = new ConsolePage(colleague, fixture.Dashboard);
        await colleagueConsole.OpenSignedInAsync(key);

        await console.ActAsync("Revoke the key of Maria Rossi", confirm: true, confirmLabel: "Revoke");
        await Expect(console.Notice).ToHaveTextAsync("The key of Maria Rossi is revoked.");
        await Expect(row).ToHaveCountAsync(0);

        // The colleague's console is refused on its next refresh and asks for a key again.
        await Expect(colleagueConsole.SignInError).ToContainTextAsync("This staff key is not accepted");
        await Expect(colleague.GetByLabel("Staff key")).ToBeVisibleAsync();
        Assert.Null(await colleague.EvaluateAsync<string?>("sessionStorage.getItem('samplebroker.staffKey')"));
        await colleagueConsole.SignInAsync(key);
        await Expect(colleagueConsole.SignInError).ToContainTextAsync("This staff key is not accepted");

        // The audit log says who revoked whose key, by key id.
        await console.GoToAsync("Audit log", "Audit log");
        var revoked = admin.Locator("#audit-table tr[data-action='staffKey.revoked']").First;
        await Expect(revoked).ToContainTextAsync("bootstrap");
        await Expect(revoked).ToContainTextAsync(keyId);
        Assert.Empty(adminErrors);
        Assert.Empty(colleagueErrors);
    }

    /// <summary>WCAG 2.1 A and AA and axe's best practices; only violations carry every node, which keeps a run short.</summary>
    private static readonly Deque.AxeCore.Commons.AxeRunOptions AxeOptions = new()
    {
        RunOnly = new Deque.AxeCore.Commons.RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] },
        ResultTypes = [Deque.AxeCore.Commons.ResultType.Violations],
    };

    private async Task AssertAccessibleAsync(IPage page, string view)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var result = await page.RunAxe(AxeOptions);
        output.WriteLine($"{view}: axe took {started.ElapsedMilliseconds} ms");
        var serious = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        foreach (var violation in result.Violations)
        {
            output.WriteLine($"{view}: {violation.Impact} {violation.Id}: {violation.Help} ({string.Join(", ", violation.Nodes.Select(n => n.Html))})");
        }

        Assert.True(serious.Count == 0, $"{view}: " + string.Join("; ", serious.Select(v => $"{v.Id} ({v.Impact}): {v.Help}")));
        Assert.NotEmpty(result.Passes);
    }
}
