using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5006 reported at an entry of Tags or RuleSets padded with whitespace, written as a string literal:
/// <c>RuleSets = ["post "]</c> becomes <c>RuleSets = ["post"]</c>, the name the message says to write. Whitespace at
/// either end of a name is never meant (the rule's metadata refuses it), so nothing the developer meant is lost. An entry
/// written as a constant is left alone: the constant may serve elsewhere; correct the constant.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(TrimTagOrRuleSetCodeFixProvider))]
[Shared]
public sealed class TrimTagOrRuleSetCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.TrimTagOrRuleSet";

    /// <summary>Creates the provider.</summary>
    public TrimTagOrRuleSetCodeFixProvider()
        : base(DiagnosticDescriptors.EmptyRuleIdTagOrSet)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(EmptyRuleIdTagOrSetAnalyzer.Padded, out var trimmed) || string.IsNullOrEmpty(trimmed)
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression)
            || literal.Span != diagnostic.Location.SourceSpan)
        {
            return;
        }

        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(trimmed!)).WithTriviaFrom(literal);
        RegisterNewRoot(context, diagnostic, $"Write {replacement.WithoutTrivia()}", EquivalenceKey, () => root.ReplaceNode(literal, replacement));
    }
}
