using System;
using System.Threading;

namespace ServerTools;

/// <summary>Who makes a change: written to every <see cref="AuditLog"/>. Every part is optional.</summary>
/// <param name="UserId">The user's stable id.</param>
/// <param name="UserName">The user's display name.</param>
/// <param name="IpAddress">The client's IP address.</param>
/// <param name="TenantId">The tenant, in a multi-tenant application.</param>
public sealed record AuditActor(string? UserId, string? UserName = null, string? IpAddress = null, string? TenantId = null)
{
    private static readonly AsyncLocal<AuditActor?> s_current = new();

    /// <summary>The actor set by <see cref="Use"/> for the current asynchronous flow, if any.</summary>
    public static AuditActor? Current => s_current.Value;

    /// <summary>
    /// Makes <paramref name="actor"/> the actor of every change saved in the current asynchronous flow until the
    /// returned scope is disposed: for background jobs and tools, where no request tells who acts. It takes
    /// precedence over <see cref="IAuditActorProvider"/>. Scopes nest; disposing one restores the previous actor.
    /// </summary>
    public static IDisposable Use(AuditActor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var scope = new Scope(s_current.Value);
        s_current.Value = actor;
        return scope;
    }

    private sealed class Scope(AuditActor? previous) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                s_current.Value = previous;
            }
        }
    }
}

/// <summary>
/// Tells ServerTools who is acting, e.g. from the current HTTP request. Register it in the application's
/// services (the ones <c>AddDbContext</c> sees); ServerTools resolves it for every audited save.
/// </summary>
public interface IAuditActorProvider
{
    /// <summary>The current actor, or <see langword="null"/> when nobody is known (the log then has no user).</summary>
    AuditActor? GetCurrentActor();
}
