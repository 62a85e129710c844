using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// Writes <c>module-analysis.html</c>: one self-contained page (inline CSS, charts as inline SVG, no script, no URL),
/// with charts of features, lines of code and diagnostics per module, the summary table and a section per module.
/// Every string from the reports is HTML-escaped, and a Content-Security-Policy forbids scripts and any load.
/// </summary>
public static class HtmlReportWriter
{
    /// <summary>The <c>data-chart</c> of the features chart (entities per feature, grouped bars).</summary>
    public const string FeaturesChart = "features";

    /// <summary>The <c>data-chart</c> of the lines chart (code lines by kind, stacked bars).</summary>
    public const string LinesChart = "lines";

    /// <summary>The <c>data-chart</c> of the diagnostics chart (diagnostics by severity, grouped bars).</summary>
    public const string DiagnosticsChart = "diagnostics";

    /// <summary>The lines chart's series for the project's generated files (<see cref="ModuleReport.GeneratedLines"/>).</summary>
    public const string GeneratedKind = "Generated";

    /// <summary>The lines chart's series for the source generators' output (<see cref="ModuleReport.SourceGenerated"/>).</summary>
    public const string SourceGeneratedKind = "SourceGenerated";

    private static readonly Regex s_wrapAfterDot = new(@"\.(?=\p{L})", RegexOptions.CultureInvariant);

    private const string Style = """
        :root { color-scheme: light; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --band: #f6f8fa; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #fff; color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
        main { max-width: 1160px; margin: 0 auto; padding: 24px 20px 48px; }
        h1 { font-size: 28px; margin: 0 0 4px; }
        h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
        h2 code { font-size: 18px; font-weight: 700; background: none; padding: 0; }
        h3 { font-size: 15px; margin: 20px 0 6px; }
        p { margin: 4px 0 10px; }
        .summary { font-size: 15px; color: var(--muted); }
        .note { color: var(--muted); font-size: 13px; }
        .warning { background: #fff8c5; border-left: 4px solid #d4a72c; padding: 6px 10px; }
        code { font: 12.5px ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; background: var(--band); padding: 1px 4px; border-radius: 4px; overflow-wrap: break-word; }
        table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; }
        th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
        th { background: var(--band); font-weight: 600; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        tr.total td { font-weight: 600; background: var(--band); }
        table.summary-table { font-size: 11.5px; }
        table.summary-table th, table.summary-table td { padding: 3px 5px; }
        table.summary-table th.group { text-align: center; }
        table.summary-table td:first-child, table.summary-table td:first-child code { white-space: nowrap; overflow-wrap: normal; }
        .scroll { overflow-x: auto; }
        svg.chart { display: block; max-width: 100%; height: auto; margin: 8px 0 4px; }
        svg text { font: 12px system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; fill: var(--ink); }
        svg text.module { text-anchor: end; font-weight: 600; }
        svg text.value { font-size: 11px; font-variant-numeric: tabular-nums; }
        svg text.total { font-size: 12px; font-weight: 600; }
        svg text.tick { font-size: 10px; fill: var(--muted); text-anchor: middle; }
        svg line.grid { stroke: #eaeef2; }
        svg line.separator { stroke: var(--line); stroke-dasharray: 2 3; }
        """;

    /// <summary>The page for <paramref name="modules"/> (in the order given), with '\n' line ends.</summary>
    public static string Write(IReadOnlyList<ModuleReport> modules)
    {
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(ReportContent.Title).Append("</title>\n<style>\n").Append(Style).Append("\n</style>\n</head>\n<body>\n<main>\n")
            .Append("<h1>").Append(ReportContent.Title).Append("</h1>\n")
            .Append("<p class=\"summary\">").Append(Html.Escape(ReportContent.SolutionSummary(modules))).Append("</p>\n");

        if (modules.Count > 0)
        {
            AppendChart(html, "Features per module", "Entities that use each ServerTools feature; rule-checked entities are checked by at least one exception rule.", FeaturesBarChart(modules), stacked: false);
            AppendChart(html, "Lines of code per module", "Code lines of the project's own files by kind, then every line of generated code: the project's generated files and the source generators' output.", LinesBarChart(modules), stacked: true);
            AppendChart(
                html,
                "Diagnostics by severity",
                modules.Any(static module => module.Diagnostics.Any(static diagnostic => diagnostic.Count > 0))
                    ? "ServerTools diagnostics (ST0001 and on) that the last build reported, per module."
                    : "The last build reported no ServerTools diagnostic (ST0001 and on) in any module.",
                DiagnosticsBarChart(modules),
                stacked: false);

            html.Append("<section id=\"modules\">\n<h2>Modules</h2>\n");
            AppendTable(html, ReportContent.Summary(modules), lastRowIsTotal: modules.Count > 1, cssClass: "summary-table", wrapNames: false);
            html.Append("</section>\n");

            var root = ReportContent.ProjectRoot(modules);
            for (var index = 0; index < modules.Count; index++)
            {
                AppendModule(html, modules[index], root, index + 1);
            }
        }

        html.Append("</main>\n</body>\n</html>\n");
        return html.ToString();
    }

