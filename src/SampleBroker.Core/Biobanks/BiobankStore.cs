using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Storage;

namespace SampleBroker.Biobanks;

/// <summary>The biobank registry in Table storage, one row per biobank.</summary>
public sealed class BiobankStore(BrokerTables tables)
{
    private const string Partition = "biobank";

    public async Task<BiobankRecord?> GetAsync(string biobankId, CancellationToken cancellationToken)
    {
        var row = await tables.Biobanks.GetEntityIfExistsAsync<TableEntity>(Partition, biobankId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity && entity.GetBoolean("Deleted") != true ? ToRecord(entity) : null;
    }

    public async Task<IReadOnlyList<BiobankRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var result = new List<BiobankRecord>();
        await foreach (var entity in tables.Biobanks.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (entity.GetBoolean("Deleted") != true)
            {
                result.Add(ToRecord(entity));
            }
        }

        return result;
    }

    /// <summary>
    /// Creates the biobank with a new signing secret (returned once), or updates its settings and keeps
    /// its secret. <paramref name="signingSecret"/> chooses the secret (demo data); null generates one.
    /// </summary>
    public async Task<(BiobankRecord Record, bool Created)> CreateOrUpdateAsync(string biobankId, BiobankSettings settings, string? signingSecret, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(biobankId, settings, signingSecret, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 409 or 412)
        {
            // A concurrent PUT of the same biobank won the race; apply ours on top of it.
            return await WriteAsync(biobankId, settings, signingSecret, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<(BiobankRecord Record, bool Created)> WriteAsync(string biobankId, BiobankSettings settings, string? signingSecret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var entity = new TableEntity(Partition, biobankId)
        {
            ["Name"] = settings.Name,
            ["Country"] = settings.Country,
            ["EndpointUrl"] = settings.EndpointUrl,
            ["Enabled"] = settings.Enabled,
            ["SampleTypes"] = settings.SampleTypes is null ? null : JsonSerializer.Serialize(settings.SampleTypes),
            ["AnswerTimeoutSeconds"] = settings.AnswerTimeoutSeconds,
            ["MinReportableCount"] = settings.MinReportableCount,
            ["Deleted"] = false,
        };

        var existing = await tables.Biobanks.GetEntityIfExistsAsync<TableEntity>(Partition, biobankId, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (existing.HasValue && existing.Value is { } current && current.GetBoolean("Deleted") != true)
        {
            await tables.Biobanks.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            entity["SigningSecret"] = current.GetString("SigningSecret");
            return (ToRecord(entity), false);
        }

        entity["SigningSecret"] = signingSecret ?? WebhookSecret.Generate();
        if (existing.HasValue)
        {
            // A deleted biobank registered again starts over with a new secret.
            await tables.Biobanks.UpdateEntityAsync(entity, existing.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await tables.Biobanks.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }

        return (ToRecord(entity), true);
    }

    private static BiobankRecord ToRecord(TableEntity entity)
    {
        var sampleTypes = entity.GetString("SampleTypes");
        return new BiobankRecord(
            entity.RowKey,
            entity.GetString("Name"),
            entity.GetString("Country"),
            entity.GetString("EndpointUrl"),
            entity.GetBoolean("Enabled") ?? true,
            sampleTypes is null ? null : JsonSerializer.Deserialize<string[]>(sampleTypes),
            entity.GetInt32("AnswerTimeoutSeconds") ?? 10,
            entity.GetInt32("MinReportableCount") ?? 0,
            [entity.GetString("SigningSecret")]);
    }
}
