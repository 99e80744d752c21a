namespace SampleBroker.Requests;

/// <summary>The pure arithmetic of the one-stop-shop answer (contract section 4, "Read").</summary>
public static class Aggregation
{
    public static RequestProgress Progress(IReadOnlyCollection<BiobankOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(offers);
        var pending = offers.Count(o => !o.IsFinal);
        return new RequestProgress(offers.Count, offers.Count - pending, pending);
    }

    public static RequestSummary Summarize(int quantity, IEnumerable<BiobankOffer> offers)
    {
        var available = offers.Where(o => o.Outcome == BiobankOutcome.Available).ToList();
        var total = available.Sum(o => (long)(o.AvailableSamples ?? 0));
        var clamped = (int)Math.Min(total, int.MaxValue);
        return new RequestSummary(quantity, clamped, total >= quantity, available.Count);
    }

    /// <summary>
    /// Covers <paramref name="quantity"/> from the <c>Available</c> biobanks, biggest stock first, then
    /// shortest lead time, then cheapest (unknown last), then by id; biobanks given nothing are omitted.
    /// </summary>
    public static IReadOnlyList<AllocationLine> Allocate(int quantity, IEnumerable<BiobankOffer> offers)
    {
        var ordered = offers
            .Where(o => o.Outcome == BiobankOutcome.Available && o.AvailableSamples > 0)
            .OrderByDescending(o => o.AvailableSamples)
            .ThenBy(o => o.LeadTimeDays.HasValue ? 0 : 1).ThenBy(o => o.LeadTimeDays)
            .ThenBy(o => o.PricePerSampleEur.HasValue ? 0 : 1).ThenBy(o => o.PricePerSampleEur)
            .ThenBy(o => o.BiobankId, StringComparer.Ordinal);

        var lines = new List<AllocationLine>();
        var remaining = quantity;
        foreach (var offer in ordered)
        {
            if (remaining <= 0)
            {
                break;
            }

            var take = Math.Min(offer.AvailableSamples!.Value, remaining);
            lines.Add(new AllocationLine(offer.BiobankId, take));
            remaining -= take;
        }

        return lines;
    }

    /// <summary>
    /// The request as the API shows it, with the status the lifecycle shows: a request whose every
    /// biobank answered reads as <c>Completed</c> as soon as the last answer is stored.
    /// </summary>
    public static SampleRequestResource View(SampleRequestRecord request, IReadOnlyList<BiobankOffer> offers)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settledAs = RequestLifecycle.PendingShownAs(request.Status);
        var sorted = offers
            .Select(o => o.IsFinal ? o : o with { Outcome = settledAs })
            .OrderBy(o => o.BiobankId, StringComparer.Ordinal)
            .ToList();
        var (status, completedAt) = RequestLifecycle.Shown(request, offers);
        var allocation = status is RequestStatus.Completed or RequestStatus.Cancelled ? Allocate(request.Quantity, sorted) : [];
        return new SampleRequestResource(
            request.RequestId, request.OrganisationId, request.Reference, status, request.CreatedAt, request.Deadline, completedAt,
            request.Criteria, request.Quantity, Progress(sorted), sorted, Summarize(request.Quantity, sorted), allocation);
    }
}
