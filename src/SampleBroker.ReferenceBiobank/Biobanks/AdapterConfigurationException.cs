namespace SampleBroker.ReferenceBiobank.Biobanks;

/// <summary>The adapter's configuration is unusable; the message lists every problem found.</summary>
public sealed class AdapterConfigurationException : Exception
{
    public AdapterConfigurationException()
    {
    }

    public AdapterConfigurationException(string message)
        : base(message)
    {
    }

    public AdapterConfigurationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
