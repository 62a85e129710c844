using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>What a scanner found on each line: code, comment, both, or nothing but whitespace.</summary>
internal sealed class LineMarks
{
    private readonly List<byte> _marks = [0];

    private const byte CodeMark = 1;
    private const byte CommentMark = 2;

    public void Code() => _marks[_marks.Count - 1] |= CodeMark;

    public void Comment() => _marks[_marks.Count - 1] |= CommentMark;

    public void NextLine() => _marks.Add(0);

    /// <summary>The counts for one file. A final line end does not start another line; an empty text has no lines.</summary>
    public LineCount ToCount(string text)
    {
        var lines = _marks.Count;
        if (text.Length == 0 || text[text.Length - 1] == '\n')
        {
            lines--;
        }

        int code = 0, comment = 0, blank = 0;
        for (var i = 0; i < lines; i++)
        {
            if ((_marks[i] & CodeMark) != 0)
            {
                code++;
            }
            else if ((_marks[i] & CommentMark) != 0)
            {
                comment++;
            }
            else
            {
                blank++;
            }
        }

        return new LineCount(1, code, comment, blank);
    }

    /// <summary>The index of the <c>\n</c> that ends the line at <paramref name="i"/>, or the text's length on the last line.</summary>
    public static int LineEnd(string text, int i)
    {
        var end = text.IndexOf('\n', i);
        return end < 0 ? text.Length : end;
    }

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\f' or '\v' or '\u00A0' or '\uFEFF';
}
