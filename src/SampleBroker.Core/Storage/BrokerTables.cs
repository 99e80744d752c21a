using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using SampleBroker.Configuration;

namespace SampleBroker.Storage;

/// <summary>The broker's tables, created once at start-up.</summary>
public sealed class BrokerTables
{
    public BrokerTables(TableServiceClient service, IOptions<SampleBrokerOptions> options)
    {
        ArgumentNullException.ThrowIfNull(service);
        var prefix = options.Value.StoragePrefix;
        Service = service;
        Organisations = service.GetTableClient(prefix + "Organisations");
        ApiKeys = service.GetTableClient(prefix + "ApiKeys");
        StaffKeys = service.GetTableClient(prefix + "StaffKeys");
        Biobanks = service.GetTableClient(prefix + "Biobanks");
        Requests = service.GetTableClient(prefix + "SampleRequests");
        RequestIndex = service.GetTableClient(prefix + "SampleRequestIndex");
        Idempotency = service.GetTableClient(prefix + "Idempotency");
        BiobankHealth = service.GetTableClient(prefix + "BiobankHealth");
        DataProtectionKeys = service.GetTableClient(prefix + "DataProtectionKeys");
        Audit = service.GetTableClient(prefix + "Audit");
        AnswerMessages = service.GetTableClient(prefix + "AnswerMessages");
        SubmitWindows = service.GetTableClient(prefix + "SubmitWindows");
        Circuits = service.GetTableClient(prefix + "Circuits");
    }

    public TableServiceClient Service { get; }

    public TableClient Organisations { get; }

    /// <summary>API keys by SHA-256 hash (rows keyed by hash) and by organisation (rows keyed by key id).</summary>
    public TableClient ApiKeys { get; }

    /// <summary>Staff keys, one per person: rows by SHA-256 hash for authentication and by key id for the list.</summary>
    public TableClient StaffKeys { get; }

    public TableClient Biobanks { get; }

    /// <summary>One partition per request: the request row and one row per contacted biobank.</summary>
    public TableClient Requests { get; }

    /// <summary>Requests by organisation, newest first.</summary>
    public TableClient RequestIndex { get; }

    public TableClient Idempotency { get; }

    /// <summary>Per biobank: a summary row of its health and the outcomes recorded since it was last folded.</summary>
    public TableClient BiobankHealth { get; }

    /// <summary>The Data Protection key ring that encrypts the secrets at rest.</summary>
    public TableClient DataProtectionKeys { get; }

    /// <summary>The append-only audit log, newest first (contract section 7).</summary>
    public TableClient Audit { get; }

    /// <summary>The <c>webhook-id</c> of every answer a biobank sent, per biobank, so a signed message is never counted for a second query.</summary>
    public TableClient AnswerMessages { get; }

    /// <summary>Submissions per organisation per minute, shared by every instance (the submit rate limit).</summary>
    public TableClient SubmitWindows { get; }

    /// <summary>One circuit breaker row per biobank, shared by every instance.</summary>
    public TableClient Circuits { get; }

    public IEnumerable<TableClient> All => [Organisations, ApiKeys, StaffKeys, Biobanks, Requests, RequestIndex, Idempotency, BiobankHealth, DataProtectionKeys, Audit, AnswerMessages, SubmitWindows, Circuits];

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        foreach (var table in All)
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
