using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Security;
using SampleBroker.Storage;

namespace SampleBroker.Biobanks;

/// <summary>
/// The biobank registry in Table storage, one row per biobank. Signing secrets are stored encrypted
/// (<see cref="SecretProtector"/>); a deleted biobank keeps its row, flagged, so callbacks to queries
/// it was sent before the delete can still be verified.
/// </summary>
public sealed class BiobankStore(BrokerTables tables, SecretProtector protector, IOptions<SampleBrokerOptions> options, TimeProvider time)
{
    private const string Partition = "biobank";
    private const string Purpose = SecretPurposes.BiobankSigningSecret;

    /// <summary>A registered biobank; null when unknown or deleted.</summary>
    public async Task<BiobankRecord?> GetAsync(string biobankId, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(biobankId, cancellationToken).ConfigureAwait(false);
        return entity is not null && !IsDeleted(entity) ? ToRecord(entity) : null;
    }

    /// <summary>
    /// A biobank even after it was deleted: only to verify callbacks answering queries it was sent
    /// while registered (a delete must not disturb running requests).
    /// </summary>
    public async Task<BiobankRecord?> GetIncludingDeletedAsync(string biobankId, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(biobankId, cancellationToken).ConfigureAwait(false);
        return entity is null ? null : ToRecord(entity);
    }

