using System;
using System.Collections.Generic;
using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ServerTools;

/// <summary>
/// The audit trail's actor taken from the current HTTP request (<see cref="IHttpContextAccessor"/>): the user's id,
/// name and tenant from the claims of its authenticated identities (<see cref="HttpContextAuditActorOptions"/> says
/// which), and the client's IP address from <see cref="ConnectionInfo.RemoteIpAddress"/>.
/// </summary>
/// <remarks>
/// <para>Outside a request (a background job, a tool) there is no actor; use <see cref="AuditActor.Use"/> there.
/// An anonymous request gives an actor with the IP address only. An <see cref="AuditActor.Use"/> scope takes
/// precedence over this provider.</para>
/// <para>Behind a reverse proxy the remote address is the proxy's: call <c>app.UseForwardedHeaders()</c> before the
/// middleware and endpoints that save, so that it is the client's. An IPv4 address that reaches a dual-mode socket
/// as IPv6 (<c>::ffff:203.0.113.7</c>) is written as IPv4 (<c>203.0.113.7</c>).</para>
/// <para>Stateless and safe to share: it reads the request when a save asks, so one instance (a singleton) serves every
/// request, pooled DbContexts (<c>AddDbContextPool</c>) included.</para>
/// </remarks>
public sealed class HttpContextAuditActorProvider : IAuditActorProvider
{
    private readonly IHttpContextAccessor _httpContextAccessor;
    private readonly string[] _userIdClaimTypes;
    private readonly string[] _userNameClaimTypes;
    private readonly string[] _tenantIdClaimTypes;

    /// <summary>Creates the provider; dependency injection calls it.</summary>
    /// <param name="httpContextAccessor">The accessor of the current request.</param>
    /// <param name="options">Which claims to read.</param>
    public HttpContextAuditActorProvider(IHttpContextAccessor httpContextAccessor, IOptions<HttpContextAuditActorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(httpContextAccessor);
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _httpContextAccessor = httpContextAccessor;
        _userIdClaimTypes = ClaimTypesOf(settings.UserIdClaimTypes, nameof(HttpContextAuditActorOptions.UserIdClaimTypes));
        _userNameClaimTypes = ClaimTypesOf(settings.UserNameClaimTypes, nameof(HttpContextAuditActorOptions.UserNameClaimTypes));
        _tenantIdClaimTypes = settings.TenantIdClaimType is { } tenant
            ? ClaimTypesOf([tenant], nameof(HttpContextAuditActorOptions.TenantIdClaimType))
            : [];
    }

    /// <summary>
    /// The current request's actor, or <see langword="null"/> outside a request. Its user parts are
    /// <see langword="null"/> when no identity of the request's user is authenticated.
    /// </summary>
    public AuditActor? GetCurrentActor()
    {
        if (_httpContextAccessor.HttpContext is not { } context)
        {
            return null;
        }

        var user = context.User;
        return new AuditActor(
            FindClaim(user, _userIdClaimTypes),
            IdentityName(user) ?? FindClaim(user, _userNameClaimTypes),
            Normalize(context.Connection.RemoteIpAddress)?.ToString(),
            FindClaim(user, _tenantIdClaimTypes));
    }

    private static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;

    private static string? IdentityName(ClaimsPrincipal user)
    {
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated && !string.IsNullOrEmpty(identity.Name))
            {
                return identity.Name;
            }
        }

        return null;
    }

    /// <summary>The value of the first claim type, in the given order, that an authenticated identity has with a value.</summary>
    private static string? FindClaim(ClaimsPrincipal user, string[] claimTypes)
    {
        foreach (var claimType in claimTypes)
        {
            foreach (var identity in user.Identities)
            {
                if (identity.IsAuthenticated && identity.FindFirst(claimType) is { Value.Length: > 0 } claim)
                {
                    return claim.Value;
                }
            }
        }

        return null;
    }

    private static string[] ClaimTypesOf(IReadOnlyList<string>? claimTypes, string optionName)
    {
        if (claimTypes is null)
        {
            throw new InvalidOperationException($"HttpContextAuditActorOptions.{optionName} is null: give a list, an empty one to read no claim.");
        }

        var result = new string[claimTypes.Count];
        for (var i = 0; i < result.Length; i++)
        {
            if (string.IsNullOrWhiteSpace(claimTypes[i]))
            {
                throw new InvalidOperationException($"HttpContextAuditActorOptions.{optionName} holds an empty claim type.");
            }

            result[i] = claimTypes[i];
        }

        return result;
    }
}
