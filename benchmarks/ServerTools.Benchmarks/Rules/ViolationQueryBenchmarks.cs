using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using System.Threading.Tasks;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// Which of 1,000,000 orders on the private PostgreSQL break a data rule, answered in SQL:
/// <c>EntitiesViolatingRule&lt;T&gt;(id)</c> for a selective rule (an embargoed country, about 0.1% of the orders) and
/// <c>EntitiesViolatingRuleSet&lt;T&gt;("invoice")</c> for the 7 rules of a set, counted and as ids, against the same
/// predicates written by hand in LINQ (baseline). The difference is what the extension adds: reading the definitions
/// from the table (one query), checking them and building the predicate. The table has no index the predicates could
/// use, so every query is a sequential scan, as a report over a whole table is. That difference is within the noise of
/// a scan of 1,000,000 rows, so it is also timed alone: building each query without running it. The setup fails the
/// run unless every query finds the orders the chain finds in memory, and the rule set's SQL is the hand-written one's.
/// </summary>
/// <remarks>In-process, as the other suites on PostgreSQL; a pooled context per call.</remarks>
[MemoryDiagnoser]
[MedianColumn]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[Config(typeof(Jobs))]
public class ViolationQueryBenchmarks
{
    private const string Rule = RuleBenchmarkData.IdPrefix + "country_embargo_kp";
    private const string RuleSet = "invoice";

    /// <summary>How many of the orders break the rule, and the set, by the hand-written chain in memory; once per process.</summary>
    private static readonly Lazy<(int Rule, int Set)> s_expected = new(CountInMemory);

    private PooledDbContextFactory<RuleBenchmarkContext>? _contexts;

