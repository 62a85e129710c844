using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.Tracking;

/// <summary>
/// SaveChanges of 1,000 updated entities on the private PostgreSQL, <c>[Tracked]</c> (one hook implemented, one subscriber
/// registered in the application's services) vs the same entity without <c>[Tracked]</c>, in one context with
/// UseServerTools(). The subscriber is not called during SaveChanges: a tracked save runs the hook and writes one outbox
/// row per change, in its transaction. Only SaveChanges is measured: loading and editing happen in the iteration setup.
/// Two tracked cases: no dispatcher runs, so the outbox's pending changes pile up (100,000 by the end of the run); and
/// a dispatcher delivers every pending change before each save (unmeasured, in the iteration setup), as one that keeps up
/// with the application does.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 100, invocationCount: 1)]
public class TrackedSaveChangesBenchmarks
{
    private const int Count = 1000;
    private PostgresServer _server = null!;
    private ServiceProvider _services = null!;
    private IServiceScope _scope = null!;
    private TrackingBenchmarkContext _context = null!;
    private TrackedChangeDispatcher<TrackingBenchmarkContext> _dispatcher = null!;
    private int _round;
    private int _outboxRows;

    [GlobalSetup]
    public void Setup()
    {
        _server = TrackingBenchmarkDatabase.Start();
        _services = TrackingBenchmarkDatabase.Services(_server, new ProductChangeCounter(), static services => services.AddTrackedChangeDispatcher<TrackingBenchmarkContext>());
        _dispatcher = _services.GetRequiredService<TrackedChangeDispatcher<TrackingBenchmarkContext>>();
        using var scope = _services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<TrackingBenchmarkContext>();
        context.Database.EnsureCreated();
        context.TrackedProducts.AddRange(Enumerable.Range(0, Count).Select(i => TrackingBenchmarkDatabase.Fill(new TrackedProduct(), i)));
        context.UntrackedProducts.AddRange(Enumerable.Range(0, Count).Select(i => TrackingBenchmarkDatabase.Fill(new UntrackedProduct(), i)));
        context.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _server.Dispose();
    }

    [IterationSetup(Targets = [nameof(UpdateUntracked)])]
    public void LoadUntracked() => Load(context => context.UntrackedProducts.ToList().ForEach(Change));

    [IterationSetup(Targets = [nameof(UpdateTracked)])]
    public void LoadTracked() => Load(context => context.TrackedProducts.ToList().ForEach(Change));

    [IterationSetup(Targets = [nameof(UpdateTrackedDelivered)])]
    public void DeliverAndLoadTracked()
    {
        while (_dispatcher.DispatchAsync().GetAwaiter().GetResult() > 0)
        {
        }

        LoadTracked();
    }

    [IterationCleanup(Targets = [nameof(UpdateUntracked)])]
    public void Dispose() => _scope.Dispose();

    /// <summary>Fails the run when a tracked save did not run the hook of every entity or write one outbox row for each.</summary>
    [IterationCleanup(Targets = [nameof(UpdateTracked), nameof(UpdateTrackedDelivered)])]
    public void CheckTracked()
    {
        var outboxRows = _context.Set<OutboxMessage>().Count();
        var hooksRun = _context.TrackedProducts.Local.Count(product => product.QuantityDelta == 1);
        _scope.Dispose();
        if (outboxRows != _outboxRows + Count || hooksRun != Count)
        {
            throw new InvalidOperationException($"The save ran {hooksRun} hooks and wrote {outboxRows - _outboxRows} outbox rows; {Count} of each were expected.");
        }

        _outboxRows = outboxRows;
    }

    [Benchmark(Baseline = true, Description = "without [Tracked]")]
    [BenchmarkCategory("1,000 updates, 3 of 10 fields changed")]
    public int UpdateUntracked() => _context.SaveChanges();

    [Benchmark(Description = "[Tracked], pending changes pile up")]
    [BenchmarkCategory("1,000 updates, 3 of 10 fields changed")]
    public int UpdateTracked() => _context.SaveChanges();

    [Benchmark(Description = "[Tracked], delivered before each save")]
    [BenchmarkCategory("1,000 updates, 3 of 10 fields changed")]
    public int UpdateTrackedDelivered() => _context.SaveChanges();

    private void Load(Action<TrackingBenchmarkContext> prepare)
    {
        _round++;
        _scope = _services.CreateScope();
        _context = _scope.ServiceProvider.GetRequiredService<TrackingBenchmarkContext>();
        _context.Database.ExecuteSqlRaw("VACUUM ANALYZE");
        _context.Database.ExecuteSqlRaw("CHECKPOINT");
        prepare(_context);
    }

    private void Change(Product product) => TrackingBenchmarkDatabase.Change(product, _round);
}
