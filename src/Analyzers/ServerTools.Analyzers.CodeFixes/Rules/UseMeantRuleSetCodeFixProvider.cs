using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.CodeFixes.Common;
using ServerTools.Analyzers.Rules;

namespace ServerTools.Analyzers.CodeFixes.Rules;

/// <summary>
/// Fixes ST5010 where the rule set is a string literal and one rule set of the code rules is the one meant:
/// <c>engine.Enforce(order, "Confrim")</c> becomes <c>engine.Enforce(order, "confirm")</c>. A name written as a constant
/// is left alone (the constant may serve elsewhere), and so is a name two rule sets are equally close to.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseMeantRuleSetCodeFixProvider))]
[Shared]
public sealed class UseMeantRuleSetCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.UseMeantRuleSet";

    /// <summary>Creates the provider.</summary>
    public UseMeantRuleSetCodeFixProvider()
        : base(DiagnosticDescriptors.MisspeltRuleSet)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (!diagnostic.Properties.TryGetValue(MisspeltRuleSetAnalyzer.MeantRuleSet, out var meant) || meant is null
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression)
            || literal.Span != diagnostic.Location.SourceSpan)
        {
            return;
        }

        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(meant)).WithTriviaFrom(literal);
        RegisterNewRoot(context, diagnostic, $"Use {replacement.WithoutTrivia()}", EquivalenceKey, () => root.ReplaceNode(literal, replacement));
    }
}
