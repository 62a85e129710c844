using System;
using System.Collections.Generic;

namespace ServerTools.Build.Lines;

/// <summary>Counts the code, comment and blank lines of one file's text by the rules of its kind.</summary>
public static class LineCounter
{
    /// <summary>
    /// Counts <paramref name="text"/> as a file of <paramref name="kind"/>: lines with only whitespace are blank; lines
    /// with code are code, even when they also hold a comment; the rest are comment lines. Comments are C# and JSON
    /// <c>//</c> and <c>/* */</c>, SQL <c>--</c> and <c>/* */</c> (nested, as in PostgreSQL), Razor <c>@* *@</c> and
    /// <c>&lt;!-- --&gt;</c> (not inside a <c>"</c> string); other files have none. Lines end at LF, CR LF or CR.
    /// </summary>
    public static LineCount Count(LineKind kind, string text) => Count(kind, text, null);

    /// <summary>
    /// Counts as <see cref="Count(LineKind, string)"/>; for C#, <paramref name="symbols"/> are the build's preprocessing
    /// symbols (<c>DefineConstants</c>): the lines of a conditional section that is not compiled are code, and not read for
    /// comments, as the compiler does not read them. Null: the symbols are unknown, and every section is read.
    /// </summary>
    public static LineCount Count(LineKind kind, string text, IEnumerable<string>? symbols)
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

        return kind switch
        {
            LineKind.CSharp => CSharpLineScanner.Count(text, symbols),
            LineKind.Razor => DelimitedLineScanner.Razor.Count(text),
            LineKind.Json => DelimitedLineScanner.Json.Count(text),
            LineKind.Sql => DelimitedLineScanner.Sql.Count(text),
            _ => DelimitedLineScanner.Text.Count(text),
        };
    }
}
