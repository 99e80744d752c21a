namespace SampleBroker.Orchestration;

/// <summary>
/// Names under which both hosts register the brokering orchestrator and its activities. They differ
/// from the class names on purpose: the DurableTask analyzer crashes when a Functions wrapper and a
/// task class share a name.
/// </summary>
public static class TaskNames
{
    public const string BrokerSampleRequest = "BrokerSampleRequest";
    public const string BeginBrokering = "BeginBrokering";
    public const string QueryBiobank = "QueryBiobank";
    public const string CompleteSampleRequest = "CompleteSampleRequest";
    public const string SendCompletionCallback = "SendCompletionCallback";

    /// <summary>The external event a cancel or terminate raises.</summary>
    public const string CancelEvent = "Cancel";

    /// <summary>The external event that tells a query's branch its callback answer is stored.</summary>
    public static string AnswerEvent(string queryId) => "Answer:" + queryId;
}
