using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.FuzzySearch;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.FuzzySearch;

/// <summary>
/// Fixes ST3001 on a misspelt string in the class's <c>[FuzzySearchable]</c> when one mapped string property of the
/// class has a name a typo away (the analyzer names it): <c>"Nmae"</c> becomes <c>nameof(Name)</c>.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseNameofForSearchableFieldCodeFixProvider))]
[Shared]
public sealed class UseNameofForSearchableFieldCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.UseNameofForSearchableField";

    /// <summary>Creates the provider.</summary>
    public UseNameofForSearchableFieldCodeFixProvider()
        : base(DiagnosticDescriptors.SearchableFieldNotMapped)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (diagnostic.Properties.TryGetValue(FuzzySearchFieldAnalyzer.MeantPropertyProperty, out var property) && property is not null
            && root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is LiteralExpressionSyntax literal
            && literal.IsKind(SyntaxKind.StringLiteralExpression))
        {
            var name = SyntaxFactory.ParseExpression($"nameof({property})").WithTriviaFrom(literal);
            RegisterFix(context, diagnostic, $"Use nameof({property})", EquivalenceKey, literal, (root, node) => root.ReplaceNode(node, name));
        }
    }
}