    public async Task<IReadOnlyList<BiobankRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var result = new List<BiobankRecord>();
        await foreach (var entity in tables.Biobanks.QueryAsync<TableEntity>(e => e.PartitionKey == Partition, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!IsDeleted(entity))
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

    /// <summary>Flags the biobank deleted: it gets no new queries. False when there is no such biobank.</summary>
    public async Task<bool> DeleteAsync(string biobankId, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(biobankId, cancellationToken).ConfigureAwait(false);
        if (entity is null || IsDeleted(entity))
        {
            return false;
        }

        try
        {
            await tables.Biobanks.UpdateEntityAsync(new TableEntity(Partition, biobankId) { ["Deleted"] = true }, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Changed in between (a PUT or a rotation): the delete still applies on top of it.
            await tables.Biobanks.UpdateEntityAsync(new TableEntity(Partition, biobankId) { ["Deleted"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// Gives the biobank a new secret and keeps the current one valid for the grace period
    /// (<see cref="SampleBrokerOptions.SecretRotationGraceHours"/>). Returns the new secret, or null
    /// when there is no such biobank. A second rotation within the grace period ends the older secret's grace.
    /// </summary>
    public async Task<string?> RotateSecretAsync(string biobankId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var entity = await FindAsync(biobankId, cancellationToken).ConfigureAwait(false);
            if (entity is null || IsDeleted(entity))
            {
                return null;
            }

            var secret = WebhookSecret.Generate();
            var update = new TableEntity(Partition, biobankId)
            {
                ["SigningSecret"] = protector.Protect(Purpose, secret),
                ["PreviousSecretValidUntil"] = time.GetUtcNow(),
            };

            // A secret that cannot be read is not kept for the grace period (any older one ends now):
            // rotating is how staff repair such a row.
            if (TryUnprotect(entity.GetString("SigningSecret"), out var current) && current is not null && WebhookSecret.TryParse(current, out _))
            {
                update["PreviousSigningSecret"] = protector.Protect(Purpose, current);
                update["PreviousSecretValidUntil"] = time.GetUtcNow().AddHours(options.Value.SecretRotationGraceHours);
            }

            try
            {
                await tables.Biobanks.UpdateEntityAsync(update, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
                return secret;
            }
            catch (RequestFailedException e) when (e.Status == 412)
            {
                // Another rotation or update came first; rotate what is stored now.
            }
        }
    }

    /// <summary>
    /// Marks the row's current <see cref="BiobankRecord.Problem"/> as recorded in the audit log. True only
    /// for the one caller that marks it first (the write is conditional on the row's ETag), so the problem
    /// is recorded once however many submissions, on however many instances, come across it.
    /// </summary>
    public async Task<bool> TryMarkProblemNotedAsync(string biobankId, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(biobankId, cancellationToken).ConfigureAwait(false);
        if (entity is null || ProblemOf(entity, out _) is not { } problem || entity.GetString("ProblemNoted") == Fingerprint(entity, problem))
        {
            return false;
        }

        try
        {
            await tables.Biobanks.UpdateEntityAsync(new TableEntity(Partition, biobankId) { ["ProblemNoted"] = Fingerprint(entity, problem) }, entity.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Noted by someone else, or the row changed; the next selection looks again.
            return false;
        }
    }

    private async Task<TableEntity?> FindAsync(string biobankId, CancellationToken cancellationToken)
    {
        var row = await tables.Biobanks.GetEntityIfExistsAsync<TableEntity>(Partition, biobankId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? row.Value : null;
    }

    private static bool IsDeleted(TableEntity entity) => entity.GetBoolean("Deleted") == true;

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

        var current = await FindAsync(biobankId, cancellationToken).ConfigureAwait(false);
        if (current is not null && !IsDeleted(current))
        {
            await tables.Biobanks.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            foreach (var kept in new[] { "SigningSecret", "PreviousSigningSecret", "PreviousSecretValidUntil" })
            {
                if (current.TryGetValue(kept, out var value))
                {
                    entity[kept] = value;
                }
            }

            return (ToRecord(entity), false);
        }

        entity["SigningSecret"] = protector.Protect(Purpose, signingSecret ?? WebhookSecret.Generate());
        if (current is not null)
        {
            // A deleted biobank registered again starts over with a new secret and no previous one.
            await tables.Biobanks.UpdateEntityAsync(entity, current.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await tables.Biobanks.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
        }

        return (ToRecord(entity), true);
    }

    /// <summary>
    /// The record of a row. A row that cannot be used (a secret the key ring cannot decrypt, a missing
    /// secret, unreadable sample types) still gives a record, with no secrets and a <see cref="BiobankRecord.Problem"/>,
    /// so one broken row never breaks reading the others.
    /// </summary>
    private BiobankRecord ToRecord(TableEntity entity)
    {
        var problem = ProblemOf(entity, out var current);
        string[]? sampleTypes = null;
        if (entity.GetString("SampleTypes") is { } types && !TryReadSampleTypes(types, out sampleTypes))
        {
            sampleTypes = [];
        }

        IReadOnlyList<string> secrets = [];
        if (problem is null)
        {
            secrets = SigningSecretGrace.Valid(
                current!,
                TryUnprotect(entity.GetString("PreviousSigningSecret"), out var previous) && previous is not null && WebhookSecret.TryParse(previous, out _) ? previous : null,
                entity.GetDateTimeOffset("PreviousSecretValidUntil"),
                time.GetUtcNow());
        }

        return new BiobankRecord(
            entity.RowKey,
            entity.GetString("Name") ?? entity.RowKey,
            entity.GetString("Country") ?? "",
            entity.GetString("EndpointUrl") ?? "",
            entity.GetBoolean("Enabled") ?? true,
            sampleTypes,
            entity.GetInt32("AnswerTimeoutSeconds") ?? 10,
            entity.GetInt32("MinReportableCount") ?? 0,
            secrets)
        {
            Problem = problem,
            ProblemNoted = problem is not null && entity.GetString("ProblemNoted") == Fingerprint(entity, problem),
        };
    }

    /// <summary>Why the row cannot be used, in words for staff (never the secret); null when it can, with its <paramref name="secret"/> decrypted.</summary>
    private string? ProblemOf(TableEntity entity, out string? secret)
    {
        if (!TryUnprotect(entity.GetString("SigningSecret"), out secret))
        {
            return "misconfigured: the signing secret cannot be decrypted with the key ring; rotate the secret";
        }

        if (string.IsNullOrEmpty(secret))
        {
            return "misconfigured: the biobank has no signing secret; rotate the secret";
        }

        if (!WebhookSecret.TryParse(secret, out _))
        {
            return "misconfigured: the stored signing secret is not a whsec_ secret; rotate the secret";
        }

        if (string.IsNullOrEmpty(entity.GetString("EndpointUrl")))
        {
            return "misconfigured: the biobank has no endpoint URL; save its settings again";
        }

        return entity.GetString("SampleTypes") is { } types && !TryReadSampleTypes(types, out _)
            ? "misconfigured: the stored sample types cannot be read; save its settings again"
            : null;
    }

    /// <summary>Which problem of which stored secret was noted: a new problem, or the same problem after a rotation, is noted again.</summary>
    private static string Fingerprint(TableEntity entity, string problem) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(problem + "\n" + entity.GetString("SigningSecret"))))[..32];

    private bool TryUnprotect(string? stored, out string? secret)
    {
        try
        {
            secret = protector.Unprotect(Purpose, stored);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            secret = null;
            return false;
        }
    }

    private static bool TryReadSampleTypes(string json, out string[]? types)
    {
        try
        {
            types = JsonSerializer.Deserialize<string[]>(json);
            return true;
        }
        catch (JsonException)
        {
            types = null;
            return false;
        }
    }
}
