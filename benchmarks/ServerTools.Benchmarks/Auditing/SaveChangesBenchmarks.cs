using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.EntityFrameworkCore;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.Auditing;

/// <summary>10 scalar fields, shared by the audited and the plain entity (an unmapped base class: each maps them itself).</summary>
public abstract class Item
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

[Audited]
public partial class AuditedItem : Item;

public class PlainItem : Item;

public sealed class BenchmarkContext(DbContextOptions<BenchmarkContext> options) : DbContext(options)
{
    public DbSet<AuditedItem> AuditedItems => Set<AuditedItem>();
    public DbSet<PlainItem> PlainItems => Set<PlainItem>();
}

/// <summary>
/// The plain entity alone, on the same table, for the saves without UseServerTools(): a context that maps an [Audited]
/// entity refuses to save without it.
/// </summary>
public sealed class PlainBenchmarkContext(DbContextOptions<PlainBenchmarkContext> options) : DbContext(options)
{
    public DbSet<PlainItem> PlainItems => Set<PlainItem>();
}

/// <summary>
/// SaveChanges of 1,000 entities on the private PostgreSQL, audited (Changes mode) vs the same entity without
/// [Audited], in one context with UseServerTools() on, so the plain rows also show what the interceptor costs
/// entities it does not audit; and the plain entity in a context without UseServerTools() (which maps it alone) vs with it. Only
/// SaveChanges is measured: loading and editing happen in the iteration setup.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 100, invocationCount: 1)]
public class SaveChangesBenchmarks
{
    private const int Count = 1000;
    private PostgresServer _server = null!;
    private DbContextOptions<BenchmarkContext> _options = null!;
    private DbContextOptions<PlainBenchmarkContext> _withoutServerTools = null!;
    private DbContext _context = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        // Autovacuum and checkpoints would start at random moments inside measured saves, on the same two cores; the
        // iteration setup runs them instead (unmeasured), so both sides of each ratio start from the same state.
        var server = new PostgresServerOptions { Settings = { ["autovacuum"] = "off", ["checkpoint_timeout"] = "1d", ["max_wal_size"] = "10GB" } };
        _server = PostgresServer.StartAsync(server).GetAwaiter().GetResult();
        var connection = _server.CreateDatabaseAsync("bench").GetAwaiter().GetResult();
        _options = new DbContextOptionsBuilder<BenchmarkContext>().UseNpgsql(connection).UseServerTools().Options;
        _withoutServerTools = new DbContextOptionsBuilder<PlainBenchmarkContext>().UseNpgsql(connection).Options;
        using var context = new BenchmarkContext(_options);
        context.Database.EnsureCreated();
        context.AuditedItems.AddRange(Enumerable.Range(0, Count).Select(i => Fill(new AuditedItem(), i)));
        context.PlainItems.AddRange(Enumerable.Range(0, Count).Select(i => Fill(new PlainItem(), i)));
        context.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    [IterationSetup(Targets = [nameof(UpdatePlain), nameof(UpdatePlainWithServerTools)])]
    public void LoadPlain() => Load(context => context.PlainItems.ToList().ForEach(Change));

    [IterationSetup(Targets = [nameof(UpdatePlainWithoutServerTools)])]
    public void LoadPlainWithoutServerTools()
        => Load(new PlainBenchmarkContext(_withoutServerTools), context => context.Set<PlainItem>().ToList().ForEach(Change));

    [IterationSetup(Targets = [nameof(UpdateAudited)])]
    public void LoadAudited() => Load(context => context.AuditedItems.ToList().ForEach(Change));

    [IterationSetup(Targets = [nameof(InsertPlain)])]
    public void NewPlain() => Load(context => context.PlainItems.AddRange(Enumerable.Range(0, Count).Select(i => Fill(new PlainItem(), i))));

    [IterationSetup(Targets = [nameof(InsertAudited)])]
    public void NewAudited() => Load(context => context.AuditedItems.AddRange(Enumerable.Range(0, Count).Select(i => Fill(new AuditedItem(), i))));

    [IterationCleanup]
    public void Dispose() => _context.Dispose();

    [Benchmark(Baseline = true, Description = "plain")]
    [BenchmarkCategory("1,000 updates, 3 of 10 fields changed")]
    public int UpdatePlain() => _context.SaveChanges();

    [Benchmark(Description = "[Audited]")]
    [BenchmarkCategory("1,000 updates, 3 of 10 fields changed")]
    public int UpdateAudited() => _context.SaveChanges();

    [Benchmark(Baseline = true, Description = "plain")]
    [BenchmarkCategory("1,000 inserts")]
    public int InsertPlain() => _context.SaveChanges();

    [Benchmark(Description = "[Audited]")]
    [BenchmarkCategory("1,000 inserts")]
    public int InsertAudited() => _context.SaveChanges();

    [Benchmark(Baseline = true, Description = "without UseServerTools()")]
    [BenchmarkCategory("1,000 updates of an entity without [Audited]")]
    public int UpdatePlainWithoutServerTools() => _context.SaveChanges();

    [Benchmark(Description = "with UseServerTools()")]
    [BenchmarkCategory("1,000 updates of an entity without [Audited]")]
    public int UpdatePlainWithServerTools() => _context.SaveChanges();

    private void Load(Action<BenchmarkContext> prepare)
    {
        var context = new BenchmarkContext(_options);
        Load(context, _ => prepare(context));
    }

    private void Load(DbContext context, Action<DbContext> prepare)
    {
        _round++;
        _context = context;
        _context.Database.ExecuteSqlRaw("VACUUM ANALYZE");
        _context.Database.ExecuteSqlRaw("CHECKPOINT");
        prepare(_context);
    }

    private void Change(Item item)
    {
        item.Price += 1;
        item.Quantity = _round;
        item.UpdatedAt = DateTimeOffset.UnixEpoch.AddMinutes(_round);
    }

    private static T Fill<T>(T item, int i)
        where T : Item
    {
        (item.Code, item.Name, item.Price, item.Quantity, item.Active, item.UpdatedAt, item.Reference, item.Weight, item.Note) =
            ($"{typeof(T).Name}-{i}", $"Item {i}", 10m + i, i, true, DateTimeOffset.UnixEpoch, Guid.Empty, 1.5, null);
        return item;
    }
}
