using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ServerTools.Tool.SolutionReport;

namespace ServerTools.Tests.SolutionReport;

/// <summary>
/// Which reports <c>servertools report</c> reads and how it counts them: a multi-targeted project once, a folder
/// tree searched for <c>module-report.json</c> past unrelated JSON, and names that could break a Markdown table.
/// </summary>
public sealed class ReportInputTests : IDisposable
{
    private const string SalesRow = "| `Shop.Sales` | 2,100 | 0 | 10 | 0 | 30 | 2,400 | 3 | 2 | 1 | 1 | 1 | 2 | 1 | 1 | 1 | 2 | 0 |";
    private const string TotalRow = "| Total | 2,740 | 120 | 10 | 45 | 30 | 2,710 | 5 | 2 | 2 | 1 | 1 | 2 | 1 | 1 | 1 | 3 | 4 |";

    private readonly ReportFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_project_built_for_two_target_frameworks_is_counted_once_with_a_note()
    {
        // The single-target run, to compare against.
        _folder.WriteFile("Shop.Sales.json", FixtureModule.Sales.ToJson());
        _folder.WriteFile("Shop.Stock.json", FixtureModule.Stock.ToJson());
        var single = await RunAsync(_folder.Reports);
        Assert.True(single.ExitCode == 0, single.ToString());
        var singleHtml = _folder.Html;

        // A second framework of this package's own: its build files are for net10.0 (build/net10.0/), which NuGet imports
        // for net10.0's platform frameworks too, and refuses the package for an older framework such as net8.0 (NU1202).
        _folder.WriteFile("Shop.Sales.windows.json", FixtureModule.Sales.ToJson(targetFramework: "net10.0-windows"));
        var run = await RunAsync(_folder.Reports);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 module(s)", run.Output, StringComparison.Ordinal);
        var markdown = _folder.Markdown;
        Assert.Contains("2 modules: 5 entities, 2,945 lines of code (plus 2,710 generated lines), 2 exception rules, 8 ServerTools diagnostics.", markdown, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(markdown, SalesRow));
        Assert.Contains(TotalRow, markdown, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(markdown, "\n## `Shop.Sales`\n"));
        Assert.Contains("target framework `net10.0`.", markdown, StringComparison.Ordinal);
        Assert.Contains("> Note: Also built for net10.0-windows; the figures are those of net10.0.", markdown, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(markdown, "Also built for"));

        // The page draws the same bars as for the project built once, and shows the note in the module's section.
        var html = _folder.Html;
        Assert.Equal(Occurrences(singleHtml, "data-module=\"Shop.Sales\""), Occurrences(html, "data-module=\"Shop.Sales\""));
        Assert.Equal(Occurrences(singleHtml, "<rect class=\"bar\""), Occurrences(html, "<rect class=\"bar\""));
        Assert.Contains("<p class=\"warning\">Note: Also built for net10.0-windows; the figures are those of net10.0.</p>", html, StringComparison.Ordinal);
        Assert.Equal(1, Occurrences(html, "Also built for"));
    }

    [Fact]
    public async Task Of_a_multi_targeted_project_the_report_of_the_first_framework_in_ordinal_order_is_kept()
    {
        // net8.0 has one entity, net10.0 three; "net10.0" comes first in ordinal order, whatever the file order. The current
        // package writes no report for net8.0 or net9.0 (NuGet refuses it there, NU1202), but earlier packages, whose
        // targets were in build/ rather than build/net10.0/, were imported for every framework and wrote one wherever that
        // framework's code compiled without ServerTools; such reports stay in obj/ folders, which --reports reads.
        var net8 = FixtureModule.Sales with { Entities = [FixtureModule.Sales.Entities[0]] };
        _folder.WriteFile("a.json", net8.ToJson(targetFramework: "net8.0"));
        _folder.WriteFile("b.json", FixtureModule.Sales.ToJson(targetFramework: "net10.0"));
        _folder.WriteFile("c.json", FixtureModule.Sales.ToJson(targetFramework: "net9.0"));

        var run = await RunAsync(_folder.Reports);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("1 module: 3 entities,", markdown, StringComparison.Ordinal);
        Assert.Contains(SalesRow, markdown, StringComparison.Ordinal);
        Assert.Contains("> Note: Also built for net8.0, net9.0; the figures are those of net10.0.", markdown, StringComparison.Ordinal);

        var kept = Assert.Single(ModuleReportReader.ReadAll([_folder.Reports]));
        Assert.Equal("net10.0", kept.TargetFramework);
        Assert.Equal(3, kept.Entities.Count);
    }

