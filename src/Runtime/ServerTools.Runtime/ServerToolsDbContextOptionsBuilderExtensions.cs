using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using ServerTools.Infrastructure;

namespace ServerTools;

/// <summary>The one switch that turns ServerTools on for a <see cref="DbContext"/>.</summary>
public static class ServerToolsDbContextOptionsBuilderExtensions
{
    /// <summary>
    /// Turns ServerTools on: maps what it owns (the audit log, the outbox; on PostgreSQL the pg_trgm extension and the
    /// trigram indexes of <see cref="FuzzySearchableAttribute">[FuzzySearchable]</see> fields) through EF Core's
    /// conventions, so <c>EnsureCreated</c> and migrations include them; writes the audit trail of
    /// <see cref="AuditedAttribute">[Audited]</see> entities and the outbox of <see cref="TrackedAttribute">[Tracked]</see>
    /// ones in every SaveChanges; and translates <see cref="TrigramFunctions"/> to pg_trgm. Call it after the provider
    /// (<c>UseNpgsql</c>); calling it again replaces the options. A context that maps <c>[Audited]</c> or <c>[Tracked]</c>
    /// entities without it refuses to save (its queries work), as it would write neither the trail nor the outbox.
    /// </summary>
    /// <param name="optionsBuilder">The context's options builder.</param>
    /// <param name="configure">Adjusts the <see cref="ServerToolsOptions"/>.</param>
    /// <returns>The same builder, for chaining.</returns>
    public static DbContextOptionsBuilder UseServerTools(this DbContextOptionsBuilder optionsBuilder, Action<ServerToolsOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(optionsBuilder);
        var options = new ServerToolsOptions();
        configure?.Invoke(options);
        ((IDbContextOptionsBuilderInfrastructure)optionsBuilder).AddOrUpdateExtension(new ServerToolsOptionsExtension(options));
        return optionsBuilder;
    }

    /// <inheritdoc cref="UseServerTools(DbContextOptionsBuilder, Action{ServerToolsOptions}?)"/>
    public static DbContextOptionsBuilder<TContext> UseServerTools<TContext>(this DbContextOptionsBuilder<TContext> optionsBuilder, Action<ServerToolsOptions>? configure = null)
        where TContext : DbContext
        => (DbContextOptionsBuilder<TContext>)UseServerTools((DbContextOptionsBuilder)optionsBuilder, configure);
}