    /// <summary>
    /// Loads the orders on first use, and fails the run unless the rule queries, the hand-written queries and the
    /// hand-written chain over the same orders in memory count the same orders.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _contexts = new PooledDbContextFactory<RuleBenchmarkContext>(RuleBenchmarkData.Options(RuleBenchmarkData.WithOrders));
        var (byRule, bySet) = s_expected.Value;
        Agree($"rule {Rule}", byRule, [Await(HandRuleCount()), Await(RuleCount()), Await(HandRuleIds()).Count, Await(RuleIds()).Count]);
        Agree($"rule set {RuleSet}", bySet, [Await(HandSetCount()), Await(SetCount()), Await(HandSetIds()).Count, Await(SetIds()).Count]);
        using var context = _contexts.CreateDbContext();
        var sql = context.EntitiesViolatingRuleSet<RuleOrder>(RuleSet).ToQueryString();
        if (sql != HandSet(context).ToQueryString())
        {
            throw new InvalidOperationException($"EntitiesViolatingRuleSet does not send the hand-written query's SQL:{Environment.NewLine}{sql}");
        }
    }

    [Benchmark(Baseline = true, Description = "hand-written Where")]
    [BenchmarkCategory("one rule, CountAsync")]
    public async Task<int> HandRuleCount()
    {
        await using var context = _contexts!.CreateDbContext();
        return await HandRule(context).CountAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "EntitiesViolatingRule")]
    [BenchmarkCategory("one rule, CountAsync")]
    public async Task<int> RuleCount()
    {
        await using var context = _contexts!.CreateDbContext();
        return await context.EntitiesViolatingRule<RuleOrder>(Rule).CountAsync().ConfigureAwait(false);
    }

    [Benchmark(Baseline = true, Description = "hand-written Where")]
    [BenchmarkCategory("one rule, ids")]
    public async Task<List<int>> HandRuleIds()
    {
        await using var context = _contexts!.CreateDbContext();
        return await HandRule(context).Select(static order => order.Id).ToListAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "EntitiesViolatingRule")]
    [BenchmarkCategory("one rule, ids")]
    public async Task<List<int>> RuleIds()
    {
        await using var context = _contexts!.CreateDbContext();
        return await context.EntitiesViolatingRule<RuleOrder>(Rule).Select(static order => order.Id).ToListAsync().ConfigureAwait(false);
    }

    [Benchmark(Baseline = true, Description = "hand-written Where")]
    [BenchmarkCategory("rule set, CountAsync")]
    public async Task<int> HandSetCount()
    {
        await using var context = _contexts!.CreateDbContext();
        return await HandSet(context).CountAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "EntitiesViolatingRuleSet")]
    [BenchmarkCategory("rule set, CountAsync")]
    public async Task<int> SetCount()
    {
        await using var context = _contexts!.CreateDbContext();
        return await context.EntitiesViolatingRuleSet<RuleOrder>(RuleSet).CountAsync().ConfigureAwait(false);
    }

    [Benchmark(Baseline = true, Description = "hand-written Where")]
    [BenchmarkCategory("rule set, ids")]
    public async Task<List<int>> HandSetIds()
    {
        await using var context = _contexts!.CreateDbContext();
        return await HandSet(context).Select(static order => order.Id).ToListAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "EntitiesViolatingRuleSet")]
    [BenchmarkCategory("rule set, ids")]
    public async Task<List<int>> SetIds()
    {
        await using var context = _contexts!.CreateDbContext();
        return await context.EntitiesViolatingRuleSet<RuleOrder>(RuleSet).Select(static order => order.Id).ToListAsync().ConfigureAwait(false);
    }

    [Benchmark(Description = "EntitiesViolatingRule, query built, not run")]
    [BenchmarkCategory("building the query")]
    public Expression BuildRuleQuery()
    {
        using var context = _contexts!.CreateDbContext();
        return context.EntitiesViolatingRule<RuleOrder>(Rule).Expression;
    }

    [Benchmark(Description = "EntitiesViolatingRuleSet, query built, not run")]
    [BenchmarkCategory("building the query")]
    public Expression BuildSetQuery()
    {
        using var context = _contexts!.CreateDbContext();
        return context.EntitiesViolatingRuleSet<RuleOrder>(RuleSet).Expression;
    }

    private static (int Rule, int Set) CountInMemory()
    {
        var rule = Array.Find(RuleCatalog.Rules, static rule => RuleBenchmarkData.IdPrefix + rule.Name == Rule)!;
        var setRules = RuleCatalog.Rules.Where(static rule => rule.RuleSets.Contains(RuleSet)).ToHashSet();
        var (byRule, bySet) = (0, 0);
        foreach (var order in RuleOrders.Create<RuleOrder>(RuleBenchmarkData.OrderCount))
        {
            if (HandWrittenRules.Check(order) is { } violations)
            {
                byRule += violations.Exists(v => v.Rule == rule) ? 1 : 0;
                bySet += violations.Exists(v => setRules.Contains(v.Rule)) ? 1 : 0;
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Setup: of {RuleBenchmarkData.OrderCount:N0} orders, {byRule:N0} break {Rule} and {bySet:N0} a rule of the set {RuleSet} ({setRules.Count} rules), by the chain in memory"));
        return (byRule, bySet);
    }

    /// <summary>The condition of <c>data.country_embargo_kp</c>, by hand.</summary>
    private static IQueryable<RuleOrder> HandRule(RuleBenchmarkContext context) => context.Orders.Where(static order => order.Country == "KP");

    /// <summary>The conditions of the 7 rules of the set "invoice", by hand, in sequence order.</summary>
    private static IQueryable<RuleOrder> HandSet(RuleBenchmarkContext context) => context.Orders.Where(static order =>
        order.Amount > 100000m
        || (order.CreditLimit != null && order.Amount > order.CreditLimit)
        || order.Country == "KP"
        || ((order.Status == OrderStatus.Shipped || order.Status == OrderStatus.Invoiced) && order.ShippedAt == null)
        || (order.Status == OrderStatus.Invoiced && order.Amount < 0m)
        || order.Country == "SY"
        || (order.Status == OrderStatus.Invoiced && order.ShippedAt == null));

    private static int Await(Task<int> task) => task.GetAwaiter().GetResult();

    private static List<int> Await(Task<List<int>> task) => task.GetAwaiter().GetResult();

    /// <summary>Fails the run unless the four queries (hand count, rule count, hand ids, rule ids) found what the chain finds in memory.</summary>
    private static void Agree(string what, int inMemory, int[] found)
    {
        if (inMemory == 0 || Array.Exists(found, n => n != inMemory))
        {
            throw new InvalidOperationException($"For the {what}, the hand-written chain in memory finds {inMemory} orders; the queries (hand count, rule count, hand ids, rule ids) {string.Join(", ", found)}.");
        }

    }

    /// <summary>In-process, 3 warm-up and 20 measured iterations.</summary>
    private sealed class Jobs : ManualConfig
    {
        public Jobs() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(3).WithIterationCount(20));
    }
}
