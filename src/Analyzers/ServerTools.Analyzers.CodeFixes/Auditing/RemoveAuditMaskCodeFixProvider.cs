using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1003 by removing <c>[AuditMask]</c>: from its list when it shares one (<c>[AuditIgnore, AuditMask]</c>),
/// or the whole list, together with its line when the list stands on a line of its own.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(RemoveAuditMaskCodeFixProvider))]
[Shared]
public sealed class RemoveAuditMaskCodeFixProvider()
    : SyntaxNodeCodeFixProvider<AttributeSyntax>(DiagnosticDescriptors.AuditIgnoreAndAuditMask, "ServerTools.RemoveAuditMask")
{
    /// <inheritdoc />
    protected override AttributeSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeSyntax>() is { Parent: AttributeListSyntax } attribute
            ? attribute
            : null;

    /// <inheritdoc />
    protected override string Title(AttributeSyntax node) => "Remove [AuditMask]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, AttributeSyntax node)
    {
        var list = (AttributeListSyntax)node.Parent!;
        return list.Attributes.Count > 1
            ? root.ReplaceNode(list, list.WithAttributes(list.Attributes.Remove(node)))
            : RemoveList(root, list);
    }

    /// <summary>
    /// Removes <paramref name="original"/> and the spaces or line break after it. Comments before it stay, and a line
    /// that held only the list disappears: the next token keeps its own indentation.
    /// </summary>
    private static SyntaxNode RemoveList(SyntaxNode root, AttributeListSyntax original)
    {
        // Tracked, so that the list can be found again after the tokens around it are replaced.
        var tracked = root.TrackNodes(original);
        var list = tracked.GetCurrentNode(original)!;
        var previous = list.GetFirstToken().GetPreviousToken();
        var next = list.GetLastToken().GetNextToken();
        var leading = list.GetLeadingTrivia();
        var trailing = list.GetTrailingTrivia();
        var startsLine = Lines.StartsLine(list.GetFirstToken());
        var endsLine = trailing.Any(SyntaxKind.EndOfLineTrivia);

        tracked = !endsLine
            // "[AuditMask] public ...": what came before the list now comes before the next token.
            ? tracked.ReplaceToken(next, next.WithLeadingTrivia(leading.AddRange(next.LeadingTrivia)))
            : startsLine
                // The list had a line of its own: keep the comments before it, drop its indentation and line break.
                ? tracked.ReplaceToken(next, next.WithLeadingTrivia(TrimTrailingWhitespace(leading).AddRange(next.LeadingTrivia)))
                // "[AuditIgnore] [AuditMask]" ending a line: the line now ends after the previous token.
                : tracked.ReplaceToken(previous, previous.WithTrailingTrivia(TrimTrailingWhitespace(previous.TrailingTrivia).AddRange(leading).AddRange(trailing)));
        return tracked.RemoveNode(tracked.GetCurrentNode(original)!, SyntaxRemoveOptions.KeepNoTrivia)!;
    }

    private static SyntaxTriviaList TrimTrailingWhitespace(SyntaxTriviaList trivia)
    {
        var count = trivia.Count;
        while (count > 0 && trivia[count - 1].IsKind(SyntaxKind.WhitespaceTrivia))
        {
            count--;
        }

        return SyntaxFactory.TriviaList(trivia.Take(count));
    }
}
