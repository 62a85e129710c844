using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using ServerTools.Build.Json;
using ServerTools.Build.Lines;
using ServerTools.Build.Reports;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>The hand-written JSON writer and reader of the build task (no System.Text.Json inside MSBuild).</summary>
public sealed class ModuleReportJsonTests
{
    private const string Awkward = "quote \" backslash \\ slash / tab \t newline \n return \r nul \0 bell \a unit \u001f é ü 日本 😀 line sep \u2028";

    internal static ModuleReport Sample() => new()
    {
        Module = "Shop \"Core\"",
        Project = "C:\\src\\Shop\\Shop.csproj",
        TargetFramework = "net10.0",
        Complete = true,
        Notes = [Awkward],
        Lines =
        [
            new KindLines("C#", new LineCount(3, 100, 20, 10)),
            new KindLines("Razor", LineCount.Zero),
            new KindLines("JSON", new LineCount(1, 5, 1, 0)),
            new KindLines("SQL", LineCount.Zero),
            new KindLines("Other", new LineCount(1, 30, 0, 2)),
        ],
        GeneratedLines = new LineCount(2, 400, 4, 40),
        SourceGenerated = new SourceGenerated(6, 900),
        Entities = [new EntityEntry("Shop.Order", ["Audited", "Tracked"], ["order.limit"], ["Shop.Db"]) { BaseTypes = ["Shop.Document", "Shop.IDocument"] }, new EntityEntry("Shop.Tag", [], [], [])],
        Features = ModuleFindings_CountFeatures(),
        Rules = [new RuleEntry("order.limit", "Blocking", "Shop.Order", ["confirm"], "Shop.Rules.Limit")],
        Diagnostics = [new DiagnosticEntry("ST0001", "error", 2)],
        References = new ReferenceGroups(["Microsoft.NETCore.App"], ["ServerTools"], [new PackageEntry("Npgsql", "10.0.0"), new PackageEntry("Legacy", "")], ["Shop.Domain"])
        {
            DotnetPackages = [new PackageEntry("Microsoft.EntityFrameworkCore", "10.0.1")],
        },
    };

    private static List<KeyValuePair<string, int>> ModuleFindings_CountFeatures() =>
        FeatureNames.All.Select(static (f, i) => new KeyValuePair<string, int>(f, i)).ToList();

    [Fact]
    public void A_report_reads_back_as_written()
    {
        var report = Sample();

        var read = ModuleReportJson.Read(ModuleReportJson.Write(report));

        Assert.Equal(report.Module, read.Module);
        Assert.Equal(report.Project, read.Project);
        Assert.Equal(report.Notes, read.Notes);
        Assert.True(read.Complete);
        Assert.Equal(report.Lines, read.Lines);
        Assert.Equal(report.GeneratedLines, read.GeneratedLines);
        Assert.Equal(report.SourceGenerated, read.SourceGenerated);
        Assert.Equal(report.Entities.Select(static e => (e.Type, string.Join(",", e.Features), string.Join(",", e.Rules), string.Join(",", e.Contexts), string.Join(",", e.BaseTypes))),
            read.Entities.Select(static e => (e.Type, string.Join(",", e.Features), string.Join(",", e.Rules), string.Join(",", e.Contexts), string.Join(",", e.BaseTypes))));
        Assert.Equal(report.Features, read.Features);
        Assert.Equal(report.Rules.Select(static r => (r.Id, r.Severity, r.Target, string.Join(",", r.Sets), r.Class)),
            read.Rules.Select(static r => (r.Id, r.Severity, r.Target, string.Join(",", r.Sets), r.Class)));
        Assert.Equal(report.Diagnostics, read.Diagnostics);
        Assert.Equal(report.References.Dotnet, read.References.Dotnet);
        Assert.Equal(report.References.ServerTools, read.References.ServerTools);
        Assert.Equal(report.References.Packages, read.References.Packages);
        Assert.Equal(report.References.Projects, read.References.Projects);
        Assert.Equal(report.References.DotnetPackages, read.References.DotnetPackages);
    }

