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

    /// <summary>
    /// Counts <paramref name="text"/> ('\n' line ends). With <paramref name="symbols"/>, the preprocessing symbols of the
    /// build, the text of a conditional section that is not compiled (<c>#if NEVER</c> ... <c>#endif</c>) is not lexed, as
    /// the compiler does not lex it, and its lines count as code; without them, every section is read as code.
    /// </summary>
    public static LineCount Count(string text, IEnumerable<string>? symbols = null)
    {
        var marks = new LineMarks();
        var stack = new Stack<Frame>();
        stack.Push(new Frame(Mode.Code));
        var conditions = symbols is null ? null : new Preprocessor(symbols);
        var lineStart = true;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            if (c == '\n')
            {
                marks.NextLine();
                lineStart = true;
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
            if (conditions is not null && lineStart && ((c == '#' && stack.Count == 1) || !conditions.Active))
            {
                // A directive, or a line of a section that is not compiled: code, and nothing in it opens a comment.
                marks.Code();
                var end = LineMarks.LineEnd(text, i);
                if (c == '#')
                {
                    conditions.Directive(text.Substring(i + 1, end - i - 1));
                }

                i = end;
                continue;
            }

            lineStart = false;
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
            return LineMarks.LineEnd(text, i);
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

    /// <summary>
    /// The conditional sections of C# (<c>#if</c>, <c>#elif</c>, <c>#else</c>, <c>#endif</c>, with <c>#define</c> and
    /// <c>#undef</c>) and whether the text at hand is compiled. Expressions: symbols, <c>true</c>, <c>false</c>,
    /// <c>!</c>, <c>==</c>, <c>!=</c>, <c>&amp;&amp;</c>, <c>||</c> and parentheses, as in the language.
    /// </summary>
    private sealed class Preprocessor(IEnumerable<string> symbols)
    {
        private readonly HashSet<string> _symbols = new(symbols, System.StringComparer.Ordinal);

        /// <summary>Per open <c>#if</c>: whether its surroundings are compiled, and whether a branch was taken.</summary>
        private readonly Stack<(bool Outer, bool Taken)> _sections = new();

        public bool Active { get; private set; } = true;

        /// <summary>Applies the directive whose text follows the <c>#</c>.</summary>
        public void Directive(string line)
        {
            var comment = line.IndexOf("//", System.StringComparison.Ordinal);
            var body = (comment < 0 ? line : line.Substring(0, comment)).Trim();
            var split = 0;
            while (split < body.Length && char.IsLetter(body[split]))
            {
                split++;
            }

            var argument = body.Substring(split).Trim();
            switch (body.Substring(0, split))
            {
                case "if":
                    var taken = Active && Evaluate(argument);
                    _sections.Push((Active, taken));
                    Active = taken;
                    break;
                case "elif" when _sections.Count > 0:
                    var (outer, before) = _sections.Pop();
                    var now = outer && !before && Evaluate(argument);
                    _sections.Push((outer, before || now));
                    Active = now;
                    break;
                case "else" when _sections.Count > 0:
                    var (surrounding, any) = _sections.Pop();
                    _sections.Push((surrounding, true));
                    Active = surrounding && !any;
                    break;
                case "endif" when _sections.Count > 0:
                    Active = _sections.Pop().Outer;
                    break;
                case "define" when Active:
                    _symbols.Add(argument);
                    break;
                case "undef" when Active:
                    _symbols.Remove(argument);
                    break;
            }
        }

        /// <summary>
        /// How deep parentheses and <c>!</c> may nest in a condition. The evaluator recurses once per level, so a deeper
        /// condition (a file of <c>#if ((((…</c>, which the report reads even when the compiler does not) would overflow
        /// the stack and end the build; past this depth the condition counts as one the compiler would reject.
        /// </summary>
        private const int MaxDepth = 256;

        /// <summary>The value of a condition; false for one the compiler would reject, or nested deeper than <see cref="MaxDepth"/>.</summary>
        private bool Evaluate(string expression)
        {
            var tokens = Tokens(expression);
            var position = 0;
            var value = Or(tokens, ref position, 0);
            return value is true && position == tokens.Count;
        }

        private bool? Or(List<string> tokens, ref int position, int depth)
        {
            var value = And(tokens, ref position, depth);
            while (value is not null && position < tokens.Count && tokens[position] == "||")
            {
                position++;
                var right = And(tokens, ref position, depth);
                value = right is null ? null : value.Value | right.Value;
            }

            return value;
        }

        private bool? And(List<string> tokens, ref int position, int depth)
        {
            var value = Equality(tokens, ref position, depth);
            while (value is not null && position < tokens.Count && tokens[position] == "&&")
            {
                position++;
                var right = Equality(tokens, ref position, depth);
                value = right is null ? null : value.Value & right.Value;
            }

            return value;
        }

        private bool? Equality(List<string> tokens, ref int position, int depth)
        {
            var value = Unary(tokens, ref position, depth);
            while (value is not null && position < tokens.Count && tokens[position] is "==" or "!=")
            {
                var equals = tokens[position++] == "==";
                var right = Unary(tokens, ref position, depth);
                value = right is null ? null : (value.Value == right.Value) == equals;
            }

            return value;
        }

        /// <summary>A symbol, <c>true</c>, <c>false</c>, or a negated or parenthesized condition one level deeper than <paramref name="depth"/>.</summary>
        private bool? Unary(List<string> tokens, ref int position, int depth)
        {
            if (position >= tokens.Count || depth >= MaxDepth)
            {
                return null;
            }

            var token = tokens[position++];
            switch (token)
            {
                case "!":
                    return !Unary(tokens, ref position, depth + 1);
                case "(":
                    var value = Or(tokens, ref position, depth + 1);
                    return position < tokens.Count && tokens[position++] == ")" ? value : null;
                case "true":
                    return true;
                case "false":
                    return false;
                default:
                    return char.IsLetter(token[0]) || token[0] == '_' ? _symbols.Contains(token) : null;
            }
        }

        private static List<string> Tokens(string expression)
        {
            var tokens = new List<string>();
            var i = 0;
            while (i < expression.Length)
            {
                var c = expression[i];
                if (char.IsWhiteSpace(c))
                {
                    i++;
                }
                else if (char.IsLetterOrDigit(c) || c == '_')
                {
                    var start = i;
                    while (i < expression.Length && (char.IsLetterOrDigit(expression[i]) || expression[i] == '_'))
                    {
                        i++;
                    }

                    tokens.Add(expression.Substring(start, i - start));
                }
                else if (i + 1 < expression.Length && expression.Substring(i, 2) is "&&" or "||" or "==" or "!=")
                {
                    tokens.Add(expression.Substring(i, 2));
                    i += 2;
                }
                else
                {
                    tokens.Add(c.ToString());
                    i++;
                }
            }

            return tokens;
        }
    }
}
