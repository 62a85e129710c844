using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>
/// Marks the code and comment lines of JavaScript and TypeScript (<c>.js</c>, <c>.mjs</c>, <c>.jsx</c>, <c>.ts</c>,
/// <c>.tsx</c>): <c>//</c> and <c>/* */</c> comments; <c>'</c> and <c>"</c> strings (backslash escapes, ending at the line
/// end) and template literals (<c>`</c>, over lines, with <c>${ }</c> holes that hold code, strings and templates of their
/// own) hide comment markers. Regular expression literals are not told apart from division: a quote or comment marker in
/// one is read as such.
/// </summary>
internal static class ScriptLineScanner
{
    private enum Mode
    {
        Code,
        BlockComment,
        String,
        Template,
    }

    private sealed class Frame(Mode mode, char quote = '\0', bool hole = false)
    {
        public Mode Mode { get; } = mode;

        public char Quote { get; } = quote;

        /// <summary>True for the code of a <c>${ }</c> hole, which ends at its unmatched <c>}</c>.</summary>
        public bool Hole { get; } = hole;

        public int Braces { get; set; }
    }

    /// <summary>Counts <paramref name="text"/> ('\n' line ends).</summary>
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
                // A quoted string cannot span lines (but for an escaped line end, skipped below): it ends at the line end.
                if (stack.Peek().Mode == Mode.String)
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
                case Mode.Template:
                    marks.Code();
                    if (c == '\\')
                    {
                        // An escaped line end continues the string on the next line, which still counts as a line.
                        if (next == '\n')
                        {
                            marks.NextLine();
                        }

                        i += 2;
                    }
                    else if (c == top.Quote)
                    {
                        stack.Pop();
                        i++;
                    }
                    else if (top.Mode == Mode.Template && c == '$' && next == '{')
                    {
                        stack.Push(new Frame(Mode.Code, hole: true));
                        i += 2;
                    }
                    else
                    {
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
        if (c is '\'' or '"')
        {
            stack.Push(new Frame(Mode.String, c));
        }
        else if (c == '`')
        {
            stack.Push(new Frame(Mode.Template, c));
        }
        else if (top.Hole && c == '{')
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
}
