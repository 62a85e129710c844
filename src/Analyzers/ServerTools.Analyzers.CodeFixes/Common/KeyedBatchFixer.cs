using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// The fix-all of every ServerTools code fix: Roslyn's batch fixer, which applies to each diagnostic in scope the action
/// with the equivalence key fix-all is asked for. <c>dotnet format analyzers</c> asks with the key of the action the code
/// fix offers for the first diagnostic it found, and with none when the fix offers nothing for that one (an empty rule
/// id, a navigation marked [Tracked]): the batch fixer would then fix nothing, and <c>dotnet format</c> says the code fix
/// "didn't return a Fix All action". Asked without a key, this takes the key of the first diagnostic in scope that the
/// code fix offers an action for.
/// </summary>
internal sealed class KeyedBatchFixer : FixAllProvider
{
    private KeyedBatchFixer()
    {
    }

    /// <summary>The one instance.</summary>
    public static FixAllProvider Instance { get; } = new KeyedBatchFixer();

    /// <inheritdoc />
    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => WellKnownFixAllProviders.BatchFixer.GetSupportedFixAllScopes();

    /// <inheritdoc />
    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        if (fixAllContext.CodeActionEquivalenceKey is null
            && fixAllContext.Scope is FixAllScope.Document or FixAllScope.Project or FixAllScope.Solution
            && await FirstKeyAsync(fixAllContext).ConfigureAwait(false) is { } key)
        {
            var diagnostics = new ContextDiagnostics(fixAllContext);
            fixAllContext = fixAllContext.Document is { } document
                ? new FixAllContext(document, fixAllContext.CodeFixProvider, fixAllContext.Scope, key, fixAllContext.DiagnosticIds, diagnostics, fixAllContext.CancellationToken)
                : new FixAllContext(fixAllContext.Project, fixAllContext.CodeFixProvider, fixAllContext.Scope, key, fixAllContext.DiagnosticIds, diagnostics, fixAllContext.CancellationToken);
        }

        return await WellKnownFixAllProviders.BatchFixer.GetFixAsync(fixAllContext).ConfigureAwait(false);
    }

    /// <summary>The equivalence key of the first action the code fix offers for a diagnostic in scope, in file and position order.</summary>
    private static async Task<string?> FirstKeyAsync(FixAllContext fixAllContext)
    {
        var diagnostics = new List<Diagnostic>();
        if (fixAllContext.Scope == FixAllScope.Document && fixAllContext.Document is { } document)
        {
            diagnostics.AddRange(await fixAllContext.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false));
        }
        else
        {
            var projects = fixAllContext.Scope == FixAllScope.Solution ? fixAllContext.Solution.Projects : [fixAllContext.Project];
            foreach (var project in projects)
            {
                diagnostics.AddRange(await fixAllContext.GetAllDiagnosticsAsync(project).ConfigureAwait(false));
            }
        }

        foreach (var diagnostic in diagnostics
                     .Where(static d => d.Location.IsInSource)
                     .OrderBy(static d => d.Location.SourceTree!.FilePath, System.StringComparer.Ordinal)
                     .ThenBy(static d => d.Location.SourceSpan.Start))
        {
            if (fixAllContext.Solution.GetDocument(diagnostic.Location.SourceTree) is not { } owner)
            {
                continue;
            }

            string? key = null;
            var context = new CodeFixContext(owner, diagnostic, (action, _) => key ??= action.EquivalenceKey, fixAllContext.CancellationToken);
            await fixAllContext.CodeFixProvider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            if (key is not null)
            {
                return key;
            }
        }

        return null;
    }

    /// <summary>The diagnostics of the context fix-all was asked with, for the one made with a key.</summary>
    private sealed class ContextDiagnostics(FixAllContext original) : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, System.Threading.CancellationToken cancellationToken)
            => await original.GetDocumentDiagnosticsAsync(document).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, System.Threading.CancellationToken cancellationToken)
            => await original.GetProjectDiagnosticsAsync(project).ConfigureAwait(false);

        public override async Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, System.Threading.CancellationToken cancellationToken)
            => await original.GetAllDiagnosticsAsync(project).ConfigureAwait(false);
    }
}
