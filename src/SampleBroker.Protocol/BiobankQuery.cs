namespace SampleBroker.Protocol;

/// <summary>The body the broker POSTs to a biobank's endpoint (contract section 5, "Query").</summary>
public sealed record BiobankQuery
{
    public const string QueryType = "sample-availability.query";

    public string Type { get; init; } = QueryType;

    public required string QueryId { get; init; }

    public required string RequestId { get; init; }

    public required SampleCriteria Criteria { get; init; }

    public required int Quantity { get; init; }

    public required DateTimeOffset ReplyBy { get; init; }

    public required string CallbackUrl { get; init; }
}
