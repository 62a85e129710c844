using System;
using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// 100,000 orders checked against the 50 code rules of <c>CodeRules.cs</c> (<c>[ExceptionRule]</c> classes registered by
/// the generator) through <see cref="IExceptionRuleEngine.Evaluate{T}"/>, against <see cref="HandWrittenRules.Check"/>,
/// the same 50 checks as a chain of <c>if</c> statements. One order in 20 breaks some rule. The engine is the scoped
/// service of <c>AddServerTools()</c> without data rules, created once; every order is evaluated against all rules.
/// Three launches, to spread the machine's drift over both; docs/benchmarks.md also gives the ratio timed interleaved.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 3, warmupCount: 5, iterationCount: 15)]
public class CodeRuleBenchmarks
{
    /// <summary>How many orders are checked per call.</summary>
    public const int Count = 100_000;

    private CodeRuleOrder[] _orders = [];
    private RuleEngineScope? _engine;

    /// <summary>Creates the orders and the engine, and fails the run unless both find the same violations of every order.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _orders = RuleOrders.Create<CodeRuleOrder>(Count);
        _engine = new RuleEngineScope();
        var engine = _engine.Engine;
        if (engine.RulesFor(typeof(CodeRuleOrder)).Count != RuleCatalog.Rules.Length)
        {
            throw new InvalidOperationException($"The engine has {engine.RulesFor(typeof(CodeRuleOrder)).Count} code rules for CodeRuleOrder, not {RuleCatalog.Rules.Length}.");
        }

        var (broken, violations) = RuleAgreement.Check(_orders, order => engine.Evaluate(order), "code.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Setup: {broken:N0} of {Count:N0} orders break {violations:N0} rules, the same by the engine and by hand"));
    }

    [GlobalCleanup]
    public void Cleanup() => _engine?.Dispose();

    [Benchmark(Baseline = true, Description = "hand-written ifs")]
    public int HandWritten() => HandWrittenRules.CountViolations(_orders);

    [Benchmark(Description = "engine, 50 code rules")]
    public int Engine() => _engine!.CountViolations(_orders);
}
