using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

/// <summary>
/// The analyzers' compilation-start actions ask their compilation no semantic question: in csc they run while the
/// compiler builds the declarations of the same compilation, and whichever asks for those first pays for parsing the
/// generated files, which the build's analyzer report then charges to the analyzer. A generated tree is parsed lazily,
/// so whether it has been parsed shows whether the declarations were built.
/// </summary>
public sealed class AnalyzerStartTests
{
    /// <summary>Every analyzer of ServerTools.Analyzers, so a new one is covered without editing the test.</summary>
    private static readonly ImmutableArray<DiagnosticAnalyzer> s_analyzers = typeof(DiagnosticDescriptors).Assembly
        .GetTypes()
        .Where(static type => !type.IsAbstract && typeof(DiagnosticAnalyzer).IsAssignableFrom(type))
        .OrderBy(static type => type.FullName, StringComparer.Ordinal)
        .Select(static type => (DiagnosticAnalyzer)Activator.CreateInstance(type)!)
        .ToImmutableArray();

    [Fact]
    public void No_compilation_start_action_parses_the_generated_code()
    {
        Assert.Contains(s_analyzers, static analyzer => analyzer is Analyzers.Auditing.AuditAttributeOutsideAuditedClassAnalyzer);
        var parsing = new List<string>();
        var silent = new List<string>();
        var started = 0;
        var compilationOnly = 0;

        // A suppressor registers no action: the driver calls it once the analyzers have reported.
        var analyzers = s_analyzers.Where(static analyzer => analyzer is not DiagnosticSuppressor).ToList();
        foreach (var analyzer in analyzers)
        {
            var context = new RecordingAnalysisContext();
            analyzer.Initialize(context);
            if (context.CompilationStartActions.Count == 0 && context.CompilationActions > 0)
            {
                // Runs once the compilation is analysed (RS1013: no start action only to register an end action).
                compilationOnly++;
            }

            foreach (var action in context.CompilationStartActions)
            {
                var (compilation, generated) = CompilationWithGeneratedTree();
                Assert.False(generated.TryGetRoot(out _), "The generated tree is parsed before the analyzer starts: the test shows nothing.");
                var start = new RecordingCompilationStartContext(compilation);

                action(start);

                started++;
                if (generated.TryGetRoot(out _))
                {
                    parsing.Add(analyzer.GetType().Name);
                }

                if (start.Registered == 0)
                {
                    silent.Add(analyzer.GetType().Name);
                }
            }
        }

        Assert.True(started + compilationOnly >= analyzers.Count, $"{started} compilation-start actions and {compilationOnly} analyzers with only a compilation action, for {analyzers.Count} analyzers.");
        Assert.True(parsing.Count == 0, "These analyzers build the declarations at compilation start: " + string.Join(", ", parsing));
        Assert.True(silent.Count == 0, "These analyzers register no action at compilation start: " + string.Join(", ", silent));
    }

    /// <summary>The semantic questions a compilation-start action must not ask, each of which the test above would see.</summary>
    public static TheoryData<string> Questions() => ["GetTypeByMetadataName", "Assembly", "GlobalNamespace", "GetSymbolsWithName"];

    [Theory]
    [MemberData(nameof(Questions))]
    public void A_semantic_question_to_the_compilation_parses_the_generated_code(string question)
    {
        var (compilation, generated) = CompilationWithGeneratedTree();
        Assert.False(generated.TryGetRoot(out _));

        object? answer = question switch
        {
            "GetTypeByMetadataName" => compilation.GetTypeByMetadataName("ServerTools.AuditedAttribute"),
            "Assembly" => compilation.Assembly.Name,
            "GlobalNamespace" => compilation.GlobalNamespace,
            "GetSymbolsWithName" => compilation.GetSymbolsWithName("Partner").ToList(),
            _ => throw new ArgumentOutOfRangeException(nameof(question)),
        };

        Assert.NotNull(answer);
        Assert.True(generated.TryGetRoot(out _));
    }

    [Fact]
    public async Task Without_a_reference_to_ServerTools_the_analyzers_report_only_the_module_metrics_and_throw_nothing()
    {
        var compilation = CSharpCompilation.Create(
            "TestProject",
            [TestCompilation.Parse(
                """
                using System.Linq;
                using System.Threading.Tasks;
                using Microsoft.EntityFrameworkCore;

                namespace Shop;

                public partial class Partner
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                    public void OnNameChanged(string oldValue, string newValue) { }
                }

                public class ShopContext : DbContext
                {
                    public DbSet<Partner> Partners => Set<Partner>();

                    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Partner>();

                    public Task<int> PurgeAsync() => Partners.Where(static p => p.Id < 0).ExecuteDeleteAsync();
                }

                file class Local { }
                """,
                "Source0.cs")],
            TestCompilation.References.Where(static reference => reference.Display != typeof(AuditedAttribute).Assembly.Location),
            TestCompilation.Options);
        Assert.Null(compilation.GetTypeByMetadataName("ServerTools.AuditedAttribute"));
        Assert.NotNull(compilation.GetTypeByMetadataName("Microsoft.EntityFrameworkCore.DbContext"));
        Assert.Empty(compilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));

