using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ServerTools.Build.Reports;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.ModuleAnalysis;

/// <summary>
/// build/ServerTools.targets in real builds of small projects (<see cref="ReportTargetsProject"/>).
/// </summary>
public sealed partial class ModuleReportTargetsTests : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(3);

    private readonly string _root = Directory.CreateTempSubdirectory("servertools-targets-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Switching_the_report_off_for_one_build_keeps_the_last_report_and_clean_deletes_it()
    {
        var project = WriteProject("Shop");
        await BuildAsync(project);
        var folder = Path.Combine(_root, "Shop", "obj", "Debug", "net10.0", "servertools");
        string[] files = ["module-report.json", "module-report.md", "module-report.inputs"];
        var written = files.Select(file => File.ReadAllText(Path.Combine(folder, file))).ToList();

        // IncrementalClean deleted the files an earlier build wrote when this build no longer listed them.
        await BuildAsync(project, "-p:ServerToolsModuleReport=false");
        await BuildAsync(project, "-p:ServerToolsModuleReport=false");

        Assert.Equal(written, files.Select(file => File.ReadAllText(Path.Combine(folder, file))));

        (await Command.RunAsync("dotnet", ["clean", project, "-nologo"], _root, s_timeout)).Succeeded();

        Assert.All(files, file => Assert.False(File.Exists(Path.Combine(folder, file)), $"dotnet clean left {file}"));
    }

    [Fact]
    public async Task The_documented_report_folder_for_Directory_Build_targets_has_the_project_and_its_framework()
    {
        // The setting as docs/module-analysis.md shows it: in Directory.Build.props, TargetFramework would still be empty.
        var docs = await File.ReadAllTextAsync(Path.Combine(BuildFacts.RepositoryRoot, "docs", "module-analysis.md"));
        var documented = DocumentedSetting().Match(docs);
        Assert.True(documented.Success, "docs/module-analysis.md shows no Directory.Build.targets with ServerToolsModuleReportPath");
        await File.WriteAllTextAsync(Path.Combine(_root, "Directory.Build.targets"), documented.Groups["xml"].Value);

        await BuildAsync(WriteProject("Shop.Data"));
        await BuildAsync(WriteProject("Shop.Rules"));

        foreach (var module in new[] { "Shop.Data", "Shop.Rules" })
        {
            var report = ModuleReportJson.Read(await File.ReadAllTextAsync(Path.Combine(_root, "reports", module, "net10.0", "module-report.json")));
            Assert.Equal(module, report.Module);
        }
    }

    /// <summary>The first <c>xml</c> block of the docs that follows a line naming Directory.Build.targets.</summary>
    [GeneratedRegex(@"Directory\.Build\.targets[^\n]*\n(?:[^\n]*\n)*?```xml\n(?<xml><Project>(?:.|\n)*?</Project>\n)```")]
    private static partial Regex DocumentedSetting();

    private string WriteProject(string name)
        => ReportTargetsProject.Write(_root, name, "namespace Shop;\n\npublic sealed class Order\n{\n    public int Id { get; set; }\n}\n");

    private async Task BuildAsync(string project, params string[] properties)
        => (await Command.RunAsync("dotnet", ["build", project, "-nologo", .. properties], _root, s_timeout)).Succeeded();
}
