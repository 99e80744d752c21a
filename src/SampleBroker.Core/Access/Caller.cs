namespace SampleBroker.Access;

/// <summary>The role a key grants (contract section 1).</summary>
public enum Role
{
    Requester,
    Staff,
}

/// <summary>Who is calling: a requester of one organisation, or alliance staff.</summary>
public sealed record Caller(Role Role, string? OrganisationId, string KeyId)
{
    public bool IsStaff => Role == Role.Staff;

    /// <summary>
    /// What the audit log names as the actor: the key id (<c>bootstrap</c>, a staff key's <c>staff_...</c>,
    /// an organisation's <c>key_...</c>), never the key itself.
    /// </summary>
    public string Actor => KeyId;
}
