namespace SampleBroker.Organisations;

/// <summary>A requesting organisation as the API shows it (contract section 2).</summary>
public sealed record Organisation(string OrganisationId, string Name, string Country);

/// <summary>The answer to a creation: the only time the webhook secret is shown.</summary>
public sealed record CreatedOrganisation(string OrganisationId, string Name, string Country, string WebhookSecret);

/// <summary>The answer to issuing a key: the only time the key is shown.</summary>
public sealed record IssuedApiKey(string KeyId, string ApiKey);
