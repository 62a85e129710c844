using System.Collections.Generic;
using System.Linq;
using System.Text;
using ServerTools.Build.Reports;

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

    /// <summary>A code span holding <paramref name="value"/> literally (<see cref="MarkdownText.Code"/>).</summary>
    internal static string Code(string value, bool inTable) => MarkdownText.Code(value, inTable);

    /// <summary>Backslash-escapes the characters that Markdown or inline HTML would read in plain text.</summary>
    internal static string EscapeText(string text) => MarkdownText.Text(text);
}
