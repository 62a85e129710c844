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
/// each add <c>using ServerTools;</c>, lost all but the first fixes. Every scope, the containing type and member too:
/// the base class gives each document the diagnostics in scope.
/// </summary>
internal sealed class NodeFixAllProvider : DocumentBasedFixAllProvider
{
    private static readonly ImmutableArray<FixAllScope> s_scopes =
        [FixAllScope.Document, FixAllScope.Project, FixAllScope.Solution, FixAllScope.ContainingMember, FixAllScope.ContainingType];

    private readonly string? _equivalenceKey;

    private NodeFixAllProvider(string? equivalenceKey)
        : base(s_scopes)
    {
        _equivalenceKey = equivalenceKey;
    }

    /// <summary>The instance that applies the actions with the fix-all's equivalence key.</summary>
    public static NodeFixAllProvider Instance { get; } = new(null);

    /// <summary>The scopes every instance supports.</summary>
    public static ImmutableArray<FixAllScope> Scopes => s_scopes;

    /// <summary>
    /// A fix-all that applies the actions with <paramref name="equivalenceKey"/>, for a fix-all asked with none: the
    /// context it was asked with is kept as it is, with the span that picks the containing type or member.
    /// </summary>
    public static NodeFixAllProvider WithKey(string equivalenceKey) => new(equivalenceKey);

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
                    if (registered is NodeFixAction fix && fix.EquivalenceKey == (_equivalenceKey ?? fixAllContext.CodeActionEquivalenceKey))
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
