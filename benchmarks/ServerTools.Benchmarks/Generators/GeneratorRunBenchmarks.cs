using System.Linq;
using BenchmarkDotNet.Attributes;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Auditing;

namespace ServerTools.Benchmarks.Generators;

/// <summary>
/// What incrementality buys in the IDE: a generator run after a keystroke in an unrelated file,
/// against the baseline of a first run over the same project (every entity parsed and emitted).
/// </summary>
[MemoryDiagnoser]
public class GeneratorRunBenchmarks
{
    private Compilation _compilation = null!;
    private Compilation _edited = null!;
    private GeneratorDriver _warm = null!;
    private bool _flip;

    /// <summary>Audited entities in the project.</summary>
    [Params(100)]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var sources = Enumerable.Range(0, Entities).Select(static i => $$"""
            namespace Shop.Module{{i % 10}};

            [ServerTools.Audited]
            public partial class Entity{{i}}
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public decimal Amount { get; set; }
                public System.DateTimeOffset At { get; set; }
                [ServerTools.AuditMask] public string? Secret { get; set; }
                public string Describe() => Name + Amount;
            }
            """).Append("public static class Unrelated { public static int Value() => 1; }").ToArray();
        _compilation = TestCompilation.Create(sources);
        var tree = _compilation.SyntaxTrees.Last();
        _edited = _compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(tree.GetText().Replace(tree.ToString().IndexOf('1', System.StringComparison.Ordinal), 1, "2")));
        _warm = NewDriver().RunGenerators(_compilation);
    }

    [Benchmark(Baseline = true, Description = "first run (cold driver)")]
    public GeneratorDriver FirstRun() => NewDriver().RunGenerators(_compilation);

    [Benchmark(Description = "run after an unrelated edit (warm driver)")]
    public GeneratorDriver RunAfterUnrelatedEdit()
    {
        _flip = !_flip;
        _warm = _warm.RunGenerators(_flip ? _edited : _compilation);
        return _warm;
    }

    private static CSharpGeneratorDriver NewDriver() => CSharpGeneratorDriver.Create(
        [new AuditedGenerator().AsSourceGenerator()],
        parseOptions: TestCompilation.ParseOptions);
}
