using System;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// A database of its own for one test class (see <see cref="DatabaseFixture"/>), with the schema of
/// <typeparamref name="TContext"/> created once, and contexts on it that use ServerTools.
/// </summary>
public abstract class SchemaFixture<TContext>(Func<DbContextOptions<TContext>, TContext> create) : IAsyncLifetime
    where TContext : DbContext
{
    private readonly DatabaseFixture _database = new();

    public string ConnectionString => _database.ConnectionString;

    /// <summary>A context on this database with <c>UseServerTools()</c>: the fixture's settings, then <paramref name="configure"/>.</summary>
    public TContext Create(Action<ServerToolsOptions>? configure = null) => create(
        new DbContextOptionsBuilder<TContext>()
            .UseNpgsql(ConnectionString)
            .UseServerTools(options =>
            {
                Configure(options);
                configure?.Invoke(options);
            })
            .Options);

    public async Task InitializeAsync()
    {
        await _database.InitializeAsync();
        await using var context = Create();
        await context.Database.EnsureCreatedAsync();
    }

    public Task DisposeAsync() => _database.DisposeAsync();

    /// <summary>The ServerTools settings every context of the class gets.</summary>
    protected virtual void Configure(ServerToolsOptions options)
    {
    }
}
