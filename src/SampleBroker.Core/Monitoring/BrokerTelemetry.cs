using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SampleBroker.Monitoring;

/// <summary>
/// The broker's traces and metrics, one <see cref="ActivitySource"/> and one <see cref="Meter"/> named
/// <see cref="Name"/>, exported by OpenTelemetry in both hosts (<see cref="TelemetryExtensions"/>).
/// Spans: each activity of the orchestration (<c>QueryBiobank</c>, <c>CompleteSampleRequest</c>) and each
/// HTTP attempt to a biobank (<c>biobank.call</c>), under the HTTP request and the Durable Task spans.
/// </summary>
public static class BrokerTelemetry
{
    public const string Name = "SampleBroker";

    /// <summary>Tag names, as the issue and the dashboards spell them.</summary>
    public static class Tags
    {
        public const string RequestId = "requestId";
        public const string BiobankId = "biobankId";
        public const string QueryId = "queryId";
        public const string Attempt = "attempt";
        public const string Outcome = "outcome";
        public const string Status = "status";
        public const string State = "state";
    }

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Queries sent to biobanks (one per biobank and request), by biobank and delivery outcome.</summary>
    public static readonly Counter<long> Queries = Meter.CreateCounter<long>("samplebroker.queries", description: "Queries sent to biobanks");

    /// <summary>Final outcomes recorded for queries (Available, NotAvailable, Declined, Failed, ...), by biobank.</summary>
    public static readonly Counter<long> Answers = Meter.CreateCounter<long>("samplebroker.answers", description: "Biobank answers recorded");

    /// <summary>Time from sending a query until the biobank's HTTP answer (retries included).</summary>
    public static readonly Histogram<double> Latency = Meter.CreateHistogram<double>("samplebroker.biobank.latency", unit: "ms", description: "Biobank answer latency");

    /// <summary>Circuit breaker transitions per biobank (Open, HalfOpen, Closed).</summary>
    public static readonly Counter<long> BreakerTransitions = Meter.CreateCounter<long>("samplebroker.breaker.transitions", description: "Circuit breaker state changes");

    /// <summary>Requests that left Brokering, by final status.</summary>
    public static readonly Counter<long> RequestsFinished = Meter.CreateCounter<long>("samplebroker.requests.finished", description: "Requests by final status");
}
