using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;

namespace ServerTools.Tests.SolutionReport;

/// <summary>An entity of a fixture report: its type, features and the rule ids that check it.</summary>
internal sealed record FixtureEntity(string Type, string[] Features, string[] Rules)
{
    /// <summary>Its base classes and interfaces (<c>baseTypes</c>); left out of the JSON when empty, as an older build wrote it.</summary>
    public string[] BaseTypes { get; init; } = [];
}

/// <summary>A fixture <c>module-report.json</c>, written the way the ServerTools build writes it.</summary>
internal sealed record FixtureModule(string Module)
{
    public Dictionary<string, long> Code { get; init; } = [];

    public long GeneratedCode { get; init; }

    public long SourceGeneratedLines { get; init; }

    public FixtureEntity[] Entities { get; init; } = [];

    public (string Id, string Severity, string Target)[] Rules { get; init; } = [];

    public (string Id, string Severity, long Count)[] Diagnostics { get; init; } = [];

    /// <summary>The projects of the solution it references (its report's <c>references.projects</c>).</summary>
    public string[] Projects { get; init; } = [];

    /// <summary>Two realistic modules, one without anything, one whose names try to break out of Markdown and HTML.</summary>
    public static FixtureModule Sales { get; } = new("Shop.Sales")
    {
        Code = new() { ["C#"] = 2100, ["JSON"] = 10, ["Other"] = 30 },
        GeneratedCode = 900,
        SourceGeneratedLines = 1500,
        Entities =
        [
            new("Shop.Sales.SaleOrder", ["Audited", "Tracked"], ["sale.discount_limit"]),
            new("Shop.Sales.Partner", ["Audited", "FuzzySearchable"], ["sale.credit_limit"]),
            new("Shop.Sales.PriceList", ["TimeWindowed"], []),
        ],
        Rules = [("sale.credit_limit", "Warning", "Shop.Sales.Partner"), ("sale.discount_limit", "Blocking", "Shop.Sales.SaleOrder")],
        Diagnostics = [("ST0001", "error", 1), ("ST1001", "warning", 2)],
    };

    public static FixtureModule Stock { get; } = new("Shop.Stock")
    {
        Code = new() { ["C#"] = 640, ["Razor"] = 120, ["SQL"] = 45 },
        SourceGeneratedLines = 310,
        Entities = [new("Shop.Stock.Product", ["Tracked"], []), new("Shop.Stock.Warehouse", [], [])],
        Diagnostics = [("ST1001", "warning", 1), ("ST2003", "note", 4)],
    };

    public static FixtureModule Empty { get; } = new("Shop.Empty");

    public const string HostileModuleName = "<script>alert(\"pwned\")</script> O'Brien & Sons | Co";

    public static FixtureModule Hostile { get; } = new(HostileModuleName)
    {
        Code = new() { ["C#"] = 77 },
        Entities = [new("Evil.<b>Bold</b>.\"Quoted\"'s", ["Audited"], ["rule|with|pipes"])],
        Rules = [("rule|with|pipes", "Blocking", "Evil.<b>Bold</b>.\"Quoted\"'s")],
        Diagnostics = [("ST0001", "error", 3)],
    };

