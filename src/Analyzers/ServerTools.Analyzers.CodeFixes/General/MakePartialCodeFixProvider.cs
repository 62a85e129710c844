using System.Composition;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.General;

/// <summary>Fixes ST0001 by adding the <c>partial</c> modifier to the declaration.</summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider))]
[Shared]
public sealed class MakePartialCodeFixProvider()
    : SyntaxNodeCodeFixProvider<TypeDeclarationSyntax>(DiagnosticDescriptors.TypeMustBePartial, "ServerTools.MakePartial")
{
    /// <inheritdoc />
    protected override TypeDeclarationSyntax? Find(SyntaxNode root, Diagnostic diagnostic)
        => root.FindToken(diagnostic.Location.SourceSpan.Start).Parent is TypeDeclarationSyntax declaration
           && !declaration.Modifiers.Any(SyntaxKind.PartialKeyword)
            ? declaration
            : null;

    /// <inheritdoc />
    protected override string Title(TypeDeclarationSyntax node) => $"Make '{node.Identifier.ValueText}' partial";

    /// <inheritdoc />
    protected override SyntaxNode Fix(SyntaxNode root, TypeDeclarationSyntax node) => root.ReplaceNode(node, AddPartial(node));

    /// <summary>
    /// Adds <c>partial</c> as the last modifier (it must come right before the type keyword). With no
    /// modifiers, the keyword's leading trivia (indentation, comments) moves to <c>partial</c>.
    /// </summary>
    internal static TypeDeclarationSyntax AddPartial(TypeDeclarationSyntax declaration)
    {
        // No elastic trivia: the formatter would otherwise rewrite the lines around it with its own settings.
        var partial = SyntaxFactory.Token(default, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        if (declaration.Modifiers.Count > 0)
        {
            return declaration.WithModifiers(declaration.Modifiers.Add(partial));
        }

        var keyword = declaration.Keyword;
        return declaration
            .WithKeyword(keyword.WithLeadingTrivia())
            .WithModifiers(SyntaxFactory.TokenList(partial.WithLeadingTrivia(keyword.LeadingTrivia)));
    }
}
