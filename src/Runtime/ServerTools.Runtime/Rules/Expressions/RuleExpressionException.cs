using System;
using System.Globalization;

namespace ServerTools;

/// <summary>
/// Raised by <see cref="RuleExpression.Compile{T}(string)"/> when a data rule expression cannot be parsed, reads
/// something a rule may not read, or does something a rule may not do. It names the construct and where it is.
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
        : base(FormatMessage(expression, position, construct, advice))
    {
        Expression = expression;
        Position = position;
        Length = length;
        Construct = construct;
    }

    /// <summary>The expression's text.</summary>
    public string Expression { get; }

    /// <summary>The 0-based character offset in <see cref="Expression"/> of the construct.</summary>
    public int Position { get; }

    /// <summary>The construct's length in characters (0 at the end of the text).</summary>
    public int Length { get; }

    /// <summary>A short name of the construct, such as <c>typeof</c>, <c>object creation</c>, <c>method 'GetType'</c> or <c>unknown name 'Discont'</c>.</summary>
    public string Construct { get; }

    /// <summary>The 1-based line of <see cref="Position"/>.</summary>
    public int Line => LineAndColumn(Expression, Position).Line;

    /// <summary>The 1-based column of <see cref="Position"/>.</summary>
    public int Column => LineAndColumn(Expression, Position).Column;

    private static string FormatMessage(string expression, int position, string construct, string advice)
    {
        ArgumentNullException.ThrowIfNull(expression);
        ArgumentNullException.ThrowIfNull(construct);
        ArgumentNullException.ThrowIfNull(advice);
        var (line, column) = LineAndColumn(expression, position);
        return string.Create(
            CultureInfo.InvariantCulture,
            $"The data rule expression uses {construct} at position {position} (line {line}, column {column}), which is not allowed: {advice}");
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
