using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using Microsoft.CodeAnalysis.Simplification;

namespace ServerTools.Analyzers.CodeFixes.Auditing;

/// <summary>
/// Fixes ST1004 by marking the property <c>[AuditIgnore]</c>, in an attribute list of its own on the line above
/// the property (below its doc comment), with the property's indentation.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddAuditIgnoreCodeFixProvider))]
[Shared]
public sealed class AddAuditIgnoreCodeFixProvider()
    : SyntaxNodeCodeFixProvider<PropertyDeclarationSyntax>(DiagnosticDescriptors.UnsupportedAuditPropertyType, "ServerTools.AddAuditIgnore")
{
    /// <inheritdoc />
    protected override PropertyDeclarationSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindToken(diagnostic.Location.SourceSpan.Start).Parent as PropertyDeclarationSyntax;

    /// <inheritdoc />
    protected override string Title(PropertyDeclarationSyntax node) => $"Mark '{node.Identifier.ValueText}' [AuditIgnore]";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, PropertyDeclarationSyntax node) => root.ReplaceNode(node, AddAuditIgnore(node));

    /// <summary>
    /// Puts <c>[AuditIgnore]</c> first. On a line of its own when the property starts a line: the list takes the
    /// property's leading trivia (doc comment, indentation) and the property keeps only its indentation.
    /// </summary>
    private static PropertyDeclarationSyntax AddAuditIgnore(PropertyDeclarationSyntax property)
    {
        // global::ServerTools.AuditIgnore, shortened by the simplifier to what the file's usings allow.
        var name = SyntaxFactory.ParseName("global::ServerTools.AuditIgnore").WithAdditionalAnnotations(Simplifier.Annotation);
        var list = SyntaxFactory.AttributeList(SyntaxFactory.SingletonSeparatedList(SyntaxFactory.Attribute(name)));

        var first = property.GetFirstToken();
        var leading = first.LeadingTrivia;
        SyntaxTriviaList rest;
        if (Lines.StartsLine(first))
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(EndOfLine(property));
            rest = SyntaxFactory.TriviaList(leading.Reverse().TakeWhile(static t => t.IsKind(SyntaxKind.WhitespaceTrivia)).Reverse());
        }
        else
        {
            list = list.WithLeadingTrivia(leading).WithTrailingTrivia(SyntaxFactory.Space);
            rest = default;
        }

        var updated = property.ReplaceToken(first, first.WithLeadingTrivia(rest));
        return updated.WithAttributeLists(updated.AttributeLists.Insert(0, list));
    }

    /// <summary>The line break the file uses: the one after the previous token, or the first in the file.</summary>
    private static SyntaxTrivia EndOfLine(SyntaxNode node)
        => node.GetFirstToken().GetPreviousToken().TrailingTrivia.Concat(node.SyntaxTree.GetRoot().DescendantTrivia())
               .FirstOrDefault(static t => t.IsKind(SyntaxKind.EndOfLineTrivia)) is { RawKind: not 0 } endOfLine
            ? endOfLine
            : SyntaxFactory.LineFeed;
}
