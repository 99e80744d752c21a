using System.Globalization;
using CsCheck;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Requests;

/// <summary>
/// Contract section 4, "allocation", as properties over random answers: small value ranges on purpose,
/// so ties in availability, lead time and price are common.
/// </summary>
public sealed class AllocationPropertyTests
{
    private const long Iterations = 2_000;

    private static readonly BiobankOutcome[] Outcomes = Enum.GetValues<BiobankOutcome>();

    /// <summary>
    /// An answer in the shape the broker stores it: Available with at least one sample; other outcomes with
    /// any count at all (even a stray one), which the allocation must ignore.
    /// </summary>
    private static readonly Gen<BiobankOffer> GenOffer =
        Gen.Select(
            Gen.Frequency((3, Gen.Const(BiobankOutcome.Available)), (2, Gen.OneOf(Outcomes))),
            Gen.OneOf(Gen.Int[1, 6], Gen.Int[1, 60]),
            Gen.Int[0, 60].Nullable(0.5),
            Gen.Int[0, 5].Nullable(0.3),
            Gen.OneOf(0m, 0.5m, 10m, 35m).Nullable(0.3))
        .Select((outcome, available, strayCount, lead, price) => new BiobankOffer(
            "", "Biobank", "IT", outcome,
            outcome == BiobankOutcome.Available ? available : strayCount,
            price, lead, null, null, null, null, null));

    /// <summary>0..12 answers with distinct ids (some sharing prefixes, so ordinal order matters), and a quantity.</summary>
    private static readonly Gen<(BiobankOffer[] Offers, int Quantity)> GenCase =
        Gen.Select(GenOffer.Array[0, 12], Gen.Int[1, 400])
        .Select((offers, quantity) => (
            offers.Select((o, i) => o with { BiobankId = "bb-" + (i % 3 == 0 ? "a" : "b") + i.ToString(CultureInfo.InvariantCulture) }).ToArray(),
            quantity));

    [Fact]
    public void Allocation_never_exceeds_any_biobanks_available_samples()
    {
        GenCase.Sample((offers, quantity) =>
        {
            var byId = offers.ToDictionary(o => o.BiobankId);
            foreach (var line in Aggregation.Allocate(quantity, offers))
            {
                Assert.True(line.Quantity <= byId[line.BiobankId].AvailableSamples, $"{line.BiobankId} got {line.Quantity}");
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Allocation_never_exceeds_the_requested_quantity_in_total()
    {
        GenCase.Sample((offers, quantity) =>
            Assert.True(Aggregation.Allocate(quantity, offers).Sum(l => l.Quantity) <= quantity),
            iter: Iterations);
    }

    [Fact]
    public void Allocation_covers_the_quantity_exactly_whenever_the_summary_can_fulfil()
    {
        GenCase.Sample((offers, quantity) =>
        {
            var summary = Aggregation.Summarize(quantity, offers);
            var allocated = Aggregation.Allocate(quantity, offers).Sum(l => l.Quantity);
            Assert.Equal(summary.CanFulfil ? quantity : summary.TotalAvailable, allocated);
        }, iter: Iterations);
    }

    [Fact]
    public void Allocation_only_lists_Available_biobanks_each_once_and_never_with_zero()
    {
        GenCase.Sample((offers, quantity) =>
        {
            var byId = offers.ToDictionary(o => o.BiobankId);
            var lines = Aggregation.Allocate(quantity, offers);
            Assert.All(lines, line =>
            {
                Assert.Equal(BiobankOutcome.Available, byId[line.BiobankId].Outcome);
                Assert.True(line.Quantity >= 1);
            });
            Assert.Equal(lines.Count, lines.Select(l => l.BiobankId).Distinct(StringComparer.Ordinal).Count());
        }, iter: Iterations);
    }

    [Fact]
    public void Allocation_follows_the_contract_order_and_fills_each_biobank_before_the_next()
    {
        GenCase.Sample((offers, quantity) =>
        {
            var expectedOrder = offers
                .Where(o => o.Outcome == BiobankOutcome.Available)
                .Order(ContractOrder.Instance)
                .ToList();
            var lines = Aggregation.Allocate(quantity, offers);

            Assert.Equal(expectedOrder.Take(lines.Count).Select(o => o.BiobankId), lines.Select(l => l.BiobankId));
            for (var i = 0; i < lines.Count - 1; i++)
            {
                Assert.Equal(expectedOrder[i].AvailableSamples, lines[i].Quantity);
            }
        }, iter: Iterations);
    }

    [Fact]
    public void Allocation_is_the_same_for_any_order_of_the_answers()
    {
        Gen.Select(GenCase, Gen.Int[0, int.MaxValue]).Sample((testCase, seed) =>
        {
            var (offers, quantity) = testCase;
            var shuffled = offers.ToArray();
            new Random(seed).Shuffle(shuffled);

            Assert.Equal(Aggregation.Allocate(quantity, offers), Aggregation.Allocate(quantity, shuffled));
            Assert.Equal(Aggregation.Summarize(quantity, offers), Aggregation.Summarize(quantity, shuffled));
        }, iter: Iterations);
    }

    /// <summary>The contract's order written out independently: availableSamples desc, leadTimeDays asc (null last),
    /// pricePerSampleEur asc (null last), biobankId asc.</summary>
    private sealed class ContractOrder : IComparer<BiobankOffer>
    {
        public static readonly ContractOrder Instance = new();

        public int Compare(BiobankOffer? x, BiobankOffer? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var bySamples = (y.AvailableSamples ?? 0).CompareTo(x.AvailableSamples ?? 0);
            if (bySamples != 0)
            {
                return bySamples;
            }

            var byLead = NullsLast(x.LeadTimeDays, y.LeadTimeDays);
            if (byLead != 0)
            {
                return byLead;
            }

            var byPrice = NullsLast(x.PricePerSampleEur, y.PricePerSampleEur);
            return byPrice != 0 ? byPrice : string.CompareOrdinal(x.BiobankId, y.BiobankId);
        }

        private static int NullsLast<T>(T? x, T? y)
            where T : struct, IComparable<T> =>
            (x, y) switch
            {
                (null, null) => 0,
                (null, _) => 1,
                (_, null) => -1,
                _ => x.Value.CompareTo(y.Value),
            };
    }
}
