using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace ServerTools.Rules;

/// <summary>
/// Parses a data rule's text with Roslyn and enforces the limits on its size and shape before anything binds it:
/// length, syntax errors (the first one, with its position), text after the expression, preprocessor directives,
/// nesting depth and node count. The limits on the work a rule does (collection reads, navigations) are here too, and
/// the binder enforces them, since only binding tells a collection or a navigation from a value.
/// </summary>
internal static class RuleExpressionParser
{
    /// <summary>The longest expression text, in characters.</summary>
    public const int MaxLength = 4000;

    /// <summary>
    /// The deepest nesting of expressions. Names and literals add no level; a chain of one binary operator
    /// (<c>a || b || c</c>) or of member accesses (<c>order.Customer.Country</c>) counts once.
    /// </summary>
    public const int MaxDepth = 32;

    /// <summary>The most syntax nodes an expression may have.</summary>
    public const int MaxNodes = 1000;

    /// <summary>
    /// How deep collection reads (<c>Count</c>, <c>Any</c>, <c>All</c>, <c>Sum</c>) nest: a read inside the lambda of
    /// another is the second level. Each level multiplies the rows read by the size of a collection, in SQL and in
    /// memory, so the work of a rule grows at worst with the square of the rows of its collections.
    /// </summary>
    public const int MaxCollectionDepth = 2;

    /// <summary>The most collection reads inside the lambda of another: each reads its collection once per row of the outer one.</summary>
    public const int MaxNestedCollectionReads = 4;

    /// <summary>The most different navigations a rule reads through (<c>order.Customer</c>, <c>order.Customer.Parent</c>, <c>l.Product</c> in a lambda): each is a join in SQL.</summary>
    public const int MaxNavigations = 16;

    /// <summary>The longest string literal, in characters.</summary>
    public const int MaxStringLength = 1000;

    private static readonly CSharpParseOptions s_options = new(LanguageVersion.Latest, DocumentationMode.None, SourceCodeKind.Regular);

    /// <summary>The expression of <paramref name="errors"/>' text, parsed and within the limits.</summary>
    public static ExpressionSyntax Parse(RuleErrors errors)
    {
        var text = errors.Text;
        if (text.Length > MaxLength)
        {
            throw errors.Limit(
                new TextSpan(MaxLength, text.Length - MaxLength),
                "text too long",
                string.Create(CultureInfo.InvariantCulture, $"a rule expression has at most {MaxLength} characters, and this one has {text.Length}; split it into several rules."));
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw errors.Syntax(new TextSpan(0, text.Length), "empty expression", "a condition on the entity is expected, such as order.Discount > 0.3m.");
        }

        ExpressionSyntax syntax;
        try
        {
            syntax = SyntaxFactory.ParseExpression(text, 0, s_options, consumeFullText: true);
        }
        catch (InsufficientExecutionStackException)
        {
            throw TooDeep(errors, new TextSpan(0, text.Length));
        }

        ReportDirectives(errors);
        ReportAnonymousMethods(syntax, errors);
        ReportFirstSyntaxError(syntax, errors);
        CheckShape(syntax, errors);
        return syntax;
    }

