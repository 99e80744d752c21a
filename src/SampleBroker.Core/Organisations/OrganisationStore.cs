using Azure;
using Azure.Data.Tables;
using SampleBroker.Protocol.Webhooks;
using SampleBroker.Security;
using SampleBroker.Storage;

namespace SampleBroker.Organisations;

/// <summary>Organisations in Table storage, one row each; webhook secrets are encrypted at rest.</summary>
public sealed class OrganisationStore(BrokerTables tables, SecretProtector secrets)
{
    private const string Partition = "organisation";

    public async Task<Organisation?> GetAsync(string organisationId, CancellationToken cancellationToken)
    {
        var row = await tables.Organisations.GetEntityIfExistsAsync<TableEntity>(Partition, organisationId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue && row.Value is { } entity
            ? new Organisation(organisationId, entity.GetString("Name"), entity.GetString("Country"))
            : null;
    }

    /// <summary>The secret that signs completion callbacks to this organisation.</summary>
    public async Task<string?> GetWebhookSecretAsync(string organisationId, CancellationToken cancellationToken)
    {
        var row = await tables.Organisations.GetEntityIfExistsAsync<TableEntity>(Partition, organisationId, cancellationToken: cancellationToken).ConfigureAwait(false);
        return row.HasValue ? secrets.Unprotect(SecretPurposes.OrganisationWebhookSecret, row.Value?.GetString("WebhookSecret")) : null;
    }

    /// <summary>Creates the organisation, or updates name and country when it exists (then no secret is returned).</summary>
    public async Task<CreatedOrganisation?> CreateOrUpdateAsync(Organisation organisation, string? webhookSecret, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(organisation);
        var secret = webhookSecret ?? WebhookSecret.Generate();
        var entity = new TableEntity(Partition, organisation.OrganisationId)
        {
            ["Name"] = organisation.Name,
            ["Country"] = organisation.Country,
        };
        try
        {
            entity["WebhookSecret"] = secrets.Protect(SecretPurposes.OrganisationWebhookSecret, secret);
            await tables.Organisations.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return new CreatedOrganisation(organisation.OrganisationId, organisation.Name, organisation.Country, secret);
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            entity.Remove("WebhookSecret");
            await tables.Organisations.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken).ConfigureAwait(false);
            return null;
        }
    }
}
