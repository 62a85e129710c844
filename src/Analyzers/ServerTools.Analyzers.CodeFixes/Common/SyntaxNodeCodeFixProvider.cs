using System.Collections.Immutable;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// A code fix that rewrites one syntax node found at the diagnostic: subclasses say which node, the action's title
/// and the new root; registration, the usings an added attribute needs (<see cref="AttributeLists.AddFirst"/>) and
/// fix-all are done here once.
/// </summary>
/// <typeparam name="TNode">The kind of node the fix rewrites.</typeparam>
public abstract class SyntaxNodeCodeFixProvider<TNode> : CodeFixProvider
    where TNode : SyntaxNode
{
    private readonly string _equivalenceKey;

    /// <summary>Creates the provider for <paramref name="diagnostic"/>.</summary>
    /// <param name="diagnostic">The diagnostic it fixes.</param>
    /// <param name="equivalenceKey">The equivalence key of its action, shared by fix-all.</param>
    protected SyntaxNodeCodeFixProvider(DiagnosticDescriptor diagnostic, string equivalenceKey)
    {
        FixableDiagnosticIds = [diagnostic.Id];
        _equivalenceKey = equivalenceKey;
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => KeyedFixAllProvider.Instance;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            if (Find(root, diagnostic) is { } node)
            {
                context.RegisterCodeFix(new NodeFixAction(Title(node), _equivalenceKey, context.Document, node, (root, current) => Fix(root, (TNode)current)), diagnostic);
            }
        }
    }

    /// <summary>The node to rewrite for <paramref name="diagnostic"/>, or null when there is nothing to fix.</summary>
    protected abstract TNode? Find(SyntaxNode root, Diagnostic diagnostic);

    /// <summary>The title of the code action.</summary>
    protected abstract string Title(TNode node);

    /// <summary>
    /// The document's new root: <paramref name="node"/> fixed in <paramref name="root"/>. In a fix-all, the root is the
    /// one the fixes before left and the node its current version (<see cref="NodeFixAllProvider"/>).
    /// </summary>
    protected abstract SyntaxNode Fix(SyntaxNode root, TNode node);
}
