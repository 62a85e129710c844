using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using FuzzySharp;
using FuzzySharp.Extractor;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace ServerTools.Benchmarks.FuzzySearch;

/// <summary>
/// The 10 best matches of a misspelt name among 1,000,000 partners on the private PostgreSQL: the generated
/// <c>FuzzySearch</c> against the best hand-written SQL for the same result (pg_trgm's <c>%</c> at its default threshold
/// 0.3, best first, ties by id), the same SQL on a copy of the table without the trigram index, and FuzzySharp's
/// <see cref="Process.ExtractTop(string, IEnumerable{string}, Func{string, string}, FuzzySharp.SimilarityRatio.Scorer.IRatioScorer, int, int)"/>
/// over the names in memory.
/// </summary>
/// <remarks>
/// <para>
/// All run in BenchmarkDotNet's process (in-process toolchain), on one private server and one copy of the data, loaded
/// on first use (its steps' times are in the log). With a process, and so a server and a load, per benchmark, the same
/// query's median differed by up to 13% from one process to the next on the 2-core build machine: more than the
/// difference being measured.
/// </para>
/// <para>
/// Two jobs: <see cref="Indexed"/> (many iterations) for the two searches that read the index, and <see cref="Slow"/>
/// (few iterations) for the two that read every name, from 0.7 to 5 seconds per call; the hand-written baseline runs in
/// both, so each job's ratios are against a baseline measured in the same way.
/// </para>
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Jobs))]
public class FuzzySearchBenchmarks
{
    /// <summary>The job of the searches that read the trigram index.</summary>
    public const string Indexed = "Indexed";

    /// <summary>The job of the searches that read every name.</summary>
    public const string Slow = "FullScan";

    private const string IndexedSql = "SELECT \"Id\", \"Name\" FROM \"" + FuzzySearchBenchmarkData.IndexedTable + Search;

    private const string UnindexedSql = "SELECT \"Id\", \"Name\" FROM \"" + FuzzySearchBenchmarkData.UnindexedTable + Search;

    private const string Search = "\" WHERE \"Name\" % $1 ORDER BY similarity(\"Name\", $1) DESC, \"Id\" LIMIT 10";

    private NpgsqlConnection? _connection;
    private PooledDbContextFactory<FuzzySearchBenchmarkContext>? _contexts;
    private string[] _names = [];

    /// <summary>What the user typed: a name with typos.</summary>
    [Params("jon smyth", "mariia garcai", "oliver twits")]
    public string Term { get; set; } = "";

    /// <summary>
    /// Connects to the indexed table, and fails the run unless the generated search returns the hand-written query's
    /// partners, in the same order, for the term.
    /// </summary>
    [GlobalSetup(Targets = [nameof(HandWritten), nameof(Generated)])]
    public void ConnectIndexed()
    {
        var options = FuzzySearchBenchmarkData.Indexed;
        _contexts = new PooledDbContextFactory<FuzzySearchBenchmarkContext>(options);
        using (var context = _contexts.CreateDbContext())
        {
            _connection = Open(context.Database.GetConnectionString()!);
        }

        var handWritten = HandWritten().GetAwaiter().GetResult().Select(static partner => partner.Id).ToList();
        var generated = Generated().GetAwaiter().GetResult().Select(static partner => partner.Id).ToList();
        if (handWritten.Count == 0 || !handWritten.SequenceEqual(generated))
        {
            throw new InvalidOperationException(
                $"For '{Term}' the hand-written SQL found [{string.Join(", ", handWritten)}] and the generated FuzzySearch [{string.Join(", ", generated)}]; "
                + "the comparison needs the same partners in the same order.");
        }
    }

    /// <summary>Connects to the table without the trigram index.</summary>
    [GlobalSetup(Target = nameof(HandWrittenWithoutIndex))]
    public void ConnectUnindexed() => _connection = Open(FuzzySearchBenchmarkData.Unindexed);

    /// <summary>Takes the names in memory.</summary>
    [GlobalSetup(Target = nameof(FuzzySharpInMemory))]
    public void TakeNames() => _names = FuzzySearchBenchmarkData.Names;

    /// <summary>Closes the connection; the server serves the next benchmarks, and stops when the process exits.</summary>
    [GlobalCleanup]
    public void Cleanup() => _connection?.Dispose();

    /// <summary>The best hand-written SQL, on an open Npgsql connection, read into partners.</summary>
    [Benchmark(Baseline = true, Description = "hand-written SQL, Npgsql")]
    public Task<List<Partner>> HandWritten() => QueryAsync(IndexedSql);

    /// <summary>The generated search, no tracking, in a context from a pool, one per call, as a web request would get it.</summary>
    [Benchmark(Description = "generated FuzzySearch, EF Core")]
    public async Task<List<Partner>> Generated()
    {
        await using var context = _contexts!.CreateDbContext();
        return await context.Partners.AsNoTracking().FuzzySearch(Term).Take(10).ToListAsync().ConfigureAwait(false);
    }

    /// <summary>The hand-written SQL on the table without the trigram index: every name is compared.</summary>
    [Benchmark(Description = "hand-written SQL, no index")]
    public Task<List<Partner>> HandWrittenWithoutIndex() => QueryAsync(UnindexedSql);

    /// <summary>FuzzySharp's best 10 of the names in memory (its defaults: WeightedRatio, lower-cased, punctuation removed).</summary>
    [Benchmark(Description = "FuzzySharp ExtractTop, in memory")]
    public List<ExtractedResult<string>> FuzzySharpInMemory() => Process.ExtractTop(Term, _names, limit: 10).ToList();

    private static NpgsqlConnection Open(string connectionString)
    {
        var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return connection;
    }

    private async Task<List<Partner>> QueryAsync(string sql)
    {
        await using var command = new NpgsqlCommand(sql, _connection)
        {
            Parameters = { new NpgsqlParameter { Value = Term } },
        };
        await using var reader = await command.ExecuteReaderAsync().ConfigureAwait(false);
        var partners = new List<Partner>(10);
        while (await reader.ReadAsync().ConfigureAwait(false))
        {
            partners.Add(new Partner { Id = reader.GetInt32(0), Name = reader.GetString(1) });
        }

        return partners;
    }

    /// <summary>
    /// In-process. <see cref="Indexed"/>: 5 warm-up and 50 measured iterations. <see cref="Slow"/>: 1 warm-up and 5
    /// measured, which BenchmarkDotNet runs with one call per iteration for the searches that take longer than an
    /// iteration (0.5 s). In both, the pilot chooses the calls per iteration of the faster searches. The filter puts each
    /// benchmark in its job(s).
    /// </summary>
    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            AddJob(Job.Default.WithId(Indexed).WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(50));
            AddJob(Job.Default.WithId(Slow).WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(1).WithIterationCount(5));
            AddFilter(new SimpleFilter(static benchmark => benchmark.Descriptor.WorkloadMethod.Name switch
            {
                nameof(HandWritten) => true,
                nameof(Generated) => benchmark.Job.Id == Indexed,
                _ => benchmark.Job.Id == Slow,
            }));
        }
    }
}
