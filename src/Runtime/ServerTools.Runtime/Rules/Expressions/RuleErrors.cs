using System;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace ServerTools.Rules;

/// <summary>Raises the <see cref="RuleExpressionException"/>s of one expression's text.</summary>
internal sealed class RuleErrors(string text)
{
    /// <summary>What a rejection says when nothing more specific applies.</summary>
    public const string DefaultAdvice = "a rule may only read the entity's properties and navigations, literals, operators and the safe methods listed in docs/rules.md.";

    /// <summary>The expression's text.</summary>
    public string Text { get; } = text;

    /// <summary>Rejects <paramref name="node"/> as <paramref name="construct"/>.</summary>
    public RuleExpressionException At(SyntaxNode node, string construct, string advice = DefaultAdvice) => At(node.Span, construct, advice);

    /// <summary>Rejects <paramref name="token"/> as <paramref name="construct"/>.</summary>
    public RuleExpressionException At(SyntaxToken token, string construct, string advice = DefaultAdvice) => At(token.Span, construct, advice);

    /// <summary>Rejects the text at <paramref name="span"/> as <paramref name="construct"/>.</summary>
    public RuleExpressionException At(TextSpan span, string construct, string advice = DefaultAdvice) => Create(span, construct, advice, RuleErrorKind.Refused);

    /// <summary>
    /// A syntax error at <paramref name="span"/>, named <paramref name="construct"/>; <paramref name="expected"/> says what
    /// the text needs there (a sentence, such as "')' is expected to close the '(' at position 0.").
    /// </summary>
    public RuleExpressionException Syntax(TextSpan span, string construct, string expected) => Create(span, construct, expected, RuleErrorKind.Syntax);

    /// <summary>A limit the expression exceeds at <paramref name="node"/>, named <paramref name="construct"/> (<c>too many nodes</c>).</summary>
    public RuleExpressionException Limit(SyntaxNode node, string construct, string advice) => Limit(node.Span, construct, advice);

    /// <summary>A limit the expression exceeds at <paramref name="span"/>, named <paramref name="construct"/>; <paramref name="advice"/> gives the limit and what to do.</summary>
    public RuleExpressionException Limit(TextSpan span, string construct, string advice) => Create(span, construct, advice, RuleErrorKind.Limit);

    /// <summary>The exception of <paramref name="kind"/> at <paramref name="span"/>, clamped to the text.</summary>
    private RuleExpressionException Create(TextSpan span, string construct, string advice, RuleErrorKind kind)
    {
        var start = Math.Clamp(span.Start, 0, Text.Length);
        var length = Math.Clamp(span.Length, 0, Text.Length - start);
        return new RuleExpressionException(Text, start, length, construct, advice, kind);
    }
}
