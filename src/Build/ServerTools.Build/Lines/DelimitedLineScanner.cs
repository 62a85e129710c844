using System;
using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>
/// Marks code and comment lines of languages described by their comment and string delimiters: JSON with comments,
/// SQL (with PostgreSQL dollar quoting and escape strings), Razor, markup, style sheets, Protocol Buffers, and plain
/// text (no comments).
/// </summary>
internal sealed class DelimitedLineScanner
{
    private readonly string[] _lineComments;
    private readonly (string Open, string Close)[] _blockComments;
    private readonly (char Quote, bool Backslash, bool Multiline)[] _strings;
    private readonly bool _postgreSql;
    private readonly bool _nestedComments;
    private readonly bool _markup;

    private DelimitedLineScanner(string[] lineComments, (string, string)[] blockComments, (char, bool, bool)[] strings, bool postgreSql = false, bool nestedComments = false, bool markup = false)
    {
        _lineComments = lineComments;
        _blockComments = blockComments;
        _strings = strings;
        _postgreSql = postgreSql;
        _nestedComments = nestedComments;
        _markup = markup;
    }

    public static DelimitedLineScanner Json { get; } = new(["//"], [("/*", "*/")], [('"', true, false)]);

    /// <summary>
    /// SQL as PostgreSQL reads it: block comments nest (<c>/* a /* b */ still a */</c>); <c>'...'</c> strings double their
    /// quotes, escape strings (<c>E'it\'s'</c>) also take backslash escapes; <c>$$</c> and <c>$tag$</c> quote a string,
    /// except where the <c>$</c> is part of an identifier (<c>a$b$</c>); the body of an SQL or PL/pgSQL routine is read
    /// as SQL (<see cref="RoutineBody"/>). A psql meta-command line (<c>\set</c>, <c>\connect</c>...) is code and ends a statement.
    /// </summary>
    public static DelimitedLineScanner Sql { get; } = new(["--"], [("/*", "*/")], [('\'', false, true), ('"', false, true), ('\'', true, true)], postgreSql: true, nestedComments: true);

    /// <summary>The kind of string, in <see cref="Sql"/>'s, of an escape string (<c>E'...'</c>).</summary>
    private const int EscapeString = 2;

    /// <summary>
    /// Razor: <c>@* *@</c> and HTML comments; a <c>"</c> string (a C# string in a code block, an attribute value) hides
    /// them, up to the end of its line.
    /// </summary>
    public static DelimitedLineScanner Razor { get; } = new([], [("@*", "*@"), ("<!--", "-->")], [('"', true, false)]);

    /// <summary>
    /// XML and HTML (project files, <c>.xml</c>, <c>.html</c>, <c>.resx</c>, <c>.svg</c>...): <c>&lt;!-- --&gt;</c>, outside tags;
    /// in a tag (from <c>&lt;</c> and a name, <c>/</c>, <c>?</c> or <c>!</c> and a letter, to <c>&gt;</c>) attribute values in
    /// either quote, over lines, hide it and <c>&gt;</c> (<c>&lt;a title="&lt;!--"&gt;</c>); a quote opens a value only right
    /// after <c>=</c>. Other quotes, in a tag or in text, are text. The text of <c>&lt;script&gt;</c> and <c>&lt;style&gt;</c>
    /// elements and of <c>&lt;![CDATA[ ]]&gt;</c> sections is raw: code, with no comments or tags.
    /// </summary>
    public static DelimitedLineScanner Markup { get; } = new([], [("<!--", "-->")], [('"', false, true), ('\'', false, true)], markup: true);

    /// <summary>CSS: <c>/* */</c> only (<c>//</c> is not a comment: <c>url(http://x)</c>); strings in either quote.</summary>
    public static DelimitedLineScanner Css { get; } = new([], [("/*", "*/")], [('"', true, false), ('\'', true, false)]);

    /// <summary>Sass (<c>.scss</c>), Less and Protocol Buffers: <c>//</c> and <c>/* */</c>; strings in either quote.</summary>
    public static DelimitedLineScanner CStyle { get; } = new(["//"], [("/*", "*/")], [('"', true, false), ('\'', true, false)]);

    public static DelimitedLineScanner Text { get; } = new([], [], []);

    public LineCount Count(string text)
    {
        RoutineBody? body = null;
        if (_postgreSql)
        {
            var finder = new RoutineBody(null);
            Scan(text, new LineMarks(), finder);
            body = new RoutineBody(finder.Found());
        }

        var marks = new LineMarks();
        Scan(text, marks, body);
        return marks.ToCount(text);
    }

