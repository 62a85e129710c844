using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// Writes <c>module-analysis.md</c>: a summary table of every module, then a section per module. Strings from the
/// reports are written as code spans (and '|' escaped in tables), so no module name can become Markdown or HTML.
/// </summary>
public static class MarkdownReportWriter
{
    /// <summary>The Markdown text for <paramref name="modules"/> (in the order given), with '\n' line ends.</summary>
    public static string Write(IReadOnlyList<ModuleReport> modules)
    {
        var markdown = new StringBuilder();
        markdown.Append("# ").Append(ReportContent.Title).Append("\n\n");
        markdown.Append(EscapeText(ReportContent.SolutionSummary(modules))).Append("\n\n");
        if (modules.Count == 0)
        {
            return markdown.ToString();
        }

        AppendTable(markdown, ReportContent.Summary(modules));
        markdown.Append("\nLines of code are the code lines (not blank, not comment) of each project's own files; ")
            .Append("Generated counts every line (code, comment and blank) of the project's generated files and of the source generators' output.\n");

        var root = ReportContent.ProjectRoot(modules);
        foreach (var module in modules)
        {
            markdown.Append("\n## ").Append(Code(module.Module, inTable: false)).Append("\n\n");
            foreach (var (text, code) in ReportContent.BuildFacts(module, root))
            {
                markdown.Append(code ? Code(text, inTable: false) : text);
            }

            markdown.Append("\n\n");
            foreach (var note in module.Notes)
            {
                markdown.Append("> Note: ").Append(EscapeText(note)).Append("\n\n");
            }

            markdown.Append(EscapeText(ReportContent.ModuleSummary(module))).Append("\n\n");
            AppendSection(markdown, "Lines", ReportContent.Lines(module), "");
            AppendSection(markdown, "Entities", ReportContent.Entities(module), "No entities.");
            AppendSection(markdown, "Exception rules", ReportContent.Rules(module), "No exception rules.");
            AppendSection(markdown, "Diagnostics", ReportContent.Diagnostics(module), "No ServerTools diagnostics.");
            AppendSection(markdown, "References", ReportContent.References(module), "");
        }

        return markdown.ToString();
    }

    private static void AppendSection(StringBuilder markdown, string heading, ReportTable? table, string whenEmpty)
    {
        markdown.Append("### ").Append(heading).Append("\n\n");
        if (table is null)
        {
            markdown.Append(whenEmpty).Append('\n');
        }
        else
        {
            AppendTable(markdown, table);
        }

        markdown.Append('\n');
    }

    private static void AppendTable(StringBuilder markdown, ReportTable table)
    {
        markdown.Append('|');
        foreach (var column in table.Columns)
        {
            markdown.Append(' ').Append(EscapeText(column.Header)).Append(" |");
        }

        markdown.Append("\n|");
        foreach (var column in table.Columns)
        {
            markdown.Append(column.Numeric ? " ---: |" : " --- |");
        }

        markdown.Append('\n');
        foreach (var row in table.Rows)
        {
            markdown.Append('|');
            foreach (var cell in row)
            {
                markdown.Append(' ').Append(Cell(cell)).Append(" |");
            }

            markdown.Append('\n');
        }
    }

    private static string Cell(ReportCell cell) => cell.Kind switch
    {
        CellKind.Number => ReportContent.Number(cell.Number),
        CellKind.Names => string.Join(", ", cell.Names.Select(static name => Code(name, inTable: true))),
        _ => EscapeText(cell.Text),
    };

    /// <summary>
    /// A code span holding <paramref name="value"/> literally: the fence is one backtick longer than the longest
    /// run of backticks inside, line breaks become spaces, and in a table '|' is escaped (GFM reads it even in code).
    /// </summary>
    /// <remarks>
    /// In a table cell, a name with a backslash right before a '|' is written as escaped text instead: a code span
    /// cannot escape that backslash, and the cell would hold "\\|", which GFM reads as a backslash and a literal
    /// pipe but a parser that reads "\\" as an escaped backslash (as CommonMark does outside code) takes for a
    /// column break. As text it is "\\\|", which every parser reads as a backslash and a pipe.
    /// </remarks>
    internal static string Code(string value, bool inTable)
    {
        if (value.Length == 0)
        {
            return "";
        }

        var text = OneLine(value);
        if (inTable)
        {
            if (text.Contains("\\|", StringComparison.Ordinal))
            {
                return EscapeText(text);
            }

            text = text.Replace("|", "\\|", StringComparison.Ordinal);
        }

        var longestRun = 0;
        var run = 0;
        foreach (var character in text)
        {
            run = character == '`' ? run + 1 : 0;
            longestRun = run > longestRun ? run : longestRun;
        }

        var fence = new string('`', longestRun + 1);
        var padding = text.StartsWith('`') || text.EndsWith('`') ? " " : "";
        return fence + padding + text + padding + fence;
    }

    /// <summary>Backslash-escapes the characters that Markdown or inline HTML would read in plain text.</summary>
    internal static string EscapeText(string text)
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
    private static string OneLine(string text) =>
        text.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\r', ' ').Replace('\n', ' ');
}
