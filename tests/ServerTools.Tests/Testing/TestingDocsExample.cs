// docs/testing.md, "Use it in xunit tests", shows this file from the line after the #pragma to the end, word for word;
// TestingDocsExampleTests checks that they agree. The pragma: this project's global 'using Xunit;' makes the file's own redundant.
#pragma warning disable IDE0005
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools;
using ServerTools.Testing;
using Xunit;

namespace Shop.Tests;

// xUnit v2 (xunit 2.x): IAsyncLifetime's methods return Task. With xunit.v3 they return ValueTask.
public sealed class DatabaseFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    // The connection string of this fixture's own database (not PostgresServer.ConnectionString).
    public string DatabaseConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _server = await PostgresServer.GetSharedAsync();
        DatabaseConnectionString = await _server.CreateDatabaseAsync("orders");
        await using var context = CreateContext();
        await context.Database.EnsureCreatedAsync(); // or MigrateAsync() when your app has migrations
    }

    public ShopContext CreateContext() =>
        new(new DbContextOptionsBuilder<ShopContext>()
            .UseNpgsql(DatabaseConnectionString)
            .UseServerTools()
            .Options);

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(DatabaseConnectionString);
        }
    }
}

// One database for this test class: IClassFixture gives each class its own fixture, and classes run in parallel.
public sealed class OrderTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task PlacedOrderIsSaved()
    {
        await using (var context = database.CreateContext())
        {
            context.Orders.Add(new Order { Number = "SO-1" });
            await context.SaveChangesAsync();
        }

        await using var check = database.CreateContext();
        Assert.Equal("SO-1", (await check.Orders.SingleAsync()).Number);
    }
}

// Stands in for your application's DbContext and entity.
public sealed class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();
}

public sealed class Order
{
    public int Id { get; set; }

    public string Number { get; set; } = "";
}
