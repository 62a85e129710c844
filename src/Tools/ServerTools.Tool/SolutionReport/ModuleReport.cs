using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>
/// One module's report as the build writes it to <c>module-report.json</c> (schema
/// <see cref="ModuleReportReader.Schema"/>, described in docs/module-analysis.md).
/// </summary>
public sealed record ModuleReport
{
    /// <summary>The schema name and version, <see cref="ModuleReportReader.Schema"/>.</summary>
    public required string Schema { get; init; }

    /// <summary>The module: the project's assembly name.</summary>
    public required string Module { get; init; }

    /// <summary>The full path of the project file.</summary>
    public string Project { get; init; } = "";

    /// <summary>The target framework the report was built for.</summary>
    public string TargetFramework { get; init; } = "";

    /// <summary>The build configuration (Debug, Release...); empty in a report of an older build, which did not write it.</summary>
    public string Configuration { get; init; } = "";

    /// <summary>False when the build could not read the compiler's findings (entities, rules, diagnostics); <see cref="Notes"/> says why.</summary>
    public bool Complete { get; init; } = true;

    /// <summary>What the report lacks and why, for people; empty when complete.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Files and lines of the project's own files, one entry per kind (C#, Razor, JSON, SQL, Other).</summary>
    public IReadOnlyList<LineCount> Lines { get; init; } = [];

    /// <summary>Generated C# files of the project (<c>*.g.cs</c>, <c>&lt;auto-generated&gt;</c>), not counted in <see cref="Lines"/>.</summary>
    public FileLines GeneratedLines { get; init; } = new();

    /// <summary>Syntax trees added by source generators during the compile.</summary>
    public SourceGeneratedLines SourceGenerated { get; init; } = new();

    /// <summary>The entity types of the module.</summary>
    public IReadOnlyList<EntityReport> Entities { get; init; } = [];

    /// <summary>Number of entities per feature (<c>Audited</c>, <c>Tracked</c>, ..., <c>ExceptionRules</c>).</summary>
    public IReadOnlyDictionary<string, int> Features { get; init; } = new Dictionary<string, int>();

    /// <summary>The exception rules of the module.</summary>
    public IReadOnlyList<RuleReport> Rules { get; init; } = [];

    /// <summary>ServerTools diagnostics of the compile, by id and severity.</summary>
    public IReadOnlyList<DiagnosticCount> Diagnostics { get; init; } = [];

    /// <summary>The referenced assemblies, grouped.</summary>
    public ReferenceGroups References { get; init; } = new();

    /// <summary>Code lines of one kind (0 when the report has no such kind).</summary>
    public long CodeLines(string kind) => Lines.Where(line => line.Kind == kind).Sum(static line => line.Code);

    /// <summary>Code lines of the project's own (not generated) files.</summary>
    public long TotalCodeLines => Lines.Sum(static line => line.Code);

    /// <summary>Entities with <paramref name="feature"/> (0 when the report does not name it).</summary>
    public int FeatureCount(string feature) => Features.TryGetValue(feature, out var count) ? count : 0;

    /// <summary>
    /// Exception rules: rule classes, by id and class. A class that checks two types has one entry in <see cref="Rules"/>
    /// per type, and counts once.
    /// </summary>
    public int RuleCount() => Rules.Select(static rule => (rule.Id, rule.Class)).Distinct().Count();

    /// <summary>Exception rules of <paramref name="severity"/> (<c>Blocking</c> or <c>Warning</c>), counted as <see cref="RuleCount()"/>.</summary>
    public int RuleCount(string severity) => Rules.Where(rule => rule.Severity == severity).Select(static rule => (rule.Id, rule.Class)).Distinct().Count();

    /// <summary>Diagnostics reported with <paramref name="severity"/> (<c>error</c>, <c>warning</c>, <c>note</c>).</summary>
    public long DiagnosticCount(string severity) => Diagnostics.Where(diagnostic => diagnostic.Severity == severity).Sum(static diagnostic => diagnostic.Count);
}

/// <summary>Files and lines of one kind of file.</summary>
public sealed record LineCount
{
    /// <summary>C#, Razor, JSON, SQL or Other.</summary>
    public required string Kind { get; init; }

    public long Files { get; init; }

    public long Code { get; init; }

    public long Comment { get; init; }

    public long Blank { get; init; }
}

/// <summary>Files and lines of the project's generated C# files.</summary>
public sealed record FileLines
{
    public long Files { get; init; }

    public long Code { get; init; }

    public long Comment { get; init; }

    public long Blank { get; init; }

    /// <summary>All lines: code, comment and blank.</summary>
    public long Total => Code + Comment + Blank;
}

/// <summary>Files and lines that source generators added to the compile.</summary>
public sealed record SourceGeneratedLines
{
    public long Files { get; init; }

    public long Lines { get; init; }
}

/// <summary>An entity type and what ServerTools does with it.</summary>
public sealed record EntityReport
{
    /// <summary>The full name of the entity type.</summary>
    public required string Type { get; init; }

    /// <summary>Among <c>Audited</c>, <c>Tracked</c>, <c>FuzzySearchable</c>, <c>TimeWindowed</c>.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Ids of the exception rules that check the entity.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary>The DbContext classes that map the entity.</summary>
    public IReadOnlyList<string> Contexts { get; init; } = [];

    /// <summary>
    /// The full names of its base classes (not <c>object</c>) and of the interfaces it implements: the types a rule of
    /// another project may check it as. Empty in a report of an older build, which did not write them.
    /// </summary>
    public IReadOnlyList<string> BaseTypes { get; init; } = [];
}

/// <summary>An exception rule class.</summary>
public sealed record RuleReport
{
    public required string Id { get; init; }

    /// <summary><c>Blocking</c> or <c>Warning</c>.</summary>
    public string Severity { get; init; } = "";

    /// <summary>The full name of the type the rule checks.</summary>
    public string Target { get; init; } = "";

    /// <summary>The rule sets the rule belongs to.</summary>
    public IReadOnlyList<string> Sets { get; init; } = [];

    /// <summary>The full name of the rule class.</summary>
    public string Class { get; init; } = "";
}

/// <summary>How often a ServerTools diagnostic was reported with one severity.</summary>
public sealed record DiagnosticCount
{
    public required string Id { get; init; }

    /// <summary>The SARIF level: <c>error</c>, <c>warning</c> or <c>note</c>.</summary>
    public string Severity { get; init; } = "";

    public long Count { get; init; }
}

/// <summary>The referenced assemblies of a module, grouped.</summary>
public sealed record ReferenceGroups
{
    /// <summary>Shared frameworks, e.g. <c>Microsoft.NETCore.App</c>.</summary>
    public IReadOnlyList<string> Dotnet { get; init; } = [];

    /// <summary>ServerTools assemblies.</summary>
    public IReadOnlyList<string> ServerTools { get; init; } = [];

    /// <summary>Third-party packages.</summary>
    public IReadOnlyList<PackageReference> Packages { get; init; } = [];

    /// <summary>Projects the module references.</summary>
    public IReadOnlyList<string> Projects { get; init; } = [];

    /// <summary>Microsoft's packages (<c>Microsoft.*</c>, <c>System.*</c>): .NET. Empty in a report of an older build, which listed them in <see cref="Packages"/>.</summary>
    public IReadOnlyList<PackageReference> DotnetPackages { get; init; } = [];
}

/// <summary>A referenced NuGet package.</summary>
public sealed record PackageReference
{
    public required string Name { get; init; }

    public string Version { get; init; } = "";
}
