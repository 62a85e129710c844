using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ServerTools.Benchmarks.TimeWindows;

/// <summary>
/// The ids of the stores open at an instant, among 100,000 on the private PostgreSQL, each in its own time zone: the
/// generated <c>WhereOpenAt</c>, which PostgreSQL answers, against loading every store with its windows and asking
/// <c>IsOpenAt</c> in memory. Two instants: an ordinary one, and one inside the repeated hour after the European
/// clocks went back on 2026-10-25, where the query reads each row's clock at two instants and keeps the higher.
/// </summary>
/// <remarks>
/// In-process (BenchmarkDotNet's in-process toolchain), as the fuzzy search benchmark: the stores are saved once per
/// process, by the first setup (its steps' times are in the log), and every benchmark reads the same server and data.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Jobs))]
public class WhereOpenAtBenchmarks
{
    private PooledDbContextFactory<WhereOpenAtBenchmarkContext>? _contexts;
    private DateTimeOffset _instant;

    /// <summary>The instant asked about, UTC.</summary>
    [Params("2026-11-23 15:00", "2026-10-25 01:30")]
    public string At { get; set; } = "";

    /// <summary>Fills the database on first use, and fails the run unless both ways find the same stores, and some.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _contexts = new PooledDbContextFactory<WhereOpenAtBenchmarkContext>(WhereOpenAtBenchmarkData.Options);
        _instant = DateTimeOffset.ParseExact(At, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        var query = WhereOpenAt().GetAwaiter().GetResult();
        var inMemory = LoadAndFilter().GetAwaiter().GetResult();
        query.Sort();
        inMemory.Sort();
        if (query.Count == 0 || !query.SequenceEqual(inMemory))
        {
            throw new InvalidOperationException(
                $"At {At} WhereOpenAt found {query.Count} stores and IsOpenAt in memory {inMemory.Count}, "
                + $"{query.Except(inMemory).Count()} only by the query and {inMemory.Except(query).Count()} only in memory; the comparison needs the same stores.");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Setup: at {At}, {query.Count:N0} of {WhereOpenAtBenchmarkData.Count:N0} stores open, both ways"));
    }

    /// <summary>Every store with its windows, no tracking, and IsOpenAt on each in memory.</summary>
    [Benchmark(Baseline = true, Description = "load all, IsOpenAt in memory")]
    public async Task<List<int>> LoadAndFilter()
    {
        await using var context = _contexts!.CreateDbContext();
        var stores = await context.Stores.AsNoTracking().ToListAsync().ConfigureAwait(false);
        var open = new List<int>();
        foreach (var store in stores)
        {
            if (store.IsOpenAt(_instant))
            {
                open.Add(store.Id);
            }
        }

        return open;
    }

    /// <summary>The generated query, in a context from a pool, one per call: the ids of the open stores.</summary>
    [Benchmark(Description = "WhereOpenAt, ids")]
    public async Task<List<int>> WhereOpenAt()
    {
        await using var context = _contexts!.CreateDbContext();
        return await context.Stores.WhereOpenAt(_instant).Select(static store => store.Id).ToListAsync().ConfigureAwait(false);
    }

    /// <summary>In-process, 3 warm-up and 15 measured iterations; the pilot chooses the calls per iteration of the query.</summary>
    private sealed class Jobs : ManualConfig
    {
        public Jobs() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(15));
    }
}
