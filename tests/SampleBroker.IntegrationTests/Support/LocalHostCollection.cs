namespace SampleBroker.IntegrationTests.Support;

/// <summary>
/// Tests that start local hosts run one at a time: they share one Azurite, whose single thread is the
/// throughput ceiling, and timing-sensitive assertions should not compete with each other.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LocalHostCollection
{
    public const string Name = "Local host on Azurite";
}
