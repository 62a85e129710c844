using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// A code action that rewrites one syntax node of a document: alone, it applies its fix to the document's root; in a
/// fix-all (<see cref="NodeFixAllProvider"/>) the fixes of one document are applied one after the other to one root, each
/// to its node as the fixes before it left it, so that fixes next to each other (items of one list, attributes that each
/// need <c>using ServerTools;</c>) do not conflict.
/// </summary>
internal sealed class NodeFixAction : CodeAction
{
    private readonly Document _document;
    private readonly Func<SyntaxNode, SyntaxNode, SyntaxNode> _fix;

    /// <summary>Creates the action.</summary>
    /// <param name="title">The action's title.</param>
    /// <param name="equivalenceKey">The key fix-all applies it by.</param>
    /// <param name="document">The document.</param>
    /// <param name="node">The node the fix rewrites, in the document's root.</param>
    /// <param name="fix">The new root, from a root and the node's current version in it.</param>
    public NodeFixAction(string title, string equivalenceKey, Document document, SyntaxNode node, Func<SyntaxNode, SyntaxNode, SyntaxNode> fix)
    {
        Title = title;
        EquivalenceKey = equivalenceKey;
        _document = document;
        Node = node;
        _fix = fix;
    }

    /// <inheritdoc />
    public override string Title { get; }

    /// <inheritdoc />
    public override string? EquivalenceKey { get; }

    /// <summary>The node the fix rewrites, in the root of the document it was offered for.</summary>
    public SyntaxNode Node { get; }

    /// <summary>The fix applied to <paramref name="node"/>, the current version of <see cref="Node"/> in <paramref name="root"/>.</summary>
    public SyntaxNode Apply(SyntaxNode root, SyntaxNode node) => _fix(root, node);

    /// <inheritdoc />
    protected override async Task<Document> GetChangedDocumentAsync(CancellationToken cancellationToken)
    {
        var root = await _document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return await AttributeLists.AddImportsAsync(_document.WithSyntaxRoot(Apply(root!, Node)), cancellationToken).ConfigureAwait(false);
    }
}
