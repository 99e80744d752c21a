namespace SampleBroker.Testing;

/// <summary>The Azurite the test command started (<c>infra/local/test.sh</c>).</summary>
public static class TestStorage
{
    public const string Variable = "SAMPLEBROKER_TEST_STORAGE";

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run the tests with 'bash infra/local/test.sh', which starts Azurite and sets it.");

    /// <summary>A name unique to one test, for task hubs and table prefixes, so tests never see each other's data.</summary>
    public static string UniqueName(string prefix) => prefix + Guid.NewGuid().ToString("N")[..10];
}
