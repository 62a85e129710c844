using System;
using System.Text;

namespace ServerTools.Build.Reports;

/// <summary>
/// Names and text in Markdown that no parser reads as markup: the module report (<c>module-report.md</c>) and the tool's
/// combined report (<c>module-analysis.md</c>, which links this file) write names the same way.
/// </summary>
internal static class MarkdownText
{
    /// <summary>
    /// A code span holding <paramref name="value"/> literally: the fence is one backtick longer than the longest run of
    /// backticks inside, line breaks become spaces, and in a table '|' is escaped (GFM reads it even in code).
    /// </summary>
    /// <remarks>
    /// In a table cell, a name with a backslash right before a '|' is written as escaped text instead: a code span
    /// cannot escape that backslash, and the cell would hold "\\|", which GFM reads as a backslash and a literal pipe but
    /// a parser that reads "\\" as an escaped backslash (as CommonMark does outside code) takes for a column break. As
    /// text it is "\\\|", which every parser reads as a backslash and a pipe.
    /// </remarks>
    public static string Code(string value, bool inTable)
    {
        if (value.Length == 0)
        {
            return "";
        }

        var text = OneLine(value);
        if (inTable)
        {
            if (text.Contains("\\|"))
            {
                return Text(text);
            }

            text = text.Replace("|", "\\|");
        }

        var longestRun = 0;
        var run = 0;
        foreach (var character in text)
        {
            run = character == '`' ? run + 1 : 0;
            longestRun = Math.Max(run, longestRun);
        }

        var fence = new string('`', longestRun + 1);
        var padding = text[0] == '`' || text[text.Length - 1] == '`' ? " " : "";
        return fence + padding + text + padding + fence;
    }

    /// <summary>Text with the characters that Markdown or inline HTML would read backslash-escaped, on one line.</summary>
    public static string Text(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var character in OneLine(text))
        {
            if (character is '\\' or '`' or '*' or '_' or '~' or '[' or ']' or '<' or '>' or '&' or '|')
            {
                escaped.Append('\\');
            }

            escaped.Append(character);
        }

        return escaped.ToString();
    }

    /// <summary>The text with each line break (CR LF, CR or LF) replaced by a space: a table row or a heading is one line.</summary>
    private static string OneLine(string text) => text.Replace("\r\n", " ").Replace('\r', ' ').Replace('\n', ' ');
}
