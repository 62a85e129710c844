using System;

namespace ServerTools.Build.Lines;

/// <summary>
/// Marks the lines of languages whose comments are whole lines, told by how the line starts: a line whose first
/// non-whitespace text is one of the prefixes is a comment line (a prefix that ends in a letter must end a word there:
/// <c>REM</c> but not <c>REMOVE</c>); a marker later in a line does not start a comment.
/// </summary>
internal sealed class LineStartScanner(string[] prefixes, bool ignoreCase = false, char directive = '\0')
{
    private readonly StringComparison _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Dockerfile: <c>#</c> (parser directives such as <c># syntax=</c> are comments to the reader too).</summary>
    public static LineStartScanner Dockerfile { get; } = new(["#"]);

    /// <summary>
    /// HTTP request files (<c>.http</c>): <c>#</c> and <c>//</c>, <c>###</c> request separators included; a marker followed by
    /// <c>@</c> (<c># @name login</c>, <c>// @prompt password</c>) is request syntax, so the line is code.
    /// </summary>
    public static LineStartScanner Http { get; } = new(["#", "//"], directive: '@');

    /// <summary>Windows batch files (<c>.cmd</c>, <c>.bat</c>): <c>REM</c> (any case, also <c>@REM</c>) and <c>::</c>.</summary>
    public static LineStartScanner Batch { get; } = new(["rem", "@rem", "::"], ignoreCase: true);

    /// <summary>Counts <paramref name="text"/> ('\n' line ends).</summary>
    public LineCount Count(string text)
    {
        var marks = new LineMarks();
        var start = 0;
        while (start <= text.Length)
        {
            var end = LineMarks.LineEnd(text, start);
            var first = start;
            while (first < end && LineMarks.IsWhitespace(text[first]))
            {
                first++;
            }

            if (first < end)
            {
                if (IsComment(text, first, end))
                {
                    marks.Comment();
                }
                else
                {
                    marks.Code();
                }
            }

            if (end == text.Length)
            {
                break;
            }

            marks.NextLine();
            start = end + 1;
        }

        return marks.ToCount(text);
    }

    private bool IsComment(string text, int first, int end)
    {
        foreach (var prefix in prefixes)
        {
            var after = first + prefix.Length;
            if (after <= end
                && string.Compare(text, first, prefix, 0, prefix.Length, _comparison) == 0
                && (!char.IsLetter(prefix[prefix.Length - 1]) || after == end || !char.IsLetterOrDigit(text[after])))
            {
                return directive == '\0' || !IsDirective(text, after, end);
            }
        }

        return false;
    }

    /// <summary>Whether the text after a comment marker, past whitespace, starts with the directive character.</summary>
    private bool IsDirective(string text, int after, int end)
    {
        while (after < end && LineMarks.IsWhitespace(text[after]))
        {
            after++;
        }

        return after < end && text[after] == directive;
    }
}
