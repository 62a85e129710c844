using System;
using System.Diagnostics;
using System.Globalization;
using System.Linq.Expressions;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis.CSharp;

namespace ServerTools.Benchmarks.Rules;

/// <summary>
/// Compiling the 50 rule expressions of <see cref="RuleCatalog"/> from text: <see cref="RuleExpression.Compile{T}"/>
/// (Roslyn parse, allow-list check, expression trees for SQL and for memory, delegate compile), which caches nothing, so
/// every call compiles afresh (the setup proves it). Against it: the part that is not ServerTools' own, compiling the
/// 50 finished SQL-form lambdas with <see cref="LambdaExpression.Compile()"/> (baseline), and Roslyn's parse alone.
/// Times are per rule (<c>OperationsPerInvoke</c>). The setup also logs the first compile of the process, JIT included.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 20)]
public class DataRuleCompileBenchmarks
{
    private const int Count = 50;

    private string[] _texts = [];
    private LambdaExpression[] _lambdas = [];

    /// <summary>Times the first compile of the 50 texts in this process, and fails the run if a second compile returns anything from the first.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _texts = Array.ConvertAll(RuleCatalog.Rules, static rule => rule.Expression);
        if (_texts.Length != Count)
        {
            throw new InvalidOperationException($"The catalog has {_texts.Length} rules; OperationsPerInvoke says {Count}.");
        }

        var watch = Stopwatch.StartNew();
        var first = Array.ConvertAll(_texts, static text => RuleExpression.Compile<RuleOrder>(text));
        var cold = watch.Elapsed;
        watch.Restart();
        var second = Array.ConvertAll(_texts, static text => RuleExpression.Compile<RuleOrder>(text));
        var warm = watch.Elapsed;
        for (var i = 0; i < Count; i++)
        {
            if (ReferenceEquals(first[i].Expression, second[i].Expression) || ReferenceEquals(first[i].Expression.Body, second[i].Expression.Body))
            {
                throw new InvalidOperationException($"RuleExpression.Compile returned the expression of '{_texts[i]}' from a cache; the benchmark needs a fresh compile per call.");
            }
        }

        _lambdas = Array.ConvertAll(first, static rule => (LambdaExpression)rule.Expression);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"// Setup: first compile of the {Count} rules in this process {cold.TotalMilliseconds:F1} ms ({cold.TotalMilliseconds / Count:F2} ms per rule), second {warm.TotalMilliseconds:F1} ms; nothing reused"));
    }

    [Benchmark(Baseline = true, Description = "LambdaExpression.Compile of the finished trees", OperationsPerInvoke = Count)]
    public int CompileTrees()
    {
        var compiled = 0;
        foreach (var lambda in _lambdas)
        {
            compiled += lambda.Compile() is null ? 0 : 1;
        }

        return compiled;
    }

    [Benchmark(Description = "Roslyn ParseExpression only", OperationsPerInvoke = Count)]
    public int Parse()
    {
        var nodes = 0;
        foreach (var text in _texts)
        {
            nodes += SyntaxFactory.ParseExpression(text).FullSpan.Length;
        }

        return nodes;
    }

    [Benchmark(Description = "RuleExpression.Compile<T>", OperationsPerInvoke = Count)]
    public int Compile()
    {
        var compiled = 0;
        foreach (var text in _texts)
        {
            compiled += RuleExpression.Compile<RuleOrder>(text).Text.Length;
        }

        return compiled;
    }
}