    /// <summary>
    /// The report as JSON (schema <c>servertools-module-report/1</c>, or <paramref name="schema"/>), built for
    /// <paramref name="targetFramework"/> in <paramref name="configuration"/> (null: a report that names none), of the
    /// project <c>{root}/{module}/{module}.csproj</c>.
    /// </summary>
    public string ToJson(string schema = "servertools-module-report/1", string targetFramework = "net10.0", string? configuration = null, string root = "/src")
    {
        string[] features = ["Audited", "Tracked", "FuzzySearchable", "TimeWindowed"];
        var report = new JsonObject
        {
            ["schema"] = schema,
            ["module"] = Module,
            ["project"] = $"{root}/{Module}/{Module}.csproj",
            ["targetFramework"] = targetFramework,
            ["lines"] = new JsonArray([.. ((string[])["C#", "Razor", "JSON", "SQL", "Other"]).Select(kind => (JsonNode)new JsonObject
            {
                ["kind"] = kind,
                ["files"] = Code.GetValueOrDefault(kind) == 0 ? 0 : 1 + Code[kind] / 100,
                ["code"] = Code.GetValueOrDefault(kind),
                ["comment"] = Code.GetValueOrDefault(kind) / 10,
                ["blank"] = Code.GetValueOrDefault(kind) / 8,
            })]),
            ["generatedLines"] = new JsonObject { ["files"] = GeneratedCode == 0 ? 0 : 2, ["code"] = GeneratedCode, ["comment"] = 0, ["blank"] = 0 },
            ["sourceGenerated"] = new JsonObject { ["files"] = SourceGeneratedLines == 0 ? 0 : 5, ["lines"] = SourceGeneratedLines },
            ["entities"] = new JsonArray([.. Entities.Select(entity => (JsonNode)Entity(entity))]),
            ["features"] = new JsonObject(
            [
                .. features.Select(feature => new KeyValuePair<string, JsonNode?>(feature, Entities.Count(entity => entity.Features.Contains(feature)))),
                new KeyValuePair<string, JsonNode?>("ExceptionRules", Entities.Count(static entity => entity.Rules.Length > 0)),
            ]),
            ["rules"] = new JsonArray([.. Rules.Select(rule => (JsonNode)new JsonObject
            {
                ["id"] = rule.Id,
                ["severity"] = rule.Severity,
                ["target"] = rule.Target,
                ["sets"] = Strings(["confirm"]),
                ["class"] = "Rules." + rule.Id.Replace('.', '_'),
            })]),
            ["diagnostics"] = new JsonArray([.. Diagnostics.Select(diagnostic => (JsonNode)new JsonObject
            {
                ["id"] = diagnostic.Id,
                ["severity"] = diagnostic.Severity,
                ["count"] = diagnostic.Count,
            })]),
            ["references"] = new JsonObject
            {
                ["dotnet"] = Strings(["Microsoft.NETCore.App"]),
                ["serverTools"] = Strings(["ServerTools"]),
                ["packages"] = new JsonArray(new JsonObject { ["name"] = "Npgsql.EntityFrameworkCore.PostgreSQL", ["version"] = "10.0.0" }),
                ["projects"] = Strings(Projects),
                ["dotnetPackages"] = new JsonArray(new JsonObject { ["name"] = "Microsoft.EntityFrameworkCore", ["version"] = "10.0.1" }),
            },
        };
        if (configuration is not null)
        {
            report["configuration"] = configuration;
        }

        return report.ToJsonString();
    }

    private JsonObject Entity(FixtureEntity entity)
    {
        var json = new JsonObject
        {
            ["type"] = entity.Type,
            ["features"] = Strings(entity.Features),
            ["rules"] = Strings(entity.Rules),
            ["contexts"] = Strings([Module + ".AppDbContext"]),
        };
        if (entity.BaseTypes.Length > 0)
        {
            json["baseTypes"] = Strings(entity.BaseTypes);
        }

        return json;
    }

    private static JsonArray Strings(string[] values) => new([.. values.Select(static value => (JsonNode?)JsonValue.Create(value))]);
}

/// <summary>A temporary folder for fixture reports and the command's output, deleted afterwards.</summary>
internal sealed class ReportFolder : IDisposable
{
    public string Root { get; } = Directory.CreateTempSubdirectory("servertools-solution-report-").FullName;

    public string Reports => Directory.CreateDirectory(Path.Combine(Root, "reports")).FullName;

    public string Output => Path.Combine(Root, "out");

    public string Markdown => File.ReadAllText(Path.Combine(Output, "module-analysis.md"));

    public string Html => File.ReadAllText(Path.Combine(Output, "module-analysis.html"));

    public string HtmlFile => Path.Combine(Output, "module-analysis.html");

    /// <summary>Writes the modules' reports to <see cref="Reports"/>, one file each.</summary>
    public string Write(params FixtureModule[] modules)
    {
        var index = 0;
        foreach (var module in modules)
        {
            WriteFile($"module{index++}.json", module.ToJson());
        }

        return Reports;
    }

    /// <summary>Writes <paramref name="json"/> to <paramref name="name"/> (a path relative to <see cref="Reports"/>, folders created).</summary>
    public string WriteFile(string name, string json)
    {
        var path = Path.Combine(Reports, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, json);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
