using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace ServerTools.Analyzers.CodeFixes.Common;

/// <summary>
/// A code fix that replaces the string literal a diagnostic is reported at with the text the analyzer put in the
/// diagnostic property <c>property</c>: offered only when the diagnostic carries it and is reported at exactly a string
/// literal (a constant is left alone: it may serve elsewhere). Titled <c>{verb} "text"</c>.
/// </summary>
public abstract class StringLiteralCodeFixProvider : DiagnosticCodeFixProvider
{
    private readonly string _property;
    private readonly string _verb;
    private readonly string _equivalenceKey;

    /// <summary>Creates the provider.</summary>
    /// <param name="diagnostic">The diagnostic it fixes.</param>
    /// <param name="property">The diagnostic property with the text to write.</param>
    /// <param name="verb">The first word of the action's title: <c>Use</c>, <c>Write</c>.</param>
    /// <param name="equivalenceKey">The equivalence key of its action, shared by fix-all.</param>
    protected StringLiteralCodeFixProvider(DiagnosticDescriptor diagnostic, string property, string verb, string equivalenceKey)
        : base(diagnostic)
    {
        _property = property;
        _verb = verb;
        _equivalenceKey = equivalenceKey;
    }

    /// <inheritdoc />
    protected sealed override void Register(CodeFixContext context, SyntaxNode root, SemanticModel? model, Diagnostic diagnostic)
        => RegisterReplacement(context, root, diagnostic, _property, _verb, _equivalenceKey);

    /// <summary>
    /// Offers to replace the string literal <paramref name="diagnostic"/> is reported at with the text of its property
    /// <paramref name="property"/>, titled <c>{verb} "text"</c>, when it carries that text and is reported at exactly a
    /// string literal.
    /// </summary>
    internal static void RegisterReplacement(CodeFixContext context, SyntaxNode root, Diagnostic diagnostic, string property, string verb, string equivalenceKey)
    {
        if (!diagnostic.Properties.TryGetValue(property, out var text) || string.IsNullOrEmpty(text)
            || root.FindNode(diagnostic.Location.SourceSpan, getInnermostNodeForTie: true) is not LiteralExpressionSyntax literal
            || !literal.IsKind(SyntaxKind.StringLiteralExpression)
            || literal.Span != diagnostic.Location.SourceSpan)
        {
            return;
        }

        var replacement = SyntaxFactory.LiteralExpression(SyntaxKind.StringLiteralExpression, SyntaxFactory.Literal(text!)).WithTriviaFrom(literal);
        RegisterFix(context, diagnostic, $"{verb} {replacement.WithoutTrivia()}", equivalenceKey, literal, (root, node) => root.ReplaceNode(node, replacement));
    }
}
