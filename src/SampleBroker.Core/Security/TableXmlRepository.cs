using System.Xml.Linq;
using Azure.Data.Tables;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace SampleBroker.Security;

/// <summary>
/// Keeps the Data Protection key ring in a table, one row per key, so every instance of the broker
/// (both hosts, several Functions workers) shares it and a restart can still read what it protected.
/// In Azure the key ring itself would additionally be wrapped with a Key Vault key
/// (<c>ProtectKeysWithAzureKeyVault</c>); that package is not served to this build, so locally the
/// table is the trust boundary, like the secrets' own table.
/// </summary>
public sealed class TableXmlRepository(TableClient table) : IXmlRepository
{
    private const string Partition = "key";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // IXmlRepository is synchronous by design; the ring is read once and cached by Data Protection.
        return table.Query<TableEntity>(e => e.PartitionKey == Partition)
            .Select(e => XElement.Parse(e.GetString("Xml")))
            .ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);

        // Two instances may create a key at the same moment: both rows stay, the ring holds both keys.
        var rowKey = string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName;
        table.UpsertEntity(
            new TableEntity(Partition, rowKey) { ["Xml"] = element.ToString(SaveOptions.DisableFormatting) },
            TableUpdateMode.Replace);
    }
}
