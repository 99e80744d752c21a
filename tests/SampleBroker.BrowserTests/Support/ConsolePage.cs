using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SampleBroker.BrowserTests.Support;

/// <summary>What a person does in the staff console, in the words the page shows.</summary>
public sealed class ConsolePage(IPage page, Uri dashboard)
{
    public IPage Page => page;

    public ILocator Alert => page.Locator("#alert");

    public ILocator Notice => page.Locator("#notice");

    public ILocator SignInError => page.Locator("#sign-in-error");

    public async Task<IResponse?> OpenAsync() => await page.GotoAsync(dashboard.ToString());

    public async Task SignInAsync(string key)
    {
        await page.GetByLabel("Staff key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>Opens the console and signs in; the request list is the first view.</summary>
    public async Task OpenSignedInAsync(string key)
    {
        await OpenAsync();
        await SignInAsync(key);
        await Expect(Heading("Requests")).ToBeVisibleAsync();
    }

    public ILocator Heading(string name) => page.GetByRole(AriaRole.Heading, new() { Name = name, Level = 1, Exact = true });

    public async Task GoToAsync(string view, string heading)
    {
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Views" }).GetByRole(AriaRole.Link, new() { Name = view, Exact = true }).ClickAsync();
        await Expect(Heading(heading)).ToBeVisibleAsync();
    }

    public ILocator RequestRow(string requestId) => page.Locator($"#requests-table tr[data-request-id='{requestId}']");

    /// <summary>From the list, the request's detail, as a person gets there: by its link.</summary>
    public async Task OpenRequestAsync(string requestId, string reference)
    {
        await GoToAsync("Requests", "Requests");
        await RequestRow(requestId).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(Heading($"Request {reference}")).ToBeVisibleAsync();
    }

    public ILocator DetailView => page.Locator(".view[data-view='request']");

    public ILocator Lane(string lane) => page.Locator($"#timeline [data-lane='{lane}']");

    public ILocator Dialog => page.GetByRole(AriaRole.Dialog);

    /// <summary>Clicks a button, then answers the confirmation: confirm (its button is <paramref name="confirmLabel"/>, or the same word), or keep things as they are.</summary>
    public async Task ActAsync(string button, bool confirm, string? confirmLabel = null)
    {
        await page.Locator("main").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
        await Dialog.GetByRole(AriaRole.Button, new() { Name = confirm ? confirmLabel ?? button : "Keep it", Exact = true }).ClickAsync();
        await Expect(Dialog).ToBeHiddenAsync();
    }

    public Task ScreenshotAsync(string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(ConsoleFixture.ScreenshotFolder, name), FullPage = true });
}
