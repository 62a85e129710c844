using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using BenchmarkDotNet.Jobs;
using FuzzySharp;
using FuzzySharp.Extractor;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using ServerTools.Testing;

namespace ServerTools.Benchmarks.FuzzySearch;

/// <summary>
/// The 10 best matches of a misspelt name among 1,000,000 partners on the private PostgreSQL: the generated
/// <c>FuzzySearch</c> against the best hand-written SQL for the same result (pg_trgm's <c>%</c> at its default threshold
/// 0.3, best first, ties by id), the same SQL on a copy of the table without the trigram index, and FuzzySharp's
/// <see cref="Process.ExtractTop(string, IEnumerable{string}, Func{string, string}, FuzzySharp.SimilarityRatio.Scorer.IRatioScorer, int, int)"/>
/// over the names in memory.
/// </summary>
/// <remarks>
/// Two jobs: <see cref="Indexed"/> (many iterations) for the two searches that read the index, and <see cref="Slow"/>
/// (few iterations of one call) for the two that read every name, a second or more per call; the hand-written baseline
/// runs in both, so each job's ratios are against a baseline measured in the same way. Each process loads only the data
/// its benchmark reads (the indexed table, the unindexed one, or the names in memory) and writes each setup step's time
/// to the log.
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

    private PostgresServer? _server;
    private NpgsqlConnection? _connection;
    private PooledDbContextFactory<FuzzySearchBenchmarkContext>? _contexts;
    private string[] _names = [];

    /// <summary>What the user typed: a name with typos.</summary>
    [Params("jon smyth", "mariia garcai", "oliver twits")]
    public string Term { get; set; } = "";

    /// <summary>
    /// Loads the indexed table, and fails the run unless the generated search returns the hand-written query's partners,
    /// in the same order, for the term (each term runs in a process of its own, so every term is checked).
    /// </summary>
    [GlobalSetup(Targets = [nameof(HandWritten), nameof(Generated)])]
    public void LoadIndexed()
    {
        var names = Generate();
        _server = FuzzySearchBenchmarkData.Start();
        var connectionString = _server.CreateDatabaseAsync("fuzzy").GetAwaiter().GetResult();
        var options = new DbContextOptionsBuilder<FuzzySearchBenchmarkContext>().UseNpgsql(connectionString).UseServerTools().Options;
        FuzzySearchBenchmarkData.LoadIndexed(options, names);
        _contexts = new PooledDbContextFactory<FuzzySearchBenchmarkContext>(options);
        _connection = Open(connectionString);

        var handWritten = HandWritten().GetAwaiter().GetResult().Select(static partner => partner.Id).ToList();
        var generated = Generated().GetAwaiter().GetResult().Select(static partner => partner.Id).ToList();
        if (handWritten.Count == 0 || !handWritten.SequenceEqual(generated))
        {
            throw new InvalidOperationException(
                $"For '{Term}' the hand-written SQL found [{string.Join(", ", handWritten)}] and the generated FuzzySearch [{string.Join(", ", generated)}]; "
                + "the comparison needs the same partners in the same order.");
        }

        Console.WriteLine($"// Setup: '{Term}' finds partners [{string.Join(", ", handWritten)}], the same in both queries.");
    }

    /// <summary>Loads the table without the trigram index.</summary>
    [GlobalSetup(Target = nameof(HandWrittenWithoutIndex))]
    public void LoadUnindexed()
    {
        var names = Generate();
        _server = FuzzySearchBenchmarkData.Start();
        var connectionString = _server.CreateDatabaseAsync("fuzzy").GetAwaiter().GetResult();
        FuzzySearchBenchmarkData.LoadUnindexed(connectionString, names);
        _connection = Open(connectionString);
    }

    /// <summary>Holds the names in memory.</summary>
    [GlobalSetup(Target = nameof(FuzzySharpInMemory))]
    public void LoadInMemory() => _names = Generate();

    [GlobalCleanup]
    public void Cleanup()
    {
        _connection?.Dispose();
        _server?.Dispose();
    }

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

    private static string[] Generate()
    {
        var names = Array.Empty<string>();
        FuzzySearchBenchmarkData.Step($"{FuzzySearchBenchmarkData.Count:N0} names generated", () => names = FuzzySearchBenchmarkData.Names());
        return names;
    }

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
    /// <see cref="Indexed"/>: BenchmarkDotNet's default run (invocations per iteration chosen by the pilot), 5 warm-up and
    /// 50 measured iterations. <see cref="Slow"/>: one call per iteration, 1 warm-up and 5 measured. The filter puts each
    /// benchmark in its job(s).
    /// </summary>
    private sealed class Jobs : ManualConfig
    {
        public Jobs()
        {
            AddJob(Job.Default.WithId(Indexed).WithWarmupCount(5).WithIterationCount(50));
            AddJob(Job.Default.WithId(Slow).WithWarmupCount(1).WithIterationCount(5).WithInvocationCount(1).WithUnrollFactor(1));
            AddFilter(new SimpleFilter(static benchmark => benchmark.Descriptor.WorkloadMethod.Name switch
            {
                nameof(HandWritten) => true,
                nameof(Generated) => benchmark.Job.Id == Indexed,
                _ => benchmark.Job.Id == Slow,
            }));
        }
    }
}