    [Fact]
    public async Task Reports_of_two_configurations_of_one_project_are_refused_until_configuration_chooses_one()
    {
        // artifacts/obj/<project>/debug and release side by side: the stale Debug report was once kept, silently.
        var debug = FixtureModule.Sales with { Entities = [FixtureModule.Sales.Entities[0]] };
        var debugFile = _folder.WriteFile("artifacts/obj/Shop.Sales/debug/servertools/module-report.json", debug.ToJson(configuration: "Debug"));
        _folder.WriteFile("artifacts/obj/Shop.Sales/release/servertools/module-report.json", FixtureModule.Sales.ToJson(configuration: "Release"));
        var stockDebugFile = _folder.WriteFile("artifacts/obj/Shop.Stock/debug/servertools/module-report.json", FixtureModule.Stock.ToJson(configuration: "Debug"));

        var refused = await RunAsync(_folder.Reports);

        Assert.Equal(ReportCommand.BadInput, refused.ExitCode);
        Assert.Contains($"'Shop.Sales' (/src/Shop.Sales/Shop.Sales.csproj) has reports of several build configurations: Debug ({debugFile}), Release (", refused.Error, StringComparison.Ordinal);
        Assert.Contains("Give --configuration Debug (or another of them) to choose one, or point --reports at one configuration's folder.", refused.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.Output, "module-analysis.md")));

        // Shop.Stock was built in Debug only: it was once left out of the Release figures without a word.
        var partial = await ReportRun.RunAsync(["report", "--reports", _folder.Reports, "--configuration", "release", "--output", _folder.Output, "--no-open"]);

        Assert.Equal(ReportCommand.BadInput, partial.ExitCode);
        Assert.Contains(
            $"Not every project has a module report of configuration Release: 'Shop.Stock' (/src/Shop.Stock/Shop.Stock.csproj) has reports of Debug only ({stockDebugFile}). " +
            "Build it in Release first (dotnet build -c Release), or point --reports at the folders of the projects to show,",
            partial.Error,
            StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder.Output, "module-analysis.md")));

        var salesOnly = await ReportRun.RunAsync(["report", "--reports", Path.Combine(_folder.Reports, "artifacts", "obj", "Shop.Sales"), "--configuration", "release", "--output", _folder.Output, "--no-open"]);

        Assert.True(salesOnly.ExitCode == 0, salesOnly.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("1 module: 3 entities,", markdown, StringComparison.Ordinal);
        Assert.Contains("target framework `net10.0`, configuration `Release`.", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Shop.Stock", markdown, StringComparison.Ordinal);

        _folder.WriteFile("artifacts/obj/Shop.Stock/release/servertools/module-report.json", FixtureModule.Stock.ToJson(configuration: "Release"));
        var both = await ReportRun.RunAsync(["report", "--reports", _folder.Reports, "--configuration", "release", "--output", _folder.Output, "--no-open"]);

        Assert.True(both.ExitCode == 0, both.ToString());
        Assert.Contains("2 modules:", _folder.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reports_of_other_configurations_only_are_named_with_the_configuration_to_give()
    {
        // Only a Debug build exists: "--configuration Release" once said no reports were found, even of the file itself.
        var file = _folder.WriteFile("Shop.Sales/obj/Debug/net10.0/servertools/module-report.json", FixtureModule.Sales.ToJson(configuration: "Debug"));

        foreach (var given in new[] { file, Path.Combine(_folder.Reports, "Shop.Sales", "obj") })
        {
            var run = await ReportRun.RunAsync(["report", "--reports", given, "--configuration", "Release", "--output", _folder.Output, "--no-open"]);

            Assert.Equal(ReportCommand.BadInput, run.ExitCode);
            Assert.Contains(
                $"No module report of configuration Release was found in {given}: the report there is of Debug only. " +
                "Give --configuration Debug to read it, or build Release first (dotnet build -c Release).",
                run.Error,
                StringComparison.Ordinal);
        }

        _folder.WriteFile("Shop.Stock/obj/Staging/net10.0/servertools/module-report.json", FixtureModule.Stock.ToJson(configuration: "Staging"));

        var two = await ReportRun.RunAsync(["report", "--reports", _folder.Reports, "--configuration", "Release", "--output", _folder.Output, "--no-open"]);

        Assert.Equal(ReportCommand.BadInput, two.ExitCode);
        Assert.Contains("the reports there are of Debug and Staging only. Give --configuration Debug to read them,", two.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Of_reports_of_one_project_and_framework_that_name_no_configuration_the_newest_is_kept_with_a_note()
    {
        // Reports of an older build, without "configuration": the first by path (debug/) was kept, however stale.
        var older = _folder.WriteFile("debug/module-report.json", (FixtureModule.Sales with { Entities = [FixtureModule.Sales.Entities[0]] }).ToJson());
        var newer = _folder.WriteFile("release/module-report.json", FixtureModule.Sales.ToJson());
        File.SetLastWriteTimeUtc(older, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        File.SetLastWriteTimeUtc(newer, new DateTime(2026, 1, 2, 0, 0, 0, DateTimeKind.Utc));

        var kept = Assert.Single(ModuleReportReader.ReadAll([_folder.Reports]));

        // Named relative to the folder given, so that the report shows no local path.
        Assert.Equal(3, kept.Entities.Count);
        Assert.Equal("Older reports of this project were found and not used: debug/module-report.json; the figures are those of the newest, release/module-report.json.", Assert.Single(kept.Notes));
        Assert.Equal(kept.Notes, Assert.Single(ModuleReportReader.ReadAll([older, newer])).Notes);
    }

    [Fact]
    public async Task Projects_are_named_relative_to_the_folder_that_holds_them_all_so_checkouts_give_the_same_files()
    {
        _folder.WriteFile("a.json", FixtureModule.Sales.ToJson(root: "/home/dev/shop/src"));
        _folder.WriteFile("b.json", FixtureModule.Stock.ToJson(root: "/home/dev/shop/src"));
        var here = await RunAsync(_folder.Reports);
        var (markdown, html) = (_folder.Markdown, _folder.Html);

        _folder.WriteFile("a.json", FixtureModule.Sales.ToJson(root: "/builds/ci/42/src"));
        _folder.WriteFile("b.json", FixtureModule.Stock.ToJson(root: "/builds/ci/42/src"));
        var there = await RunAsync(_folder.Reports);

        Assert.True(here.ExitCode == 0 && there.ExitCode == 0, here + "\n" + there);
        Assert.Contains("\nProject `Shop.Sales/Shop.Sales.csproj`, target framework `net10.0`.\n", markdown, StringComparison.Ordinal);
        Assert.Contains("<p>Project <code>Shop.Stock/Shop.Stock.csproj</code>, target framework <code>net10.0</code>.</p>", html, StringComparison.Ordinal);
        Assert.Equal(markdown, _folder.Markdown);
        Assert.Equal(html, _folder.Html);
    }

    [Fact]
    public async Task Generated_counts_every_line_of_the_generated_files_as_it_does_of_the_generators_output()
    {
        // The generators' output comes as one number of lines; the generated files' comments and blank lines count too.
        var report = System.Text.Json.Nodes.JsonNode.Parse(FixtureModule.Sales.ToJson())!;
        report["generatedLines"]!["comment"] = 100;
        report["generatedLines"]!["blank"] = 50;
        _folder.WriteFile("Shop.Sales.json", report.ToJsonString());

        var run = await RunAsync(_folder.Reports);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("1 module: 3 entities, 2,140 lines of code (plus 2,550 generated lines),", _folder.Markdown, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"lines\" data-module=\"Shop.Sales\" data-kind=\"Generated\" data-value=\"1050\"", _folder.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Reports_of_different_projects_or_without_a_project_are_not_merged()
    {
        var a = ModuleReportReader.Parse(FixtureModule.Sales.ToJson(), "a");
        var b = a with { Project = "/other/Shop.Sales.csproj", TargetFramework = "net10.0-windows" };
        var noProject = a with { Project = "" };

        var merged = ModuleReportReader.MergeTargetFrameworks([a, b, noProject, noProject with { TargetFramework = "net10.0-windows" }]);

        Assert.Equal(4, merged.Count);
        Assert.All(merged, static report => Assert.Empty(report.Notes));
    }

    [Fact]
    public async Task A_folder_means_every_module_report_below_it_and_its_top_level_reports_past_unrelated_json()
    {
        var root = _folder.Reports;
        // A project's obj/ as the build leaves it: the report in a subfolder, restore files at the top.
        _folder.WriteFile("artifacts/obj/Shop.Sales/Debug/net10.0/servertools/module-report.json", FixtureModule.Sales.ToJson());
        _folder.WriteFile("artifacts/obj/Shop.Sales/Shop.Sales.csproj.nuget.dgspec.json", DgspecJson);
        _folder.WriteFile("artifacts/obj/Shop.Sales/project.assets.json", "{\"version\": 3, \"targets\": {}}");
        _folder.WriteFile("artifacts/obj/project.assets.json", "{\"version\": 3, \"targets\": {}}");
        _folder.WriteFile("artifacts/obj/tsconfig.json", "{\n  // comments, as appsettings.json may have\n  \"schema\": \"https://json.schemastore.org/tsconfig\",\n}");
        // A collect folder's file at the top of the folder, and a nested *.json that is not module-report.json.
        _folder.WriteFile("artifacts/obj/Shop.Stock.1a2b3c4d.json", FixtureModule.Stock.ToJson());
        _folder.WriteFile("artifacts/obj/Shop.Sales/other/Shop.Empty.json", FixtureModule.Empty.ToJson());

        var run = await RunAsync(Path.Combine(root, "artifacts", "obj"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("2 module(s)", run.Output, StringComparison.Ordinal);
        var markdown = _folder.Markdown;
        Assert.Contains(SalesRow, markdown, StringComparison.Ordinal);
        Assert.Contains(TotalRow, markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("Shop.Empty", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_entity_two_projects_map_counts_once_in_the_totals()
    {
        // The application's context maps the library's Partner too, so both reports list it.
        var app = new FixtureModule("Shop.App")
        {
            Code = new() { ["C#"] = 100 },
            Projects = ["Shop.Sales"],
            Entities = [new("Shop.Sales.Partner", ["Audited", "FuzzySearchable"], []), new("Shop.App.Invoice", ["Audited"], [])],
        };
        _folder.WriteFile("a/module-report.json", FixtureModule.Sales.ToJson());
        _folder.WriteFile("b/module-report.json", app.ToJson());

        var run = await RunAsync(_folder.Reports);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("2 modules: 4 entities,", markdown, StringComparison.Ordinal);
        // Rule-checked 1: Shop.Sales' rule sale.credit_limit checks Partner in Shop.App's context too (Shop.App references Shop.Sales).
        Assert.Contains("| `Shop.App` | 100 | 0 | 0 | 0 | 0 | 0 | 2 | 2 | 0 | 1 | 0 | 1 |", markdown, StringComparison.Ordinal);
        // Entities 4 (not 5), audited 3 (not 4), fuzzy searchable 1 (not 2): Shop.Sales.Partner once.
        Assert.Contains("| Total | 2,200 | 0 | 10 | 0 | 30 | 2,400 | 4 | 3 | 1 | 1 | 1 | 2 | 1 | 1 | 1 | 2 | 0 |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_given_that_holds_no_report_is_named_in_a_note_and_the_others_are_reported()
    {
        // A project whose build failed: its obj/ holds the compiler's log and restore files, and no report.
        _folder.WriteFile("StoreNetwork/obj/Debug/net10.0/servertools/module-report.json", FixtureModule.Sales.ToJson());
        _folder.WriteFile("Mistakes/obj/Debug/net10.0/servertools/compile.sarif", "{\"version\": \"2.1.0\", \"runs\": []}");
        _folder.WriteFile("Mistakes/obj/project.assets.json", "{\"version\": 3}");
        var storeNetwork = Path.Combine(_folder.Reports, "StoreNetwork", "obj");
        var mistakes = Path.Combine(_folder.Reports, "Mistakes", "obj");

        var run = await RunAsync(storeNetwork, mistakes);

        Assert.True(run.ExitCode == ReportCommand.Success, run.ToString());
        Assert.Contains("1 module(s)", run.Output, StringComparison.Ordinal);
        Assert.Contains($"servertools report: note: '{mistakes}' holds no module report, so no module of it is in the report.", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(storeNetwork, run.Error, StringComparison.Ordinal);
        Assert.Contains("`Shop.Sales`", _folder.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_without_reports_but_with_unrelated_json_finds_none()
    {
        _folder.WriteFile("obj/App.csproj.nuget.dgspec.json", DgspecJson);
        _folder.WriteFile("project.assets.json", "{\"version\": 3}");

        var run = await RunAsync(_folder.Reports);

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains("No module reports were found in " + _folder.Reports, run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_folder_a_report_of_another_schema_version_or_a_broken_report_is_still_an_error()
    {
        var future = _folder.WriteFile("obj/Debug/net10.0/servertools/module-report.json", FixtureModule.Sales.ToJson(schema: "servertools-module-report/2"));
        _folder.WriteFile("project.assets.json", "{\"version\": 3}");

        var run = await RunAsync(_folder.Reports);

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{future}' has schema \"servertools-module-report/2\", but this tool reads \"servertools-module-report/1\"", run.Error, StringComparison.Ordinal);

        File.Delete(future);
        var broken = _folder.WriteFile("Shop.Sales.1a2b3c4d.json", "{\"schema\": \"servertools-module-report/1\", \"module\": \"Shop\", \"entities\": 3}");

        var again = await RunAsync(_folder.Reports);

        Assert.Equal(ReportCommand.BadInput, again.ExitCode);
        Assert.Contains($"'{broken}' is not a valid module report", again.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_named_explicitly_is_read_even_when_it_is_not_a_report()
    {
        var dgspec = _folder.WriteFile("obj/App.csproj.nuget.dgspec.json", DgspecJson);
        _folder.WriteFile("Shop.Stock.json", FixtureModule.Stock.ToJson());

        var run = await RunAsync(_folder.Reports, dgspec);

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{dgspec}' has no \"schema\" property, so it is not a ServerTools module report.", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Back\\|slash")]
    [InlineData("Back\\\\|slashes")]
    [InlineData("Ends with \\")]
    [InlineData("\\|")]
    [InlineData("a|b\\c|d")]
    [InlineData("two\nlines|and\r\nmore\\")]
    [InlineData("`tick\\|`")]
    public async Task Names_with_pipes_backslashes_and_line_breaks_stay_in_their_table_cell(string name)
    {
        var module = new FixtureModule(name)
        {
            Code = new() { ["C#"] = 5 },
            Entities = [new(name, ["Audited"], [name])],
            Rules = [(name, "Blocking", name)],
        };
        _folder.WriteFile("weird.json", module.ToJson());

        var run = await RunAsync(_folder.Reports);

        Assert.True(run.ExitCode == 0, run.ToString());
        var expected = name.Replace("\r\n", " ", StringComparison.Ordinal).Replace('\n', ' ');
        var lines = _folder.Markdown.Split('\n');
        var summaryHeader = lines.First(static line => line.StartsWith("| Module |", StringComparison.Ordinal));
        var summaryRow = lines[Array.IndexOf(lines, summaryHeader) + 2];
        AssertCells(summaryHeader, summaryRow, expected, 0);
        var entityHeader = lines.First(static line => line.StartsWith("| Entity |", StringComparison.Ordinal));
        var entityRow = lines[Array.IndexOf(lines, entityHeader) + 2];
        AssertCells(entityHeader, entityRow, expected, 0);
        AssertCells(entityHeader, entityRow, expected, 2);
        var ruleHeader = lines.First(static line => line.StartsWith("| Rule |", StringComparison.Ordinal));
        var ruleRow = lines[Array.IndexOf(lines, ruleHeader) + 2];
        AssertCells(ruleHeader, ruleRow, expected, 0);
        AssertCells(ruleHeader, ruleRow, expected, 2);
    }

    /// <summary>
    /// Checks that <paramref name="row"/> has as many cells as <paramref name="header"/> whether a parser splits at
    /// every '|' not right after a backslash (GFM) or at every '|' after an even run of backslashes (escapes read
    /// first), and that cell <paramref name="index"/> reads as <paramref name="expected"/> in GFM.
    /// </summary>
    private static void AssertCells(string header, string row, string expected, int index)
    {
        var columns = GfmCells(header).Count;
        Assert.True(columns == GfmCells(row).Count, row);
        Assert.Equal(EscapeFirstSeparators(header), EscapeFirstSeparators(row));
        Assert.Equal(expected, GfmCellText(GfmCells(row)[index]));
    }

    /// <summary>The separators of a row for a parser that reads backslash escapes first: a '|' after an even run of backslashes.</summary>
    private static int EscapeFirstSeparators(string row)
    {
        var count = 0;
        var backslashes = 0;
        foreach (var character in row)
        {
            if (character == '|' && backslashes % 2 == 0)
            {
                count++;
            }

            backslashes = character == '\\' ? backslashes + 1 : 0;
        }

        return count;
    }

    /// <summary>The cells of a GFM table row: split at each '|' not right after a backslash, then "\|" read as '|'.</summary>
    private static List<string> GfmCells(string row)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        for (var index = 1; index < row.Length - 1; index++)
        {
            if (row[index] == '|' && row[index - 1] != '\\')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else if (row[index] == '\\' && row[index + 1] == '|')
            {
                // The table's own escape: dropped, the pipe is kept.
            }
            else
            {
                cell.Append(row[index]);
            }
        }

        cells.Add(cell.ToString().Trim());
        return cells;
    }

    /// <summary>What a cell shows: a code span's content literally, or text with its backslash escapes read.</summary>
    private static string GfmCellText(string cell)
    {
        var fence = Regex.Match(cell, "^`+").Value;
        if (fence.Length > 0 && cell.EndsWith(fence, StringComparison.Ordinal) && cell.Length > 2 * fence.Length)
        {
            var content = cell[fence.Length..^fence.Length];
            return content.Length > 1 && content[0] == ' ' && content[^1] == ' ' && content.Trim().Length > 0 ? content[1..^1] : content;
        }

        return Regex.Replace(cell, @"\\([!-/:-@\[-`{-~])", "$1");
    }

    private Task<ReportRun> RunAsync(params string[] reports) =>
        ReportRun.RunAsync(["report", "--reports", .. reports, "--output", _folder.Output, "--no-open"]);

    private static int Occurrences(string text, string value) => Regex.Count(text, Regex.Escape(value));

    private const string DgspecJson = """
        {
          "format": 1,
          "restore": { "/src/App/App.csproj": {} },
          "projects": { "/src/App/App.csproj": { "version": "1.0.0", "restore": { "projectName": "App" } } }
        }
        """;
}
