using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ServerTools.Build.Reports;

/// <summary>Writes <c>module-report.md</c>: the report for people.</summary>
public static class ModuleReportMarkdown
{
    /// <summary>The most ids named for one severity in <see cref="Diagnostics"/>; more are counted.</summary>
    private const int IdsNamed = 3;

    /// <summary>The summary sentence of the build log; the Markdown's line under its title says the same, the name as code.</summary>
    public static string Summary(ModuleReport report)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        return "Module '" + report.Module + "': " + Figures(report);
    }

    /// <summary>The <see cref="Summary"/> after the module's name: lines, files, entities by feature, rules and diagnostics.</summary>
    private static string Figures(ModuleReport report)
    {
        var code = report.Lines.Sum(static l => l.Count.Code);
        var files = report.Lines.Sum(static l => l.Count.Files);
        var text = string.Format(CultureInfo.InvariantCulture, "{0} in {1}", Count(code, "line of code", "lines of code"), Count(files, "file", "files"));
        if (!report.Complete)
        {
            return text + "; entities and rules unknown (see the notes)";
        }

        var features = report.Features.ToDictionary(static f => f.Key, static f => f.Value, StringComparer.Ordinal);
        int Feature(string name) => features.TryGetValue(name, out var count) ? count : 0;
        var (rules, blocking) = report.RuleCounts();
        return text + string.Format(
            CultureInfo.InvariantCulture,
            ", {0} ({1} audited, {2} tracked, {3} fuzzy searchable, {4} time-windowed), {5} ({6} blocking, {7}), {8}",
            Count(report.Entities.Count, "entity", "entities"),
            Feature(FeatureNames.Audited),
            Feature(FeatureNames.Tracked),
            Feature(FeatureNames.FuzzySearchable),
            Feature(FeatureNames.TimeWindowed),
            Count(rules, "exception rule", "exception rules"),
            blocking,
            Count(rules - blocking, "warning", "warnings"),
            Diagnostics(report.Diagnostics));
    }

    /// <summary>
    /// "0 diagnostics", or the count by severity with the ids, most severe first: "3 diagnostics (1 warning: ST1001;
    /// 2 notes: ST5004)", so that a reader can find diagnostics the build does not show (notes, at normal verbosity).
    /// At most <see cref="IdsNamed"/> ids per severity, then "and 2 more".
    /// </summary>
    private static string Diagnostics(IReadOnlyList<DiagnosticEntry> diagnostics)
    {
        var text = Count(diagnostics.Sum(static d => d.Count), "diagnostic", "diagnostics");
        if (diagnostics.Count == 0)
        {
            return text;
        }

        var bySeverity = diagnostics
            .GroupBy(static d => d.Severity, StringComparer.Ordinal)
            .OrderBy(static g => SeverityOrder(g.Key))
            .ThenBy(static g => g.Key, StringComparer.Ordinal)
            .Select(static g =>
            {
                var ids = g.Select(static d => d.Id).Distinct(StringComparer.Ordinal).OrderBy(static id => id, StringComparer.Ordinal).ToList();
                var named = string.Join(", ", ids.Take(IdsNamed));
                if (ids.Count > IdsNamed)
                {
                    named += " and " + (ids.Count - IdsNamed).ToString(CultureInfo.InvariantCulture) + " more";
                }

                var severity = g.Key.Length == 0 ? "unknown" : g.Key;
                return Count(g.Sum(static d => d.Count), severity, severity + "s") + ": " + named;
            });
        return text + " (" + string.Join("; ", bySeverity) + ")";
    }

    /// <summary>SARIF's levels, most severe first; others after them.</summary>
    private static int SeverityOrder(string level) => level switch
    {
        "error" => 0,
        "warning" => 1,
        "note" => 2,
        _ => 3,
    };

    private static string Count(int count, string one, string many) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many);

    /// <summary>
    /// The report as Markdown, "\n" line ends. Names (the module, types, rule ids, contexts, packages, paths, the target
    /// framework and configuration) are code spans, and other text is escaped, so that no name turns into Markdown or HTML
    /// (<c>Tagged&lt;string&gt;</c> stays visible) or into a link (GFM links a bare <c>www.example.com</c>, never one in
    /// code), as in the combined report of <c>servertools report</c>.
    /// </summary>
    public static string Write(ModuleReport report)
    {
        if (report is null)
        {
            throw new ArgumentNullException(nameof(report));
        }

        var md = new StringBuilder();
        md.Append("# Module report: ").Append(Code(report.Module, inTable: false)).Append("\n\n");
        md.Append("Module ").Append(Code(report.Module, inTable: false)).Append(": ").Append(Text(Figures(report))).Append(".\n\n");
        md.Append("Project: ").Append(Code(report.Project, inTable: false)).Append(" (").Append(Code(report.TargetFramework, inTable: false));
        if (report.Configuration.Length > 0)
        {
            md.Append(", ").Append(Code(report.Configuration, inTable: false));
        }

        md.Append(")\n");
        foreach (var note in report.Notes)
        {
            md.Append("\n> **Note:** ").Append(Text(note)).Append('\n');
        }

        md.Append("\n## Lines\n\n");
        var rows = report.Lines.Select(static l => new[] { Text(l.Kind), Number(l.Count.Files), Number(l.Count.Code), Number(l.Count.Comment), Number(l.Count.Blank) }).ToList();
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
                    report.Entities.Select(static e => new[] { Name(e.Type), Names(e.Features), Names(e.Rules), Names(e.Contexts) }));
            }

            md.Append("\n## Features\n\n");
            Table(md, ["Feature", "Entities"], report.Features.Select(static f => new[] { Text(f.Key), Number(f.Value) }));

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
                    report.Rules.Select(static r => new[] { Name(r.Id), Text(r.Severity), Name(r.Target), Names(r.Sets), Name(r.Class) }));
            }
        }

        md.Append("\n## Diagnostics\n\n");
        if (report.Diagnostics.Count == 0)
        {
            md.Append("No ServerTools diagnostics.\n");
        }
        else
        {
            Table(md, ["Id", "Severity", "Count"], report.Diagnostics.Select(static d => new[] { Name(d.Id), Text(d.Severity), Number(d.Count) }));
        }

        md.Append("\n## References\n\n");
        var references = report.References;
        var referenceRows = new List<string[]>
        {
            new[] { ".NET", Names([.. references.Dotnet, .. Versioned(references.DotnetPackages)]) },
            new[] { "ServerTools", Names(references.ServerTools) },
            new[] { "Packages", Names(Versioned(references.Packages)) },
            new[] { "Projects", Names(references.Projects) },
        };
        Table(md, ["Group", "References"], referenceRows);
        return md.ToString();
    }

    /// <summary>A table; the cells are Markdown already (<see cref="Name"/>, <see cref="Text"/>, numbers).</summary>
    private static void Table(StringBuilder md, string[] header, IEnumerable<string[]> rows)
    {
        md.Append("| ").Append(string.Join(" | ", header)).Append(" |\n");
        md.Append('|').Append(string.Concat(header.Select(static _ => " --- |"))).Append('\n');
        foreach (var row in rows)
        {
            md.Append("| ").Append(string.Join(" | ", row)).Append(" |\n");
        }
    }

    /// <summary>Packages as "name version" (the name alone when the version is unknown).</summary>
    private static List<string> Versioned(IEnumerable<PackageEntry> packages) =>
        packages.Select(static p => p.Version.Length == 0 ? p.Name : p.Name + " " + p.Version).ToList();

    private static string Name(string name) => Code(name, inTable: true);

    private static string Names(IReadOnlyList<string> names) => names.Count == 0 ? "-" : string.Join(", ", names.Select(Name));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Code(string value, bool inTable) => MarkdownText.Code(value, inTable);

    private static string Text(string text) => MarkdownText.Text(text);
}
