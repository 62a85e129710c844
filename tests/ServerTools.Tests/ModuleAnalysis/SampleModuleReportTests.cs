using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using System.Xml.Linq;
using ServerTools.Build.Reports;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>
/// The report the sample's own build wrote (building this test project builds the sample, which imports
/// build/ServerTools.targets), checked against the sample's source: the expectations are read from the sample's files
/// here, independently of the analyzer and the build task.
/// </summary>
public sealed partial class SampleModuleReportTests
{
    private static readonly string s_sample = Path.Combine(BuildFacts.RepositoryRoot, "samples", "ServerTools.Sample");

    private static async Task<(ModuleReport Report, string Json, string Directory)> ReadReportAsync()
    {
        // The sample's IntermediateOutputPath as MSBuild evaluates it (artifacts/obj/ServerTools.Sample/<configuration>/ here).
        var evaluation = (await Command.RunAsync(
            "dotnet",
            ["msbuild", Path.Combine(s_sample, "ServerTools.Sample.csproj"), "-getProperty:IntermediateOutputPath", $"-p:Configuration={BuildFacts.Configuration}", "-nologo"],
            s_sample,
            TimeSpan.FromMinutes(2))).Succeeded();
        var directory = Path.Combine(Path.GetFullPath(evaluation.Output.Trim(), s_sample), "servertools");
        var json = await File.ReadAllTextAsync(Path.Combine(directory, "module-report.json"));
        return (ModuleReportJson.Read(json), json, directory);
    }

