using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using Xunit.Sdk;

namespace ServerTools.CompileTime.Tests.Harness;

/// <summary>Applies a code fix in a real workspace and checks the fixed code.</summary>
public static class CodeFixAssert
{
    /// <summary>
    /// Applies <paramref name="fix"/> to each diagnostic of <paramref name="analyzer"/> in <paramref name="source"/>
    /// until none is left, then fails unless the text equals <paramref name="expected"/>, the analyzer reports
    /// nothing more, and the fixed project compiles without errors or warnings (generators included).
    /// </summary>
    public static Task VerifyAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected)
        => VerifyAsync(analyzer, fix, source, expected, equivalenceKey: null);

    /// <summary>
    /// As <see cref="VerifyAsync(DiagnosticAnalyzer, CodeFixProvider, string, string)"/>, applying the action whose
    /// equivalence key is <paramref name="equivalenceKey"/> where the fix offers several (the first when null).
    /// </summary>
    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected, string? equivalenceKey)
    {
        using var workspace = new AdhocWorkspace();
        var document = AddDocument(workspace, source);

        const int maxRounds = 10;
        for (var round = 0; ; round++)
        {
            var diagnostics = await AnalyzeAsync(document.Project, analyzer).ConfigureAwait(false);
            var fixable = diagnostics.FirstOrDefault(d => fix.FixableDiagnosticIds.Contains(d.Id));
            if (fixable is null)
            {
                if (round == 0)
                {
                    throw new XunitException("The analyzer reported nothing for the code fix to fix.");
                }

                break;
            }

            if (round == maxRounds)
            {
                throw new XunitException($"Still diagnostics after {maxRounds} rounds of fixing: {fixable}");
            }

            document = await ApplyAsync(document, fix, fixable, equivalenceKey).ConfigureAwait(false);
        }

        await CheckFixedAsync(document, analyzer, expected).ConfigureAwait(false);
    }

    /// <summary>
    /// Fixes every diagnostic of <paramref name="analyzer"/> in <paramref name="source"/> at once with the fix's fix-all
    /// provider (document scope, the action with <paramref name="equivalenceKey"/>, or the first action offered for the
    /// first diagnostic), then checks the result as <see cref="VerifyAsync(DiagnosticAnalyzer, CodeFixProvider, string, string)"/> does.
    /// </summary>
    public static async Task VerifyFixAllAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected, string? equivalenceKey = null)
    {
        using var workspace = new AdhocWorkspace();
        var document = AddDocument(workspace, source);
        var diagnostics = await FixableAsync(document, analyzer, fix).ConfigureAwait(false);
        var key = equivalenceKey ?? (await ActionAsync(document, fix, diagnostics[0], null).ConfigureAwait(false)).EquivalenceKey;
        var fixedDocument = await FixAllAsync(document, fix, diagnostics, FixAllScope.Document, key).ConfigureAwait(false);
        await CheckFixedAsync(fixedDocument, analyzer, expected).ConfigureAwait(false);
    }

    /// <summary>
    /// Fixes the diagnostics of <paramref name="analyzer"/> in <paramref name="source"/> as <c>dotnet format analyzers</c>
    /// does: the fix's fix-all provider in solution scope, asked with the equivalence key of the action the fix offers for
    /// the first diagnostic, or with none when it offers nothing for that one. Then checks the result as
    /// <see cref="VerifyAsync(DiagnosticAnalyzer, CodeFixProvider, string, string)"/> does, but for the
    /// <paramref name="unfixed"/> diagnostics the fix offers nothing for, which the analyzer still reports.
    /// </summary>
    public static async Task VerifyFixAllAsDotnetFormatAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected, int unfixed)
    {
        using var workspace = new AdhocWorkspace();
        var document = AddDocument(workspace, source);
        var diagnostics = await FixableAsync(document, analyzer, fix).ConfigureAwait(false);
        string? key = null;
        await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (action, _) => key ??= action.EquivalenceKey, CancellationToken.None)).ConfigureAwait(false);
        var fixedDocument = await FixAllAsync(document, fix, diagnostics, FixAllScope.Solution, key).ConfigureAwait(false);
        await CheckFixedAsync(fixedDocument, analyzer, expected, unfixed).ConfigureAwait(false);
    }

    /// <summary>
    /// Fixes every diagnostic of <paramref name="analyzer"/> in <paramref name="source"/> with the fix's fix-all provider
    /// in every scope, each asked with the equivalence key of the action the fix offers for the first diagnostic and with
    /// none (as <c>dotnet format</c> asks when it offers nothing for that one), and checks each result as
    /// <see cref="VerifyAsync(DiagnosticAnalyzer, CodeFixProvider, string, string)"/> does. Document, project and
    /// solution scope fix all at once. Containing type and containing member scope are asked from one diagnostic after
    /// the other, and each time must fix every diagnostic in that diagnostic's type (all its partial declarations) or
    /// member and no other; diagnostics in no member (on a type) are then fixed in document scope.
    /// <paramref name="others"/> are further files of the project (a <c>global using</c>), which must stay as they are.
    /// </summary>
    public static async Task VerifyFixAllInEveryScopeAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected, params string[] others)
    {
        foreach (var scope in new[] { FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution, FixAllScope.ContainingType, FixAllScope.ContainingMember })
        {
            foreach (var withKey in new[] { true, false })
            {
                using var workspace = new AdhocWorkspace();
                var document = AddDocument(workspace, source);
                for (var i = 0; i < others.Length; i++)
                {
                    document = document.Project.AddDocument($"Other{i}.cs", SourceText.From(others[i])).Project.GetDocument(document.Id)!;
                }

                var diagnostics = await FixableAsync(document, analyzer, fix).ConfigureAwait(false);
                var key = withKey ? (await ActionAsync(document, fix, diagnostics[0], null).ConfigureAwait(false)).EquivalenceKey : null;
                try
                {
                    var fixedDocument = scope is FixAllScope.ContainingType or FixAllScope.ContainingMember
                        ? await FixAllInContainersAsync(document, analyzer, fix, scope, key).ConfigureAwait(false)
                        : await FixAllAsync(document, fix, diagnostics, scope, key).ConfigureAwait(false);
                    await CheckFixedAsync(fixedDocument, analyzer, expected).ConfigureAwait(false);
                    foreach (var other in fixedDocument.Project.Documents.Where(d => d.Id != document.Id))
                    {
                        Assert.Equal(others[int.Parse(other.Name[5..^3], System.Globalization.CultureInfo.InvariantCulture)], (await other.GetTextAsync().ConfigureAwait(false)).ToString());
                    }
                }
                catch (XunitException e)
                {
                    throw new XunitException($"Fix-all in {scope} scope, {(withKey ? "with" : "without")} an equivalence key: {e.Message}");
                }
            }
        }
    }

    /// <summary>
    /// Fix-all in <paramref name="scope"/> (containing type or member), asked from each diagnostic in a type or member in
    /// turn; fails unless each time the diagnostics in that type or member, and only they, are gone. What is left (the
    /// diagnostics in no member) is then fixed in document scope.
    /// </summary>
    private static async Task<Document> FixAllInContainersAsync(Document document, DiagnosticAnalyzer analyzer, CodeFixProvider fix, FixAllScope scope, string? key)
    {
        const int maxRounds = 20;
        for (var round = 0; ; round++)
        {
            var diagnostics = await FixableInAsync(document, analyzer, fix).ConfigureAwait(false);
            var root = (await document.GetSyntaxRootAsync().ConfigureAwait(false))!;
            var model = (await document.GetSemanticModelAsync().ConfigureAwait(false))!;
            var trigger = diagnostics.Select(d => (Diagnostic: d, Spans: ContainerSpans(root, model, d.Location.SourceSpan, scope))).FirstOrDefault(static t => t.Spans.Count > 0);
            if (trigger.Diagnostic is null)
            {
                return diagnostics.IsEmpty ? document : await FixAllAsync(document, fix, diagnostics, FixAllScope.Document, key).ConfigureAwait(false);
            }

            if (round == maxRounds)
            {
                throw new XunitException($"Still diagnostics after {maxRounds} rounds of fix-all in {scope} scope: {trigger.Diagnostic}");
            }

            var inScope = diagnostics.Count(d => trigger.Spans.Any(s => s.Contains(d.Location.SourceSpan)));
            var context = new FixAllContext(
                document, trigger.Diagnostic.Location.SourceSpan, fix, scope, key!, diagnostics.Select(static d => d.Id).Distinct(),
                new FixedDiagnostics(diagnostics), CancellationToken.None);
            document = await ApplyFixAllAsync(document, fix, context).ConfigureAwait(false);
            var remaining = await FixableInAsync(document, analyzer, fix).ConfigureAwait(false);
            if (remaining.Length != diagnostics.Length - inScope)
            {
                throw new XunitException(
                    $"Fix-all asked from {trigger.Diagnostic} should fix the {inScope} diagnostics in its {(scope == FixAllScope.ContainingType ? "type" : "member")} "
                    + $"and leave the other {diagnostics.Length - inScope}; {remaining.Length} of {diagnostics.Length} are left:\n  "
                    + string.Join("\n  ", remaining.Select(GeneratedCodeAssert.Format)));
            }
        }
    }

    /// <summary>
    /// The full spans of the type declaration (each partial one in the document) or the member declaration that contains
    /// <paramref name="span"/>, as Roslyn chooses them for fix-all in <paramref name="scope"/>; none when there is no such
    /// type, or no member below the type (a diagnostic on a type's attribute).
    /// </summary>
    private static List<TextSpan> ContainerSpans(SyntaxNode root, SemanticModel model, TextSpan span, FixAllScope scope)
    {
        var token = root.FindToken(span.Start);
        if (scope == FixAllScope.ContainingMember)
        {
            var member = token.Parent?.AncestorsAndSelf().OfType<MemberDeclarationSyntax>().FirstOrDefault();
            return member is null or BaseTypeDeclarationSyntax or BaseNamespaceDeclarationSyntax
                       or DelegateDeclarationSyntax
                ? []
                : [member.FullSpan];
        }

        var type = token.Parent?.AncestorsAndSelf().OfType<BaseTypeDeclarationSyntax>().FirstOrDefault();
        return type is null
            ? []
            : model.GetDeclaredSymbol(type)!.DeclaringSyntaxReferences
                .Where(r => r.SyntaxTree == root.SyntaxTree)
                .Select(r => r.GetSyntax().FullSpan)
                .ToList();
    }

    /// <summary>The diagnostics of <paramref name="analyzer"/> that <paramref name="fix"/> is for, in source order.</summary>
    private static async Task<ImmutableArray<Diagnostic>> FixableInAsync(Document document, DiagnosticAnalyzer analyzer, CodeFixProvider fix)
        => (await AnalyzeAsync(document.Project, analyzer).ConfigureAwait(false))
            .Where(d => fix.FixableDiagnosticIds.Contains(d.Id))
            .OrderBy(static d => d.Location.SourceSpan.Start)
            .ToImmutableArray();

    private static async Task<ImmutableArray<Diagnostic>> FixableAsync(Document document, DiagnosticAnalyzer analyzer, CodeFixProvider fix)
    {
        var diagnostics = await FixableInAsync(document, analyzer, fix).ConfigureAwait(false);
        return diagnostics.Length < 2
            ? throw new XunitException($"Fix-all needs at least two diagnostics to fix; the analyzer reported {diagnostics.Length}.")
            : diagnostics;
    }

    private static Task<Document> FixAllAsync(Document document, CodeFixProvider fix, ImmutableArray<Diagnostic> diagnostics, FixAllScope scope, string? key)
        => ApplyFixAllAsync(document, fix, new FixAllContext(
            document, fix, scope, key!, diagnostics.Select(static d => d.Id).Distinct(),
            new FixedDiagnostics(diagnostics), CancellationToken.None));

    private static async Task<Document> ApplyFixAllAsync(Document document, CodeFixProvider fix, FixAllContext context)
    {
        var fixAll = fix.GetFixAllProvider() ?? throw new XunitException("The code fix has no fix-all provider.");
        var action = await fixAll.GetFixAsync(context).ConfigureAwait(false) ?? throw new XunitException("Fix-all offered no action.");
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        return operations.OfType<ApplyChangesOperation>().Single().ChangedSolution.GetDocument(document.Id)!;
    }

    /// <summary>
    /// Fails unless <paramref name="analyzer"/> reports a diagnostic <paramref name="fix"/> is for in <paramref name="source"/>
    /// and the fix offers no action for any of them: for code where the repair would be a guess.
    /// </summary>
    public static async Task VerifyNotOfferedAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source)
    {
        using var workspace = new AdhocWorkspace();
        var document = AddDocument(workspace, source);
        var diagnostics = (await AnalyzeAsync(document.Project, analyzer).ConfigureAwait(false))
            .Where(d => fix.FixableDiagnosticIds.Contains(d.Id))
            .ToList();
        if (diagnostics.Count == 0)
        {
            throw new XunitException("The analyzer reported nothing for the code fix to decline.");
        }

        foreach (var diagnostic in diagnostics)
        {
            var offered = new List<string>();
            await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => offered.Add(action.Title), CancellationToken.None)).ConfigureAwait(false);
            if (offered.Count > 0)
            {
                throw new XunitException($"The code fix offered {string.Join(", ", offered)} for {diagnostic}.");
            }
        }
    }

    /// <summary>The titles of the actions <paramref name="fix"/> offers for the diagnostics of <paramref name="analyzer"/>, in source order.</summary>
    public static async Task<IReadOnlyList<string>> TitlesAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source)
    {
        using var workspace = new AdhocWorkspace();
        var document = AddDocument(workspace, source);
        var titles = new List<string>();
        foreach (var diagnostic in (await AnalyzeAsync(document.Project, analyzer).ConfigureAwait(false))
                     .Where(d => fix.FixableDiagnosticIds.Contains(d.Id))
                     .OrderBy(static d => d.Location.SourceSpan.Start))
        {
            await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostic, (action, _) => titles.Add(action.Title), CancellationToken.None)).ConfigureAwait(false);
        }

        return titles;
    }

    /// <summary>A project of the test compilation's options and references in <paramref name="workspace"/>, with <paramref name="source"/> as its one document.</summary>
    public static Document AddDocument(AdhocWorkspace workspace, string source) => workspace.CurrentSolution
        .AddProject("TestProject", "TestProject", LanguageNames.CSharp)
        .WithCompilationOptions(TestCompilation.Options)
        .WithParseOptions(TestCompilation.ParseOptions)
        .WithMetadataReferences(TestCompilation.References)
        .AddDocument("Source0.cs", SourceText.From(source));

    private static async Task CheckFixedAsync(Document document, DiagnosticAnalyzer analyzer, string expected, int unfixed = 0)
    {
        var text = (await document.GetTextAsync().ConfigureAwait(false)).ToString();
        if (text != expected)
        {
            throw new XunitException("The fixed code differs from the expected code:\n" + TextDiff.Unified(expected, text));
        }

        var compilation = await document.Project.GetCompilationAsync().ConfigureAwait(false);
        GeneratorHarness.Run(compilation!).CompilesWithoutDiagnostics();
        var remaining = await AnalyzeAsync(document.Project, analyzer).ConfigureAwait(false);
        if (remaining.Length != unfixed)
        {
            throw new XunitException($"The analyzer reports {remaining.Length} diagnostics after the fix, not {unfixed}:\n  " + string.Join("\n  ", remaining.Select(GeneratedCodeAssert.Format)));
        }
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, DiagnosticAnalyzer analyzer)
    {
        var compilation = await project.GetCompilationAsync().ConfigureAwait(false);
        return await compilation!.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
    }

    private static async Task<CodeAction> ActionAsync(Document document, CodeFixProvider fix, Diagnostic diagnostic, string? equivalenceKey)
    {
        CodeAction? action = null;
        var context = new CodeFixContext(
            document,
            diagnostic,
            (registered, _) =>
            {
                if (equivalenceKey is null || registered.EquivalenceKey == equivalenceKey)
                {
                    action ??= registered;
                }
            },
            CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        return action ?? throw new XunitException($"The code fix offered no action{(equivalenceKey is null ? "" : " " + equivalenceKey)} for {diagnostic}.");
    }

    private static async Task<Document> ApplyAsync(Document document, CodeFixProvider fix, Diagnostic diagnostic, string? equivalenceKey)
    {
        var action = await ActionAsync(document, fix, diagnostic, equivalenceKey).ConfigureAwait(false);
        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetDocument(document.Id) ?? throw new InvalidOperationException("The fix removed the document.");
    }

    /// <summary>
    /// The ids of the errors and warnings of <paramref name="source"/> compiled with the ServerTools generators, with
    /// <paramref name="symbols"/> defined (another build configuration's <c>#if</c> branches): for fixed code that is not
    /// clean by design, or that must compile in every configuration.
    /// </summary>
    public static string[] CompileWithGenerators(string source, params string[] symbols)
    {
        var compilation = TestCompilation.Create().AddSyntaxTrees(
            CSharpSyntaxTree.ParseText(source, TestCompilation.ParseOptions.WithPreprocessorSymbols(symbols), "Source0.cs"));
        return [.. GeneratorHarness.Run(compilation).OutputCompilation.GetDiagnostics()
            .Where(static d => d.Severity is DiagnosticSeverity.Error or DiagnosticSeverity.Warning)
            .Select(static d => d.Id)];
    }

    /// <summary>The diagnostics fix-all fixes: the ones the analyzer reported in the one document.</summary>
    internal sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>([]);

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken)
            => Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }
}