    private static void ReportFirstSyntaxError(ExpressionSyntax syntax, RuleErrors errors)
    {
        if (!syntax.ContainsDiagnostics)
        {
            return;
        }

        var skipped = syntax.DescendantTrivia(descendIntoTrivia: true).FirstOrDefault(static t => t.IsKind(SyntaxKind.SkippedTokensTrivia));
        Diagnostic? first = null;
        var firstPosition = int.MaxValue;
        foreach (var diagnostic in Diagnostics(syntax))
        {
            if (diagnostic.Severity != DiagnosticSeverity.Error)
            {
                continue;
            }

            var position = diagnostic.Id == "CS1073" && skipped != default ? skipped.SpanStart : diagnostic.Location.SourceSpan.Start;
            if (position < firstPosition)
            {
                (first, firstPosition) = (diagnostic, position);
            }
        }

        if (first is null)
        {
            throw errors.Syntax(
                skipped != default ? skipped.Span : new TextSpan(0, errors.Text.Length),
                "syntax error",
                "the text is not a C# expression.");
        }

        if (first.Id == "CS1073" && skipped != default)
        {
            var token = skipped.GetStructure()!.DescendantTokens().First();
            throw errors.Syntax(
                new TextSpan(skipped.SpanStart, errors.Text.Length - skipped.SpanStart),
                "text after the expression",
                $"the end of the expression is expected: a rule is one expression, and '{token.Text}' and what follows it are not part of it.");
        }

        var span = first.Location.SourceSpan;
        if (first.Id is "CS1021" or "CS0594" && span.Length == 0 && syntax.FullSpan.Contains(span.Start))
        {
            // Roslyn reports an out-of-range number at its start, with no length: the span is the literal's.
            span = syntax.FindToken(span.Start).Span;
        }

        // Limits, which the text exceeds as C#: reported as limits, as the others are.
        switch (first.Id)
        {
            case "CS1021" or "CS0594":
                throw errors.Limit(span, "literal out of range", "the number does not fit its type; a rule uses int, long, decimal (1.5m) and double (1.5d) literals.");
            case "CS8078":
                throw errors.Limit(span, "too deeply nested", "the expression is too complex; split it into several rules.");
        }

        var (construct, expected) = first.Id switch
        {
            "CS1010" or "CS1039" => ("unterminated string", "a closing quote (\") is expected on the same line."),
            "CS1011" or "CS1012" => ("malformed character literal", "exactly one character is expected between the quotes, such as 'x'."),
            "CS1013" or "CS0595" => ("malformed number", "a number written as in C# is expected, such as 12, 0.3m or 1.5d."),
            "CS1009" => ("unrecognized escape sequence", "an escape of C# strings is expected, such as \\\" or \\\\, or a verbatim string @\"...\"."),
            "CS1035" => ("unterminated comment", "*/ is expected to close the comment."),
            "CS1733" or "CS1525" => ("missing operand", ExpectedOperand(syntax, span)),
            "CS1026" => ("missing ')'", ExpectedCloseParenthesis(syntax)),
            _ => ("syntax error", $"the text is not a C# expression ({first.Id}: {first.GetMessage(CultureInfo.InvariantCulture)})."),
        };
        throw errors.Syntax(span, construct, expected);
    }

    /// <summary>
    /// What a missing operand at <paramref name="span"/> needs: a value after the token before it (<c>order.Discount &gt; </c>),
    /// or before the token that stands where the value should (<c>&gt; 5</c>).
    /// </summary>
    private static string ExpectedOperand(ExpressionSyntax syntax, TextSpan span)
    {
        const string Value = "a value (a property, a literal or an expression in parentheses) is expected";
        var before = syntax.DescendantTokens().LastOrDefault(token => !token.IsMissing && token.Span.End <= span.Start && token.Span.Length > 0);
        if (before != default)
        {
            return $"{Value} after '{before.Text}'.";
        }

        var at = syntax.DescendantTokens().FirstOrDefault(token => !token.IsMissing && token.SpanStart >= span.Start && token.Span.Length > 0);
        return at != default ? $"{Value} before '{at.Text}'." : Value + ".";
    }

    /// <summary>What a missing ')' needs: to close the first '(' whose ')' is missing, named by its position.</summary>
    private static string ExpectedCloseParenthesis(ExpressionSyntax syntax)
    {
        var close = syntax.DescendantTokens().FirstOrDefault(static token => token.IsKind(SyntaxKind.CloseParenToken) && token.IsMissing);
        var open = close.Parent?.ChildTokens().FirstOrDefault(static token => token.IsKind(SyntaxKind.OpenParenToken) && !token.IsMissing) ?? default;
        return open != default
            ? string.Create(CultureInfo.InvariantCulture, $"')' is expected to close the '(' at position {open.SpanStart}.")
            : "')' is expected to close the parenthesis.";
    }

    /// <summary>
    /// The tree's diagnostics. Roslyn 4.14's enumerator of a node's diagnostics can fail (ArgumentOutOfRangeException)
    /// when skipped text carries lexer errors of its own; the tokens' and trivia's diagnostics still enumerate, and
    /// hold the node's, so they are read instead.
    /// </summary>
    private static List<Diagnostic> Diagnostics(ExpressionSyntax syntax)
    {
        try
        {
            return syntax.GetDiagnostics().ToList();
        }
        catch (ArgumentOutOfRangeException)
        {
            var diagnostics = new List<Diagnostic>();
            foreach (var item in syntax.DescendantNodesAndTokensAndSelf(descendIntoTrivia: true))
            {
                if (item.IsToken && item.ContainsDiagnostics)
                {
                    diagnostics.AddRange(Safely(() => item.AsToken().GetDiagnostics()));
                }
            }

            foreach (var trivia in syntax.DescendantTrivia(descendIntoTrivia: true))
            {
                if (trivia.ContainsDiagnostics)
                {
                    diagnostics.AddRange(Safely(() => trivia.GetDiagnostics()));
                }
            }

            return diagnostics;
        }
    }

