using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// What the Markdown file and the HTML page both say: the summary sentences and the tables, built once from
/// the module reports so that the two outputs cannot disagree.
/// </summary>
internal static class ReportContent
{
    public const string Title = "Module analysis";

    /// <summary>One sentence for the whole solution.</summary>
    public static string SolutionSummary(IReadOnlyList<ModuleReport> modules) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"{Count(modules.Count, "module", "modules")}: {Count(EntityCount(modules), "entity", "entities")}, " +
            $"{Count(modules.Sum(static module => module.TotalCodeLines), "line", "lines")} of code " +
            $"(plus {Count(modules.Sum(GeneratedLines), "generated line", "generated lines")}), " +
            $"{Count(modules.Sum(static module => module.RuleCount()), "exception rule", "exception rules")}, " +
            $"{Count(modules.Sum(static module => module.Diagnostics.Sum(static diagnostic => diagnostic.Count)), "ServerTools diagnostic", "ServerTools diagnostics")}.");

    /// <summary>One sentence for a module.</summary>
    public static string ModuleSummary(ModuleReport module)
    {
        var features = string.Join(
            ", ",
            ReportVocabulary.FeaturesOf([module])
                .Where(feature => feature != "ExceptionRules")
                .Select(feature => string.Create(CultureInfo.InvariantCulture, $"{Number(module.FeatureCount(feature))} {FeatureWord(feature)}")));
        var rules = string.Join(
            ", ",
            ReportVocabulary.RuleSeveritiesOf([module]).Select(severity => RuleSeverityCount(module.RuleCount(severity), severity)));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{Count(module.Entities.Count, "entity", "entities")} ({features}), " +
            $"{Count(module.RuleCount(), "exception rule", "exception rules")} ({rules}), " +
            $"{Count(module.TotalCodeLines, "line", "lines")} of code (plus {Count(GeneratedLines(module), "generated line", "generated lines")}).");
    }

    /// <summary>
    /// The entities of <paramref name="modules"/>, each type once: an entity class of a library that an application's
    /// context maps too is in both projects' reports.
    /// </summary>
    public static int EntityCount(IReadOnlyList<ModuleReport> modules)
        => modules.Count == 1 ? modules[0].Entities.Count : modules.SelectMany(static module => module.Entities).Select(static entity => entity.Type).Distinct().Count();

    /// <summary>The entities of <paramref name="modules"/> with <paramref name="feature"/>, each type once (see <see cref="EntityCount"/>).</summary>
    public static int FeatureCount(IReadOnlyList<ModuleReport> modules, string feature)
        => modules.Count == 1
            ? modules[0].FeatureCount(feature)
            : modules.SelectMany(static module => module.Entities)
                .Where(entity => feature == "ExceptionRules" ? entity.Rules.Count > 0 : entity.Features.Contains(feature))
                .Select(static entity => entity.Type)
                .Distinct()
                .Count();

    /// <summary>
    /// Lines of generated code: every line of the project's generated files and of the source generators' output (code,
    /// comment and blank lines alike: the compiler's log gives the generators' output as one number of lines).
    /// </summary>
    public static long GeneratedLines(ModuleReport module) => module.GeneratedLines.Total + module.SourceGenerated.Lines;

    /// <summary>One row per module: lines by kind, generated lines, entities, features, rules and diagnostics by severity.</summary>
    public static ReportTable Summary(IReadOnlyList<ModuleReport> modules)
    {
        var kinds = ReportVocabulary.LineKindsOf(modules);
        var features = ReportVocabulary.FeaturesOf(modules);
        var ruleSeverities = ReportVocabulary.RuleSeveritiesOf(modules);
        var diagnosticSeverities = ReportVocabulary.DiagnosticSeveritiesOf(modules);

        List<ReportColumn> columns =
        [
            new("Module"),
            .. kinds.Select(static kind => new ReportColumn(kind, Numeric: true, "Lines of code")),
            new("Generated", Numeric: true, "Lines of code"),
            new("Entities", Numeric: true, "Entities", "All"),
            .. features.Select(static feature => new ReportColumn(FeatureHeader(feature), Numeric: true, "Entities", FeatureShortHeader(feature))),
            .. ruleSeverities.Select(static severity => new ReportColumn(RuleSeverityHeader(severity), Numeric: true, "Rules", severity)),
            .. diagnosticSeverities.Select(static severity => new ReportColumn(DiagnosticSeverityHeader(severity), Numeric: true, "Diagnostics")),
        ];

        IReadOnlyList<ReportCell> Row(ReportCell first, IReadOnlyList<ModuleReport> of) =>
        [
            first,
            .. kinds.Select(kind => ReportCell.Of(of.Sum(module => module.CodeLines(kind)))),
            ReportCell.Of(of.Sum(GeneratedLines)),
            ReportCell.Of(EntityCount(of)),
            .. features.Select(feature => ReportCell.Of(FeatureCount(of, feature))),
            .. ruleSeverities.Select(severity => ReportCell.Of(of.Sum(module => module.RuleCount(severity)))),
            .. diagnosticSeverities.Select(severity => ReportCell.Of(of.Sum(module => module.DiagnosticCount(severity)))),
        ];

        var rows = modules.Select(module => Row(ReportCell.Name(module.Module), [module])).ToList();
        if (modules.Count > 1)
        {
            rows.Add(Row(ReportCell.Of("Total"), modules));
        }

        return new ReportTable(columns, rows);
    }

    /// <summary>Files and lines of a module by kind, then its generated code.</summary>
    public static ReportTable Lines(ModuleReport module)
    {
        List<IReadOnlyList<ReportCell>> rows =
        [
            .. module.Lines.Select(static line => (IReadOnlyList<ReportCell>)
                [ReportCell.Of(line.Kind), ReportCell.Of(line.Files), ReportCell.Of(line.Code), ReportCell.Of(line.Comment), ReportCell.Of(line.Blank)]),
            [ReportCell.Of("Generated files"), ReportCell.Of(module.GeneratedLines.Files), ReportCell.Of(module.GeneratedLines.Code), ReportCell.Of(module.GeneratedLines.Comment), ReportCell.Of(module.GeneratedLines.Blank)],
            [ReportCell.Of("Source generators"), ReportCell.Of(module.SourceGenerated.Files), ReportCell.Of(module.SourceGenerated.Lines), ReportCell.Empty, ReportCell.Empty],
        ];
        return new ReportTable(
            [new("Kind"), new("Files", Numeric: true), new("Code", Numeric: true), new("Comment", Numeric: true), new("Blank", Numeric: true)],
            rows);
    }

    /// <summary>The entities of a module with their features, rules and contexts; null when it has none.</summary>
    public static ReportTable? Entities(ModuleReport module) =>
        module.Entities.Count == 0
            ? null
            : new ReportTable(
                [new("Entity"), new("Features"), new("Rules"), new("Contexts")],
                [.. module.Entities.Select(static entity => (IReadOnlyList<ReportCell>)
                    [ReportCell.Name(entity.Type), ReportCell.NameList(entity.Features), ReportCell.NameList(entity.Rules), ReportCell.NameList(entity.Contexts)])]);

    /// <summary>The exception rules of a module; null when it has none.</summary>
    public static ReportTable? Rules(ModuleReport module) =>
        module.Rules.Count == 0
            ? null
            : new ReportTable(
                [new("Rule"), new("Severity"), new("Target"), new("Sets"), new("Class")],
                [.. module.Rules.Select(static rule => (IReadOnlyList<ReportCell>)
                    [ReportCell.Name(rule.Id), ReportCell.Name(rule.Severity), ReportCell.Name(rule.Target), ReportCell.NameList(rule.Sets), ReportCell.Name(rule.Class)])]);

    /// <summary>The ServerTools diagnostics of a module; null when it has none.</summary>
    public static ReportTable? Diagnostics(ModuleReport module) =>
        module.Diagnostics.Count == 0
            ? null
            : new ReportTable(
                [new("Diagnostic"), new("Severity"), new("Count", Numeric: true)],
                [.. module.Diagnostics.Select(static diagnostic => (IReadOnlyList<ReportCell>)
                    [ReportCell.Name(diagnostic.Id), ReportCell.Name(diagnostic.Severity), ReportCell.Of(diagnostic.Count)])]);

    /// <summary>The references of a module by group.</summary>
    public static ReportTable References(ModuleReport module) =>
        new(
            [new("Group"), new("References")],
            [
                [ReportCell.Of(".NET"), ReportCell.NameList([.. module.References.Dotnet, .. Versioned(module.References.DotnetPackages)])],
                [ReportCell.Of("ServerTools"), ReportCell.NameList(module.References.ServerTools)],
                [ReportCell.Of("Packages"), ReportCell.NameList(Versioned(module.References.Packages))],
                [ReportCell.Of("Projects"), ReportCell.NameList(module.References.Projects)],
            ]);

    /// <summary>Packages as "name version" (the name alone when the version is unknown).</summary>
    private static IEnumerable<string> Versioned(IEnumerable<PackageReference> packages)
        => packages.Select(static package => package.Version.Length == 0 ? package.Name : package.Name + " " + package.Version);

    /// <summary>
    /// The folder that holds every module's project: the combined report names projects relative to it, so that checkouts
    /// of one solution at different paths give the same files. Empty when the projects share no folder (or name none).
    /// </summary>
    public static IReadOnlyList<string> ProjectRoot(IReadOnlyList<ModuleReport> modules)
    {
        List<string>? root = null;
        foreach (var module in modules.Where(static module => module.Project.Length > 0))
        {
            var folder = Segments(module.Project)[..^1];
            if (root is null)
            {
                root = folder;
                continue;
            }

            var common = 0;
            while (common < root.Count && common < folder.Count && root[common] == folder[common])
            {
                common++;
            }

            root.RemoveRange(common, root.Count - common);
        }

        return root is null || root.All(static segment => segment.Length == 0) ? [] : root;
    }

    /// <summary>The project of <paramref name="module"/> relative to <paramref name="root"/> (<see cref="ProjectRoot"/>), with '/' separators.</summary>
    public static string ProjectPath(ModuleReport module, IReadOnlyList<string> root)
        => root.Count == 0 ? module.Project : string.Join('/', Segments(module.Project).Skip(root.Count));

    /// <summary>Where and how the module was built: "Project `…`, target framework `…`, configuration `…`", the names as code.</summary>
    public static IEnumerable<(string Text, bool Code)> BuildFacts(ModuleReport module, IReadOnlyList<string> root)
    {
        yield return ("Project ", false);
        yield return (ProjectPath(module, root), true);
        if (module.TargetFramework.Length > 0)
        {
            yield return (", target framework ", false);
            yield return (module.TargetFramework, true);
        }

        if (module.Configuration.Length > 0)
        {
            yield return (", configuration ", false);
            yield return (module.Configuration, true);
        }

        yield return (".", false);
    }

    private static List<string> Segments(string path) => [.. path.Split('/', '\\')];

    /// <summary>A whole number as every output shows it: invariant, with thousands separators.</summary>
    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The column header of a feature.</summary>
    public static string FeatureHeader(string feature) => feature switch
    {
        "FuzzySearchable" => "Fuzzy searchable",
        "TimeWindowed" => "Time-windowed",
        "ExceptionRules" => "Rule-checked",
        _ => feature,
    };

    /// <summary>The short column header of a feature, under the "Entities" group.</summary>
    public static string FeatureShortHeader(string feature) => feature switch
    {
        "FuzzySearchable" => "Searchable",
        "TimeWindowed" => "Windowed",
        _ => FeatureHeader(feature),
    };

    /// <summary>The column header of a rule severity.</summary>
    public static string RuleSeverityHeader(string severity) => severity + " rules";

    /// <summary>The column header of a diagnostic severity.</summary>
    public static string DiagnosticSeverityHeader(string severity) => severity switch
    {
        "error" => "Errors",
        "warning" => "Warnings",
        "note" => "Notes",
        _ => severity,
    };

    private static string FeatureWord(string feature) => FeatureHeader(feature).ToLowerInvariant();

    private static string RuleSeverityCount(long count, string severity) => severity switch
    {
        "Blocking" => Number(count) + " blocking",
        "Warning" => Count(count, "warning", "warnings"),
        _ => Number(count) + " " + severity,
    };

    private static string Count(long count, string one, string many) => Number(count) + " " + (count == 1 ? one : many);
}
