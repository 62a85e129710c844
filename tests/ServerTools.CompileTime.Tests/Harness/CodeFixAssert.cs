using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
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
    public static async Task VerifyAsync(DiagnosticAnalyzer analyzer, CodeFixProvider fix, string source, string expected)
    {
        using var workspace = new AdhocWorkspace();
        var project = workspace.CurrentSolution
            .AddProject("TestProject", "TestProject", LanguageNames.CSharp)
            .WithCompilationOptions(TestCompilation.Options)
            .WithParseOptions(TestCompilation.ParseOptions)
            .WithMetadataReferences(TestCompilation.References);
        var document = project.AddDocument("Source0.cs", SourceText.From(source));

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

            document = await ApplyAsync(document, fix, fixable).ConfigureAwait(false);
        }

        var text = (await document.GetTextAsync().ConfigureAwait(false)).ToString();
        if (text != expected)
        {
            throw new XunitException("The fixed code differs from the expected code:\n" + TextDiff.Unified(expected, text));
        }

        var compilation = await document.Project.GetCompilationAsync().ConfigureAwait(false);
        GeneratorHarness.Run(compilation!).CompilesWithoutDiagnostics();
        var remaining = await AnalyzeAsync(document.Project, analyzer).ConfigureAwait(false);
        if (!remaining.IsEmpty)
        {
            throw new XunitException("The analyzer still reports after the fix:\n  " + string.Join("\n  ", remaining.Select(GeneratedCodeAssert.Format)));
        }
    }

    private static async Task<ImmutableArray<Diagnostic>> AnalyzeAsync(Project project, DiagnosticAnalyzer analyzer)
    {
        var compilation = await project.GetCompilationAsync().ConfigureAwait(false);
        return await compilation!.WithAnalyzers([analyzer]).GetAnalyzerDiagnosticsAsync().ConfigureAwait(false);
    }

    private static async Task<Document> ApplyAsync(Document document, CodeFixProvider fix, Diagnostic diagnostic)
    {
        CodeAction? action = null;
        var context = new CodeFixContext(document, diagnostic, (registered, _) => action ??= registered, CancellationToken.None);
        await fix.RegisterCodeFixesAsync(context).ConfigureAwait(false);
        if (action is null)
        {
            throw new XunitException($"The code fix offered no action for {diagnostic}.");
        }

        var operations = await action.GetOperationsAsync(CancellationToken.None).ConfigureAwait(false);
        var solution = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        return solution.GetDocument(document.Id) ?? throw new InvalidOperationException("The fix removed the document.");
    }
}