    private static List<Diagnostic> Safely(Func<IEnumerable<Diagnostic>> diagnostics)
    {
        try
        {
            return diagnostics().ToList();
        }
        catch (ArgumentOutOfRangeException)
        {
            return [];
        }
    }

    /// <summary>
    /// Rejects the first preprocessor directive (or text a directive disables) anywhere in the text. The whole text is
    /// lexed again, because what follows the expression's last token is the trivia of the end-of-file token, which the
    /// parsed expression does not hold: <c>order.Quantity &gt; 100 #if NEVER || order.Discount &gt; 0.3m #endif</c>
    /// on several lines would otherwise read as it does not run. Checked before syntax errors, which a directive causes
    /// (<c>#if DEBUG</c> around the expression leaves no operand).
    /// </summary>
    private static void ReportDirectives(RuleErrors errors)
    {
        if (!errors.Text.Contains('#', StringComparison.Ordinal))
        {
            return;
        }

        foreach (var token in SyntaxFactory.ParseTokens(errors.Text, 0, 0, s_options))
        {
            foreach (var trivia in token.LeadingTrivia.Concat(token.TrailingTrivia))
            {
                if (trivia.IsDirective || trivia.IsKind(SyntaxKind.DisabledTextTrivia))
                {
                    throw errors.At(trivia.Span, "preprocessor directive", "a rule's text is read as it is written: remove the # directive.");
                }
            }
        }
    }

    /// <summary>
    /// Rejects an anonymous method (<c>delegate { ... }</c>) before syntax errors: its statements are not an expression,
    /// so the parser reports errors of its own that would hide the construct.
    /// </summary>
    private static void ReportAnonymousMethods(ExpressionSyntax syntax, RuleErrors errors)
    {
        if (syntax.DescendantNodesAndSelf().OfType<AnonymousMethodExpressionSyntax>().FirstOrDefault() is { } anonymous)
        {
            throw RuleConstructs.Reject(errors, anonymous);
        }
    }

    /// <summary>Counts nodes and measures depth without recursion, so that no input can exhaust the stack.</summary>
    private static void CheckShape(ExpressionSyntax syntax, RuleErrors errors)
    {
        var pending = new Stack<(SyntaxNode Node, int Depth)>();
        pending.Push((syntax, 1));
        var count = 0;
        var children = new List<SyntaxNode>();
        while (pending.Count > 0)
        {
            var (node, depth) = pending.Pop();
            if (++count > MaxNodes)
            {
                throw errors.Limit(
                    node,
                    "too many nodes",
                    string.Create(CultureInfo.InvariantCulture, $"a rule expression has at most {MaxNodes} syntax nodes; split it into several rules."));
            }

            if (depth > MaxDepth)
            {
                throw TooDeep(errors, node.Span);
            }

            children.Clear();
            children.AddRange(node.ChildNodes());
            for (var i = children.Count - 1; i >= 0; i--)
            {
                var child = children[i];
                pending.Push((child, child is ExpressionSyntax and not (LiteralExpressionSyntax or SimpleNameSyntax) && !ContinuesChain(node, child) ? depth + 1 : depth));
            }
        }
    }

    /// <summary>Whether <paramref name="child"/> continues <paramref name="parent"/>'s chain: <c>a || b || c</c>, <c>a.b.c</c>.</summary>
    private static bool ContinuesChain(SyntaxNode parent, SyntaxNode child)
        => (parent is BinaryExpressionSyntax binary && binary.Left == child && child.RawKind == parent.RawKind)
            || (parent is MemberAccessExpressionSyntax member && member.Expression == child && child.RawKind == parent.RawKind);

    private static RuleExpressionException TooDeep(RuleErrors errors, TextSpan span)
        => errors.Limit(
            span,
            "too deeply nested",
            string.Create(CultureInfo.InvariantCulture, $"a rule expression nests at most {MaxDepth} levels of parentheses and operators; split it into several rules."));
}