    [Fact]
    public void Written_json_is_what_System_Text_Json_reads_with_the_contract_layout()
    {
        var json = ModuleReportJson.Write(Sample());

        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        Assert.Equal("servertools-module-report/1", root.GetProperty("schema").GetString());
        Assert.Equal("Shop \"Core\"", root.GetProperty("module").GetString());
        Assert.Equal("C:\\src\\Shop\\Shop.csproj", root.GetProperty("project").GetString());
        Assert.Equal(Awkward, root.GetProperty("notes")[0].GetString());
        Assert.Equal(["C#", "Razor", "JSON", "SQL", "Other"], root.GetProperty("lines").EnumerateArray().Select(static l => l.GetProperty("kind").GetString()));
        Assert.Equal(100, root.GetProperty("lines")[0].GetProperty("code").GetInt32());
        Assert.Equal(["Audited", "Tracked"], root.GetProperty("entities")[0].GetProperty("features").EnumerateArray().Select(static f => f.GetString()));
        Assert.Equal(4, root.GetProperty("features").GetProperty("ExceptionRules").GetInt32());
        Assert.Equal("10.0.0", root.GetProperty("references").GetProperty("packages")[0].GetProperty("version").GetString());
        Assert.Equal(2, root.GetProperty("diagnostics")[0].GetProperty("count").GetInt32());
    }

    [Fact]
    public void Strings_are_escaped_as_json_asks_and_the_output_is_stable()
    {
        var json = ModuleReportJson.Write(Sample());

        Assert.Contains("quote \\\" backslash \\\\ slash / tab \\t newline \\n return \\r nul \\u0000 bell \\u0007 unit \\u001f é ü 日本 😀 line sep \\u2028", json, System.StringComparison.Ordinal);
        Assert.DoesNotContain("\r", json, System.StringComparison.Ordinal);
        Assert.EndsWith("}\n", json, System.StringComparison.Ordinal);
        Assert.Equal(json, ModuleReportJson.Write(Sample()));
    }

    [Fact]
    public void A_lone_surrogate_is_escaped_and_reads_back()
    {
        var builder = new System.Text.StringBuilder();
        JsonWriter.WriteEscaped(builder, "a\ud800b");

        Assert.Equal("\"a\\ud800b\"", builder.ToString());
        Assert.Equal("a\ud800b", JsonReader.Parse(builder.ToString()).Text);
    }

    [Fact]
    public void The_reader_decodes_escapes_numbers_and_literals()
    {
        var value = JsonReader.Parse("\uFEFF { \"s\": \"\\u00e9\\ud83d\\ude00\\/\\b\\f\", \"n\": -12.5e+3, \"t\": true, \"f\": false, \"z\": null, \"a\": [1, [], {}] } ");

        Assert.Equal("é😀/\b\f", value.GetString("s"));
        Assert.Equal("-12.5e+3", value.Get("n")!.Text);
        Assert.Equal(JsonKind.Boolean, value.Get("t")!.Kind);
        Assert.Equal(JsonKind.Null, value.Get("z")!.Kind);
        Assert.Equal(3, value.Get("a")!.Items.Count);
    }

    [Theory]
    [InlineData("{\"a\": 1,}", "line 1, column 9")]
    [InlineData("{\"a\": \"x\ny\"}", "control character")]
    [InlineData("{\"a\": tru}", "expected a value")]
    [InlineData("{\"a\": 1} x", "unexpected text")]
    [InlineData("\"\\q\"", "invalid escape")]
    public void The_reader_refuses_invalid_json_and_says_where(string text, string problem)
    {
        var error = Assert.Throws<JsonFormatException>(() => JsonReader.Parse(text));
        Assert.Contains(problem, error.Message, System.StringComparison.Ordinal);
    }
}
