using System;

namespace ServerTools.Build.Lines;

/// <summary>Counts the code, comment and blank lines of one file's text by the rules of its kind.</summary>
public static class LineCounter
{
    /// <summary>
    /// Counts <paramref name="text"/> as a file of <paramref name="kind"/>: lines with only whitespace are blank; lines
    /// with code are code, even when they also hold a comment; the rest are comment lines. Comments are C# and JSON
    /// <c>//</c> and <c>/* */</c>, SQL <c>--</c> and <c>/* */</c>, Razor <c>@* *@</c> and <c>&lt;!-- --&gt;</c>; other files have none.
    /// </summary>
    public static LineCount Count(LineKind kind, string text)
    {
        if (text is null)
        {
            throw new ArgumentNullException(nameof(text));
        }

        return kind switch
        {
            LineKind.CSharp => CSharpLineScanner.Count(text),
            LineKind.Razor => DelimitedLineScanner.Razor.Count(text),
            LineKind.Json => DelimitedLineScanner.Json.Count(text),
            LineKind.Sql => DelimitedLineScanner.Sql.Count(text),
            _ => DelimitedLineScanner.Text.Count(text),
        };
    }
}
