using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ServerTools.Build.Reports;

/// <summary>Writes <c>module-report.md</c>: the report for people.</summary>
public static class ModuleReportMarkdown
{
    /// <summary>The summary sentence the build log and the Markdown title line share.</summary>
    public static string Summary(ModuleReport report)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        var code = report.Lines.Sum(static l => l.Count.Code);
        var files = report.Lines.Sum(static l => l.Count.Files);
        var text = string.Format(CultureInfo.InvariantCulture, "Module '{0}': {1} in {2}", report.Module, Count(code, "line of code", "lines of code"), Count(files, "file", "files"));
        if (!report.Complete)
        {
            return text + "; entities and rules unknown (see the notes)";
        }

        var features = report.Features.ToDictionary(static f => f.Key, static f => f.Value, StringComparer.Ordinal);
        int Feature(string name) => features.TryGetValue(name, out var count) ? count : 0;
        var blocking = report.Rules.Count(static r => r.Severity == "Blocking");
        return text + string.Format(
            CultureInfo.InvariantCulture,
            ", {0} ({1} audited, {2} tracked, {3} fuzzy searchable, {4} time-windowed), {5} ({6} blocking, {7}), {8}",
            Count(report.Entities.Count, "entity", "entities"),
            Feature(FeatureNames.Audited),
            Feature(FeatureNames.Tracked),
            Feature(FeatureNames.FuzzySearchable),
            Feature(FeatureNames.TimeWindowed),
            Count(report.Rules.Count, "exception rule", "exception rules"),
            blocking,
            Count(report.Rules.Count - blocking, "warning", "warnings"),
            Count(report.Diagnostics.Sum(static d => d.Count), "diagnostic", "diagnostics"));
    }

    private static string Count(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    /// <summary>The report as Markdown, "\n" line ends.</summary>
    public static string Write(ModuleReport report)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        var md = new StringBuilder();
        md.Append("# Module report: ").Append(Escape(report.Module)).Append("\n\n");
        md.Append(Escape(Summary(report))).Append(".\n\n");
        md.Append("Project: `").Append(report.Project).Append("` (").Append(Escape(report.TargetFramework)).Append(")\n");
        foreach (var note in report.Notes)
        {
            md.Append("\n> **Note:** ").Append(Escape(note)).Append('\n');
        }

        md.Append("\n## Lines\n\n");
        var rows = report.Lines.Select(static l => new[] { l.Kind, Number(l.Count.Files), Number(l.Count.Code), Number(l.Count.Comment), Number(l.Count.Blank) }).ToList();
        var generated = report.GeneratedLines;
        rows.Add(["Generated C# (not above)", Number(generated.Files), Number(generated.Code), Number(generated.Comment), Number(generated.Blank)]);
        Table(md, ["Kind", "Files", "Code", "Comment", "Blank"], rows);
        md.Append('\n').Append(string.Format(
            CultureInfo.InvariantCulture,
            "Source generators added {0} files with {1} lines to the compilation.\n",
            report.SourceGenerated.Files,
            report.SourceGenerated.Lines));

        if (report.Complete)
        {
            md.Append("\n## Entities\n\n");
            if (report.Entities.Count == 0)
            {
                md.Append("No entity types.\n");
            }
            else
            {
                Table(
                    md,
                    ["Entity", "Features", "Rules", "Contexts"],
                    report.Entities.Select(static e => new[] { e.Type, Join(e.Features), Join(e.Rules), Join(e.Contexts) }));
            }

            md.Append("\n## Features\n\n");
            Table(md, ["Feature", "Entities"], report.Features.Select(static f => new[] { f.Key, Number(f.Value) }));

            md.Append("\n## Exception rules\n\n");
            if (report.Rules.Count == 0)
            {
                md.Append("No exception rules.\n");
            }
            else
            {
                Table(
                    md,
                    ["Rule", "Severity", "Checks", "Sets", "Class"],
                    report.Rules.Select(static r => new[] { r.Id, r.Severity, r.Target, Join(r.Sets), r.Class }));
            }
        }

        md.Append("\n## Diagnostics\n\n");
        if (report.Diagnostics.Count == 0)
        {
            md.Append("No ServerTools diagnostics.\n");
        }
        else
        {
            Table(md, ["Id", "Severity", "Count"], report.Diagnostics.Select(static d => new[] { d.Id, d.Severity, Number(d.Count) }));
        }

        md.Append("\n## References\n\n");
        var references = report.References;
        var referenceRows = new List<string[]>
        {
            new[] { ".NET", Join(references.Dotnet) },
            new[] { "ServerTools", Join(references.ServerTools) },
            new[] { "Packages", Join(references.Packages.Select(static p => p.Version.Length == 0 ? p.Name : p.Name + " " + p.Version).ToList()) },
            new[] { "Projects", Join(references.Projects) },
        };
        Table(md, ["Group", "References"], referenceRows);
        return md.ToString();
    }

    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        md.Append("| ").Append(string.Join(" | ", header.Select(Escape))).Append(" |\n");
        md.Append('|').Append(string.Concat(header.Select(static _ => " --- |"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row.Select(Escape))).Append(" |\n");
        }
    }

    private static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "-" : string.Join(", ", items);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Keeps table cells in their cell: pipes escaped, line ends as spaces.</summary>
    private static string Escape(string text) => text.Replace("|", "\\|").Replace("\r", "").Replace("\n", " ");
}
