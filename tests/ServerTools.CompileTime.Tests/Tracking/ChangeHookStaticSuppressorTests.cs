using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Tracking;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Tracking;

/// <summary>
/// ST2S01 against the real CA1822: the .NET SDK's own Microsoft.CodeAnalysis.NetAnalyzers (what <c>AnalysisLevel</c> turns
/// on in a build), run on the output of the tracking generator.
/// </summary>
public sealed class ChangeHookStaticSuppressorTests
{
    private const string Source = """
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        public partial class Order
        {
            public int Id { get; set; }
            [Tracked] public OrderState State { get; set; }
            [Tracked] public decimal Amount { get; set; }

            partial void OnStateChanged(OrderState oldValue, OrderState newValue) { }
            partial void OnAmountChanged(decimal oldValue, decimal newValue) { }

            // Not hooks: CA1822 stays.
            public int Twice(int value) => value * 2;
            partial void OnNoteChanged(string? note);
            partial void OnNoteChanged(string? note) { }
        }
        """;

    [Fact]
    public async Task CA1822_is_suppressed_on_implemented_change_hooks_and_kept_on_other_methods()
    {
        var run = GeneratorHarness.Run(Source);
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity >= DiagnosticSeverity.Warning));
        var compilation = run.OutputCompilation.WithOptions(run.OutputCompilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { ["CA1822"] = ReportDiagnostic.Warn }));
        var ca1822 = MarkMembersAsStatic();

        var without = await Ca1822Async(compilation, [ca1822]);
        Assert.Equal(["OnAmountChanged", "OnNoteChanged", "OnStateChanged", "Twice"], without.Select(static d => Name(d)).Order(StringComparer.Ordinal));
        Assert.All(without, static d => Assert.False(d.IsSuppressed));

        var with = await Ca1822Async(compilation, [ca1822, new ChangeHookStaticSuppressor()]);
        Assert.Equal(["OnNoteChanged", "Twice"], with.Where(static d => !d.IsSuppressed).Select(static d => Name(d)).Order(StringComparer.Ordinal));
        var suppressed = with.Where(static d => d.IsSuppressed).ToList();
        Assert.Equal(["OnAmountChanged", "OnStateChanged"], suppressed.Select(static d => Name(d)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task NoWarn_of_ST2S01_turns_the_suppression_off()
    {
        var run = GeneratorHarness.Run(Source);
        var compilation = run.OutputCompilation.WithOptions(run.OutputCompilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { ["CA1822"] = ReportDiagnostic.Warn, ["ST2S01"] = ReportDiagnostic.Suppress }));

        var with = await Ca1822Async(compilation, [MarkMembersAsStatic(), new ChangeHookStaticSuppressor()]);

        Assert.Equal(4, with.Count);
        Assert.All(with, static d => Assert.False(d.IsSuppressed));
    }

    [Fact]
    public async Task A_class_without_tracking_keeps_CA1822_on_its_partial_methods()
    {
        var run = GeneratorHarness.Run("""
            namespace Shop;

            public partial class Draft
            {
                public int Id { get; set; }
                public int State { get; set; }
                partial void OnStateChanged(int oldValue, int newValue);
                partial void OnStateChanged(int oldValue, int newValue) { }
            }
            """);
        var compilation = run.OutputCompilation.WithOptions(run.OutputCompilation.Options.WithSpecificDiagnosticOptions(
            new Dictionary<string, ReportDiagnostic> { ["CA1822"] = ReportDiagnostic.Warn }));

        var with = await Ca1822Async(compilation, [MarkMembersAsStatic(), new ChangeHookStaticSuppressor()]);

        Assert.Equal("OnStateChanged", Name(Assert.Single(with)));
        Assert.False(with[0].IsSuppressed);
    }

    private static async Task<List<Diagnostic>> Ca1822Async(Compilation compilation, ImmutableArray<DiagnosticAnalyzer> analyzers)
    {
        var options = new CompilationWithAnalyzersOptions(
            new AnalyzerOptions([]), onAnalyzerException: null, concurrentAnalysis: false, logAnalyzerExecutionTime: false, reportSuppressedDiagnostics: true);
        var diagnostics = await compilation.WithAnalyzers(analyzers, options).GetAnalyzerDiagnosticsAsync();
        var failures = diagnostics.Where(static d => d.Id == "AD0001").Select(static d => d.GetMessage(CultureInfo.InvariantCulture)).ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        return [.. diagnostics.Where(static d => d.Id == "CA1822")];
    }

    /// <summary>The name of the method a CA1822 diagnostic is reported at.</summary>
    private static string Name(Diagnostic diagnostic) => diagnostic.Location.SourceTree!.ToString().Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);

    /// <summary>CA1822's analyzer, from the newest .NET SDK beside the running runtime (dotnet/shared/Microsoft.NETCore.App/{version}).</summary>
    private static DiagnosticAnalyzer MarkMembersAsStatic()
    {
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));
        var sdks = Path.Combine(root, "sdk");
        var path = (Directory.Exists(sdks) ? Directory.GetDirectories(sdks) : [])
            .Select(static sdk => Path.Combine(sdk, "Sdks", "Microsoft.NET.Sdk", "analyzers", "Microsoft.CodeAnalysis.NetAnalyzers.dll"))
            .Where(File.Exists)
            .OrderByDescending(static file => Version.TryParse(Path.GetFileName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(file))))))?.Split('-')[0], out var version) ? version : new Version())
            .FirstOrDefault();
        if (path is null)
        {
            Assert.Fail($"No .NET SDK with Microsoft.CodeAnalysis.NetAnalyzers.dll under {sdks}: the test runs CA1822 from the SDK that runs it.");
        }

        var reference = new AnalyzerFileReference(path, new Loader());
        return Assert.Single(
            reference.GetAnalyzers(LanguageNames.CSharp),
            static analyzer => analyzer.SupportedDiagnostics.Any(static d => d.Id == "CA1822"));
    }

    private sealed class Loader : IAnalyzerAssemblyLoader
    {
        public void AddDependencyLocation(string fullPath)
        {
        }

        public Assembly LoadFromPath(string fullPath) => Assembly.LoadFrom(fullPath);
    }
}
