using System.Collections.Generic;
using System.Security.Claims;

namespace ServerTools;

/// <summary>
/// Which claims of the request's user <see cref="HttpContextAuditActorProvider"/> writes to the audit trail. Only the
/// claims of authenticated identities are read. Set with
/// <see cref="HttpContextAuditActorServiceCollectionExtensions.AddHttpContextAuditActor"/>.
/// </summary>
public sealed class HttpContextAuditActorOptions
{
    /// <summary>
    /// The claim types that hold the user's stable id, tried in order; the first one with a value wins.
    /// Default: <see cref="ClaimTypes.NameIdentifier"/>, then <c>sub</c> (a JWT or OpenID Connect subject whose claims
    /// are not mapped).
    /// </summary>
    public IReadOnlyList<string> UserIdClaimTypes { get; set; } = [ClaimTypes.NameIdentifier, "sub"];

    /// <summary>
    /// The claim types that hold the user's display name, tried in order after the identity's own
    /// <see cref="System.Security.Principal.IIdentity.Name"/> (its <see cref="ClaimsIdentity.NameClaimType"/>).
    /// Default: <c>name</c>.
    /// </summary>
    public IReadOnlyList<string> UserNameClaimTypes { get; set; } = ["name"];

    /// <summary>
    /// The claim type that holds the user's tenant, such as <c>tid</c>. Default: <see langword="null"/>, no tenant is
    /// written.
    /// </summary>
    public string? TenantIdClaimType { get; set; }
}
