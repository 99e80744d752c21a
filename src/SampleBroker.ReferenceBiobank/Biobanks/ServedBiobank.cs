using SampleBroker.ReferenceBiobank.Inventory;

namespace SampleBroker.ReferenceBiobank.Biobanks;

/// <summary>A biobank this adapter answers for, with its validated settings and loaded inventory.</summary>
/// <remarks>A class rather than a record so that no generated <c>ToString</c> ever prints the secret.</remarks>
public sealed class ServedBiobank
{
    public ServedBiobank(string biobankId, string signingSecret, BiobankInventory inventory, AnswerMode mode, TimeSpan delay)
    {
        BiobankId = biobankId;
        SigningSecrets = [signingSecret];
        Inventory = inventory;
        Mode = mode;
        Delay = delay;
    }

    public string BiobankId { get; }

    /// <summary>Secrets used to verify queries and sign answers (one today; a list so rotation can add the next).</summary>
    public IReadOnlyList<string> SigningSecrets { get; }

    public BiobankInventory Inventory { get; }

    public AnswerMode Mode { get; }

    public TimeSpan Delay { get; }

    public override string ToString() => BiobankId;
}
