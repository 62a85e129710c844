using System;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// The 100,000 orders of <see cref="CodeRuleBenchmarks"/> checked against the same 50 rules as data rules
/// (<see cref="ExceptionRuleDefinition"/> rows on the private PostgreSQL, compiled by the engine's store) through
/// <see cref="IExceptionRuleEngine.Evaluate{T}"/>, against the same hand-written chain. The store reads the table once
/// (refresh interval one hour); the setup proves that evaluating every order sends no command to the database.
/// </summary>
/// <remarks>In-process, as the other suites on PostgreSQL: one server and one set of definitions per run.</remarks>
[MemoryDiagnoser]
[MedianColumn]
[Config(typeof(Jobs))]
public class DataRuleBenchmarks
{
    private RuleOrder[] _orders = [];
    private RuleEngineScope? _engine;
    private RuleExpression<RuleOrder>[] _delegates = [];
    private Func<RuleOrder, bool>?[] _none = [];

    /// <summary>
    /// Creates the orders and an engine whose data rules are those of the benchmark database, and fails the run unless
    /// the engine and the chain find the same violations of every order, and unless that sent nothing to the database.
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        _orders = RuleOrders.Create<RuleOrder>(CodeRuleBenchmarks.Count);
        var commands = new CommandCounter();
        var options = RuleBenchmarkData.Options(RuleBenchmarkData.WithRules, commands);
        _engine = new RuleEngineScope(
            o =>
            {
                o.Rules.UseDataRules<RuleBenchmarkContext>();
                o.Rules.DataRuleRefreshInterval = TimeSpan.FromHours(1);
            },
            services => services.AddScoped(_ => new RuleBenchmarkContext(options)));
        var engine = _engine.Engine;
        if (engine.RulesFor(typeof(RuleOrder)).Count != RuleCatalog.Rules.Length)
        {
            throw new InvalidOperationException($"The engine has {engine.RulesFor(typeof(RuleOrder)).Count} rules for RuleOrder, not the {RuleCatalog.Rules.Length} data rules.");
        }

        var read = commands.Count;
        var (broken, violations) = RuleAgreement.Check(_orders, order => engine.Evaluate(order), RuleBenchmarkData.IdPrefix);
        if (commands.Count != read)
        {
            throw new InvalidOperationException($"Evaluating the orders sent {commands.Count - read} commands to the database; the data rules should come from the store's cache.");
        }

        _delegates = Array.ConvertAll(RuleCatalog.Rules, static rule => RuleExpression.Compile<RuleOrder>(rule.Expression));
        _none = new Func<RuleOrder, bool>?[_delegates.Length];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Setup: {broken:N0} of {_orders.Length:N0} orders break {violations:N0} rules, the same by the engine's data rules and by hand; the rules were read with {read} command(s), the evaluations sent none"));
    }

    [GlobalCleanup]
    public void Cleanup() => _engine?.Dispose();

    [Benchmark(Baseline = true, Description = "hand-written ifs")]
    public int HandWritten() => HandWrittenRules.CountViolations(_orders);

    [Benchmark(Description = "engine, 50 data rules")]
    public int Engine() => _engine!.CountViolations(_orders);

    /// <summary>
    /// The engine's work without the engine: the 50 expressions compiled by <see cref="RuleExpression.Compile{T}"/> (the
    /// in-memory form the engine runs) called one after the other, collecting violations as the chain does. The
    /// difference to <see cref="Engine"/> is the engine's own cost.
    /// </summary>
    [Benchmark(Description = "the 50 compiled expressions, called directly")]
    public int Delegates() => DataRuleCostBenchmarks.CountViolations(_orders, _delegates, _none);

    /// <summary>In-process, 5 warm-up and 20 measured iterations.</summary>
    private sealed class Jobs : ManualConfig
    {
        public Jobs() => AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance).WithWarmupCount(5).WithIterationCount(20));
    }
}
