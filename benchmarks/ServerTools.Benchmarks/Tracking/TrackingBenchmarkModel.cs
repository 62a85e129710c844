using System;
using System.ComponentModel.DataAnnotations.Schema;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.Tracking;

/// <summary>10 scalar fields, shared by the tracked and the untracked entity (an unmapped base class: each maps them itself).</summary>
public abstract class Product
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public decimal Price { get; set; }
    public int Quantity { get; set; }
    public bool Active { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public Guid Reference { get; set; }
    public double Weight { get; set; }
    public string? Note { get; set; }
}

/// <summary>Every field tracked, updates delivered (the default), one hook implemented.</summary>
[Tracked]
public partial class TrackedProduct : Product
{
    /// <summary>What the hook last saw: an assignment to an unmapped property, so the hook costs its call and little else.</summary>
    [NotMapped]
    public int QuantityDelta { get; private set; }

    partial void OnQuantityChanged(int oldValue, int newValue) => QuantityDelta = newValue - oldValue;
}

public class UntrackedProduct : Product;

public sealed class TrackingBenchmarkContext(DbContextOptions<TrackingBenchmarkContext> options) : DbContext(options)
{
    public DbSet<TrackedProduct> TrackedProducts => Set<TrackedProduct>();
    public DbSet<UntrackedProduct> UntrackedProducts => Set<UntrackedProduct>();
}

/// <summary>The one subscriber of <see cref="TrackedProduct"/> changes: counts what it receives and does nothing else.</summary>
public sealed class ProductChangeCounter : ITrackedChangeHandler<TrackedProduct>
{
    private int _received;

    /// <summary>How many changes were delivered since the last <see cref="Reset"/>.</summary>
    public int Received => Volatile.Read(ref _received);

    public void Reset() => Volatile.Write(ref _received, 0);

    public Task HandleAsync(TrackedChange<TrackedProduct> change, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _received);
        return Task.CompletedTask;
    }
}

/// <summary>The server, services and data both tracking benchmarks use.</summary>
internal static class TrackingBenchmarkDatabase
{
    /// <summary>
    /// A private server. Autovacuum and checkpoints would start at random moments inside measured work, on the same two
    /// cores; the iteration setups run them instead (unmeasured), so every iteration starts from the same state.
    /// </summary>
    public static PostgresServer Start()
    {
        var server = new PostgresServerOptions { Settings = { ["autovacuum"] = "off", ["checkpoint_timeout"] = "1d", ["max_wal_size"] = "10GB" } };
        return PostgresServer.StartAsync(server).GetAwaiter().GetResult();
    }

    /// <summary>An application's services: the context with UseServerTools() on a new database, and <paramref name="subscriber"/>.</summary>
    public static ServiceProvider Services(PostgresServer server, ProductChangeCounter subscriber, Action<IServiceCollection>? configure = null)
    {
        var connection = server.CreateDatabaseAsync("bench").GetAwaiter().GetResult();
        var services = new ServiceCollection();
        services.AddDbContext<TrackingBenchmarkContext>(options => options.UseNpgsql(connection).UseServerTools());
        services.AddSingleton<ITrackedChangeHandler<TrackedProduct>>(subscriber);
        configure?.Invoke(services);
        return services.BuildServiceProvider();
    }

    /// <summary>Changes 3 of the 10 fields, each to a value it did not have: Price, Quantity (its hook runs) and UpdatedAt.</summary>
    public static void Change(Product product, int round)
    {
        product.Price += 1;
        product.Quantity += 1;
        product.UpdatedAt = DateTimeOffset.UnixEpoch.AddMinutes(round);
    }

    public static T Fill<T>(T product, int i)
        where T : Product
    {
        (product.Code, product.Name, product.Price, product.Quantity, product.Active, product.UpdatedAt, product.Reference, product.Weight, product.Note) =
            ($"{typeof(T).Name}-{i}", $"Product {i}", 10m + i, i, true, DateTimeOffset.UnixEpoch, Guid.Empty, 1.5, null);
        return product;
    }
}
