using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ServerTools.Build.Reports;

namespace ServerTools.Build.Sarif;

/// <summary>
/// What the ServerTools analyzer reported about the module (ST9001 summary, ST9002 entities, ST9003 rules) and the
/// other ServerTools diagnostics, taken from the results of the compiler's error log.
/// </summary>
public sealed class ModuleFindings
{
    /// <summary>The id of the module summary diagnostic.</summary>
    public const string SummaryId = "ST9001";

    /// <summary>The id of the entity diagnostic.</summary>
    public const string EntityId = "ST9002";

    /// <summary>The id of the exception rule diagnostic.</summary>
    public const string RuleId = "ST9003";

    private ModuleFindings(bool hasSummary, IReadOnlyList<string> summaryModules, SourceGenerated sourceGenerated, IReadOnlyList<EntityEntry> entities, IReadOnlyList<RuleEntry> rules, IReadOnlyList<DiagnosticEntry> diagnostics)
    {
        HasSummary = hasSummary;
        SummaryModules = summaryModules;
        SourceGenerated = sourceGenerated;
        Entities = entities;
        Rules = rules;
        Diagnostics = diagnostics;
    }

    /// <summary>True when the log holds the ST9001 summary, so entities and rules are known.</summary>
    public bool HasSummary { get; }

    /// <summary>
    /// The <c>module</c> property of every ST9001 in the log, distinct, ordinal order; an empty string for a summary
    /// without it (an analyzer older than the property). More than one means several compilers wrote to one log.
    /// </summary>
    public IReadOnlyList<string> SummaryModules { get; }

    /// <summary>Source-generated trees, from ST9001 (the summary of the module asked for, when the log names it).</summary>
    public SourceGenerated SourceGenerated { get; }

    /// <summary>Entities, distinct by type, ordinal order.</summary>
    public IReadOnlyList<EntityEntry> Entities { get; }

    /// <summary>Rules, one per rule class and type it checks, ordinal by id, class, then type; their sets in ordinal order.</summary>
    public IReadOnlyList<RuleEntry> Rules { get; }

    /// <summary>ServerTools diagnostics other than ST9xxx, not suppressed, grouped by id and level.</summary>
    public IReadOnlyList<DiagnosticEntry> Diagnostics { get; }

    /// <summary>Collects the findings from the results of an error log.</summary>
    public static ModuleFindings From(IEnumerable<SarifResult> results) => From(results, null);

