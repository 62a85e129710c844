using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// The names the reports use for line kinds, features and severities, in the order every output lists them.
/// Names a newer report adds are listed after the known ones, in ordinal order, so nothing is dropped.
/// </summary>
public static class ReportVocabulary
{
    /// <summary>Kinds of the project's files, as in <see cref="ModuleReport.Lines"/>.</summary>
    public static IReadOnlyList<string> LineKinds { get; } = ["C#", "Razor", "JSON", "SQL", "Other"];

    /// <summary>Features, as in <see cref="ModuleReport.Features"/>.</summary>
    public static IReadOnlyList<string> Features { get; } = ["Audited", "Tracked", "FuzzySearchable", "TimeWindowed", "ExceptionRules"];

    /// <summary>Exception rule severities, as in <see cref="RuleReport.Severity"/>.</summary>
    public static IReadOnlyList<string> RuleSeverities { get; } = ["Blocking", "Warning"];

    /// <summary>Diagnostic severities (SARIF levels), as in <see cref="DiagnosticCount.Severity"/>.</summary>
    public static IReadOnlyList<string> DiagnosticSeverities { get; } = ["error", "warning", "note"];

    /// <summary>The line kinds of <paramref name="modules"/>: the known ones, then any other.</summary>
    public static IReadOnlyList<string> LineKindsOf(IEnumerable<ModuleReport> modules) =>
        Ordered(LineKinds, modules.SelectMany(static module => module.Lines.Select(static line => line.Kind)));

    /// <summary>The features of <paramref name="modules"/>: the known ones, then any other.</summary>
    public static IReadOnlyList<string> FeaturesOf(IEnumerable<ModuleReport> modules) =>
        Ordered(Features, modules.SelectMany(static module => module.Features.Keys));

    /// <summary>The rule severities of <paramref name="modules"/>: the known ones, then any other.</summary>
    public static IReadOnlyList<string> RuleSeveritiesOf(IEnumerable<ModuleReport> modules) =>
        Ordered(RuleSeverities, modules.SelectMany(static module => module.Rules.Select(static rule => rule.Severity)));

    /// <summary>The diagnostic severities of <paramref name="modules"/>: the known ones, then any other.</summary>
    public static IReadOnlyList<string> DiagnosticSeveritiesOf(IEnumerable<ModuleReport> modules) =>
        Ordered(DiagnosticSeverities, modules.SelectMany(static module => module.Diagnostics.Select(static diagnostic => diagnostic.Severity)));

    private static string[] Ordered(IReadOnlyList<string> known, IEnumerable<string> seen) =>
        [.. known, .. seen.Where(name => !known.Contains(name)).Distinct().Order(StringComparer.Ordinal)];
}
