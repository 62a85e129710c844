using System;
using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>Counts the code, comment and blank lines of one file's text by the rules of its kind.</summary>
public static class LineCounter
{
    /// <summary>
    /// Counts <paramref name="text"/> as a file of <paramref name="kind"/>: lines with only whitespace are blank; lines
    /// with code are code, even when they also hold a comment; the rest are comment lines. Comments are C# and JSON
    /// <c>//</c> and <c>/* */</c>, SQL <c>--</c> and <c>/* */</c> (nested, as in PostgreSQL; also in SQL and PL/pgSQL routine
    /// bodies), Razor <c>@* *@</c> and
    /// <c>&lt;!-- --&gt;</c> (not inside a <c>"</c> string); other files have none here (<see cref="Count(string, string, IEnumerable{string})"/>
    /// reads them by their extension). Lines end at LF, CR LF or CR.
    /// </summary>
    public static LineCount Count(LineKind kind, string text) => Count(kind, text, null);

    /// <summary>
    /// Counts as <see cref="Count(LineKind, string)"/>; for C#, <paramref name="symbols"/> are the build's preprocessing
    /// symbols (<c>DefineConstants</c>): the lines of a conditional section that is not compiled are code, and not read for
    /// comments, as the compiler does not read them. Null: the symbols are unknown, and every section is read.
    /// </summary>
    public static LineCount Count(LineKind kind, string text, IEnumerable<string>? symbols) => Count(SyntaxOf(kind), text, symbols);

    /// <summary>
    /// Counts the file at <paramref name="path"/> (its name tells the syntax, <see cref="FileKinds"/>) with the comments of
    /// its language: those of <see cref="Count(LineKind, string)"/>, and for the other kinds <c>&lt;!-- --&gt;</c> in XML and
    /// HTML (project files, <c>.xml</c>, <c>.html</c>, <c>.config</c>, <c>.resx</c>, <c>.svg</c>), <c>//</c> and <c>/* */</c>
    /// in JavaScript and TypeScript (strings and template literals hide them), <c>/* */</c> in CSS, <c>//</c> and
    /// <c>/* */</c> in Sass, Less and <c>.proto</c>, and whole-line comments in Dockerfiles (<c>#</c>), <c>.http</c> files
    /// (<c>#</c>, <c>//</c>) and <c>.cmd</c> files (<c>REM</c>, <c>::</c>). YAML, Markdown, text and shell scripts have none.
    /// </summary>
    /// <exception cref="ArgumentException">The file is not one the report counts (<see cref="FileKinds.KindOf"/> is null).</exception>
    public static LineCount Count(string path, string text, IEnumerable<string>? symbols)
    {
        var syntax = FileKinds.SyntaxOf(path ?? throw new ArgumentNullException(nameof(path)))
            ?? throw new ArgumentException($"'{path}' is not a kind of file the module report counts.", nameof(path));
        return Count(syntax, text, symbols);
    }

    private static Syntax SyntaxOf(LineKind kind) => kind switch
    {
        LineKind.CSharp => Syntax.CSharp,
        LineKind.Razor => Syntax.Razor,
        LineKind.Json => Syntax.Json,
        LineKind.Sql => Syntax.Sql,
        _ => Syntax.None,
    };

    private static LineCount Count(Syntax syntax, string text, IEnumerable<string>? symbols)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        // CR LF and a lone CR (old Mac files; the compiler reads it as a line break too) end a line as LF does.
        if (text.IndexOf('\r') >= 0)
        {
            text = text.Replace("\r\n", "\n").Replace('\r', '\n');
        }

        return syntax switch
        {
            Syntax.CSharp => CSharpLineScanner.Count(text, symbols),
            Syntax.Razor => DelimitedLineScanner.Razor.Count(text),
            Syntax.Json => DelimitedLineScanner.Json.Count(text),
            Syntax.Sql => DelimitedLineScanner.Sql.Count(text),
            Syntax.Markup => DelimitedLineScanner.Markup.Count(text),
            Syntax.Script => ScriptLineScanner.Count(text),
            Syntax.Css => DelimitedLineScanner.Css.Count(text),
            Syntax.CStyle => DelimitedLineScanner.CStyle.Count(text),
            Syntax.Http => LineStartScanner.Http.Count(text),
            Syntax.Dockerfile => LineStartScanner.Dockerfile.Count(text),
            Syntax.Batch => LineStartScanner.Batch.Count(text),
            _ => DelimitedLineScanner.Text.Count(text),
        };
    }
}
