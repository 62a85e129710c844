using System;
using BenchmarkDotNet.Attributes;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// Where the engine's time goes in <see cref="CodeRuleBenchmarks"/>, on the same 100,000 orders: copies of the
/// generated <c>Evaluate</c> (<see cref="GeneratedShapeCopies"/>) called directly, first as emitted (the difference to
/// the engine is the engine's own cost per <c>Evaluate</c>), then with one cause of cost removed at a time: the
/// try/catch of each rule; then the cast from <c>object[]</c> and the rule-set mask too, keeping one try/catch around
/// the chain. BenchmarkDotNet runs one benchmark after the other, and on this machine the times drift by more than the
/// differences between these copies, so docs/benchmarks.md also reports them timed interleaved.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 3, warmupCount: 3, iterationCount: 10)]
public class CodeRuleCostBenchmarks
{
    private CodeRuleOrder[] _orders = [];
    private object[] _rules = [];
    private TypedCodeRules _typedRules = null!;
    private RuleEngineScope? _engine;

    private delegate void Copy(CodeRuleOrder order, ref CopyRun run);

    /// <summary>Creates the orders, the rules and the engine; fails the run unless every copy finds the chain's violations.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _orders = RuleOrders.Create<CodeRuleOrder>(CodeRuleBenchmarks.Count);
        _rules = GeneratedShapeCopies.CreateRules();
        _typedRules = new TypedCodeRules();
        _engine = new RuleEngineScope();
        Agree("Generated", (CodeRuleOrder o, ref CopyRun run) => GeneratedShapeCopies.Generated(o, _rules, ref run));
        Agree("WithoutTry", (CodeRuleOrder o, ref CopyRun run) => GeneratedShapeCopies.WithoutTry(o, _rules, ref run));
        Agree("Typed", (CodeRuleOrder o, ref CopyRun run) => GeneratedShapeCopies.Typed(o, _typedRules, ref run));
    }

    [GlobalCleanup]
    public void Cleanup() => _engine?.Dispose();

    [Benchmark(Baseline = true, Description = "hand-written ifs")]
    public int HandWritten() => HandWrittenRules.CountViolations(_orders);

    [Benchmark(Description = "copy of the generated Evaluate")]
    public int Generated()
    {
        var violations = 0;
        foreach (var order in _orders)
        {
            var run = new CopyRun(null);
            GeneratedShapeCopies.Generated(order, _rules, ref run);
            violations += run.Violations?.Count ?? 0;
        }

        return violations;
    }

    [Benchmark(Description = "copy without the try/catch per rule")]
    public int WithoutTry()
    {
        var violations = 0;
        foreach (var order in _orders)
        {
            var run = new CopyRun(null);
            GeneratedShapeCopies.WithoutTry(order, _rules, ref run);
            violations += run.Violations?.Count ?? 0;
        }

        return violations;
    }

    [Benchmark(Description = "typed fields, no mask, one try/catch")]
    public int Typed()
    {
        var violations = 0;
        foreach (var order in _orders)
        {
            var run = new CopyRun(null);
            GeneratedShapeCopies.Typed(order, _typedRules, ref run);
            violations += run.Violations?.Count ?? 0;
        }

        return violations;
    }

    [Benchmark(Description = "engine, 50 code rules")]
    public int Engine() => _engine!.CountViolations(_orders);

    private void Agree(string copy, Copy evaluate)
    {
        foreach (var order in _orders)
        {
            var run = new CopyRun(null);
            evaluate(order, ref run);
            var expected = HandWrittenRules.Check(order) ?? [];
            var actual = run.Violations ?? [];
            if (!expected.ConvertAll(static v => v.Rule).TrueForAll(rule => actual.Exists(v => v.Rule == rule)) || expected.Count != actual.Count)
            {
                throw new InvalidOperationException($"Order {order.Id}: the copy {copy} finds {actual.Count} violations, the chain {expected.Count}.");
            }
        }
    }
}
