using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// The fix-all of every ServerTools code fix, which applies to each diagnostic in scope the action with the equivalence
/// key fix-all is asked for: <see cref="NodeFixAllProvider"/> for a code fix that offers <see cref="NodeFixAction"/>s,
/// Roslyn's batch fixer for one that does not. <c>dotnet format analyzers</c> asks with the key of the action the code
/// fix offers for the first diagnostic it found, and with none when the fix offers nothing for that one (an empty rule
/// id, a navigation marked [Tracked]): the fix-all would then fix nothing, and <c>dotnet format</c> says the code fix
/// "didn't return a Fix All action". Asked without a key, this takes the key of the first diagnostic in scope that the
/// code fix offers an action for (in the containing type or member scope: in the document). Every scope goes to
/// <see cref="NodeFixAllProvider"/>, the containing type and member too: the batch fixer dropped fixes there as well
/// ("Name", "Name", "Name" kept two). Asked without a key in those two scopes, a code fix that offers other actions
/// fixes nothing: the context cannot be remade with a key, since the span that picks the type or member is not public.
/// </summary>
internal sealed class KeyedFixAllProvider : FixAllProvider
{
    private KeyedFixAllProvider()
    {
    }

    /// <summary>The one instance.</summary>
    public static FixAllProvider Instance { get; } = new KeyedFixAllProvider();

    /// <inheritdoc />
    public override IEnumerable<FixAllScope> GetSupportedFixAllScopes() => NodeFixAllProvider.Scopes;

    /// <inheritdoc />
    public override async Task<CodeAction?> GetFixAsync(FixAllContext fixAllContext)
    {
        var first = await FirstActionAsync(fixAllContext).ConfigureAwait(false);
        if (first is NodeFixAction)
        {
            var nodeFixAll = fixAllContext.CodeActionEquivalenceKey is null ? NodeFixAllProvider.WithKey(first.EquivalenceKey!) : NodeFixAllProvider.Instance;
            return await nodeFixAll.GetFixAsync(fixAllContext).ConfigureAwait(false);
        }

        if (fixAllContext.CodeActionEquivalenceKey is null && first?.EquivalenceKey is { } key
            && fixAllContext.Scope is FixAllScope.Document or FixAllScope.Project or FixAllScope.Solution)
        {
            var diagnostics = new ContextDiagnostics(fixAllContext);
            fixAllContext = fixAllContext.Document is { } document
                ? new FixAllContext(document, fixAllContext.CodeFixProvider, fixAllContext.Scope, key, fixAllContext.DiagnosticIds, diagnostics, fixAllContext.CancellationToken)
                : new FixAllContext(fixAllContext.Project, fixAllContext.CodeFixProvider, fixAllContext.Scope, key, fixAllContext.DiagnosticIds, diagnostics, fixAllContext.CancellationToken);
        }

        return await WellKnownFixAllProviders.BatchFixer.GetFixAsync(fixAllContext).ConfigureAwait(false);
    }

    /// <summary>
    /// The first action the code fix offers for a diagnostic in scope, in file and position order: the first with the
    /// fix-all's equivalence key, or the first of any key when it has none.
    /// </summary>
    private static async Task<CodeAction?> FirstActionAsync(FixAllContext fixAllContext)
    {
        var diagnostics = new List<Diagnostic>();
        if (fixAllContext.Scope is FixAllScope.Document or FixAllScope.ContainingMember or FixAllScope.ContainingType && fixAllContext.Document is { } document)
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

            CodeAction? first = null;
            var context = new CodeFixContext(
                owner,
                diagnostic,
                (action, _) =>
                {
                    if (action.EquivalenceKey is not null && (fixAllContext.CodeActionEquivalenceKey is null || action.EquivalenceKey == fixAllContext.CodeActionEquivalenceKey))
                    {
                        first ??= action;
                    }
                },
                fixAllContext.CancellationToken);
            await fixAllContext.CodeFixProvider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            if (first is not null)
            {
                return first;
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
