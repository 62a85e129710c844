using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.General;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>The harness must fail when it should: each helper is shown catching the defect it exists for.</summary>
public sealed class HarnessTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "servertools-snapshots-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Snapshot_that_changed_fails_with_a_diff_and_writes_the_received_file()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "T.M.A.g.verified.cs"), "line 1\nline 2\n");

        var error = Assert.Throws<XunitException>(() => Snapshot.Verify(_directory, "T.M", [("A.g.cs", "line 1\nline two\n")], accept: false));

        Assert.Contains("- line 2", error.Message, StringComparison.Ordinal);
        Assert.Contains("+ line two", error.Message, StringComparison.Ordinal);
        Assert.Equal("line 1\nline two\n", File.ReadAllText(Path.Combine(_directory, "T.M.A.g.received.cs")));
        Assert.Equal("line 1\nline 2\n", File.ReadAllText(Path.Combine(_directory, "T.M.A.g.verified.cs")));
    }

    [Fact]
    public void Snapshot_that_matches_passes_and_removes_an_old_received_file()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "T.M.A.g.verified.cs"), "same\n");
        File.WriteAllText(Path.Combine(_directory, "T.M.A.g.received.cs"), "old\n");

        Snapshot.Verify(_directory, "T.M", [("A.g.cs", "same\n")], accept: false);

        Assert.False(File.Exists(Path.Combine(_directory, "T.M.A.g.received.cs")));
    }

    [Fact]
    public void Snapshot_without_golden_file_fails_and_accepting_writes_it()
    {
        var missing = Assert.Throws<XunitException>(() => Snapshot.Verify(_directory, "T.M", [("A.g.cs", "new\n")], accept: false));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);

        Snapshot.Verify(_directory, "T.M", [("A.g.cs", "new\n")], accept: true);

        Assert.Equal("new\n", File.ReadAllText(Path.Combine(_directory, "T.M.A.g.verified.cs")));
        Assert.False(File.Exists(Path.Combine(_directory, "T.M.A.g.received.cs")));
        Snapshot.Verify(_directory, "T.M", [("A.g.cs", "new\n")], accept: false);
    }

    [Fact]
    public void Snapshot_that_is_no_longer_generated_fails()
    {
        Directory.CreateDirectory(_directory);
        File.WriteAllText(Path.Combine(_directory, "T.M.Gone.g.verified.cs"), "x\n");

        var error = Assert.Throws<XunitException>(() => Snapshot.Verify(_directory, "T.M", [], accept: false));

        Assert.Contains("T.M.Gone.g.verified.cs is no longer generated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warning_in_generated_code_fails_the_compile_check()
    {
        var run = GeneratorHarness.Run(TestCompilation.Create("public class Empty { }"), new SloppyGenerator());

        var error = Assert.Throws<XunitException>(() => run.CompilesWithoutDiagnostics());

        Assert.Contains("CS8600", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sloppy.g.cs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_whose_model_is_not_equatable_fails_the_incrementality_check()
    {
        var error = Assert.Throws<XunitException>(() => Incrementality.AssertCachedAfter(
            Edits.AddFile("public class Unrelated { }"),
            ["[System.Obsolete] public class Marked { }"],
            new UncachedGenerator()));

        Assert.Contains("step 'Uncached.Model'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Modified", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_that_never_runs_fails_the_incrementality_check_instead_of_passing_vacuously()
    {
        var error = Assert.Throws<XunitException>(() => Incrementality.AssertCachedAfter(
            Edits.AddFile("public class Unrelated { }"),
            ["public class NothingMarked { }"],
            new UncachedGenerator()));

        Assert.Contains("No generator ran a named step over the sources", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Diagnostic_check_fails_on_a_wrong_message_a_wrong_span_and_an_unexpected_diagnostic()
    {
        const string source = "[ServerTools.Audited] public class [|Partner|] { } public class [|Other|] { }";
        const string message = "'Partner' must be declared partial: ServerTools generates code for [Audited] on 'Partner'";

        var wrongMessage = await Assert.ThrowsAsync<XunitException>(() =>
            DiagnosticAssert.VerifyAsync(new PartialEntityAnalyzer(), source, [new("ST0001", "something else")]));
        var wrongSpan = await Assert.ThrowsAsync<XunitException>(() =>
            DiagnosticAssert.VerifyAsync(new PartialEntityAnalyzer(), source, [new("ST0001", message, 1)]));
        var unexpected = await Assert.ThrowsAsync<XunitException>(() =>
            DiagnosticAssert.VerifyAsync(new PartialEntityAnalyzer(), source, []));

        Assert.Contains("expected message \"something else\"", wrongMessage.Message, StringComparison.Ordinal);
        Assert.Contains("expected ST0001 at 'Other'", wrongSpan.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected Source0.cs(1,36): error ST0001", unexpected.Message, StringComparison.Ordinal);
        await DiagnosticAssert.VerifyAsync(new PartialEntityAnalyzer(), source, [new("ST0001", message)]);
    }

    [Fact]
    public async Task A_diagnostic_expected_without_a_location_matches_only_one_reported_without_a_location()
    {
        const string source = "[ServerTools.Audited] public class [|Partner|] { }";
        const string message = "'Partner' must be declared partial: ServerTools generates code for [Audited] on 'Partner'";
        var internalRules = TestCompilation.Reference(Rules.ReferencedRulesTests.Library("Shop.Rules", Rules.ReferencedRulesTests.InternalOnly), emitted: true);
        var nowhere = new Analyzers.Rules.RuleAssemblyNotLoadedAnalyzer();
        var reported = Assert.Single(await DiagnosticAssert.AnalyzeAsync(nowhere, [internalRules], "public class C { }"));
        var nowhereMessage = reported.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        var locatedAsNowhere = await Assert.ThrowsAsync<XunitException>(() =>
            DiagnosticAssert.VerifyAsync(new PartialEntityAnalyzer(), source, [new("ST0001", message, ExpectedDiagnostic.NoLocation)]));
        var nowhereAtSpan = await Assert.ThrowsAsync<XunitException>(() =>
            DiagnosticAssert.VerifyAsync(nowhere, "public class [|C|] { }", [new("ST5012", nowhereMessage, 0)], [internalRules]));
        var wrongMessage = await Assert.ThrowsAsync<XunitException>(() =>
            DiagnosticAssert.VerifyAsync(nowhere, "public class C { }", [new("ST5012", "something else", ExpectedDiagnostic.NoLocation)], [internalRules]));

        Assert.Equal(Location.None, reported.Location);
        Assert.Contains("expected ST0001 without a location, not reported", locatedAsNowhere.Message, StringComparison.Ordinal);
        Assert.Contains("unexpected Source0.cs(1,36): error ST0001", locatedAsNowhere.Message, StringComparison.Ordinal);
        Assert.Contains("expected ST5012 at 'C'", nowhereAtSpan.Message, StringComparison.Ordinal);
        Assert.Contains("ST5012 without a location: expected message \"something else\"", wrongMessage.Message, StringComparison.Ordinal);
        await DiagnosticAssert.VerifyAsync(nowhere, "public class C { }", [new("ST5012", nowhereMessage, ExpectedDiagnostic.NoLocation)], [internalRules]);
    }

    [Fact]
    public async Task Diagnostic_check_fails_when_the_test_source_does_not_compile()
    {
        var error = await Assert.ThrowsAsync<XunitException>(() => DiagnosticAssert.VerifyAsync(
            new PartialEntityAnalyzer(),
            "public static class Cleanup { public static int Run(System.Linq.IQueryable<int> q) => q.NoSuchMethod(); }",
            []));

        Assert.Contains("does not compile", error.Message, StringComparison.Ordinal);
        Assert.Contains("CS1061", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Markup_gives_the_spans_in_order_and_the_text_without_marks()
    {
        var marked = MarkedSource.Parse("a [|bc|] d [|e|]");

        Assert.Equal("a bc d e", marked.Text);
        Assert.Equal(["bc", "e"], marked.Spans.Select(span => marked.Text.Substring(span.Start, span.Length)));
    }

    /// <summary>Emits code with a nullable warning (CS8600).</summary>
    private sealed class SloppyGenerator : IIncrementalGenerator
    {
        public void Initialize(IncrementalGeneratorInitializationContext context)
            => context.RegisterPostInitializationOutput(static output => output.AddSource(
                "Sloppy.g.cs", "#nullable enable\npublic static class Sloppy { public static int M() { string s = null; return s?.Length ?? 0; } }\n"));
    }

    /// <summary>The classic mistake: a model combined with the whole compilation, rebuilt on every edit.</summary>
    private sealed class UncachedGenerator : IIncrementalGenerator
    {
        public static class Steps
        {
            public const string Model = "Uncached.Model";
        }

        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var models = context.SyntaxProvider
                .ForAttributeWithMetadataName("System.ObsoleteAttribute", static (node, _) => node is ClassDeclarationSyntax, static (ctx, _) => new object())
                .Combine(context.CompilationProvider)
                .Select(static (pair, _) => new object())
                .WithTrackingName(Steps.Model);
            context.RegisterSourceOutput(models, static (output, _) => output.AddSource("Uncached.g.cs", "// uncached\n"));
        }
    }
}
