using SampleBroker.Biobanks;
using SampleBroker.Testing;
using SampleBroker.Tests.Support;

namespace SampleBroker.Tests.Biobanks;

/// <summary>Answer message ids are remembered per biobank, across its queries, until retention forgets them.</summary>
public sealed class AnswerMessageStoreTests
{
    [Fact]
    public async Task A_message_id_claimed_for_one_query_names_that_query_to_another_query_of_the_same_biobank_only()
    {
        await using var core = await CoreInstance.StartAsync(TestStorage.UniqueName("t"));
        var store = core.Get<AnswerMessageStore>();

        var first = await store.ClaimAsync("bb-torino", "msg/1 #?", "q_a_bb-torino", CancellationToken.None);
        var again = await store.ClaimAsync("bb-torino", "msg/1 #?", "q_a_bb-torino", CancellationToken.None);
        var otherQuery = await store.ClaimAsync("bb-torino", "msg/1 #?", "q_b_bb-torino", CancellationToken.None);
        var otherBiobank = await store.ClaimAsync("bb-liege", "msg/1 #?", "q_b_bb-liege", CancellationToken.None);

        Assert.Null(first);
        Assert.Null(again);
        Assert.Equal("q_a_bb-torino", otherQuery);
        Assert.Null(otherBiobank);
    }

    [Fact]
    public async Task A_released_claim_is_forgotten_and_retention_forgets_only_ids_older_than_its_cutoff()
    {
        await using var core = await CoreInstance.StartAsync(TestStorage.UniqueName("t"));
        var store = core.Get<AnswerMessageStore>();
        await store.ClaimAsync("bb-torino", "msg-released", "q_a_bb-torino", CancellationToken.None);
        await store.ClaimAsync("bb-torino", "msg-kept", "q_a_bb-torino", CancellationToken.None);
        await store.ClaimAsync("bb-torino", "msg-old", "q_a_bb-torino", CancellationToken.None);

        await store.ReleaseAsync("bb-torino", "msg-released", "q_a_bb-torino", CancellationToken.None);
        var forgottenBefore = await store.ForgetOlderThanAsync(DateTimeOffset.UtcNow.AddHours(-1), CancellationToken.None);
        var kept = await store.FindAsync("bb-torino", "msg-kept", CancellationToken.None);
        var forgottenAfter = await store.ForgetOlderThanAsync(DateTimeOffset.UtcNow.AddMinutes(1), CancellationToken.None);

        Assert.Null(await store.FindAsync("bb-torino", "msg-released", CancellationToken.None));
        Assert.Equal(0, forgottenBefore);
        Assert.Equal("q_a_bb-torino", kept);
        Assert.Equal(2, forgottenAfter);
        Assert.Null(await store.FindAsync("bb-torino", "msg-old", CancellationToken.None));
    }
}