    /// <summary>
    /// Collects the findings from the results of an error log; the source-generated counts are those of the ST9001
    /// of <paramref name="module"/> when the log has one, else of the first ST9001.
    /// </summary>
    public static ModuleFindings From(IEnumerable<SarifResult> results, string? module)
    {
        if (results is null)
        {
            throw new ArgumentNullException(nameof(results));
        }

        var hasSummary = false;
        var summaryIsModule = false;
        var summaryModules = new SortedSet<string>(StringComparer.Ordinal);
        var sourceGenerated = new SourceGenerated(0, 0);
        var entities = new SortedDictionary<string, EntityEntry>(StringComparer.Ordinal);
        var rules = new List<RuleEntry>();
        var diagnostics = new SortedDictionary<(string Id, string Level), int>(new OrdinalPairComparer());
        foreach (var result in results)
        {
            var properties = result.Properties;
            switch (result.RuleId)
            {
                case SummaryId:
                    var summaryModule = Text(properties, "module");
                    summaryModules.Add(summaryModule);
                    var isModule = !string.IsNullOrEmpty(module) && string.Equals(summaryModule, module, StringComparison.Ordinal);
                    if (!hasSummary || (isModule && !summaryIsModule))
                    {
                        hasSummary = true;
                        summaryIsModule = isModule;
                        sourceGenerated = new SourceGenerated(Integer(properties, "generatedFiles"), Integer(properties, "generatedLines"));
                    }

                    break;
                case EntityId:
                    var type = Text(properties, "type");
                    if (type.Length > 0 && !entities.ContainsKey(type))
                    {
                        entities.Add(type, new EntityEntry(type, List(properties, "features"), Sorted(List(properties, "rules")), Sorted(List(properties, "contexts")))
                        {
                            BaseTypes = Sorted(List(properties, "baseTypes")),
                        });
                    }

                    break;
                case RuleId:
                    rules.Add(new RuleEntry(Text(properties, "id"), Text(properties, "severity"), Text(properties, "target"), Sorted(List(properties, "sets")), Text(properties, "class")));
                    break;
                default:
                    if (!result.Suppressed && result.RuleId.StartsWith("ST", StringComparison.Ordinal) && !result.RuleId.StartsWith("ST9", StringComparison.Ordinal))
                    {
                        var key = (result.RuleId, result.Level);
                        diagnostics.TryGetValue(key, out var count);
                        diagnostics[key] = count + 1;
                    }

                    break;
            }
        }

        // One entry per rule class and type it checks: ST9003 comes once for each (a class may implement IExceptionRule<T> twice).
        var distinctRules = rules
            .GroupBy(static r => (r.Id, r.Class, r.Target))
            .Select(static g => g.First())
            .OrderBy(static r => r.Id, StringComparer.Ordinal)
            .ThenBy(static r => r.Class, StringComparer.Ordinal)
            .ThenBy(static r => r.Target, StringComparer.Ordinal)
            .ToList();
        return new ModuleFindings(
            hasSummary,
            summaryModules.ToList(),
            sourceGenerated,
            entities.Values.ToList(),
            distinctRules,
            diagnostics.Select(static d => new DiagnosticEntry(d.Key.Id, d.Key.Level, d.Value)).ToList());
    }

    /// <summary>
    /// True when the log's summaries are all of other modules than <paramref name="module"/>: every ST9001 names a
    /// module and none is this one, so the log was written by another project's compile (a shared ErrorLog). False
    /// when the log has no summary, when a summary names no module (an older analyzer), or when
    /// <paramref name="module"/> is empty.
    /// </summary>
    public bool IsOfOtherModule(string module) =>
        !string.IsNullOrEmpty(module)
        && SummaryModules.Count > 0
        && SummaryModules.All(m => m.Length > 0 && !string.Equals(m, module, StringComparison.Ordinal));

    /// <summary>The number of entities with each feature, and of entities checked by at least one rule.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> CountFeatures(IReadOnlyList<EntityEntry> entities)
    {
        if (entities is null)
        {
            throw new ArgumentNullException(nameof(entities));
        }

        return FeatureNames.All
            .Select(feature => new KeyValuePair<string, int>(
                feature,
                feature == FeatureNames.ExceptionRules
                    ? entities.Count(static e => e.Rules.Count > 0)
                    : entities.Count(e => e.Features.Contains(feature, StringComparer.Ordinal))))
            .ToList();
    }

    private static string Text(IReadOnlyDictionary<string, string> properties, string name) =>
        properties.TryGetValue(name, out var value) ? value : "";

    private static int Integer(IReadOnlyDictionary<string, string> properties, string name) =>
        int.TryParse(Text(properties, name), NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static List<string> List(IReadOnlyDictionary<string, string> properties, string name)
    {
        var text = Text(properties, name);
        return text.Length == 0 ? [] : text.Split('\n').Where(static s => s.Length > 0).ToList();
    }

    private static List<string> Sorted(List<string> items)
    {
        items.Sort(StringComparer.Ordinal);
        return items;
    }

    private sealed class OrdinalPairComparer : IComparer<(string Id, string Level)>
    {
        public int Compare((string Id, string Level) x, (string Id, string Level) y)
        {
            var byId = string.CompareOrdinal(x.Id, y.Id);
            return byId != 0 ? byId : string.CompareOrdinal(x.Level, y.Level);
        }
    }
}