    private static BarChart FeaturesBarChart(IReadOnlyList<ModuleReport> modules)
    {
        var features = ReportVocabulary.FeaturesOf(modules);
        return new BarChart(
            FeaturesChart,
            "Features per module",
            "feature",
            [.. features.Select((feature, index) => new ChartSeries(feature, ReportContent.FeatureHeader(feature), Color(feature, index)))],
            [.. modules.Select(module => new ChartRow(module.Module, [.. features.Select(feature => (long)module.FeatureCount(feature))]))]);
    }

    private static BarChart LinesBarChart(IReadOnlyList<ModuleReport> modules)
    {
        var kinds = ReportVocabulary.LineKindsOf(modules);
        return new BarChart(
            LinesChart,
            "Lines of code per module",
            "kind",
            [
                .. kinds.Select((kind, index) => new ChartSeries(kind, kind, Color(kind, index))),
                new ChartSeries(GeneratedKind, "Generated files", Color(GeneratedKind, 0)),
                new ChartSeries(SourceGeneratedKind, "Source generators", Color(SourceGeneratedKind, 0)),
            ],
            [.. modules.Select(module => new ChartRow(
                module.Module,
                [.. kinds.Select(module.CodeLines), module.GeneratedLines.Total, module.SourceGenerated.Lines]))]);
    }

    private static BarChart DiagnosticsBarChart(IReadOnlyList<ModuleReport> modules)
    {
        var severities = ReportVocabulary.DiagnosticSeveritiesOf(modules);
        return new BarChart(
            DiagnosticsChart,
            "Diagnostics by severity",
            "severity",
            [.. severities.Select((severity, index) => new ChartSeries(severity, ReportContent.DiagnosticSeverityHeader(severity), Color(severity, index)))],
            [.. modules.Select(module => new ChartRow(module.Module, [.. severities.Select(module.DiagnosticCount)]))]);
    }

    /// <summary>The colour of a series: a fixed one for the names the reports use, else a grey by position.</summary>
    private static string Color(string name, int index) => name switch
    {
        "Audited" => "#4e79a7",
        "Tracked" => "#f28e2b",
        "FuzzySearchable" => "#59a14f",
        "TimeWindowed" => "#b07aa1",
        "ExceptionRules" => "#e15759",
        "C#" => "#4e79a7",
        "Razor" => "#76b7b2",
        "JSON" => "#edc948",
        "SQL" => "#59a14f",
        "Other" => "#9aa4ad",
        GeneratedKind => "#9c755f",
        SourceGeneratedKind => "#d9b8a3",
        "error" => "#d1242f",
        "warning" => "#d4a72c",
        "note" => "#4e79a7",
        _ => (index % 3) switch { 0 => "#6e7781", 1 => "#8c959f", _ => "#afb8c1" },
    };

    private static void AppendChart(StringBuilder html, string title, string note, BarChart chart, bool stacked)
    {
        html.Append("<section class=\"chart\" id=\"").Append(chart.Id).Append("-chart\">\n<h2>").Append(title).Append("</h2>\n")
            .Append("<p class=\"note\">").Append(note).Append("</p>\n");
        if (stacked)
        {
            SvgBarChart.WriteStacked(html, chart);
        }
        else
        {
            SvgBarChart.WriteGrouped(html, chart);
        }

        html.Append("</section>\n");
    }

