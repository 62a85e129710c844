using System.Composition;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using ServerTools.Analyzers.TimeWindows;
using ServerTools.Analyzers.CodeFixes.Common;

namespace ServerTools.Analyzers.CodeFixes.TimeWindows;

/// <summary>
/// Fixes a misspelt time zone of <c>[TimeWindowed]</c> where the analyzer names what it means: ST4001's string
/// <c>"europe/paris"</c> becomes <c>"Europe/Paris"</c>, and ST4002's <c>"TimeZoneID"</c> (or <c>nameof</c> of another
/// member) becomes <c>nameof(TimeZoneId)</c>. A value written as a constant is left alone, as ST4001, ST5006, ST5010 and
/// ST5013 leave theirs: the constant may serve elsewhere; correct the constant.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(UseMeantTimeZoneCodeFixProvider))]
[Shared]
public sealed class UseMeantTimeZoneCodeFixProvider : DiagnosticCodeFixProvider
{
    private const string EquivalenceKey = "ServerTools.UseMeantTimeZone";

    /// <summary>Creates the provider.</summary>
    public UseMeantTimeZoneCodeFixProvider()
        : base(DiagnosticDescriptors.TimeZoneNotIana, DiagnosticDescriptors.TimeZonePropertyNotMapped)
    {
    }

    /// <inheritdoc />
    protected override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
    {
        if (root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not ExpressionSyntax value)
        {
            return;
        }

        ExpressionSyntax? replacement = null;
        if (diagnostic.Properties.TryGetValue(TimeZoneAnalyzer.SuggestedTimeZoneProperty, out var zone) && zone is not null
            && value.IsKind(SyntaxKind.StringLiteralExpression))
        {
            replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(zone));
        }
        else if (diagnostic.Properties.TryGetValue(TimeZonePropertyAnalyzer.MeantPropertyProperty, out var property) && property is not null
                 && (value.IsKind(SyntaxKind.StringLiteralExpression) || IsNameof(value)))
        {
            replacement = SyntaxFactory.ParseExpression($"nameof({property})");
        }

        if (replacement is not null)
        {
            RegisterFix(context, diagnostic, $"Use {replacement}", EquivalenceKey, value, (root, node) => root.ReplaceNode(node, replacement.WithTriviaFrom(node)));
        }
    }

    /// <summary>True for <c>nameof(X)</c>: it names a member, where a constant (<c>Columns.Zone</c>) may serve elsewhere.</summary>
    private static bool IsNameof(ExpressionSyntax value)
        => value is InvocationExpressionSyntax { Expression: IdentifierNameSyntax { Identifier.ValueText: "nameof" }, ArgumentList.Arguments.Count: 1 };
}
