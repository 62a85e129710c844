using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.Tracking;

/// <summary>
/// Delivery of 2,000 pending changes from the outbox to one subscriber that does nothing, on the private PostgreSQL: one
/// dispatch loop vs four running at once over the same outbox (what <c>Dispatchers = 4</c> runs), each calling
/// <see cref="TrackedChangeDispatcher{TContext}.DispatchAsync"/> until a pass finds nothing, default batch size (100).
/// The changes are made in the iteration setup by one SaveChanges of 2,000 updates, on an outbox emptied first, so each
/// iteration starts from the same state; only the delivery is measured.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 100, invocationCount: 1)]
[Config(typeof(Columns))]
public class DispatcherThroughputBenchmarks
{
    private const int Count = 2000;
    private readonly ProductChangeCounter _subscriber = new();
    private PostgresServer _server = null!;
    private ServiceProvider _services = null!;
    private TrackedChangeDispatcher<TrackingBenchmarkContext> _dispatcher = null!;
    private int _round;

    [GlobalSetup]
    public void Setup()
    {
        _server = TrackingBenchmarkDatabase.Start();
        _services = TrackingBenchmarkDatabase.Services(_server, _subscriber, static services => services.AddTrackedChangeDispatcher<TrackingBenchmarkContext>());
        _dispatcher = _services.GetRequiredService<TrackedChangeDispatcher<TrackingBenchmarkContext>>();
        using var scope = _services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<TrackingBenchmarkContext>();
        context.Database.EnsureCreated();
        context.TrackedProducts.AddRange(Enumerable.Range(0, Count).Select(i => TrackingBenchmarkDatabase.Fill(new TrackedProduct(), i)));
        context.SaveChanges();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _server.Dispose();
    }

    [IterationSetup]
    public void MakeChanges()
    {
        _round++;
        using var scope = _services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<TrackingBenchmarkContext>();
        context.Set<OutboxMessage>().ExecuteDelete();
        context.TrackedProducts.ToList().ForEach(product => TrackingBenchmarkDatabase.Change(product, _round));
        context.SaveChanges();
        context.Database.ExecuteSqlRaw("VACUUM ANALYZE");
        context.Database.ExecuteSqlRaw("CHECKPOINT");
        _subscriber.Reset();
    }

    /// <summary>Fails the run when a drain left changes undelivered, or delivered one twice.</summary>
    [IterationCleanup]
    public void Check()
    {
        if (_subscriber.Received != Count)
        {
            throw new InvalidOperationException($"The dispatchers delivered {_subscriber.Received} changes, not {Count}.");
        }
    }

    [Benchmark(Baseline = true, Description = "1 dispatcher")]
    [BenchmarkCategory("2,000 pending changes, batch size 100")]
    public Task<int> OneDispatcher() => DrainAsync(1);

    [Benchmark(Description = "4 dispatchers")]
    [BenchmarkCategory("2,000 pending changes, batch size 100")]
    public Task<int> FourDispatchers() => DrainAsync(4);

    private async Task<int> DrainAsync(int loops)
    {
        var handled = await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(LoopAsync))).ConfigureAwait(false);
        return handled.Sum();
    }

    private async Task<int> LoopAsync()
    {
        var total = 0;
        while (await _dispatcher.DispatchAsync().ConfigureAwait(false) is var handled and > 0)
        {
            total += handled;
        }

        return total;
    }

    /// <summary>Adds the throughput of each benchmark to the table: the changes it delivered per second of its median time.</summary>
    private sealed class Columns : ManualConfig
    {
        public Columns() => AddColumn(new ChangesPerSecondColumn());
    }

    private sealed class ChangesPerSecondColumn : IColumn
    {
        public string Id => nameof(ChangesPerSecondColumn);

        public string ColumnName => "Changes/s";

        public bool AlwaysShow => true;

        public ColumnCategory Category => ColumnCategory.Custom;

        public int PriorityInCategory => 0;

        public bool IsNumeric => true;

        public UnitType UnitType => UnitType.Dimensionless;

        public string Legend => $"{Count:N0} changes divided by the median time";

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

        public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
            => summary[benchmarkCase]?.ResultStatistics is { } statistics
                ? (Count / (statistics.Median / 1e9)).ToString("N0", style.CultureInfo ?? CultureInfo.InvariantCulture)
                : "NA";

        public bool IsAvailable(Summary summary) => true;

        public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    }
}