    private void Scan(string text, LineMarks marks, RoutineBody? body)
    {
        string? open = null;       // the start of the block comment we are in
        string? close = null;      // its end
        var depth = 0;             // how many of them are open (nested comments)
        var inString = -1;         // the index of the string kind we are in
        string? dollarTag = null;  // the tag of the dollar-quoted string we are in
        var markup = new MarkupTag(); // markup: the tag we are in, and raw text being skipped
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (body is { End: >= 0 } && i >= body.End)
            {
                // The routine body ends at its tag, whatever is open in it: PostgreSQL finds the tag before it reads the body.
                marks.Code();
                i = body.End + body.Tag!.Length;
                body.End = -1;
                close = null;
                inString = -1;
                dollarTag = null;
                continue;
            }

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
                    if (--depth == 0)
                    {
                        close = null;
                    }
                }
                else if (_nestedComments && At(text, i, open!))
                {
                    i += open!.Length;
                    depth++;
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

            if (markup.RawEnd is not null)
            {
                // The text of a script or style element, or a CDATA section: no comments, no tags, up to its end.
                marks.Code();
                if (string.Compare(text, i, markup.RawEnd, 0, markup.RawEnd.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    i += markup.RawEnd.Length;
                    markup.RawEnd = null;
                }
                else
                {
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

            i = ScanCode(text, i, marks, body, ref open, ref close, ref inString, ref dollarTag, markup);
            depth = close is null ? 0 : 1;
        }
    }

    private int ScanCode(string text, int i, LineMarks marks, RoutineBody? body, ref string? open, ref string? close, ref int inString, ref string? dollarTag, MarkupTag markup)
    {
        foreach (var prefix in _lineComments)
        {
            if (At(text, i, prefix))
            {
                marks.Comment();
                var end = LineMarks.LineEnd(text, i);
                return body is { End: >= 0 } && body.End < end ? body.End : end;
            }
        }

        foreach (var (opening, closing) in _blockComments)
        {
            if (!markup.In && At(text, i, opening))
            {
                marks.Comment();
                open = opening;
                close = closing;
                return i + opening.Length;
            }
        }

        marks.Code();
        if (_markup && !markup.In)
        {
            if (At(text, i, "<![CDATA["))
            {
                markup.RawEnd = "]]>";
                return i + "<![CDATA[".Length;
            }

            markup.In = text[i] == '<' && i + 1 < text.Length
                && (char.IsLetter(text[i + 1]) || text[i + 1] is '/' or '?' || (text[i + 1] == '!' && i + 2 < text.Length && char.IsLetter(text[i + 2])));
            markup.RawAfter = markup.In ? RawTextEnd(text, i) : null;
            return i + 1;
        }

        if (_markup && text[i] == '>')
        {
            // After a start tag <script ...> or <style ...> (not <script/>), its text is raw up to the end tag.
            markup.RawEnd = text[i - 1] == '/' ? null : markup.RawAfter;
            markup.In = false;
            markup.RawAfter = null;
            return i + 1;
        }

        if (_markup && text[i] is '"' or '\'' && !AfterEquals(text, i))
        {
            // In a tag, a quote opens an attribute value only right after '=': elsewhere (<n; it's in a script) it is text.
            return i + 1;
        }

        if (_postgreSql && text[i] == '\\' && (body is null || body.End < 0) && StartsLine(text, i))
        {
            // A psql meta-command (\set, \connect, \echo ...): its line is code, and ends the statement before it.
            body?.EndOfStatement();
            return LineMarks.LineEnd(text, i);
        }

        if (_postgreSql && text[i] is 'E' or 'e' && i + 1 < text.Length && text[i + 1] == '\'' && !IsIdentifierPart(text, i - 1))
        {
            body?.Quote(text, i + 1, '\'');
            inString = EscapeString;
            return i + 2;
        }

        for (var k = 0; k < _strings.Length; k++)
        {
            if (text[i] == _strings[k].Quote)
            {
                body?.Quote(text, i, text[i]);
                inString = k;
                return i + 1;
            }
        }

        if (_postgreSql && text[i] == '$' && !IsIdentifierPart(text, i - 1))
        {
            var tag = DollarTag(text, i);
            if (tag is not null)
            {
                if (body!.End < 0 && body.Opens(text, i, tag))
                {
                    return i + tag.Length;
                }

                dollarTag = tag;
                return i + tag.Length;
            }
        }

        if (body is not null)
        {
            return body.Token(text, i);
        }

        return i + 1;
    }

    /// <summary>
    /// PostgreSQL routine bodies: in a statement that starts <c>CREATE [OR REPLACE] FUNCTION</c> or <c>PROCEDURE</c>, a
    /// dollar-quoted string right after <c>AS</c>; in a <c>DO</c> statement, its dollar-quoted code (after <c>DO</c> or
    /// its <c>LANGUAGE</c> clause); when the statement's language is <c>sql</c> or <c>plpgsql</c> (<c>DO</c> without one is
    /// <c>plpgsql</c>), the body holds SQL, read for comments as the file is. The language clause is the word
    /// <c>LANGUAGE</c> as a token of the statement outside parentheses, comments, strings and bodies (a parameter or
    /// column named <c>language</c> is in parentheses; the words of a body are in the body), followed by a name or a
    /// quoted name, before or after the body. Any other dollar-quoted string is a string (code), as is a body nested in a
    /// body. The body ends at the first occurrence of its tag, as PostgreSQL reads it.
    /// </summary>
    /// <remarks>
    /// A language clause may follow the body, so the file is read twice: first with every dollar-quoted string opaque
    /// (<see cref="Bodies"/> null), to learn, statement by statement, which of them are SQL bodies; then for the counts,
    /// reading those as SQL. Each read is one pass over the text.
    /// </remarks>
    private sealed class RoutineBody(HashSet<int>? bodies)
    {
        private static readonly string[] s_sqlLanguages = ["sql", "plpgsql"];

        /// <summary>The index of the tag that ends the body being read; -1 outside a body.</summary>
        public int End { get; set; } = -1;

        public string? Tag { get; private set; }

        /// <summary>The indexes of the opening tags of the SQL bodies; null while they are being found.</summary>
        public HashSet<int>? Bodies { get; } = bodies;

        private readonly HashSet<int> _found = [];
        private readonly List<int> _candidates = [];
        private int _words;           // the statement's words so far (outside parentheses and bodies)
        private string? _firstWord;   // its first word
        private bool _routine;        // the statement is CREATE [OR REPLACE] FUNCTION or PROCEDURE
        private bool _do;             // the statement is DO
        private int _depth;           // parentheses open in the statement
        private string? _lastWord;    // the token before this one, when it was a word
        private bool _expectLanguage; // the token before this one was the word LANGUAGE, outside parentheses
        private string? _language;    // the statement's language, once read

        /// <summary>At a psql meta-command line, which ends the statement before it as a <c>;</c> does.</summary>
        public void EndOfStatement()
        {
            if (Bodies is null)
            {
                EndStatement();
            }
        }

        /// <summary>The SQL bodies found in a first read (call at its end).</summary>
        public HashSet<int> Found()
        {
            EndStatement();
            return _found;
        }

        /// <summary>At a code character other than a quote: the word it starts, or the character, and what it tells.</summary>
        public int Token(string text, int i)
        {
            var c = text[i];
            if (char.IsLetter(c) || c == '_')
            {
                var j = i + 1;
                var limit = End >= 0 ? End : text.Length;
                while (j < limit && IsIdentifierPart(text, j))
                {
                    j++;
                }

                if (Bodies is null)
                {
                    Word(text.Substring(i, j - i));
                }

                return j;
            }

            if (Bodies is null)
            {
                Other(c);
            }

            return i + 1;
        }

        /// <summary>At the quote that opens a string (<c>'</c>, <c>"</c>, <c>E'</c> at <paramref name="i"/>): a quoted language name.</summary>
        public void Quote(string text, int i, char quote)
        {
            if (Bodies is not null)
            {
                return;
            }

            if (_expectLanguage)
            {
                // A language name is short: read at most 64 characters, so a long string costs nothing here.
                var start = i + 1;
                var j = start;
                while (j < text.Length && j - start < 64 && text[j] != quote)
                {
                    j++;
                }

                _language = j < text.Length && text[j] == quote ? text.Substring(start, j - start) : "";
            }

            _expectLanguage = false;
            _lastWord = null;
        }

        /// <summary>Whether the dollar quote <paramref name="tag"/> at <paramref name="i"/> opens a routine body; if so, reads into it.</summary>
        public bool Opens(string text, int i, string tag)
        {
            if (Bodies is null)
            {
                // First read: note the candidate; the dollar-quoted string stays a string.
                if (_depth == 0 && !_expectLanguage
                    && ((_routine && string.Equals(_lastWord, "AS", StringComparison.OrdinalIgnoreCase)) || _do))
                {
                    _candidates.Add(i);
                }

                if (_expectLanguage)
                {
                    _language = "";
                }

                _expectLanguage = false;
                _lastWord = null;
                return false;
            }

            if (!Bodies.Contains(i))
            {
                return false;
            }

            var end = text.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            End = end;
            Tag = tag;
            return true;
        }

        private void Word(string word)
        {
            if (_depth == 0)
            {
                if (_expectLanguage)
                {
                    _language ??= word;
                    _expectLanguage = false;
                }
                else if ((_routine || _do) && string.Equals(word, "LANGUAGE", StringComparison.OrdinalIgnoreCase))
                {
                    _expectLanguage = true;
                }

                if (_words == 0)
                {
                    _do = string.Equals(word, "DO", StringComparison.OrdinalIgnoreCase);
                }
                else if (_words <= 3 && string.Equals(_firstWord, "CREATE", StringComparison.OrdinalIgnoreCase)
                    && (string.Equals(word, "FUNCTION", StringComparison.OrdinalIgnoreCase) || string.Equals(word, "PROCEDURE", StringComparison.OrdinalIgnoreCase))
                    && (_words == 1 || string.Equals(_lastWord, "REPLACE", StringComparison.OrdinalIgnoreCase)))
                {
                    _routine = true;
                }

                if (_words == 0)
                {
                    _firstWord = word;
                }

                _words++;
            }

            _lastWord = word;
        }

        private void Other(char c)
        {
            _lastWord = null;
            if (_expectLanguage)
            {
                _language ??= "";
                _expectLanguage = false;
            }

            switch (c)
            {
                case '(':
                    _depth++;
                    break;
                case ')' when _depth > 0:
                    _depth--;
                    break;
                case ';':
                    EndStatement();
                    break;
            }
        }

        private void EndStatement()
        {
            var sql = _language is null ? _do : Array.Exists(s_sqlLanguages, l => l.Equals(_language, StringComparison.OrdinalIgnoreCase));
            if (sql && (_routine || _do))
            {
                _found.UnionWith(_candidates);
            }

            _candidates.Clear();
            _words = 0;
            _firstWord = null;
            _routine = false;
            _do = false;
            _depth = 0;
            _lastWord = null;
            _expectLanguage = false;
            _language = null;
        }
    }

    /// <summary>Markup: whether the scan is in a tag, and the raw text (script, style, CDATA) it is in or will be in.</summary>
    private sealed class MarkupTag
    {
        /// <summary>Inside a tag, where a quote after <c>=</c> opens an attribute value and <c>&lt;!--</c> is no comment.</summary>
        public bool In { get; set; }

        /// <summary>In a <c>&lt;script</c> or <c>&lt;style</c> start tag: the end tag that ends its raw text.</summary>
        public string? RawAfter { get; set; }

        /// <summary>In raw text: what ends it (<c>&lt;/script</c>, <c>&lt;/style</c>, <c>]]&gt;</c>).</summary>
        public string? RawEnd { get; set; }
    }

    /// <summary>At the <c>&lt;</c> of a tag: <c>&lt;/script</c> or <c>&lt;/style</c> when it starts such an element (any case), else null.</summary>
    private static string? RawTextEnd(string text, int i)
    {
        foreach (var name in s_rawTextElements)
        {
            var after = i + 1 + name.Length;
            if (string.Compare(text, i + 1, name, 0, name.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (after == text.Length || LineMarks.IsWhitespace(text[after]) || text[after] is '>' or '/' or '\n'))
            {
                return "</" + name;
            }
        }

        return null;
    }

    private static readonly string[] s_rawTextElements = ["script", "style"];

    /// <summary>Whether the last character before <paramref name="i"/> other than whitespace is <c>=</c>.</summary>
    private static bool AfterEquals(string text, int i)
    {
        var j = i - 1;
        while (j >= 0 && (LineMarks.IsWhitespace(text[j]) || text[j] is '\n'))
        {
            j--;
        }

        return j >= 0 && text[j] == '=';
    }

    /// <summary>Whether only whitespace precedes <paramref name="i"/> on its line.</summary>
    private static bool StartsLine(string text, int i)
    {
        var j = i - 1;
        while (j >= 0 && text[j] != '\n' && LineMarks.IsWhitespace(text[j]))
        {
            j--;
        }

        return j < 0 || text[j] == '\n';
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

    /// <summary>Whether the character at <paramref name="i"/> continues a PostgreSQL identifier (letters, digits, <c>_</c>, <c>$</c>).</summary>
    private static bool IsIdentifierPart(string text, int i) => i >= 0 && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '$');

    private static bool At(string text, int i, string token) => string.CompareOrdinal(text, i, token, 0, token.Length) == 0;
}
