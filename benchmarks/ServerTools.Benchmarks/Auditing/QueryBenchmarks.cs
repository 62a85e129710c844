using System.Collections.Generic;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.EntityFrameworkCore;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.Auditing;

/// <summary>
/// What UseServerTools() costs a query: 1,000 rows of an [Audited] entity read into a new context, with and without
/// UseServerTools(), tracked and not. A tracking query raises EF Core's ChangeTracker.Tracked event for every entity it
/// tracks, and ServerTools listens to it (to tell loaded entities from attached ones, for the audit's original values);
/// a no-tracking query raises none, so it shows what is left: the interceptors' cost per command.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 40)]
public class QueryBenchmarks
{
    private const int Count = 1000;
    private PostgresServer _server = null!;
    private DbContextOptions<BenchmarkContext> _with = null!;
    private DbContextOptions<BenchmarkContext> _without = null!;

    [GlobalSetup]
    public void Setup()
    {
        _server = PostgresServer.StartAsync(new PostgresServerOptions()).GetAwaiter().GetResult();
        var connection = _server.CreateDatabaseAsync("query").GetAwaiter().GetResult();
        _with = new DbContextOptionsBuilder<BenchmarkContext>().UseNpgsql(connection).UseServerTools().Options;
        _without = new DbContextOptionsBuilder<BenchmarkContext>().UseNpgsql(connection).Options;
        using var context = new BenchmarkContext(_with);
        context.Database.EnsureCreated();
        context.AuditedItems.AddRange(Enumerable.Range(0, Count).Select(static i => new AuditedItem { Code = "C" + i, Name = "Item " + i, Price = i, Quantity = i }));
        context.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup() => _server.Dispose();

    [Benchmark(Baseline = true, Description = "without UseServerTools()")]
    [BenchmarkCategory("1,000 rows, tracking query")]
    public List<AuditedItem> TrackingWithout() => Read(_without, tracking: true);

    [Benchmark(Description = "with UseServerTools()")]
    [BenchmarkCategory("1,000 rows, tracking query")]
    public List<AuditedItem> TrackingWith() => Read(_with, tracking: true);

    [Benchmark(Baseline = true, Description = "without UseServerTools()")]
    [BenchmarkCategory("1,000 rows, no-tracking query")]
    public List<AuditedItem> NoTrackingWithout() => Read(_without, tracking: false);

    [Benchmark(Description = "with UseServerTools()")]
    [BenchmarkCategory("1,000 rows, no-tracking query")]
    public List<AuditedItem> NoTrackingWith() => Read(_with, tracking: false);

    private static List<AuditedItem> Read(DbContextOptions<BenchmarkContext> options, bool tracking)
    {
        using var context = new BenchmarkContext(options);
        var query = tracking ? context.AuditedItems : context.AuditedItems.AsNoTracking();
        return query.ToList();
    }
}
