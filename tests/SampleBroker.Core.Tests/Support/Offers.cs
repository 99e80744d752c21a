using SampleBroker.Protocol;
using SampleBroker.Requests;

namespace SampleBroker.Tests.Support;

internal static class Offers
{
    public static readonly DateTimeOffset CreatedAt = new(2026, 11, 27, 10, 15, 0, TimeSpan.Zero);

    public static BiobankOffer Available(string biobankId, int samples, int? leadTimeDays = null, decimal? price = null, DateTimeOffset? answeredAt = null) =>
        Offer(biobankId, BiobankOutcome.Available, samples, leadTimeDays, price, answeredAt ?? CreatedAt.AddSeconds(5));

    public static BiobankOffer Offer(string biobankId, BiobankOutcome outcome, int? samples = null, int? leadTimeDays = null, decimal? price = null, DateTimeOffset? answeredAt = null) =>
        new(biobankId, "Biobank " + biobankId, "IT", outcome, samples, price, leadTimeDays, null, null,
            answeredAt ?? (outcome is BiobankOutcome.Pending or BiobankOutcome.TimedOut or BiobankOutcome.Cancelled ? null : CreatedAt.AddSeconds(5)),
            null, null)
        {
            QueryId = "q_" + biobankId,
        };

    public static SampleRequestRecord Request(RequestStatus status, int quantity, int? biobanksContacted, DateTimeOffset? completedAt = null) =>
        new("0190a1b2c3d4e5f60718293a4b5c6d7e", "acme-dx", "PO-2026-117", status, CreatedAt, CreatedAt.AddSeconds(300), completedAt,
            new SampleCriteria { SampleTypes = ["blood-serum"] }, quantity, null, biobanksContacted);
}
