using SampleBroker.Requests;
using static SampleBroker.Tests.Support.Offers;

namespace SampleBroker.Tests.Requests;

/// <summary>Contract section 4, "Read": summary, allocation, progress and status, by example.</summary>
public sealed class AggregationTests
{
    public static TheoryData<BiobankOutcome> OutcomesOtherThanAvailable => new()
    {
        BiobankOutcome.Pending,
        BiobankOutcome.NoMatch,
        BiobankOutcome.BelowReportingThreshold,
        BiobankOutcome.Declined,
        BiobankOutcome.TimedOut,
        BiobankOutcome.Failed,
        BiobankOutcome.Cancelled,
    };

    [Fact]
    public void Summary_of_120_80_and_0_for_150_samples_can_fulfil_from_200()
    {
        var offers = new[] { Available("bb-torino", 120), Available("bb-liege", 80), Offer("bb-oslo", BiobankOutcome.NoMatch, 0) };

        var summary = Aggregation.Summarize(150, offers);

        Assert.Equal(new RequestSummary(RequestedQuantity: 150, TotalAvailable: 200, CanFulfil: true, BiobanksWithSamples: 2), summary);
    }

    [Fact]
    public void Allocation_of_120_80_and_0_for_150_samples_takes_120_then_30()
    {
        var offers = new[] { Offer("bb-oslo", BiobankOutcome.NoMatch, 0), Available("bb-liege", 80), Available("bb-torino", 120) };

        var allocation = Aggregation.Allocate(150, offers);

        Assert.Equal([new AllocationLine("bb-torino", 120), new AllocationLine("bb-liege", 30)], allocation);
    }

    [Fact]
    public void Summary_counts_only_available_biobanks()
    {
        var offers = new[]
        {
            Available("bb-a", 120),
            Available("bb-b", 80),
            Offer("bb-c", BiobankOutcome.NoMatch, 0),
            Offer("bb-d", BiobankOutcome.BelowReportingThreshold),
            Offer("bb-e", BiobankOutcome.Declined),
            Offer("bb-f", BiobankOutcome.Failed),
            Offer("bb-g", BiobankOutcome.TimedOut),
            Offer("bb-h", BiobankOutcome.Pending),
            Offer("bb-i", BiobankOutcome.Cancelled),
        };

        var summary = Aggregation.Summarize(500, offers);

        Assert.Equal(new RequestSummary(500, 200, false, 2), summary);
    }

    [Theory]
    [InlineData(199, true)]
    [InlineData(200, true)]
    [InlineData(201, false)]
    public void Summary_can_fulfil_exactly_when_total_available_reaches_the_quantity(int quantity, bool canFulfil)
    {
        var summary = Aggregation.Summarize(quantity, [Available("bb-a", 120), Available("bb-b", 80)]);

        Assert.Equal(canFulfil, summary.CanFulfil);
        Assert.Equal(200, summary.TotalAvailable);
    }

    [Fact]
    public void Summary_without_any_answer_offers_nothing()
    {
        Assert.Equal(new RequestSummary(10, 0, false, 0), Aggregation.Summarize(10, []));
        Assert.Equal(new RequestSummary(10, 0, false, 0), Aggregation.Summarize(10, [Offer("bb-a", BiobankOutcome.Pending)]));
    }

    [Fact]
    public void Allocation_takes_everything_available_when_the_quantity_cannot_be_covered()
    {
        var allocation = Aggregation.Allocate(1000, [Available("bb-a", 30), Available("bb-b", 120), Available("bb-c", 80)]);

        Assert.Equal([new AllocationLine("bb-b", 120), new AllocationLine("bb-c", 80), new AllocationLine("bb-a", 30)], allocation);
    }

    [Fact]
    public void Allocation_omits_biobanks_given_nothing()
    {
        var allocation = Aggregation.Allocate(100, [Available("bb-a", 30), Available("bb-b", 120), Available("bb-c", 80)]);

        Assert.Equal([new AllocationLine("bb-b", 100)], allocation);
    }

    [Fact]
    public void Allocation_prefers_more_available_samples_over_lead_time_price_and_id()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-a", 50, leadTimeDays: 1, price: 1m), Available("bb-z", 51, leadTimeDays: 90, price: 900m)]);

