using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ServerTools.Tool.SolutionReport;

namespace ServerTools.Tests.SolutionReport;

/// <summary>
/// <c>servertools report --reports</c> on fixture reports: what the Markdown and the HTML say, escaping, and the
/// errors (exit code 2, a message that names the problem and the fix).
/// </summary>
public sealed class ReportCommandTests : IDisposable
{
    private readonly ReportFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Two_modules_are_combined_into_one_summary_table_with_a_total_and_a_section_each()
    {
        var run = await ReportAsync(FixtureModule.Stock, FixtureModule.Sales);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("2 modules: 5 entities, 2,945 lines of code (plus 2,710 generated lines), 2 exception rules, 8 ServerTools diagnostics.", markdown, StringComparison.Ordinal);
        Assert.Contains(
            "| Module | C# | Razor | JSON | SQL | Other | Generated | Entities | Audited | Tracked | Fuzzy searchable | Time-windowed | Rule-checked | Blocking rules | Warning rules | Errors | Warnings | Notes |",
            markdown,
            StringComparison.Ordinal);
        // Ordered by module name: Shop.Sales, then Shop.Stock, then the total.
        var rows = markdown[..markdown.IndexOf("\n## ", StringComparison.Ordinal)].Split('\n').Where(static line => line.StartsWith("| `Shop.", StringComparison.Ordinal) || line.StartsWith("| Total", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [
                "| `Shop.Sales` | 2,100 | 0 | 10 | 0 | 30 | 2,400 | 3 | 2 | 1 | 1 | 1 | 2 | 1 | 1 | 1 | 2 | 0 |",
                "| `Shop.Stock` | 640 | 120 | 0 | 45 | 0 | 310 | 2 | 0 | 1 | 0 | 0 | 0 | 0 | 0 | 0 | 1 | 4 |",
                "| Total | 2,740 | 120 | 10 | 45 | 30 | 2,710 | 5 | 2 | 2 | 1 | 1 | 2 | 1 | 1 | 1 | 3 | 4 |",
            ],
            rows);
        Assert.Contains("## `Shop.Sales`", markdown, StringComparison.Ordinal);
        Assert.Contains("## `Shop.Stock`", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Shop.Sales.SaleOrder` | `Audited`, `Tracked` | `sale.discount_limit` | `Shop.Sales.AppDbContext` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `sale.discount_limit` | `Blocking` | `Shop.Sales.SaleOrder` | `confirm` | `Rules.sale_discount_limit` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `ST2003` | `note` | 4 |", markdown, StringComparison.Ordinal);
        Assert.Contains("| Packages | `Npgsql.EntityFrameworkCore.PostgreSQL 10.0.0` |", markdown, StringComparison.Ordinal);
        // Microsoft's packages (the report's dotnetPackages) are .NET, beside the shared frameworks.
        Assert.Contains("| .NET | `Microsoft.NETCore.App`, `Microsoft.EntityFrameworkCore 10.0.1` |", markdown, StringComparison.Ordinal);
        // The generated lines come on top of the lines of code (805 of Shop.Stock's own files, 310 generated).
        Assert.Contains("805 lines of code (plus 310 generated lines).", markdown, StringComparison.Ordinal);

        var html = _folder.Html;
        Assert.Contains("805 lines of code (plus 310 generated lines).", html, StringComparison.Ordinal);
        Assert.Contains("<h2><code>Shop.Sales</code></h2>", html, StringComparison.Ordinal);
        Assert.Contains("<td><code>Shop.<wbr>Sales.<wbr>SaleOrder</code></td>", html, StringComparison.Ordinal);
        Assert.Contains("<h2><code>Shop.Stock</code></h2>", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"features\" data-module=\"Shop.Sales\" data-feature=\"Audited\" data-value=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"lines\" data-module=\"Shop.Stock\" data-kind=\"Razor\" data-value=\"120\"", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"diagnostics\" data-module=\"Shop.Stock\" data-severity=\"note\" data-value=\"4\"", html, StringComparison.Ordinal);
        Assert.Contains(_folder.Output, run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Names_from_the_reports_cannot_become_markup_in_the_markdown_or_the_html()
    {
        var run = await ReportAsync(FixtureModule.Hostile);

        Assert.True(run.ExitCode == 0, run.ToString());
        var html = _folder.Html;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("\"pwned\"", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; O&#39;Brien &amp; Sons | Co", html, StringComparison.Ordinal);
        Assert.Contains("data-module=\"&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; O&#39;Brien &amp; Sons | Co\"", html, StringComparison.Ordinal);
        Assert.Contains("<code>Evil.&lt;b&gt;Bold&lt;/b&gt;.&quot;Quoted&quot;&#39;s</code>", html, StringComparison.Ordinal);

        // In Markdown the names are code spans (never HTML), and a '|' inside a table cell is escaped.
        var markdown = _folder.Markdown;
        Assert.Contains("## `<script>alert(\"pwned\")</script> O'Brien & Sons | Co`", markdown, StringComparison.Ordinal);
        var row = markdown.Split('\n').Single(static line => line.StartsWith("| `<script>", StringComparison.Ordinal));
        Assert.StartsWith("| `<script>alert(\"pwned\")</script> O'Brien & Sons \\| Co` | 77 |", row, StringComparison.Ordinal);
        var header = markdown.Split('\n').First(static line => line.StartsWith("| Module |", StringComparison.Ordinal));
        Assert.Equal(CellCount(header), CellCount(row));
        Assert.Contains("| `rule\\|with\\|pipes` | `Blocking` |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_module_without_code_or_entities_is_listed_with_zeros_and_empty_sections()
    {
        var run = await ReportAsync(FixtureModule.Empty);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("| `Shop.Empty` | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("| Total |", markdown, StringComparison.Ordinal);
        Assert.Contains("No entities.", markdown, StringComparison.Ordinal);
        Assert.Contains("No exception rules.", markdown, StringComparison.Ordinal);
        Assert.Contains("No ServerTools diagnostics.", markdown, StringComparison.Ordinal);

        // The grouped charts draw a zero-length bar labelled 0; the stacked chart has no segment, only the total.
        var html = _folder.Html;
        Assert.Matches("<rect class=\"bar\" data-chart=\"features\" data-module=\"Shop.Empty\" data-feature=\"Audited\" data-value=\"0\" x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"0\"", html);
        Assert.DoesNotContain("<rect class=\"bar\" data-chart=\"lines\"", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"lines\" data-module=\"Shop.Empty\" data-total=\"0\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_report_with_only_its_schema_and_module_is_read_as_an_empty_module()
    {
        _folder.WriteFile("minimal.json", "{\"schema\": \"servertools-module-report/1\", \"module\": \"Shop.Minimal\"}");

        var run = await ReportRun.RunAsync("report", "--reports", _folder.Reports, "--output", _folder.Output, "--no-open");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("| `Shop.Minimal` | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |", _folder.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_notes_of_an_incomplete_report_are_shown_in_its_module_section()
    {
        var report = System.Text.Json.Nodes.JsonNode.Parse(FixtureModule.Empty.ToJson())!;
        report["complete"] = false;
        report["notes"] = new System.Text.Json.Nodes.JsonArray("The compiler's error log was not found (obj/x.sarif), so entities are <missing>.");
        _folder.WriteFile("incomplete.json", report.ToJsonString());

        var run = await ReportRun.RunAsync("report", "--reports", _folder.Reports, "--output", _folder.Output, "--no-open");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("> Note: The compiler's error log was not found (obj/x.sarif), so entities are \\<missing\\>.", _folder.Markdown, StringComparison.Ordinal);
        Assert.Contains("<p class=\"warning\">Note: The compiler&#39;s error log was not found (obj/x.sarif), so entities are &lt;missing&gt;.</p>", _folder.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_html_page_is_self_contained_and_the_output_is_the_same_bytes_every_time()
    {
        var first = await ReportAsync(FixtureModule.Sales, FixtureModule.Stock, FixtureModule.Hostile);
        Assert.True(first.ExitCode == 0, first.ToString());
        var markdown = _folder.Markdown;
        var html = _folder.Html;

        var again = await ReportRun.RunAsync("report", "--reports", _folder.Reports, "--output", _folder.Output, "--no-open");

        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Equal(markdown, _folder.Markdown);
        Assert.Equal(html, _folder.Html);
        foreach (var external in (string[])["http:", "https:", "//", "src=", "href=", "url(", "@import", "<script", "<link", "<img"])
        {
            Assert.DoesNotContain(external, html, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(3, Regex.Count(html, "<svg class=\"chart\""));
    }

    [Fact]
    public async Task A_report_of_another_schema_is_refused_with_the_file_and_both_schemas_named()
    {
        var file = _folder.WriteFile("future.json", FixtureModule.Sales.ToJson(schema: "servertools-module-report/9"));

        var run = await ReportRun.RunAsync("report", "--reports", file, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains(file, run.Error, StringComparison.Ordinal);
        Assert.Contains("\"servertools-module-report/9\"", run.Error, StringComparison.Ordinal);
        Assert.Contains("\"servertools-module-report/1\"", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Output));
    }

    [Theory]
    [InlineData("{\"module\": \"Shop\"}", "has no \"schema\" property")]
    [InlineData("[1, 2]", "has no \"schema\" property")]
    [InlineData("{\"schema\": \"servertools-module-report/1\", \"module\": \"Shop\", \"entities\": 3}", "is not a valid module report")]
    [InlineData("{\"schema\": \"servertools-module-report/1\", \"module\": \"\"}", "has an empty \"module\"")]
    [InlineData("{\"schema\": \"servertools-module-report/1\",", "is not a valid module report")]
    public async Task A_file_named_with_reports_that_is_not_a_module_report_is_refused_with_its_name(string json, string message)
    {
        var file = _folder.WriteFile("project.assets.json", json);

        var run = await ReportRun.RunAsync("report", "--reports", file, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{file}' {message}", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("nuget.config", "<?xml version=\"1.0\"?>\n<configuration />", "is not a module report: it is not JSON (it starts with '<', as XML such as a project file or nuget.config does). Give the module-report.json files")]
    [InlineData("notes.txt", "Microsoft Visual Studio Solution File, Format Version 12.00", "is not a module report: it is not JSON. Give the module-report.json files")]
    [InlineData("module-report.json", " \n", "is empty, so it is not a module report.")]
    [InlineData("module-report.json", "{\"schema\": \"servertools-module-report/1\",\n\"module\": \"Shop\",\n\"entities\": [", "is not a valid module report: its JSON breaks off or is malformed at line 3 (")]
    public async Task A_file_that_is_not_JSON_is_named_as_such_in_plain_words_without_the_parsers_positions(string name, string text, string message)
    {
        var file = _folder.WriteFile(name, text);

        var run = await ReportRun.RunAsync("report", "--reports", file, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{file}' {message}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("BytePositionInLine", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Shop.slnx", "a solution")]
    [InlineData("Shop.sln", "a solution")]
    [InlineData("Shop.Domain/Shop.Domain.csproj", "a project")]
    public async Task A_solution_or_project_given_after_reports_is_refused_with_the_two_commands_to_choose_from(string target, string what)
    {
        // --reports takes every path up to the next option, so "--reports obj Shop.slnx" once read the solution as a report.
        var run = await ReportRun.RunAsync("report", "--reports", _folder.Reports, target, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{target}' is {what}, not a module report: --reports takes every path that follows it, and a solution or project cannot be combined with --reports.", run.Error, StringComparison.Ordinal);
        Assert.Contains($"run 'servertools report {target}'", run.Error, StringComparison.Ordinal);
        Assert.Contains($"give only their files or folders: 'servertools report --reports {_folder.Reports}'", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Output));
    }

    [Fact]
    public async Task A_missing_report_path_or_an_empty_report_folder_is_refused()
    {
        var missing = Path.Combine(_folder.Root, "nowhere.json");

        var run = await ReportRun.RunAsync("report", "--reports", missing, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{missing}' does not exist", run.Error, StringComparison.Ordinal);

        var empty = await ReportRun.RunAsync("report", "--reports", _folder.Reports, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BadInput, empty.ExitCode);
        Assert.Contains("No module reports were found in " + _folder.Reports, empty.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_solution_is_refused_before_anything_is_built()
    {
        var missing = Path.Combine(_folder.Root, "Missing.sln");

        var run = await ReportRun.RunAsync("report", missing, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{missing}' does not exist", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet build", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("both", "holds several solutions or projects (Shop.sln, Shop.slnx), so it is not clear which to build. Name one: servertools report ")]
    [InlineData("two", "holds several solutions or projects (Shop.App.csproj, Shop.Domain.csproj)")]
    [InlineData("other", "holds several solutions or projects (Other.sln, Shop.csproj)")]
    [InlineData("none", "holds no solution (.sln, .slnx) or project file. Give a solution, a project file, or a folder that holds one.")]
    [InlineData("source", "is not a solution or project file. Give a solution (.sln, .slnx), a project file (such as .csproj), or a folder that holds one.")]
    public async Task A_target_that_msbuild_cannot_pick_or_build_is_bad_input_found_before_building(string layout, string message)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_folder.Root, "app")).FullName;
        string[] files = layout switch
        {
            "both" => ["Shop.sln", "Shop.slnx"],
            "two" => ["Shop.App.csproj", "Shop.Domain.csproj"],
            "other" => ["Other.sln", "Shop.csproj"],
            "none" => ["README.md"],
            _ => ["TextTools.cs"],
        };
        foreach (var file in files)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, file), "");
        }

        var target = layout == "source" ? Path.Combine(folder, "TextTools.cs") : folder;
        var run = await ReportRun.RunAsync("report", target, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains($"'{target}' {message}", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet build", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_written_is_refused_before_building_with_one_sentence()
    {
        var project = Path.Combine(_folder.Root, "Shop.csproj");
        await File.WriteAllTextAsync(project, "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        var file = Path.Combine(_folder.Root, "taken.txt");
        await File.WriteAllTextAsync(file, "");

        var underFile = await ReportRun.RunAsync("report", project, "--output", Path.Combine(file, "out"), "--no-open");
        var noFiles = await ReportRun.RunAsync("report", project, "--output", "/proc/servertools-report", "--no-open");

        Assert.Equal(ReportCommand.BadInput, underFile.ExitCode);
        Assert.Contains($"The output folder '{Path.Combine(file, "out")}' cannot be created: '{file}' is not a folder. Choose another folder with --output.", underFile.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("dotnet build", underFile.Output, StringComparison.Ordinal);
        Assert.Equal(ReportCommand.BadInput, noFiles.ExitCode);
        Assert.Contains("The output folder '/proc/servertools-report' cannot be written (it does not exist, and its parent '/proc' does not take new files either): ", noFiles.Error, StringComparison.Ordinal);
        Assert.Matches(@"[^.]\. Choose another folder with --output\.", noFiles.Error);
        Assert.DoesNotContain("dotnet build", noFiles.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_class_that_checks_two_types_counts_as_one_rule_with_a_row_per_type()
    {
        var parties = new FixtureModule("Shop.Parties")
        {
            Code = new() { ["C#"] = 10 },
            Rules = [("party.name_required", "Blocking", "Shop.Partner"), ("party.name_required", "Blocking", "Shop.Supplier")],
        };

        var run = await ReportAsync(parties);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("1 module: 0 entities, 10 lines of code (plus 0 generated lines), 1 exception rule, 0 ServerTools diagnostics.", markdown, StringComparison.Ordinal);
        Assert.Contains("1 exception rule (1 blocking, 0 warnings)", markdown, StringComparison.Ordinal);
        Assert.Contains("| `party.name_required` | `Blocking` | `Shop.Partner` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `party.name_required` | `Blocking` | `Shop.Supplier` |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rule_of_one_project_that_checks_entities_of_others_counts_once_as_a_rule_and_they_as_rule_checked()
    {
        // The layered solution: the rules live in Shop.Domain (no DbContext, so no entities); Shop.Data and Shop.Api map
        // its SaleOrder, and their builds list Shop.Domain's rules with it (one Data rule too).
        var domain = new FixtureModule("Shop.Domain")
        {
            Code = new() { ["C#"] = 300 },
            Rules = [("sale.discount_limit", "Blocking", "Shop.Domain.SaleOrder"), ("customer.no_email", "Warning", "Shop.Domain.Customer")],
        };
        var data = new FixtureModule("Shop.Data")
        {
            Code = new() { ["C#"] = 200 },
            Entities =
            [
                new("Shop.Domain.SaleOrder", ["Audited"], ["partner.blocked_order", "sale.discount_limit"]),
                new("Shop.Domain.Customer", [], ["customer.no_email"]),
            ],
            Rules = [("partner.blocked_order", "Blocking", "Shop.Domain.SaleOrder")],
        };
        var api = new FixtureModule("Shop.Api")
        {
            Code = new() { ["C#"] = 100 },
            Entities = [new("Shop.Domain.SaleOrder", ["Audited"], ["partner.blocked_order", "sale.discount_limit"])],
        };

        var run = await ReportAsync(domain, data, api);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("3 modules: 2 entities, 600 lines of code (plus 0 generated lines), 3 exception rules, 0 ServerTools diagnostics.", markdown, StringComparison.Ordinal);
        Assert.Equal(("0", "1", "1"), SummaryCells(markdown, "`Shop.Domain`"));
        Assert.Equal(("2", "1", "0"), SummaryCells(markdown, "`Shop.Data`"));
        Assert.Equal(("1", "0", "0"), SummaryCells(markdown, "`Shop.Api`"));
        Assert.Equal(("2", "2", "1"), SummaryCells(markdown, "Total"));
    }

    [Fact]
    public async Task Rules_of_a_project_that_references_the_data_project_make_its_entities_rule_checked_in_the_combined_report()
    {
        // The other layout: Shop.Rules references Shop.Data and checks its entities; Shop.Data cannot see those rules when
        // it compiles, so its own report lists its entities without rules. Shop.Web references both and maps nothing.
        var data = new FixtureModule("Shop.Data")
        {
            Code = new() { ["C#"] = 200 },
            Entities =
            [
                new("Shop.Data.Model.SaleOrder", ["Audited"], []),
                new("Shop.Data.Model.Partner", [], []),
                new("Shop.Data.Model.PriceList", [], []),
            ],
        };
        var rules = new FixtureModule("Shop.Rules")
        {
            Code = new() { ["C#"] = 120 },
            Projects = ["Shop.Data"],
            Rules =
            [
                ("sale.credit_limit", "Blocking", "Shop.Data.Model.SaleOrder"),
                ("sale.large_quantity", "Warning", "Shop.Data.Model.SaleOrder"),
                ("partner.vat_missing", "Warning", "Shop.Data.Model.Partner"),
            ],
        };
        var web = new FixtureModule("Shop.Web") { Code = new() { ["C#"] = 80, ["Razor"] = 40 }, Projects = ["Shop.Data", "Shop.Rules"] };

        var run = await ReportAsync(data, rules, web);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Contains("3 modules: 3 entities, 440 lines of code (plus 0 generated lines), 3 exception rules, 0 ServerTools diagnostics.", markdown, StringComparison.Ordinal);
        Assert.Equal(("2", "0", "0"), SummaryCells(markdown, "`Shop.Data`"));
        Assert.Equal(("0", "1", "2"), SummaryCells(markdown, "`Shop.Rules`"));
        Assert.Equal(("0", "0", "0"), SummaryCells(markdown, "`Shop.Web`"));
        Assert.Equal(("2", "1", "2"), SummaryCells(markdown, "Total"));
        Assert.Contains("| `Shop.Data.Model.SaleOrder` | `Audited` | `sale.credit_limit`, `sale.large_quantity` | `Shop.Data.AppDbContext` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Shop.Data.Model.PriceList` |  |  | `Shop.Data.AppDbContext` |", markdown, StringComparison.Ordinal);

        var html = _folder.Html;
        Assert.Contains("data-chart=\"features\" data-module=\"Shop.Data\" data-feature=\"ExceptionRules\" data-value=\"2\"", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"features\" data-module=\"Shop.Rules\" data-feature=\"ExceptionRules\" data-value=\"0\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_reach_the_entities_of_modules_an_application_loads_with_them_and_no_others()
    {
        // Billing.Data, Orders.Data and Shop.Catalog each map the Customer of the package Shop.Model (packages are not in
        // references.projects); Shop.Reports loads Billing.Data and Shop.Catalog together, so Billing's rule checks
        // Shop.Catalog's Customer too, but no application loads Billing.Data with Orders.Data, and Orders.Data references
        // neither, nor Billing.Data it.
        var billing = new FixtureModule("Billing.Data")
        {
            Code = new() { ["C#"] = 100 },
            Entities = [new("Shop.Model.Customer", [], [])],
            Rules = [("billing.credit", "Blocking", "Shop.Model.Customer")],
        };
        var orders = new FixtureModule("Orders.Data") { Code = new() { ["C#"] = 100 }, Entities = [new("Shop.Model.Customer", [], [])] };
        var catalog = new FixtureModule("Shop.Catalog") { Code = new() { ["C#"] = 100 }, Entities = [new("Shop.Model.Customer", [], [])] };
        var reports = new FixtureModule("Shop.Reports") { Code = new() { ["C#"] = 50 }, Projects = ["Billing.Data", "Shop.Catalog"] };

        var run = await ReportAsync(billing, orders, catalog, reports);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Equal(("1", "1", "0"), SummaryCells(markdown, "`Billing.Data`"));
        Assert.Equal(("0", "0", "0"), SummaryCells(markdown, "`Orders.Data`"));
        Assert.Equal(("1", "0", "0"), SummaryCells(markdown, "`Shop.Catalog`"));
    }

    [Fact]
    public async Task A_rule_on_a_base_class_or_interface_of_another_project_checks_the_entities_that_derive_from_it()
    {
        // As in a project's own report: a rule checks the entities whose base class or interface it names.
        var data = new FixtureModule("Shop.Data")
        {
            Code = new() { ["C#"] = 200 },
            Entities =
            [
                new("Shop.Data.Model.SaleOrder", [], []) { BaseTypes = ["Shop.Data.Model.Document", "Shop.Data.Model.IHasPartner"] },
                new("Shop.Data.Model.Invoice", [], []) { BaseTypes = ["Shop.Data.Model.Document"] },
                new("Shop.Data.Model.Partner", [], []),
            ],
        };
        var rules = new FixtureModule("Shop.Rules")
        {
            Code = new() { ["C#"] = 120 },
            Projects = ["Shop.Data"],
            Rules = [("partner.blocked", "Blocking", "Shop.Data.Model.IHasPartner"), ("document.number", "Warning", "Shop.Data.Model.Document")],
        };

        var run = await ReportAsync(data, rules);

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Equal(("2", "0", "0"), SummaryCells(markdown, "`Shop.Data`"));
        Assert.Equal(("2", "1", "1"), SummaryCells(markdown, "Total"));
        Assert.Contains("| `Shop.Data.Model.SaleOrder` |  | `document.number`, `partner.blocked` |", markdown, StringComparison.Ordinal);
        Assert.Contains("| `Shop.Data.Model.Invoice` |  | `document.number` |", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_build_exits_1_with_the_build_output_and_what_to_do()
    {
        var project = Path.Combine(_folder.Root, "Broken.csproj");
        await File.WriteAllTextAsync(project, "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup>");

        var run = await ReportRun.RunAsync("report", project, "--output", _folder.Output, "--no-open");

        Assert.Equal(ReportCommand.BuildFailed, run.ExitCode);
        Assert.Contains("-p:ServerToolsModuleReportCollectDir=", run.Output, StringComparison.Ordinal);
        Assert.Contains("MSB4025", run.Output, StringComparison.Ordinal);
        Assert.Contains("the build failed; fix the errors above and run the command again", run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_folder.Output));
    }

    [Theory]
    [InlineData("Unknown option '--bogus'", "report", "--bogus")]
    [InlineData("--output needs a value: a folder", "report", "--output")]
    [InlineData("--output needs a value: a folder", "report", "--output", "--no-open")]
    [InlineData("-c needs a value: a configuration such as Debug or Release", "report", "-c")]
    [InlineData("--reports needs a module-report.json file or a folder of them", "report", "--reports", "--no-open")]
    [InlineData("Give one solution, project or folder to build; 'A.sln' and 'B.sln' are two", "report", "A.sln", "B.sln")]
    [InlineData("--reports reads existing reports without building, so 'A.sln' would not be built", "report", "A.sln", "--reports", "r.json")]
    public async Task Bad_usage_exits_2_and_says_what_is_wrong_and_where_the_help_is(string message, params string[] arguments)
    {
        var run = await ReportRun.RunAsync(arguments);

        Assert.Equal(ReportCommand.BadInput, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.Contains("servertools report --help", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_tool_without_a_known_command_prints_its_usage_and_exits_2()
    {
        var none = await ReportRun.RunAsync();
        var unknown = await ReportRun.RunAsync("analyse");

        Assert.Equal(ReportCommand.BadInput, none.ExitCode);
        Assert.Contains("Usage: servertools <command>", none.Error, StringComparison.Ordinal);
        Assert.Equal(ReportCommand.BadInput, unknown.ExitCode);
        Assert.Contains("unknown command 'analyse'", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_exits_0()
    {
        var tool = await ReportRun.RunAsync("--help");
        var report = await ReportRun.RunAsync("report", "--help");

        Assert.Equal(0, tool.ExitCode);
        Assert.Contains("report    Build a solution", tool.Output, StringComparison.Ordinal);
        Assert.Equal(0, report.ExitCode);
        Assert.Contains("Usage: servertools report [<solution-or-project-or-folder>] [options]", report.Output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 written, 1 the build failed, 2 bad usage or input.", report.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_take_values_inline_or_apart_and_reports_take_several_paths()
    {
        var options = ReportOptions.Parse(["--reports", "a.json", "b", "--reports=c.json", "--output=out", "--no-open"]);

        Assert.Equal(["a.json", "b", "c.json"], options.Reports);
        Assert.Equal("out", options.Output);
        Assert.True(options.NoOpen);
        Assert.Null(options.Target);

        var chosen = ReportOptions.Parse(["--reports", "artifacts/obj", "-c", "Release"]);

        Assert.Equal("Release", chosen.Configuration);

        var build = ReportOptions.Parse(["Shop.sln", "-c", "Release"]);

        Assert.Equal("Shop.sln", build.Target);
        Assert.Equal("Release", build.Configuration);
        Assert.Equal(ReportOptions.DefaultOutput, build.Output);
        Assert.False(build.NoOpen);
    }

    private Task<ReportRun> ReportAsync(params FixtureModule[] modules) =>
        ReportRun.RunAsync("report", "--reports", _folder.Write(modules), "--output", _folder.Output, "--no-open");

    private static int CellCount(string markdownRow) => Regex.Count(markdownRow, @"(?<!\\)\|");

    /// <summary>The Rule-checked, Blocking rules and Warning rules cells of a row of the summary table.</summary>
    internal static (string RuleChecked, string Blocking, string Warning) SummaryCells(string markdown, string firstCell)
    {
        static string[] Cells(string row) => [.. row.Trim('|').Split('|').Select(static cell => cell.Trim())];
        var lines = markdown.Split('\n');
        var header = Cells(lines.First(static line => line.StartsWith("| Module |", StringComparison.Ordinal)));
        var row = Cells(lines.First(line => line.StartsWith("| " + firstCell + " |", StringComparison.Ordinal)));
        return (row[Array.IndexOf(header, "Rule-checked")], row[Array.IndexOf(header, "Blocking rules")], row[Array.IndexOf(header, "Warning rules")]);
    }
}
