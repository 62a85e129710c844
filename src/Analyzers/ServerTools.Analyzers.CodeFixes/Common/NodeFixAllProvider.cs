using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// The fix-all of code fixes that offer <see cref="NodeFixAction"/>s: in each document, the actions with the fix-all's
/// equivalence key are applied one after the other to one root, each to its node as the ones before left it (a node a
/// fix before removed is skipped; a node two diagnostics share is fixed once), and the usings the added attributes need
/// are added once at the end. Roslyn's batch fixer instead makes each fix on the original document and drops every one
/// whose edit overlaps another's: two items of one list removed with the comma between them, or three attributes that
/// each add <c>using ServerTools;</c>, lost all but the first fixes.
/// </summary>
internal sealed class NodeFixAllProvider : DocumentBasedFixAllProvider
{
    private NodeFixAllProvider()
        : base([FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution])
    {
    }

    /// <summary>The one instance.</summary>
    public static NodeFixAllProvider Instance { get; } = new();

    /// <inheritdoc />
    protected override async Task<Document?> FixAllAsync(FixAllContext fixAllContext, Document document, ImmutableArray<Diagnostic> diagnostics)
    {
        var cancellationToken = fixAllContext.CancellationToken;
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var fixes = new List<(SyntaxNode Node, NodeFixAction Action)>();
        foreach (var diagnostic in diagnostics.OrderBy(static d => d.Location.SourceSpan.Start))
        {
            NodeFixAction? action = null;
            var context = new CodeFixContext(
                document,
                diagnostic,
                (registered, _) =>
                {
                    if (registered is NodeFixAction fix && fix.EquivalenceKey == fixAllContext.CodeActionEquivalenceKey)
                    {
                        action ??= fix;
                    }
                },
                cancellationToken);
            await fixAllContext.CodeFixProvider.RegisterCodeFixesAsync(context).ConfigureAwait(false);
            if (action is not null && InRoot(root, action.Node) is { } node && !fixes.Any(f => f.Node == node))
            {
                fixes.Add((node, action));
            }
        }

        if (fixes.Count == 0)
        {
            return document;
        }

        var current = root.TrackNodes(fixes.Select(static f => f.Node));
        foreach (var (node, action) in fixes)
        {
            if (current.GetCurrentNode(node) is { } target)
            {
                current = action.Apply(current, target);
            }
        }

        return await AttributeLists.AddImportsAsync(document.WithSyntaxRoot(current), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="node"/> in <paramref name="root"/>: itself, or the node of the same kind and span when the action
    /// was offered for another parse of the same text.
    /// </summary>
    private static SyntaxNode? InRoot(SyntaxNode root, SyntaxNode node)
        => node.SyntaxTree == root.SyntaxTree
            ? node
            : root.FindNode(node.Span, getInnermostNodeForTie: true).AncestorsAndSelf().FirstOrDefault(n => n.Span == node.Span && n.RawKind == node.RawKind);
}