        var exceptions = new ConcurrentBag<string>();
        var diagnostics = await compilation
            .WithAnalyzers(
                s_analyzers,
                new CompilationWithAnalyzersOptions(
                    new AnalyzerOptions([]),
                    (exception, analyzer, _) => exceptions.Add($"{analyzer.GetType().Name}: {exception}"),
                    concurrentAnalysis: true,
                    logAnalyzerExecutionTime: false))
            .GetAnalyzerDiagnosticsAsync();

        Assert.Empty(exceptions);
        Assert.Equal(
            ["ST9001: Module 'TestProject': 1 entity (0 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
             "ST9002: Entity 'Shop.Partner' of 'Shop.ShopContext': no ServerTools feature; no exception rule"],
            diagnostics.Select(static d => $"{d.Id}: {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// A compilation that references ServerTools and has an entity, updated with a generator's output, and the generated
    /// tree, which the generator driver leaves unparsed until something asks for its root.
    /// </summary>
    private static (Compilation Compilation, SyntaxTree Generated) CompilationWithGeneratedTree()
    {
        var input = TestCompilation.Create(
            """
            namespace Shop;

            [ServerTools.Audited]
            public partial class Partner
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }
            """);
        CSharpGeneratorDriver
            .Create([new PartnerNameGenerator().AsSourceGenerator()], parseOptions: TestCompilation.ParseOptions)
            .RunGeneratorsAndUpdateCompilation(input, out var output, out var diagnostics);
        Assert.Empty(diagnostics);
        var generated = Assert.Single(output.SyntaxTrees, tree => !input.SyntaxTrees.Contains(tree));
        return (output, generated);
    }

    /// <summary>Adds a member to the entity and a type of its own, as ServerTools' generators do.</summary>
    private sealed class PartnerNameGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
            => context.RegisterSourceOutput(context.CompilationProvider.Select(static (compilation, _) => compilation.AssemblyName), static (output, assembly) =>
                output.AddSource("Shop.Partner.Name.g.cs", $$"""
                    // <auto-generated/>
                    namespace Shop;

                    partial class Partner
                    {
                        public const string Assembly = "{{assembly}}";
                    }

                    internal static class PartnerNames
                    {
                        public static string Of(Partner partner) => partner.Name;
                    }
                    """));
    }

    /// <summary>Records the compilation-start actions an analyzer registers and counts its compilation actions; everything else it registers is ignored.</summary>
    private sealed class RecordingAnalysisContext : AnalysisContext
    {
        public List<Action<CompilationStartAnalysisContext>> CompilationStartActions { get; } = [];

        public int CompilationActions { get; private set; }

        public override void RegisterCompilationStartAction(Action<CompilationStartAnalysisContext> action) => CompilationStartActions.Add(action);

        public override void RegisterCompilationAction(Action<CompilationAnalysisContext> action) => CompilationActions++;

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action)
        {
        }

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds)
        {
        }

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind)
        {
        }

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action)
        {
        }

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action)
        {
        }

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action)
        {
        }

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action)
        {
        }

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds)
        {
        }

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action)
        {
        }

        public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action)
        {
        }

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds)
        {
        }

        public override void EnableConcurrentExecution()
        {
        }

        public override void ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags analysisMode)
        {
        }
    }

    /// <summary>Counts the actions a compilation-start action registers; none of them runs.</summary>
    private sealed class RecordingCompilationStartContext(Compilation compilation)
        : CompilationStartAnalysisContext(compilation, new AnalyzerOptions([]), CancellationToken.None)
    {
        public int Registered { get; private set; }

        public override void RegisterCompilationEndAction(Action<CompilationAnalysisContext> action) => Registered++;

        public override void RegisterSemanticModelAction(Action<SemanticModelAnalysisContext> action) => Registered++;

        public override void RegisterSymbolAction(Action<SymbolAnalysisContext> action, ImmutableArray<SymbolKind> symbolKinds) => Registered++;

        public override void RegisterSymbolStartAction(Action<SymbolStartAnalysisContext> action, SymbolKind symbolKind) => Registered++;

        public override void RegisterCodeBlockStartAction<TLanguageKindEnum>(Action<CodeBlockStartAnalysisContext<TLanguageKindEnum>> action) => Registered++;

        public override void RegisterCodeBlockAction(Action<CodeBlockAnalysisContext> action) => Registered++;

        public override void RegisterOperationBlockStartAction(Action<OperationBlockStartAnalysisContext> action) => Registered++;

        public override void RegisterOperationBlockAction(Action<OperationBlockAnalysisContext> action) => Registered++;

        public override void RegisterOperationAction(Action<OperationAnalysisContext> action, ImmutableArray<OperationKind> operationKinds) => Registered++;

        public override void RegisterSyntaxTreeAction(Action<SyntaxTreeAnalysisContext> action) => Registered++;

        public override void RegisterAdditionalFileAction(Action<AdditionalFileAnalysisContext> action) => Registered++;

        public override void RegisterSyntaxNodeAction<TLanguageKindEnum>(Action<SyntaxNodeAnalysisContext> action, ImmutableArray<TLanguageKindEnum> syntaxKinds) => Registered++;
    }
}
