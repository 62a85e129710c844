using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ServerTools.Sample.Data;

/// <summary>
/// Creates <see cref="ShopDbContext"/> on PostgreSQL, for the sample and for <c>dotnet ef</c>, which runs
/// outside the sample's command line. <c>dotnet ef migrations add</c> needs no database; for commands that
/// do, pass the connection string after <c>--</c>: <c>dotnet ef database update -- --connection "Host=..."</c>.
/// </summary>
public sealed class ShopDbContextFactory : IDesignTimeDbContextFactory<ShopDbContext>
{
    /// <summary>The options for a shop database on PostgreSQL, with ServerTools on (the audit trail of <c>[Audited]</c> entities).</summary>
    /// <param name="connectionString">The database; <see langword="null"/> for work that needs none (model checks, scaffolding).</param>
    /// <param name="clock">The clock that stamps audit logs; <see langword="null"/> for the system clock.</param>
    /// <returns>The options, with the Npgsql provider and ServerTools.</returns>
    public static DbContextOptions<ShopDbContext> CreateOptions(string? connectionString, TimeProvider? clock = null)
    {
        var builder = new DbContextOptionsBuilder<ShopDbContext>();
        (connectionString is null ? builder.UseNpgsql() : builder.UseNpgsql(connectionString))
            .UseServerTools(o => o.TimeProvider = clock ?? TimeProvider.System);
        return builder.Options;
    }

    /// <summary>Creates a context from <c>dotnet ef</c>'s arguments: <c>--connection &lt;connection string&gt;</c> or none.</summary>
    /// <param name="args">The arguments given after <c>--</c> on the <c>dotnet ef</c> command line.</param>
    /// <returns>A new context.</returns>
    /// <exception cref="ArgumentException">The arguments are not valid.</exception>
    public ShopDbContext CreateDbContext(string[] args)
    {
        if (!SampleOptions.TryParse(args ?? [], out var options, out var error))
        {
            throw new ArgumentException(error, nameof(args));
        }

        return new ShopDbContext(CreateOptions(options.ConnectionString));
    }
}
