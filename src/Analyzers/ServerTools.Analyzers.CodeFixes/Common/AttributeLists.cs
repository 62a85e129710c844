using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Editing;
using Microsoft.CodeAnalysis.Simplification;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>Adds an attribute to a declaration, or removes one, the way a developer would.</summary>
internal static class AttributeLists
{
    /// <summary>
    /// Puts <c>[Name]</c> first, written as <c>global::Name</c> and marked for <see cref="AddImportsAsync"/>, which adds
    /// the using its namespace needs (<c>using ServerTools;</c>) unless the file or a global using imports it already, so
    /// that the simplifier shortens it to <c>[Audited]</c>. On a line of its own when the declaration starts a line: the
    /// list takes the declaration's leading trivia (doc comment, indentation) and the declaration keeps only its indentation.
    /// </summary>
    /// <param name="member">The declaration.</param>
    /// <param name="attributeName">The attribute's full name without the <c>Attribute</c> suffix: <c>ServerTools.Audited</c>.</param>
    public static TMember AddFirst<TMember>(TMember member, string attributeName)
        where TMember : MemberDeclarationSyntax
    {
        var name = SyntaxFactory.ParseName("global::" + attributeName).WithAdditionalAnnotations(Simplifier.Annotation, Simplifier.AddImportsAnnotation);
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name)));

        var first = member.GetFirstToken();
        var leading = first.LeadingTrivia;
        SyntaxTriviaList rest;
        if (Lines.StartsLine(first))
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(EndOfLine(member));
            rest = SyntaxFactory.TriviaList(leading.Reverse().TakeWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());
        }
        else
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space);
            rest = default;
        }

        var updated = member.ReplaceToken(first, first.WithLeadingTrivia(rest));
        return (TMember)updated.WithAttributeLists(updated.AttributeLists.Insert(0, list));
    }

    /// <summary>
    /// <paramref name="document"/> with the usings that the names <see cref="AddFirst"/> wrote need (none when it wrote
    /// none); they are then shortened by the simplifier as the code action is applied.
    /// </summary>
    public static async Task<Document> AddImportsAsync(Document document, CancellationToken cancellationToken)
    {
        var root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        return root is not null && root.GetAnnotatedNodes(Simplifier.AddImportsAnnotation).Any()
            ? await ImportAdder.AddImportsAsync(document, Simplifier.AddImportsAnnotation, cancellationToken: cancellationToken).ConfigureAwait(false)
            : document;
    }

    /// <summary>The line break the file uses: the one after the previous token, or the first in the file.</summary>
    private static SyntaxTrivia EndOfLine(SyntaxNode node)
        => node.GetFirstToken().GetPreviousToken().TrailingTrivia.Concat(node.SyntaxTree.GetRoot().DescendantTrivia())
               .FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } endOfLine
            ? endOfLine
            : SyntaxFactory.LineFeed;

    /// <summary>
    /// Removes <paramref name="node"/>: from its list when it shares one (<c>[AuditIgnore, AuditMask]</c>), or the whole
    /// list, together with its line when the list stands on a line of its own. Comments before the list stay.
    /// </summary>
    public static SyntaxNode Remove(SyntaxNode root, AttributeSyntax node)
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
