using System;
using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>
/// Marks the code and comment lines of JavaScript and TypeScript (<c>.js</c>, <c>.mjs</c>, <c>.jsx</c>, <c>.ts</c>,
/// <c>.tsx</c>): <c>//</c> and <c>/* */</c> comments; <c>'</c> and <c>"</c> strings (backslash escapes, ending at the line
/// end) and template literals (<c>`</c>, over lines, with <c>${ }</c> holes that hold code, strings and templates of their
/// own) hide comment markers, as do regular expression literals (<c>/\/*$/</c>, <c>/^`{3}/</c>): a <c>/</c> where an
/// expression may start (after one of <c>( , = : [ ! &amp; | ? { } ; + - * % ~ ^</c>, at the start of the file or of a
/// <c>${ }</c> hole, or after <c>return</c>, <c>typeof</c>, <c>case</c>, <c>in</c>, <c>of</c>, <c>delete</c>, <c>void</c>,
/// <c>throw</c>, <c>new</c>, <c>instanceof</c>, <c>yield</c>, <c>await</c>, <c>else</c>, <c>do</c>) starts one, which ends at its
/// closing unescaped <c>/</c> outside a <c>[...]</c> class on the same line. Elsewhere <c>/</c> is division; a <c>/</c> that
/// starts no closed literal on its line is too. A line end does not change the guess (<c>a</c> on one line and <c>/ b</c> on the
/// next is division), and <c>&lt;</c> and <c>&gt;</c> never start a literal (in JSX, <c>&lt;/td&gt;</c> closes an element). A
/// misread (a regex after <c>)</c>, as in <c>if (x) /a/.test(y)</c>, is read as division) can hide or invent a <c>`</c>,
/// <c>'</c>, <c>"</c> or <c>/*</c> after it, so it can miscount lines up to the end of the file.
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
        var regexCanStart = true; // whether an expression may start here, so that a '/' starts a regular expression
        var noRegexBefore = -1;   // the end of a line on which a '/' started no closed literal: none is looked for again
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

                // A line end changes nothing: a '/' that starts a line after an expression ("a\n / b") is division.
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
                        regexCanStart = false;
                        i++;
                    }
                    else if (top.Mode == Mode.Template && c == '$' && next == '{')
                    {
                        stack.Push(new Frame(Mode.Code, hole: true));
                        regexCanStart = true;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }

                    break;

                default:
                    i = ScanCode(text, i, top, stack, marks, ref regexCanStart, ref noRegexBefore);
                    break;
            }
        }

        return marks.ToCount(text);
    }

    private static readonly HashSet<string> s_keywordsBeforeExpression = new(StringComparer.Ordinal)
    {
        "return", "typeof", "case", "in", "of", "delete", "void", "throw", "new", "instanceof", "yield", "await", "else", "do",
    };

    private static int ScanCode(string text, int i, Frame top, Stack<Frame> stack, LineMarks marks, ref bool regexCanStart, ref int noRegexBefore)
    {
        var c = text[i];
        var next = i + 1 < text.Length ? text[i + 1] : '\0';
        if (c == '/' && next == '/')
        {
            marks.Comment();
            return LineMarks.LineEnd(text, i);
        }

        if (c == '/' && next == '*')
        {
            marks.Comment();
            stack.Push(new Frame(Mode.BlockComment));
            return i + 2;
        }

        marks.Code();
        var canStart = regexCanStart;
        regexCanStart = c is '(' or ',' or '=' or ':' or '[' or '!' or '&' or '|' or '?' or '{' or '}' or ';'
            or '+' or '-' or '*' or '%' or '~' or '^';
        if (IsIdentifierPart(c))
        {
            var end = i + 1;
            while (end < text.Length && IsIdentifierPart(text[end]))
            {
                end++;
            }

            regexCanStart = s_keywordsBeforeExpression.Contains(text.Substring(i, end - i));
            return end;
        }

        if (c == '/')
        {
            if (canStart && i > noRegexBefore)
            {
                var end = RegexEnd(text, i, out var lineEnd);
                if (end > 0)
                {
                    return end;
                }

                // Another try on this line would read it again (a line of "[/" would take quadratic time).
                noRegexBefore = lineEnd;
            }

            // Division.
            regexCanStart = true;
            return i + 1;
        }

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

    /// <summary>
    /// The index after the regular expression literal that starts at <paramref name="i"/> (its flags too), or -1 when no
    /// unescaped <c>/</c> outside a <c>[...]</c> class closes it on its line; <paramref name="lineEnd"/> is then where that line ends.
    /// </summary>
    private static int RegexEnd(string text, int i, out int lineEnd)
    {
        var inClass = false;
        var j = i + 1;
        while (j < text.Length && text[j] != '\n')
        {
            var c = text[j];
            if (c == '/' && !inClass)
            {
                j++;
                while (j < text.Length && IsIdentifierPart(text[j]))
                {
                    j++;
                }

                lineEnd = -1;
                return j;
            }

            if (c == '\\' && j + 1 < text.Length && text[j + 1] != '\n')
            {
                j++;
            }
            else if (c is '[' or ']')
            {
                inClass = c == '[';
            }

            j++;
        }

        lineEnd = j;
        return -1;
    }

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';
}
