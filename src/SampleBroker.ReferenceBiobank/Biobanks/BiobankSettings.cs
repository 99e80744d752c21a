namespace SampleBroker.ReferenceBiobank.Biobanks;

/// <summary>
/// One biobank as configured, either in <c>Adapter:Biobanks</c> or in the file named by
/// <c>Adapter:BiobanksFile</c>. Values are checked by <see cref="BiobankCatalog.Load"/>.
/// </summary>
public sealed class BiobankSettings
{
    public string? BiobankId { get; set; }

    /// <summary><c>whsec_&lt;base64&gt;</c>, the secret the broker registered for this biobank.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>Inventory JSON file; a relative path resolves against the file or directory it was configured in.</summary>
    public string? InventoryPath { get; set; }

    /// <summary><c>Sync</c> (default) or <c>Async</c>; see <see cref="AnswerMode"/>.</summary>
    public string? Mode { get; set; }

    /// <summary>Artificial delay before answering, to rehearse slow biobanks.</summary>
    public int DelayMs { get; set; }
}

/// <summary>The <c>Adapter</c> configuration section.</summary>
public sealed class AdapterOptions
{
    public List<BiobankSettings> Biobanks { get; set; } = [];

    /// <summary>
    /// Optional JSON file <c>{"biobanks": [BiobankSettings]}</c> (other properties are ignored, so the
    /// broker's demo seed file can be used as it is). A relative path resolves against the current directory.
    /// </summary>
    public string? BiobanksFile { get; set; }
}

/// <summary>How a biobank answers a query (contract section 5).</summary>
public enum AnswerMode
{
    /// <summary>Answer <c>200</c> with the BiobankAnswer in the response.</summary>
    Sync,

    /// <summary>Answer <c>202</c> and POST the BiobankAnswer to the query's <c>callbackUrl</c> later.</summary>
    Async,
}
