using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// A code fix that registers its actions diagnostic by diagnostic: subclasses say which diagnostics they fix and what
/// to offer for one of them; the document's root (and semantic model, when asked for) and fix-all are handled here once.
/// </summary>
public abstract class DiagnosticCodeFixProvider : CodeFixProvider
{
    /// <summary>Creates the provider for <paramref name="diagnostics"/>.</summary>
    /// <param name="diagnostics">The diagnostics it fixes.</param>
    protected DiagnosticCodeFixProvider(params DiagnosticDescriptor[] diagnostics)
    {
        FixableDiagnosticIds = [.. diagnostics.Select(static d => d.Id)];
    }

    /// <inheritdoc />
    public sealed override ImmutableArray<string> FixableDiagnosticIds { get; }

    /// <inheritdoc />
    public sealed override FixAllProvider GetFixAllProvider() => KeyedFixAllProvider.Instance;

    /// <summary>Whether <see cref="Register"/> needs the document's semantic model (otherwise it gets null).</summary>
    protected virtual bool UsesSemanticModel => false;

    /// <inheritdoc />
    public sealed override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        var root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        var model = UsesSemanticModel ? await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false) : null;
        if (root is null || (UsesSemanticModel && model is null))
        {
            return;
        }

        foreach (var diagnostic in context.Diagnostics)
        {
            Register(context, root, model, diagnostic);
        }
    }

    /// <summary>Registers the actions that fix <paramref name="diagnostic"/>, if any.</summary>
    protected abstract void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic);

    /// <summary>
    /// Offers the action <paramref name="title"/> for <paramref name="diagnostic"/>: the document with the root that
    /// <paramref name="newRoot"/> makes, made only when the action is previewed or applied.
    /// </summary>
    protected static void RegisterNewRoot(CodeFixContext context, Diagnostic diagnostic, string title, string equivalenceKey, Func<SyntaxNode> newRoot)
    {
        var document = context.Document;
        context.RegisterCodeFix(CodeAction.Create(title, _ => Task.FromResult(document.WithSyntaxRoot(newRoot())), equivalenceKey), diagnostic);
    }

    /// <summary>
    /// Offers the action <paramref name="title"/> for <paramref name="diagnostic"/>: the root that <paramref name="fix"/>
    /// makes of the document's root and <paramref name="node"/>. Fix-all applies the actions of a document one after the
    /// other to one root, each to its node as the fixes before left it (<see cref="NodeFixAllProvider"/>), so
    /// <paramref name="fix"/> must read the node and its surroundings from its arguments, not from the original root.
    /// </summary>
    protected static void RegisterFix<TNode>(CodeFixContext context, Diagnostic diagnostic, string title, string equivalenceKey, TNode node, Func<SyntaxNode, TNode, SyntaxNode> fix)
        where TNode : SyntaxNode
        => context.RegisterCodeFix(new NodeFixAction(title, equivalenceKey, context.Document, node, (root, current) => fix(root, (TNode)current)), diagnostic);
}
