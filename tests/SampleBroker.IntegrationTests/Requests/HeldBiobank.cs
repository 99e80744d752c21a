using Microsoft.AspNetCore.Http;
using SampleBroker.Testing;

namespace SampleBroker.IntegrationTests.Requests;

/// <summary>
/// A biobank that holds every query open and never answers while the test runs; disposing it releases the
/// held queries (with a 503) so the fake's server stops at once instead of waiting for them.
/// </summary>
internal sealed class HeldBiobank : IAsyncDisposable
{
    private readonly CancellationTokenSource release = new();

    private HeldBiobank()
    {
    }

    public FakeBiobank Fake { get; private set; } = null!;

    public static async Task<HeldBiobank> StartAsync()
    {
        var held = new HeldBiobank();
        held.Fake = await FakeBiobank.StartAsync(async (_, ct) =>
        {
            using var either = CancellationTokenSource.CreateLinkedTokenSource(ct, held.release.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, either.Token);
            }
            catch (OperationCanceledException)
            {
                // Released by the end of the test, or the broker gave up on this attempt.
            }

            return Results.StatusCode(StatusCodes.Status503ServiceUnavailable);
        });
        return held;
    }

    public async ValueTask DisposeAsync()
    {
        await release.CancelAsync();
        await Fake.DisposeAsync();
        release.Dispose();
    }
}
