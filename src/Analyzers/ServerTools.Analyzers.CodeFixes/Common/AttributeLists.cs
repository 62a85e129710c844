using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Simplification;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>Adds an attribute to a declaration the way a developer would write it.</summary>
internal static class AttributeLists
{
    /// <summary>
    /// Puts <c>[Name]</c> first, written as <c>global::Name</c> and shortened by the simplifier to what the file's usings
    /// allow. On a line of its own when the declaration starts a line: the list takes the declaration's leading trivia
    /// (doc comment, indentation) and the declaration keeps only its indentation.
    /// </summary>
    /// <param name="member">The declaration.</param>
    /// <param name="attributeName">The attribute's full name without the <c>Attribute</c> suffix: <c>ServerTools.Audited</c>.</param>
    public static TMember AddFirst<TMember>(TMember member, string attributeName)
        where TMember : MemberDeclarationSyntax
    {
        var name = SyntaxFactory.ParseName("global::" + attributeName).WithAdditionalAnnotations(Simplifier.Annotation);
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

    /// <summary>The line break the file uses: the one after the previous token, or the first in the file.</summary>
    private static SyntaxTrivia EndOfLine(SyntaxNode node)
        => node.GetFirstToken().GetPreviousToken().TrailingTrivia.Concat(node.SyntaxTree.GetRoot().DescendantTrivia())
               .FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } endOfLine
            ? endOfLine
            : SyntaxFactory.LineFeed;
}
