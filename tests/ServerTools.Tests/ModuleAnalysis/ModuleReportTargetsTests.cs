using System;
using System.IO;
using System.IO.Compression;
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

    [Fact]
    public async Task Files_that_NuGet_packages_bring_are_not_counted_as_the_modules_own()
    {
        // What restore gives a project: contentFiles as Content (and as Compile for a source-only package) with the
        // package's id, and files under the package folder. Here a folder of the test stands for the package folder.
        var packages = Path.Combine(_root, "packages");
        WriteFile(Path.Combine(packages, "tools.json", "1.0.0", "contentFiles", "any", "any", "settings.json"), "{\n  \"a\": 1\n}\n");
        WriteFile(Path.Combine(packages, "tools.json", "1.0.0", "contentFiles", "cs", "any", "Guard.cs"), "namespace Tools;\n\ninternal static class Guard\n{\n}\n");
        WriteFile(Path.Combine(packages, "other", "2.0.0", "README.md"), "# Other\n\nA package's readme.\n");
        var project = ReportTargetsProject.Write(
            _root,
            "Shop",
            "namespace Shop;\n\npublic sealed class Order\n{\n}\n",
            items: $"""
                <Content Include="{packages}/tools.json/1.0.0/contentFiles/any/any/settings.json" NuGetPackageId="Tools.Json" NuGetPackageVersion="1.0.0" />
                <Compile Include="{packages}/tools.json/1.0.0/contentFiles/cs/any/Guard.cs" NuGetPackageId="Tools.Json" NuGetPackageVersion="1.0.0" />
                <None Include="{packages}/other/2.0.0/README.md" />
                <None Include="notes.md" />

            """,
            properties: $"<NuGetPackageRoot>{packages}/</NuGetPackageRoot>\n");
        WriteFile(Path.Combine(_root, "Shop", "notes.md"), "# Notes\n");

        await BuildAsync(project);

        var report = ModuleReportJson.Read(await File.ReadAllTextAsync(Path.Combine(_root, "Shop", "obj", "Debug", "net10.0", "servertools", "module-report.json")));
        var lines = report.Lines.ToDictionary(static l => l.Kind, static l => l.Count);
        Assert.Equal((1, 5), (lines["C#"].Files, lines["C#"].Total)); // Code.cs only
        Assert.Equal(0, lines["JSON"].Files);
        Assert.Equal(2, lines["Other"].Files); // the project file and notes.md
    }

    [Fact]
    public async Task A_package_named_System_that_Microsoft_did_not_sign_is_a_package_and_Microsofts_is_dotnet()
    {
        // A local feed with an unsigned package whose id starts with System. (as System.IO.Abstractions, older than the
        // prefix's reservation, does), and the NuGet cache as a feed of Microsoft's packages; restored into a folder of the test.
        var feed = Directory.CreateDirectory(Path.Combine(_root, "feed")).FullName;
        var assembly = ReferenceGrouperTests.UnsignedAssembly(Directory.CreateDirectory(Path.Combine(_root, "lib")).FullName, "System.Text.Shop");
        using (var package = ZipFile.Open(Path.Combine(feed, "System.Text.Shop.1.2.0.nupkg"), ZipArchiveMode.Create))
        {
            package.CreateEntryFromFile(assembly, "lib/net10.0/System.Text.Shop.dll");
            using var nuspec = new StreamWriter(package.CreateEntry("System.Text.Shop.nuspec").Open());
            await nuspec.WriteAsync("""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata><id>System.Text.Shop</id><version>1.2.0</version><authors>Not Microsoft</authors><description>Test</description></metadata>
                </package>
                """);
        }

        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        // A 10.0 version the repository's own restore put there (EF Core 10 depends on the package), the newest on this machine.
        var primitives = Directory.GetDirectories(Path.Combine(cache, "microsoft.extensions.primitives"), "10.0.*")
            .Where(version => Directory.GetFiles(version, "*.nupkg").Length > 0)
            .Select(version => Version.Parse(Path.GetFileName(version)))
            .Order()
            .LastOrDefault()?.ToString()
            ?? throw new InvalidOperationException($"No Microsoft.Extensions.Primitives 10.0.x in {cache}: restore the repository first.");
        var project = ReportTargetsProject.Write(
            _root,
            "Shop",
            "namespace Shop;\n\npublic sealed class Order\n{\n}\n",
            items: $"""
                <PackageReference Include="System.Text.Shop" Version="1.2.0" />
                <PackageReference Include="Microsoft.Extensions.Primitives" Version="{primitives}" />

            """,
            properties: $"<RestoreSources>{feed};{cache}</RestoreSources>\n<RestorePackagesPath>{Path.Combine(_root, "packages")}</RestorePackagesPath>\n");

        await BuildAsync(project);

        var report = ModuleReportJson.Read(await File.ReadAllTextAsync(Path.Combine(_root, "Shop", "obj", "Debug", "net10.0", "servertools", "module-report.json")));
        Assert.Equal([new PackageEntry("System.Text.Shop", "1.2.0")], report.References.Packages);
        Assert.Equal([new PackageEntry("Microsoft.Extensions.Primitives", primitives)], report.References.DotnetPackages);
    }

    private static void WriteFile(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    /// <summary>The first <c>xml</c> block of the docs that follows a line naming Directory.Build.targets.</summary>
    [GeneratedRegex(@"Directory\.Build\.targets[^\n]*\n(?:[^\n]*\n)*?```xml\n(?<xml><Project>(?:.|\n)*?</Project>\n)```")]
    private static partial Regex DocumentedSetting();

    private string WriteProject(string name)
        => ReportTargetsProject.Write(_root, name, "namespace Shop;\n\npublic sealed class Order\n{\n    public int Id { get; set; }\n}\n");

    private async Task BuildAsync(string project, params string[] properties)
        => (await Command.RunAsync("dotnet", ["build", project, "-nologo", .. properties], _root, s_timeout)).Succeeded();
}