        Assert.Equal([new AllocationLine("bb-z", 51), new AllocationLine("bb-a", 9)], allocation);
    }

    [Fact]
    public void Allocation_breaks_a_tie_in_availability_by_shorter_lead_time()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-a", 50, leadTimeDays: 14, price: 1m), Available("bb-b", 50, leadTimeDays: 7, price: 99m)]);

        Assert.Equal([new AllocationLine("bb-b", 50), new AllocationLine("bb-a", 10)], allocation);
    }

    [Fact]
    public void Allocation_puts_an_unknown_lead_time_after_any_known_one()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-a", 50, leadTimeDays: null, price: 1m), Available("bb-b", 50, leadTimeDays: 3650, price: 99m)]);

        Assert.Equal([new AllocationLine("bb-b", 50), new AllocationLine("bb-a", 10)], allocation);
    }

    [Fact]
    public void Allocation_breaks_a_tie_in_lead_time_by_lower_price()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-a", 50, leadTimeDays: 7, price: 35.5m), Available("bb-b", 50, leadTimeDays: 7, price: 35.25m)]);

        Assert.Equal([new AllocationLine("bb-b", 50), new AllocationLine("bb-a", 10)], allocation);
    }

    [Fact]
    public void Allocation_puts_an_unknown_price_after_any_known_one()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-a", 50, leadTimeDays: 7, price: null), Available("bb-b", 50, leadTimeDays: 7, price: 1_000_000m)]);

        Assert.Equal([new AllocationLine("bb-b", 50), new AllocationLine("bb-a", 10)], allocation);
    }

    [Fact]
    public void Allocation_treats_a_free_sample_as_the_cheapest_price()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-a", 50, price: 0.01m), Available("bb-b", 50, price: 0m)]);

        Assert.Equal([new AllocationLine("bb-b", 50), new AllocationLine("bb-a", 10)], allocation);
    }

    [Fact]
    public void Allocation_breaks_a_full_tie_by_biobank_id_ascending()
    {
        var allocation = Aggregation.Allocate(60, [Available("bb-b", 50), Available("bb-a2", 50), Available("bb-a", 50), Available("bb-a-1", 50)]);

        Assert.Equal([new AllocationLine("bb-a", 50), new AllocationLine("bb-a-1", 10)], allocation);
    }

    [Fact]
    public void Allocation_with_both_lead_time_and_price_unknown_falls_back_to_biobank_id()
    {
        var allocation = Aggregation.Allocate(70, [Available("bb-c", 50), Available("bb-b", 50, price: 5m), Available("bb-a", 50)]);

        Assert.Equal([new AllocationLine("bb-b", 50), new AllocationLine("bb-a", 20)], allocation);
    }

    [Theory]
    [MemberData(nameof(OutcomesOtherThanAvailable))]
    public void Allocation_never_gives_samples_to_a_biobank_that_is_not_Available(BiobankOutcome outcome)
    {
        var allocation = Aggregation.Allocate(100, [Offer("bb-a", outcome, samples: 500), Available("bb-b", 40)]);

        Assert.Equal([new AllocationLine("bb-b", 40)], allocation);
    }

    [Theory]
    [MemberData(nameof(OutcomesOtherThanAvailable))]
    public void Summary_never_counts_a_biobank_that_is_not_Available(BiobankOutcome outcome)
    {
        var summary = Aggregation.Summarize(100, [Offer("bb-a", outcome, samples: 500), Available("bb-b", 40)]);

        Assert.Equal(new RequestSummary(100, 40, false, 1), summary);
    }

    [Fact]
    public void Progress_counts_every_final_outcome_as_answered()
    {
        var offers = new[]
        {
            Available("bb-a", 1),
            Offer("bb-b", BiobankOutcome.NoMatch, 0),
            Offer("bb-c", BiobankOutcome.TimedOut),
            Offer("bb-d", BiobankOutcome.Failed),
            Offer("bb-e", BiobankOutcome.Pending),
            Offer("bb-f", BiobankOutcome.Pending),
        };

        Assert.Equal(new RequestProgress(BiobanksContacted: 6, BiobanksAnswered: 4, BiobanksPending: 2), Aggregation.Progress(offers));
    }

    [Fact]
    public void View_while_a_biobank_is_pending_stays_Brokering_with_an_empty_allocation()
    {
        var offers = new[] { Available("bb-a", 120), Offer("bb-b", BiobankOutcome.Pending), Available("bb-c", 80) };

        var view = Aggregation.View(Request(RequestStatus.Brokering, 150, biobanksContacted: 3), offers);

        Assert.Equal(RequestStatus.Brokering, view.Status);
        Assert.Null(view.CompletedAt);
        Assert.Empty(view.Allocation);
        Assert.Equal(new RequestProgress(3, 2, 1), view.Progress);
        Assert.Equal(new RequestSummary(150, 200, true, 2), view.Summary);
    }

    [Fact]
    public void View_derives_Completed_when_every_contacted_biobank_has_a_final_outcome()
    {
        var lastAnswer = CreatedAt.AddSeconds(42);
        var offers = new[]
        {
            Available("bb-torino", 120, answeredAt: CreatedAt.AddSeconds(3)),
            Offer("bb-oslo", BiobankOutcome.NoMatch, 0, answeredAt: lastAnswer),
            Available("bb-liege", 80, answeredAt: CreatedAt.AddSeconds(9)),
        };

        var view = Aggregation.View(Request(RequestStatus.Brokering, 150, biobanksContacted: 3), offers);

        Assert.Equal(RequestStatus.Completed, view.Status);
        Assert.Equal(lastAnswer, view.CompletedAt);
        Assert.Equal([new AllocationLine("bb-torino", 120), new AllocationLine("bb-liege", 30)], view.Allocation);
        Assert.Equal(new RequestProgress(3, 3, 0), view.Progress);
        Assert.Equal(new RequestSummary(150, 200, true, 2), view.Summary);
    }

    [Fact]
    public void View_stays_Brokering_while_the_ending_settles_unanswered_biobanks_so_completedAt_comes_from_the_orchestration()
    {
        var offers = new[]
        {
            Available("bb-torino", 120, answeredAt: CreatedAt.AddSeconds(3)),
            Offer("bb-oslo", BiobankOutcome.TimedOut, null, answeredAt: null),
        };

        var view = Aggregation.View(Request(RequestStatus.Brokering, 150, biobanksContacted: 2), offers);

        Assert.Equal(RequestStatus.Brokering, view.Status);
        Assert.Null(view.CompletedAt);
        Assert.Empty(view.Allocation);
    }

    [Fact]
    public void View_stays_Brokering_while_not_every_contacted_biobank_is_listed_yet()
    {
        var offers = new[] { Available("bb-a", 120), Available("bb-b", 80) };

        Assert.Equal(RequestStatus.Brokering, Aggregation.View(Request(RequestStatus.Brokering, 150, biobanksContacted: 3), offers).Status);
        Assert.Equal(RequestStatus.Brokering, Aggregation.View(Request(RequestStatus.Brokering, 150, biobanksContacted: null), offers).Status);
        Assert.Empty(Aggregation.View(Request(RequestStatus.Brokering, 150, biobanksContacted: null), offers).Allocation);
    }

    [Fact]
    public void View_of_a_cancelled_request_allocates_from_the_answers_received()
    {
        var offers = new[] { Available("bb-a", 120), Offer("bb-b", BiobankOutcome.Cancelled), Available("bb-c", 80) };
        var completedAt = CreatedAt.AddSeconds(60);

        var view = Aggregation.View(Request(RequestStatus.Cancelled, 150, biobanksContacted: 3, completedAt), offers);

        Assert.Equal(RequestStatus.Cancelled, view.Status);
        Assert.Equal(completedAt, view.CompletedAt);
        Assert.Equal([new AllocationLine("bb-a", 120), new AllocationLine("bb-c", 30)], view.Allocation);
    }

    [Fact]
    public void View_of_a_completed_request_keeps_its_stored_completion_time()
    {
        var completedAt = CreatedAt.AddSeconds(300);
        var offers = new[] { Available("bb-a", 120), Offer("bb-b", BiobankOutcome.TimedOut) };

        var view = Aggregation.View(Request(RequestStatus.Completed, 100, biobanksContacted: 2, completedAt), offers);

        Assert.Equal(RequestStatus.Completed, view.Status);
        Assert.Equal(completedAt, view.CompletedAt);
        Assert.Equal([new AllocationLine("bb-a", 100)], view.Allocation);
    }

    [Fact]
    public void View_lists_biobanks_sorted_by_biobank_id()
    {
        var offers = new[] { Available("bb-torino", 1), Available("bb-liege", 1), Offer("bb-oslo", BiobankOutcome.Pending), Available("bb-a", 1) };

        var view = Aggregation.View(Request(RequestStatus.Brokering, 1, biobanksContacted: 4), offers);

        Assert.Equal(["bb-a", "bb-liege", "bb-oslo", "bb-torino"], view.Biobanks.Select(b => b.BiobankId));
    }

    [Fact]
    public void View_of_a_request_that_contacted_no_biobank_is_Completed_and_cannot_fulfil()
    {
        var view = Aggregation.View(Request(RequestStatus.Brokering, 10, biobanksContacted: 0), []);

        Assert.Equal(RequestStatus.Completed, view.Status);
        Assert.Equal(new RequestProgress(0, 0, 0), view.Progress);
        Assert.Equal(new RequestSummary(10, 0, false, 0), view.Summary);
        Assert.Empty(view.Allocation);
    }
}
