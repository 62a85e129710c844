using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using System.Numerics;
using BenchmarkDotNet.Attributes;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// Where the time of <see cref="DataRuleBenchmarks"/> goes, on the same 100,000 orders and without the engine or the
/// database: the 50 expressions compiled by <see cref="RuleExpression.Compile{T}"/> (the binder the engine uses, over
/// the public properties) and called one after the other, collecting violations as the chain does. First their SQL
/// form compiled as it is (C# semantics: one delegate call per rule, nothing else); then the in-memory form the engine
/// runs (null guards, PostgreSQL's semantics for division and string length); then the in-memory form with the SQL
/// form for the two rules that divide; and the SQL forms fused into one delegate per 10 rules, which shows what a
/// delegate call per rule costs. The setup also logs the cost of each rule's two forms, so the expensive rules
/// can be named.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class DataRuleCostBenchmarks
{
    private RuleOrder[] _orders = [];
    private Func<RuleOrder, bool>[] _sqlForms = [];
    private RuleExpression<RuleOrder>[] _memoryForms = [];
    private Func<RuleOrder, bool>?[] _none = [];
    private Func<RuleOrder, bool>?[] _csharpDivision = [];
    private Func<RuleOrder, int>[] _fusedSqlForms = [];
    private int _sink;

    /// <summary>Compiles the rules, fails the run unless each form finds the chain's violations, and logs the cost of each rule.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _orders = RuleOrders.Create<RuleOrder>(CodeRuleBenchmarks.Count);
        _memoryForms = Array.ConvertAll(RuleCatalog.Rules, static rule => RuleExpression.Compile<RuleOrder>(rule.Expression));
        _sqlForms = Array.ConvertAll(_memoryForms, static rule => rule.Expression.Compile());
        _none = new Func<RuleOrder, bool>?[_memoryForms.Length];
        _csharpDivision = new Func<RuleOrder, bool>?[_memoryForms.Length];
        for (var i = 0; i < _memoryForms.Length; i++)
        {
            _csharpDivision[i] = Divides(_memoryForms[i]) ? _sqlForms[i] : null;
        }

        if (Array.FindAll(_csharpDivision, static form => form is not null).Length != 2)
        {
            throw new InvalidOperationException("Two rules of the catalog should divide (the unit price rules); the variant with C#'s division replaces those.");
        }

        _fusedSqlForms = Fuse(_memoryForms, 10);
        Agree(nameof(SqlForms), SqlForms);
        Agree(nameof(FusedSqlForms), FusedSqlForms);
        Agree(nameof(MemoryForms), MemoryForms);
        Agree(nameof(MemoryFormsWithCSharpDivision), MemoryFormsWithCSharpDivision);
        LogCostPerRule();
    }

    [Benchmark(Baseline = true, Description = "hand-written ifs")]
    public int HandWritten() => HandWrittenRules.CountViolations(_orders);

    [Benchmark(Description = "50 SQL-form delegates (C# semantics)")]
    public int SqlForms() => Run(_sqlForms);

    [Benchmark(Description = "the 50 SQL forms fused into 5 delegates of 10 rules")]
    public int FusedSqlForms()
    {
        var violations = 0;
        foreach (var order in _orders)
        {
            List<HandViolation>? found = null;
            for (var chunk = 0; chunk < _fusedSqlForms.Length; chunk++)
            {
                for (var broken = _fusedSqlForms[chunk](order); broken != 0; broken &= broken - 1)
                {
                    (found ??= []).Add(new HandViolation(RuleCatalog.Rules[(chunk * 10) + BitOperations.TrailingZeroCount(broken)]));
                }
            }

            violations += found?.Count ?? 0;
        }

        return violations;
    }

    [Benchmark(Description = "50 in-memory delegates (the engine's)")]
    public int MemoryForms() => CountViolations(_orders, _memoryForms, _none);

    [Benchmark(Description = "the same, C# division in the 2 rules that divide")]
    public int MemoryFormsWithCSharpDivision() => CountViolations(_orders, _memoryForms, _csharpDivision);

    /// <summary>
    /// The rules' SQL forms as delegates of <paramref name="size"/> rules each, which return a bit per broken rule: a
    /// delegate call per group instead of per rule (the lambdas are invoked in one tree, which the compiler inlines).
    /// </summary>
    private static Func<RuleOrder, int>[] Fuse(RuleExpression<RuleOrder>[] rules, int size)
    {
        var fused = new Func<RuleOrder, int>[(rules.Length + size - 1) / size];
        for (var chunk = 0; chunk < fused.Length; chunk++)
        {
            var order = Expression.Parameter(typeof(RuleOrder), "order");
            Expression mask = Expression.Constant(0);
            for (var i = chunk * size; i < Math.Min(rules.Length, (chunk + 1) * size); i++)
            {
                var bit = Expression.Constant(1 << (i - (chunk * size)));
                mask = Expression.Or(mask, Expression.Condition(Expression.Invoke(rules[i].Expression, order), bit, Expression.Constant(0)));
            }

            fused[chunk] = Expression.Lambda<Func<RuleOrder, int>>(mask, order).Compile();
        }

        return fused;
    }

    private static bool Divides(RuleExpression<RuleOrder> rule) => rule.Text.Contains(" / ", StringComparison.Ordinal);

    private static List<HandViolation>? Check(RuleOrder order, Func<RuleOrder, bool>[] rules)
    {
        List<HandViolation>? violations = null;
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i](order))
            {
                (violations ??= []).Add(new HandViolation(RuleCatalog.Rules[i]));
            }
        }

        return violations;
    }

    /// <summary>
    /// The violations the in-memory forms of <paramref name="rules"/> find in <paramref name="orders"/>, collected as the
    /// chain collects them; for a rule with an override (its SQL form), the override.
    /// </summary>
    internal static int CountViolations(RuleOrder[] orders, RuleExpression<RuleOrder>[] rules, Func<RuleOrder, bool>?[] overrides)
    {
        var violations = 0;
        foreach (var order in orders)
        {
            List<HandViolation>? found = null;
            for (var i = 0; i < rules.Length; i++)
            {
                if (overrides[i] is { } sql ? sql(order) : rules[i].Evaluate(order))
                {
                    (found ??= []).Add(new HandViolation(RuleCatalog.Rules[i]));
                }
            }

            violations += found?.Count ?? 0;
        }

        return violations;
    }

    private int Run(Func<RuleOrder, bool>[] rules)
    {
        var violations = 0;
        foreach (var order in _orders)
        {
            violations += Check(order, rules)?.Count ?? 0;
        }

        return violations;
    }

    private void Agree(string form, Func<int> run)
    {
        var expected = HandWrittenRules.CountViolations(_orders);
        if (run() != expected)
        {
            throw new InvalidOperationException($"The {form} find {run()} violations; the chain finds {expected}.");
        }
    }

    /// <summary>Times each rule's two forms over the orders (a Stopwatch, a few rounds, the fastest kept) and logs the rules whose in-memory form costs most more.</summary>
    private void LogCostPerRule()
    {
        var rows = new List<(string Name, double Sql, double Memory, double Bytes)>();
        for (var i = 0; i < _memoryForms.Length; i++)
        {
            var sql = _sqlForms[i];
            var memory = _memoryForms[i];
            var (sqlTime, _) = Measure(order => sql(order));
            var (memoryTime, memoryBytes) = Measure(memory.Evaluate);
            rows.Add((RuleCatalog.Rules[i].Name, sqlTime, memoryTime, memoryBytes));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Setup: ns per order, all 50 rules: SQL form {rows.Sum(r => r.Sql):F1}, in-memory form {rows.Sum(r => r.Memory):F1}, {rows.Sum(r => r.Bytes):F0} B allocated"));
        foreach (var row in rows.OrderByDescending(static r => r.Memory - r.Sql).Take(8))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"// Setup:   {row.Name,-28} SQL form {row.Sql,7:F2} ns, in-memory {row.Memory,7:F2} ns, {row.Bytes,6:F1} B"));
        }
    }

    private (double Nanoseconds, double Bytes) Measure(Func<RuleOrder, bool> rule)
    {
        var best = double.MaxValue;
        var bytes = 0.0;
        for (var round = 0; round < 5; round++)
        {
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            var started = Stopwatch.GetTimestamp();
            var found = 0;
            foreach (var order in _orders)
            {
                found += rule(order) ? 1 : 0;
            }

            var elapsed = Stopwatch.GetElapsedTime(started).TotalNanoseconds / _orders.Length;
            bytes = (double)(GC.GetAllocatedBytesForCurrentThread() - allocated) / _orders.Length;
            best = Math.Min(best, elapsed);
            _sink += found;
        }

        return (best, bytes);
    }
}
