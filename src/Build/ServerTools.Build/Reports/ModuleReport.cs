using System.Collections.Generic;
using System.Linq;
using ServerTools.Build.Lines;

namespace ServerTools.Build.Reports;

/// <summary>The module report of one project (schema <c>servertools-module-report/1</c>, docs/module-analysis.md).</summary>
public sealed record ModuleReport
{
    /// <summary>The schema name written in the JSON.</summary>
    public const string SchemaName = "servertools-module-report/1";

    /// <summary>The module: the project's assembly name.</summary>
    public string Module { get; init; } = "";

    /// <summary>The full path of the project file.</summary>
    public string Project { get; init; } = "";

    /// <summary>The target framework of this build, such as <c>net10.0</c>.</summary>
    public string TargetFramework { get; init; } = "";

    /// <summary>The build configuration, such as <c>Debug</c> (empty when the build did not say).</summary>
    public string Configuration { get; init; } = "";

    /// <summary>
    /// False when the compiler's error log could not be read or held no ServerTools summary (ST9001): then the entities,
    /// features, rules and source-generated counts (and, without a log, the diagnostics) are missing, and
    /// <see cref="Notes"/> says why.
    /// </summary>
    public bool Complete { get; init; }

    /// <summary>What the report lacks and why, for people; empty when complete.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Lines by kind, always the five kinds in <see cref="LineKind"/> order; generated C# files are not counted here.</summary>
    public IReadOnlyList<KindLines> Lines { get; init; } = [];

    /// <summary>The project's own generated C# files (<c>.g.cs</c>, <c>.designer.cs</c>, <c>&lt;auto-generated</c>...).</summary>
    public LineCount GeneratedLines { get; init; } = LineCount.Zero;

    /// <summary>The syntax trees source generators added to the compilation, from ST9001.</summary>
    public SourceGenerated SourceGenerated { get; init; } = new(0, 0);

    /// <summary>The entity types, by full name.</summary>
    public IReadOnlyList<EntityEntry> Entities { get; init; } = [];

    /// <summary>The number of entities with each feature, in the order of <see cref="FeatureNames.All"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> Features { get; init; } = [];

    /// <summary>The exception rules, by id, class and checked type: a rule class that checks two types has two entries.</summary>
    public IReadOnlyList<RuleEntry> Rules { get; init; } = [];

    /// <summary>The number of exception rules (rule classes, by id and class), and of those that block.</summary>
    public (int All, int Blocking) RuleCounts()
    {
        var classes = Rules.GroupBy(static r => (r.Id, r.Class)).Select(static g => g.First()).ToList();
        return (classes.Count, classes.Count(static r => r.Severity == "Blocking"));
    }

    /// <summary>ServerTools diagnostics (not ST9xxx), by id and level, suppressed ones left out.</summary>
    public IReadOnlyList<DiagnosticEntry> Diagnostics { get; init; } = [];

    /// <summary>The referenced assemblies, grouped.</summary>
    public ReferenceGroups References { get; init; } = new([], [], [], []);
}

/// <summary>The lines of one kind of file.</summary>
/// <param name="Kind">The display name of the kind: C#, Razor, JSON, SQL or Other.</param>
/// <param name="Count">Its files and lines.</param>
public sealed record KindLines(string Kind, LineCount Count);

/// <summary>Source-generated syntax trees of the compilation.</summary>
/// <param name="Files">How many.</param>
/// <param name="Lines">Their lines.</param>
public sealed record SourceGenerated(int Files, int Lines);

/// <summary>An entity type and what ServerTools does for it.</summary>
/// <param name="Type">The full name.</param>
/// <param name="Features">Among Audited, Tracked, FuzzySearchable, TimeWindowed, in that order.</param>
/// <param name="Rules">The ids of the exception rules that check it, ordinal order.</param>
/// <param name="Contexts">The full names of the DbContext classes that map it.</param>
public sealed record EntityEntry(string Type, IReadOnlyList<string> Features, IReadOnlyList<string> Rules, IReadOnlyList<string> Contexts)
{
    /// <summary>
    /// The full names of its base classes (not <c>object</c>) and interfaces, ordinal order: the types an exception rule
    /// may check it as, so that <c>servertools report</c> can match it with the rules of projects this one does not reference.
    /// Without the .NET shared frameworks' interfaces made of the entity or of a base class of it (a record's
    /// <c>IEquatable&lt;T&gt;</c>), which a rule would mean as that class; a report of an earlier build may list them.
    /// </summary>
    public IReadOnlyList<string> BaseTypes { get; init; } = [];
}

/// <summary>An exception rule class.</summary>
/// <param name="Id">The rule id.</param>
/// <param name="Severity">Warning or Blocking.</param>
/// <param name="Target">The full name of the type it checks.</param>
/// <param name="Sets">The rule sets it belongs to.</param>
/// <param name="Class">The full name of the rule class.</param>
public sealed record RuleEntry(string Id, string Severity, string Target, IReadOnlyList<string> Sets, string Class);

/// <summary>How often one diagnostic was reported at one level.</summary>
/// <param name="Id">The diagnostic id.</param>
/// <param name="Severity">The SARIF level: error, warning or note.</param>
/// <param name="Count">How many times.</param>
public sealed record DiagnosticEntry(string Id, string Severity, int Count);

/// <summary>A NuGet package the module references.</summary>
/// <param name="Name">The package id (or the assembly name of a reference by path).</param>
/// <param name="Version">The package version; empty for a reference by path.</param>
public sealed record PackageEntry(string Name, string Version);

/// <summary>The referenced assemblies of a module, grouped; every list ordinal-sorted and distinct.</summary>
/// <param name="Dotnet">Shared frameworks, such as Microsoft.NETCore.App.</param>
/// <param name="ServerTools">Assemblies of the ServerTools package (or, in its repository, the runtime project).</param>
/// <param name="Packages">Other (third-party) NuGet packages, with their versions.</param>
/// <param name="Projects">Other projects, by assembly name.</param>
public sealed record ReferenceGroups(IReadOnlyList<string> Dotnet, IReadOnlyList<string> ServerTools, IReadOnlyList<PackageEntry> Packages, IReadOnlyList<string> Projects)
{
    /// <summary>
    /// Microsoft's packages (ids starting with <c>Microsoft.</c> or <c>System.</c>), with their versions: .NET, as the
    /// shared frameworks in <see cref="Dotnet"/> are. Empty in a report of an older build, which listed them in <see cref="Packages"/>.
    /// </summary>
    public IReadOnlyList<PackageEntry> DotnetPackages { get; init; } = [];
}

/// <summary>The names of the ServerTools features the report counts.</summary>
public static class FeatureNames
{
    /// <summary>Audit trail.</summary>
    public const string Audited = nameof(Audited);

    /// <summary>Change tracking.</summary>
    public const string Tracked = nameof(Tracked);

    /// <summary>Fuzzy search.</summary>
    public const string FuzzySearchable = nameof(FuzzySearchable);

    /// <summary>Time windows.</summary>
    public const string TimeWindowed = nameof(TimeWindowed);

    /// <summary>Checked by at least one exception rule.</summary>
    public const string ExceptionRules = nameof(ExceptionRules);

    /// <summary>All, in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [Audited, Tracked, FuzzySearchable, TimeWindowed, ExceptionRules];
}