    private static void AppendModule(StringBuilder html, ModuleReport module, IReadOnlyList<string> root, int number)
    {
        html.Append("<section class=\"module\" id=\"module-").Append(number).Append("\" data-module=\"").Append(Html.Escape(module.Module)).Append("\">\n")
            .Append("<h2><code>").Append(Html.Escape(module.Module)).Append("</code></h2>\n")
            .Append("<p>");
        foreach (var (text, code) in ReportContent.BuildFacts(module, root))
        {
            html.Append(code ? "<code>" + Html.Escape(text) + "</code>" : Html.Escape(text));
        }

        html.Append("</p>\n");
        foreach (var note in module.Notes)
        {
            html.Append("<p class=\"warning\">Note: ").Append(Html.Escape(note)).Append("</p>\n");
        }

        html.Append("<p>").Append(Html.Escape(ReportContent.ModuleSummary(module))).Append("</p>\n");
        AppendSection(html, "Lines", ReportContent.Lines(module), "");
        AppendSection(html, "Entities", ReportContent.Entities(module), "No entities.");
        AppendSection(html, "Exception rules", ReportContent.Rules(module), "No exception rules.");
        AppendSection(html, "Diagnostics", ReportContent.Diagnostics(module), "No ServerTools diagnostics.");
        AppendSection(html, "References", ReportContent.References(module), "");
        html.Append("</section>\n");
    }

    private static void AppendSection(StringBuilder html, string heading, ReportTable? table, string whenEmpty)
    {
        html.Append("<h3>").Append(heading).Append("</h3>\n");
        if (table is null)
        {
            html.Append("<p class=\"note\">").Append(whenEmpty).Append("</p>\n");
        }
        else
        {
            AppendTable(html, table, lastRowIsTotal: false, cssClass: "details", wrapNames: true);
        }
    }

    private static void AppendTable(StringBuilder html, ReportTable table, bool lastRowIsTotal, string cssClass, bool wrapNames)
    {
        html.Append("<div class=\"scroll\"><table class=\"").Append(cssClass).Append("\">\n<thead>");
        var grouped = table.Columns.Any(static column => column.Group is not null);
        if (grouped)
        {
            html.Append("<tr>");
            for (var index = 0; index < table.Columns.Count;)
            {
                var group = table.Columns[index].Group;
                var span = 1;
                while (index + span < table.Columns.Count && group is not null && table.Columns[index + span].Group == group)
                {
                    span++;
                }

                html.Append("<th class=\"group\" colspan=\"").Append(span).Append("\">").Append(Html.Escape(group ?? "")).Append("</th>");
                index += span;
            }

            html.Append("</tr>\n");
        }

        html.Append("<tr>");
        foreach (var column in table.Columns)
        {
            html.Append(column.Numeric ? "<th class=\"num\">" : "<th>").Append(Html.Escape(grouped ? column.Short ?? column.Header : column.Header)).Append("</th>");
        }

        html.Append("</tr>\n</thead>\n<tbody>\n");
        for (var index = 0; index < table.Rows.Count; index++)
        {
            html.Append(lastRowIsTotal && index == table.Rows.Count - 1 ? "<tr class=\"total\">" : "<tr>");
            foreach (var cell in table.Rows[index])
            {
                html.Append(cell.Kind == CellKind.Number ? "<td class=\"num\">" : "<td>").Append(Cell(cell, wrapNames)).Append("</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table></div>\n");
    }

    private static string Cell(ReportCell cell, bool wrapNames) => cell.Kind switch
    {
        CellKind.Number => ReportContent.Number(cell.Number),
        CellKind.Names => string.Join(", ", cell.Names.Select(name => "<code>" + (wrapNames ? Wrappable(name) : Html.Escape(name)) + "</code>")),
        _ => Html.Escape(cell.Text),
    };

    /// <summary>The escaped name, which may wrap after a dot that a letter follows (<c>Shop.&lt;wbr&gt;Sales</c>), not inside a word or a version.</summary>
    private static string Wrappable(string name) => s_wrapAfterDot.Replace(Html.Escape(name), ".<wbr>");
}
