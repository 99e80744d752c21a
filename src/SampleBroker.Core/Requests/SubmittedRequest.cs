using SampleBroker.Protocol;

namespace SampleBroker.Requests;

/// <summary>A sample request body that passed validation (contract section 4, "Submit").</summary>
public sealed record SubmittedRequest(
    string? Reference,
    SampleCriteria Criteria,
    int Quantity,
    int AnswerWithinSeconds,
    string? CallbackUrl);