    private static IEnumerable<string> SourceFiles() =>
        Directory.EnumerateFiles(s_sample, "*.cs", SearchOption.AllDirectories)
            .Where(static f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static int LineCount(string path) => File.ReadAllText(path).Count(static c => c == '\n');

    [GeneratedRegex(@"<!--(?:.|\n)*?-->")]
    private static partial Regex XmlComment();

    [GeneratedRegex(@"DbSet<(\w+)>")]
    private static partial Regex DbSet();

    [GeneratedRegex(@"\[ExceptionRule\(\s*""(?<id>[^""]+)""(?:.|\n)*?Severity = RuleSeverity\.(?<severity>\w+)(?:.|\n)*?IExceptionRule<(?<target>\w+)>")]
    private static partial Regex ExceptionRule();

    [Fact]
    public async Task The_report_lists_the_entities_of_the_DbContext_with_the_features_of_their_classes()
    {
        var (report, _, _) = await ReadReportAsync();
        var context = await File.ReadAllTextAsync(Path.Combine(s_sample, "Data", "ShopDbContext.cs"));
        var expected = DbSet().Matches(context).Select(static m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();

        Assert.True(report.Complete, string.Join("\n", report.Notes));
        Assert.Equal(expected, report.Entities.Select(static e => e.Type.Split('.').Last()));
        Assert.All(report.Entities, static e => Assert.Equal(["ServerTools.Sample.Data.ShopDbContext"], e.Contexts));

        foreach (var entity in report.Entities)
        {
            var source = await File.ReadAllTextAsync(Path.Combine(s_sample, "Model", entity.Type.Split('.').Last() + ".cs"));
            var features = new List<string>();
            AddWhen(features, source.Contains("[Audited]", StringComparison.Ordinal), FeatureNames.Audited);
            AddWhen(features, source.Contains("[Tracked]", StringComparison.Ordinal), FeatureNames.Tracked);
            AddWhen(features, source.Contains("[FuzzySearchable(", StringComparison.Ordinal), FeatureNames.FuzzySearchable);
            AddWhen(features, source.Contains("[TimeWindowed", StringComparison.Ordinal), FeatureNames.TimeWindowed);
            Assert.True(features.SequenceEqual(entity.Features), $"{entity.Type}: expected [{string.Join(", ", features)}], reported [{string.Join(", ", entity.Features)}]");
        }

        // The sample uses each feature on exactly one entity: Partner (audited, fuzzy searchable), SaleOrder (tracked, two rules), Store.
        var counts = report.Features.ToDictionary(static f => f.Key, static f => f.Value);
        Assert.Equal(1, counts[FeatureNames.Audited]);
        Assert.Equal(1, counts[FeatureNames.Tracked]);
        Assert.Equal(1, counts[FeatureNames.FuzzySearchable]);
        Assert.Equal(1, counts[FeatureNames.TimeWindowed]);
        Assert.Equal(1, counts[FeatureNames.ExceptionRules]);
    }

    private static void AddWhen(List<string> list, bool condition, string item)
    {
        if (condition)
        {
            list.Add(item);
        }
    }

    [Fact]
    public async Task The_report_lists_the_exception_rules_of_the_Rules_folder_and_the_entity_they_check()
    {
        var (report, _, _) = await ReadReportAsync();
        var expected = Directory.EnumerateFiles(Path.Combine(s_sample, "Rules"), "*.cs")
            .Select(static f => ExceptionRule().Match(File.ReadAllText(f)))
            .Where(static m => m.Success)
            .Select(static m => (m.Groups["id"].Value, m.Groups["severity"].Value, "ServerTools.Sample.Model." + m.Groups["target"].Value))
            .OrderBy(static r => r.Item1, StringComparer.Ordinal)
            .ToList();

        Assert.Equal(2, expected.Count);
        Assert.Equal(expected, report.Rules.Select(static r => (r.Id, r.Severity, r.Target)));
        Assert.All(report.Rules, static r => Assert.Equal(["confirm"], r.Sets));
        foreach (var entity in report.Entities)
        {
            Assert.Equal(expected.Where(r => r.Item3 == entity.Type).Select(static r => r.Item1), entity.Rules);
        }
    }

    [Fact]
    public async Task The_report_counts_every_line_of_the_sample_once_with_migrations_apart_as_generated()
    {
        var (report, _, _) = await ReadReportAsync();
        var sources = SourceFiles().ToList();
        var lines = report.Lines.ToDictionary(static l => l.Kind, static l => l.Count);

        // Generated: the migration designer files and the model snapshot, all written by `dotnet ef` with <auto-generated />.
        var generated = sources.Where(static f => File.ReadLines(f).First().Contains("<auto-generated", StringComparison.Ordinal)).ToList();
        var migrations = Directory.GetFiles(Path.Combine(s_sample, "Migrations"), "*.Designer.cs").Length;
        Assert.InRange(migrations, 7, int.MaxValue);
        Assert.Equal(migrations + 1, generated.Count);
        Assert.Equal(generated.Count, report.GeneratedLines.Files);
        Assert.Equal(generated.Sum(LineCount), report.GeneratedLines.Total);

        Assert.Equal(sources.Count - generated.Count, lines["C#"].Files);
        Assert.Equal(sources.Except(generated).Sum(LineCount), lines["C#"].Total);
        // XML docs on every public member: a sizeable share of comment lines, and code is still the most.
        Assert.InRange(lines["C#"].Comment, 100, lines["C#"].Code);

        // The project file is the only other text file (Migrations/.editorconfig has no counted extension).
        Assert.Equal(1, lines["Other"].Files);
        Assert.Equal(LineCount(Path.Combine(s_sample, "ServerTools.Sample.csproj")), lines["Other"].Total);
        // Its XML comments (whole lines in the sample's project file) are comment lines: 12 when this was written.
        var projectFile = File.ReadAllText(Path.Combine(s_sample, "ServerTools.Sample.csproj"));
        Assert.Equal(XmlComment().Matches(projectFile).Sum(static m => m.Value.Count(static c => c == '\n') + 1), lines["Other"].Comment);
        Assert.InRange(lines["Other"].Comment, 1, lines["Other"].Total);
        Assert.Equal(0, lines["Razor"].Files + lines["JSON"].Files + lines["SQL"].Files);

        // Five generated files at least: Partner's audit descriptor and fuzzy search, SaleOrder's tracking, Store's time windows, the rule registry.
        Assert.InRange(report.SourceGenerated.Files, 5, int.MaxValue);
        Assert.InRange(report.SourceGenerated.Lines, report.SourceGenerated.Files, int.MaxValue);
    }

    [Fact]
    public async Task The_report_groups_the_references_and_the_sample_has_no_ServerTools_diagnostics()
    {
        var (report, _, _) = await ReadReportAsync();
        var versions = XDocument.Load(Path.Combine(BuildFacts.RepositoryRoot, "Directory.Packages.props"))
            .Descendants("PackageVersion")
            .ToDictionary(static e => (string)e.Attribute("Include")!, static e => (string)e.Attribute("Version")!);

        Assert.Equal("ServerTools.Sample", report.Module);
        Assert.Equal("net10.0", report.TargetFramework);
        Assert.Equal(["Microsoft.NETCore.App"], report.References.Dotnet);
        // The sample's project reference to ServerTools.Testing is one of ServerTools' packages, as it is for a user.
        Assert.Equal(["ServerTools", "ServerTools.Testing"], report.References.ServerTools);
        Assert.Empty(report.References.Projects);
        Assert.Contains(new PackageEntry("Npgsql.EntityFrameworkCore.PostgreSQL", versions["Npgsql.EntityFrameworkCore.PostgreSQL"]), report.References.Packages);
        Assert.Equal(report.References.Packages.Select(static p => p.Name).Order(StringComparer.Ordinal), report.References.Packages.Select(static p => p.Name));
        // Microsoft's packages, which Npgsql's provider brings, are .NET, not third-party packages.
        Assert.Contains("Microsoft.EntityFrameworkCore", report.References.DotnetPackages.Select(static p => p.Name));
        Assert.DoesNotContain(report.References.Packages, static p => p.Name.StartsWith("Microsoft.", StringComparison.Ordinal) || p.Name.StartsWith("System.", StringComparison.Ordinal));
        // The sample builds with warnings as errors: any ServerTools warning would have stopped its build.
        Assert.Empty(report.Diagnostics);
    }

    [Fact]
    public async Task The_report_files_are_deterministic_json_and_markdown()
    {
        var (report, json, directory) = await ReadReportAsync();

        Assert.Equal(json, ModuleReportJson.Write(report));
        Assert.DoesNotContain("\r", json, StringComparison.Ordinal);
        var markdown = await File.ReadAllTextAsync(Path.Combine(directory, "module-report.md"));
        Assert.Equal(ModuleReportMarkdown.Write(report), markdown);
        Assert.StartsWith("# Module report: `ServerTools.Sample`\n", markdown, StringComparison.Ordinal);
    }
}
