using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>
/// Marks the code and comment lines of C# text. It knows enough of the lexer that comment markers inside literals
/// are not taken for comments: regular, verbatim, raw and interpolated strings (with nested holes), and characters.
/// </summary>
internal static class CSharpLineScanner
{
    private enum Mode
    {
        Code,
        BlockComment,
        String,
        Verbatim,
        Raw,
        Char,
    }

    private sealed class Frame(Mode mode, bool interpolated = false, int quotes = 0, int dollars = 0, bool hole = false)
    {
        public Mode Mode { get; } = mode;

        public bool Interpolated { get; } = interpolated;

        public int Quotes { get; } = quotes;

        public int Dollars { get; } = dollars;

        /// <summary>True for the code of an interpolation hole, which ends at its unmatched '}'.</summary>
        public bool Hole { get; } = hole;

        public int Braces { get; set; }
    }

    public static LineCount Count(string text)
    {
        var marks = new LineMarks();
        var stack = new Stack<Frame>();
        stack.Push(new Frame(Mode.Code));
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '\n')
            {
                marks.NextLine();
                // Regular strings and characters cannot span lines: an unterminated one ends at the line end.
                while (stack.Peek().Mode is Mode.String or Mode.Char)
                {
                    stack.Pop();
                }

                i++;
                continue;
            }

            if (LineMarks.IsWhitespace(c))
            {
                i++;
                continue;
            }

            var top = stack.Peek();
            switch (top.Mode)
            {
                case Mode.BlockComment:
                    marks.Comment();
                    if (c == '*' && next == '/')
                    {
                        stack.Pop();
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }

                    break;

                case Mode.String:
                case Mode.Verbatim:
                    marks.Code();
                    if (c == '\\' && top.Mode == Mode.String)
                    {
                        i += next == '\n' ? 1 : 2;
                    }
                    else if (c == '"' && top.Mode == Mode.Verbatim && next == '"')
                    {
                        i += 2;
                    }
                    else if (c == '"')
                    {
                        stack.Pop();
                        i++;
                    }
                    else if (top.Interpolated && (c == '{' || c == '}') && next == c)
                    {
                        i += 2;
                    }
                    else if (top.Interpolated && c == '{')
                    {
                        stack.Push(new Frame(Mode.Code, hole: true));
                        i++;
                    }
                    else
                    {
                        i++;
                    }

                    break;

                case Mode.Raw:
                    marks.Code();
                    if (c == '"')
                    {
                        var run = Run(text, i, '"');
                        if (run >= top.Quotes)
                        {
                            stack.Pop();
                        }

                        i += run;
                    }
                    else if (top.Interpolated && c == '{')
                    {
                        var run = Run(text, i, '{');
                        if (run >= top.Dollars)
                        {
                            stack.Push(new Frame(Mode.Code, hole: true));
                        }

                        i += run;
                    }
                    else
                    {
                        i++;
                    }

                    break;

                case Mode.Char:
                    marks.Code();
                    if (c == '\\')
                    {
                        i += next == '\n' ? 1 : 2;
                    }
                    else
                    {
                        if (c == '\'')
                        {
                            stack.Pop();
                        }

                        i++;
                    }

                    break;

                default:
                    i = ScanCode(text, i, top, stack, marks);
                    break;
            }
        }

        return marks.ToCount(text);
    }

    private static int ScanCode(string text, int i, Frame top, Stack<Frame> stack, LineMarks marks)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        if (c == '/' && next == '/')
        {
            marks.Comment();
            var end = text.IndexOf('\n', i);
            return end < 0 ? text.Length : end;
        }

        if (c == '/' && next == '*')
        {
            marks.Comment();
            stack.Push(new Frame(Mode.BlockComment));
            return i + 2;
        }

        marks.Code();
        if (c is '"' or '$' or '@')
        {
            return StartString(text, i, stack);
        }

        if (c == '\'')
        {
            stack.Push(new Frame(Mode.Char));
            return i + 1;
        }

        if (top.Hole && c == '{')
        {
            top.Braces++;
        }
        else if (top.Hole && c == '}')
        {
            if (top.Braces == 0)
            {
                stack.Pop();
            }
            else
            {
                top.Braces--;
            }
        }

        return i + 1;
    }

    /// <summary>At '"', '$' or '@': the prefixes ($, $$, @, $@, @$) and the opening quotes of a string, if any.</summary>
    private static int StartString(string text, int i, Stack<Frame> stack)
    {
        var j = i;
        var dollars = 0;
        var verbatim = false;
        while (j < text.Length && text[j] is '$' or '@')
        {
            if (text[j] == '$')
            {
                dollars++;
            }
            else
            {
                verbatim = true;
            }

            j++;
        }

        if (j >= text.Length || text[j] != '"')
        {
            // '@' of a verbatim identifier, or a lone '$'.
            return j == i ? i + 1 : j;
        }

        var quotes = Run(text, j, '"');
        if (quotes >= 3)
        {
            stack.Push(new Frame(Mode.Raw, interpolated: dollars > 0, quotes: quotes, dollars: dollars));
            return j + quotes;
        }

        if (quotes == 2)
        {
            // The empty string.
            return j + 2;
        }

        stack.Push(new Frame(verbatim ? Mode.Verbatim : Mode.String, interpolated: dollars > 0));
        return j + 1;
    }

    private static int Run(string text, int start, char c)
    {
        var end = start;
        while (end < text.Length && text[end] == c)
        {
            end++;
        }

        return end - start;
    }
}
