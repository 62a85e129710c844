using System;
using System.Globalization;

namespace ServerTools;

/// <summary>
/// Raised by <see cref="RuleExpression.Compile{T}(string)"/> when a data rule expression cannot be parsed, reads
/// something a rule may not read, or does something a rule may not do. It names the construct and where it is; a text
/// that is not a C# expression (<see cref="IsSyntaxError"/>) is reported as a syntax error, with what is expected there.
/// </summary>
public sealed class RuleExpressionException : Exception
{
    /// <summary>Creates the exception for <paramref name="construct"/> found in <paramref name="expression"/>.</summary>
    /// <param name="expression">The expression's text.</param>
    /// <param name="position">The 0-based character offset of the construct.</param>
    /// <param name="length">The construct's length in characters.</param>
    /// <param name="construct">A short name of the construct, such as <c>typeof</c> or <c>method 'GetType'</c>.</param>
    /// <param name="advice">What the rule may do instead, or why the construct is refused; ends the message.</param>
    public RuleExpressionException(string expression, int position, int length, string construct, string advice)
        : this(expression, position, length, construct, advice, RuleErrorKind.Refused)
    {
    }

    /// <summary>
    /// Creates the exception for a construct that is refused, a limit the expression exceeds, or a syntax error (whose
    /// <paramref name="advice"/> says what is expected at <paramref name="position"/>).
    /// </summary>
    internal RuleExpressionException(string expression, int position, int length, string construct, string advice, RuleErrorKind kind)
        : base(kind switch
        {
            RuleErrorKind.Syntax => FormatSyntaxMessage(expression, position, construct, advice),
            RuleErrorKind.Limit => FormatLimitMessage(expression, position, construct, advice),
            _ => FormatMessage(expression, position, construct, advice),
        })
    {
        Expression = expression;
        Position = position;
        Length = length;
        Construct = construct;
        IsSyntaxError = kind == RuleErrorKind.Syntax;
    }

    /// <summary>The expression's text.</summary>
    public string Expression { get; }

    /// <summary>The 0-based character offset in <see cref="Expression"/> of the construct.</summary>
    public int Position { get; }

    /// <summary>The construct's length in characters (0 at the end of the text).</summary>
    public int Length { get; }

    /// <summary>A short name of the construct, such as <c>typeof</c>, <c>object creation</c>, <c>method 'GetType'</c> or <c>unknown name 'Discont'</c>.</summary>
    public string Construct { get; }

    /// <summary>
    /// True when the text is not a C# expression (an unterminated string, a missing operand or parenthesis, text after the
    /// expression, ...): <see cref="Construct"/> names the error and the message says what is expected. False when the
    /// expression is C# that a rule may not contain or exceeds a limit.
    /// </summary>
    public bool IsSyntaxError { get; }

    /// <summary>The 1-based line of <see cref="Position"/>.</summary>
    public int Line => LineAndColumn(Expression, Position).Line;

    /// <summary>The 1-based column of <see cref="Position"/>.</summary>
    public int Column => LineAndColumn(Expression, Position).Column;

    private static string FormatMessage(string expression, int position, string construct, string advice)
        => Format(expression, position, construct, advice, static (construct, at) => $"uses {construct} at {at}, which is not allowed");

    private static string FormatLimitMessage(string expression, int position, string construct, string advice)
        => Format(expression, position, construct, advice, static (construct, at) => $"exceeds a limit, {construct}, at {at}");

    /// <summary>"The data rule expression {what}: {advice}", where <paramref name="what"/> places the construct and the position.</summary>
    private static string Format(string expression, int position, string construct, string advice, Func<string, string, string> what)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(construct);
        ArgumentNullException.ThrowIfNull(advice);
        var (line, column) = LineAndColumn(expression, position);
        var at = string.Create(CultureInfo.InvariantCulture, $"position {position} (line {line}, column {column})");
        return $"The data rule expression {what(construct, at)}: {advice}";
    }

    private static string FormatSyntaxMessage(string expression, int position, string construct, string expected)
    {
        var message = Format(expression, position, construct, expected, static (construct, at) => $"has a syntax error, {construct}, at {at}");
        return string.IsNullOrWhiteSpace(expression) ? message : $"{message} The expression: \"{Excerpt(expression, position)}\"";
    }

    /// <summary>The expression, or the part of a long one around <paramref name="position"/>, with "..." where text is left out.</summary>
    private static string Excerpt(string expression, int position)
    {
        const int Shown = 200;
        const int Around = 80;
        if (expression.Length <= Shown)
        {
            return expression;
        }

        var start = Math.Clamp(position - Around, 0, expression.Length);
        var end = Math.Min(expression.Length, position + Around);
        return (start > 0 ? "..." : "") + expression[start..end] + (end < expression.Length ? "..." : "");
    }

    private static (int Line, int Column) LineAndColumn(string expression, int position)
    {
        var line = 1;
        var lineStart = 0;
        var end = Math.Min(position, expression.Length);
        for (var i = 0; i < end; i++)
        {
            var c = expression[i];
            if (c == '\n' || (c == '\r' && (i + 1 >= expression.Length || expression[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, position - lineStart + 1);
    }
}

/// <summary>What a <see cref="RuleExpressionException"/> reports, which decides how its message reads.</summary>
internal enum RuleErrorKind
{
    /// <summary>C# that a rule may not contain: "uses X ..., which is not allowed".</summary>
    Refused,

    /// <summary>Text that is not a C# expression: "has a syntax error, X, ...".</summary>
    Syntax,

    /// <summary>An expression too long, too large or too deep for a rule: "exceeds a limit, X, ...".</summary>
    Limit,
}
