namespace ServerTools.Build.Lines;

/// <summary>
/// Marks code and comment lines of languages described by their comment and string delimiters: JSON with comments,
/// SQL (with PostgreSQL dollar quoting), Razor, and plain text (no comments).
/// </summary>
internal sealed class DelimitedLineScanner
{
    private readonly string[] _lineComments;
    private readonly (string Open, string Close)[] _blockComments;
    private readonly (char Quote, bool Backslash, bool Multiline)[] _strings;
    private readonly bool _dollarQuotes;

    private DelimitedLineScanner(string[] lineComments, (string, string)[] blockComments, (char, bool, bool)[] strings, bool dollarQuotes)
    {
        _lineComments = lineComments;
        _blockComments = blockComments;
        _strings = strings;
        _dollarQuotes = dollarQuotes;
    }

    public static DelimitedLineScanner Json { get; } = new(["//"], [("/*", "*/")], [('"', true, false)], dollarQuotes: false);

    public static DelimitedLineScanner Sql { get; } = new(["--"], [("/*", "*/")], [('\'', false, true), ('"', false, true)], dollarQuotes: true);

    public static DelimitedLineScanner Razor { get; } = new([], [("@*", "*@"), ("<!--", "-->")], [], dollarQuotes: false);

    public static DelimitedLineScanner Text { get; } = new([], [], [], dollarQuotes: false);

    public LineCount Count(string text)
    {
        var marks = new LineMarks();
        string? close = null;      // the end of the block comment we are in
        var inString = -1;         // the index of the string kind we are in
        string? dollarTag = null;  // the tag of the dollar-quoted string we are in
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                marks.NextLine();
                if (inString >= 0 && !_strings[inString].Multiline)
                {
                    inString = -1;
                }

                i++;
                continue;
            }

            if (LineMarks.IsWhitespace(c))
            {
                i++;
                continue;
            }

            if (close is not null)
            {
                marks.Comment();
                if (At(text, i, close))
                {
                    i += close.Length;
                    close = null;
                }
                else
                {
                    i++;
                }

                continue;
            }

            if (inString >= 0)
            {
                marks.Code();
                var kind = _strings[inString];
                if (kind.Backslash && c == '\\')
                {
                    i += i + 1 < text.Length && text[i + 1] == '\n' ? 1 : 2;
                }
                else
                {
                    if (c == kind.Quote)
                    {
                        inString = -1;
                    }

                    i++;
                }

                continue;
            }

            if (dollarTag is not null)
            {
                marks.Code();
                if (At(text, i, dollarTag))
                {
                    i += dollarTag.Length;
                    dollarTag = null;
                }
                else
                {
                    i++;
                }

                continue;
            }

            i = ScanCode(text, i, marks, ref close, ref inString, ref dollarTag);
        }

        return marks.ToCount(text);
    }

    private int ScanCode(string text, int i, LineMarks marks, ref string? close, ref int inString, ref string? dollarTag)
    {
        foreach (var prefix in _lineComments)
        {
            if (At(text, i, prefix))
            {
                marks.Comment();
                var end = text.IndexOf('\n', i);
                return end < 0 ? text.Length : end;
            }
        }

        foreach (var (open, closing) in _blockComments)
        {
            if (At(text, i, open))
            {
                marks.Comment();
                close = closing;
                return i + open.Length;
            }
        }

        marks.Code();
        for (var k = 0; k < _strings.Length; k++)
        {
            if (text[i] == _strings[k].Quote)
            {
                inString = k;
                return i + 1;
            }
        }

        if (_dollarQuotes && text[i] == '$')
        {
            var tag = DollarTag(text, i);
            if (tag is not null)
            {
                dollarTag = tag;
                return i + tag.Length;
            }
        }

        return i + 1;
    }

    /// <summary>The PostgreSQL dollar-quote tag at <paramref name="i"/> (<c>$$</c> or <c>$name$</c>), or null.</summary>
    private static string? DollarTag(string text, int i)
    {
        var j = i + 1;
        while (j < text.Length && (char.IsLetter(text[j]) || text[j] == '_' || (j > i + 1 && char.IsDigit(text[j]))))
        {
            j++;
        }

        return j < text.Length && text[j] == '$' ? text.Substring(i, j - i + 1) : null;
    }

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;
}
