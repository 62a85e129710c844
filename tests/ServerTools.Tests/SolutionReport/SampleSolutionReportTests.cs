using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using ServerTools.Tests.Infrastructure;
using ServerTools.Tests.Infrastructure.Browser;

namespace ServerTools.Tests.SolutionReport;

/// <summary>
/// Runs <c>servertools report</c> once on this repository's sample project, with a real (incremental) build, the
/// way a user runs it: its build writes the sample's module report, and the command turns it into Markdown and HTML.
/// </summary>
public sealed class SampleReportFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("servertools-sample-report-").FullName;

    public string Output => Path.Combine(Root, "out");

    public ReportRun Run { get; private set; } = new(-1, "", "");

    /// <summary>The sample's own report, where its build writes it (<c>$(IntermediateOutputPath)servertools/</c>).</summary>
    public static string SampleReportFile { get; } = Path.Combine(
        BuildFacts.RepositoryRoot, "artifacts", "obj", "ServerTools.Sample", BuildFacts.Configuration.ToLowerInvariant(), "servertools", "module-report.json");

    public async Task InitializeAsync() =>
        Run = await ReportRun.RunAsync(
            "report",
            Path.Combine(BuildFacts.RepositoryRoot, "samples", "ServerTools.Sample", "ServerTools.Sample.csproj"),
            "--configuration", BuildFacts.Configuration,
            "--output", Output,
            "--no-open");

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

[Collection(RepositoryBuilds.Name)]
public sealed class SampleSolutionReportTests(SampleReportFixture sample) : IClassFixture<SampleReportFixture>
{
    /// <summary>Set to 1 to save the sample page's screenshot as docs/images/module-analysis.png.</summary>
    public const string UpdateScreenshotVariable = "SERVERTOOLS_UPDATE_SCREENSHOT";

    [Fact]
    public void The_markdown_and_the_html_list_the_sample_module_with_the_entity_count_of_its_report()
    {
        Assert.True(sample.Run.ExitCode == 0, sample.Run.ToString());
        var (module, entities) = ReadSampleReport();
        Assert.Equal("ServerTools.Sample", module);
        Assert.True(entities > 0, "the sample's report lists no entities");

        var markdown = File.ReadAllText(Path.Combine(sample.Output, "module-analysis.md"));
        var lines = markdown.Split('\n');
        var header = Cells(lines.First(static line => line.StartsWith("| Module |", StringComparison.Ordinal)));
        var row = Cells(lines.Single(static line => line.StartsWith("| `ServerTools.Sample` |", StringComparison.Ordinal)));
        Assert.Equal(entities.ToString(System.Globalization.CultureInfo.InvariantCulture), row[header.IndexOf("Entities")]);
        Assert.Contains("## `ServerTools.Sample`", markdown, StringComparison.Ordinal);

        var html = File.ReadAllText(Path.Combine(sample.Output, "module-analysis.html"));
        Assert.Contains("<h2><code>ServerTools.Sample</code></h2>", html, StringComparison.Ordinal);
        Assert.Contains($"<p>{entities} entities (", html, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"features\" data-module=\"ServerTools.Sample\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_page_renders_the_numbers_of_the_sample_report_in_Chromium_and_its_screenshot_is_kept()
    {
        Assert.True(sample.Run.ExitCode == 0, sample.Run.ToString());

        await using var browser = await HeadlessChromium.StartAsync();
        var page = await ModuleAnalysisPage.OpenAsync(browser, Path.Combine(sample.Output, "module-analysis.html"));

        page.AssertShows([SampleReportFixture.SampleReportFile]);
        Assert.Equal(["ServerTools.Sample"], page.Sections);

        var screenshot = Environment.GetEnvironmentVariable(UpdateScreenshotVariable) == "1"
            ? Path.Combine(BuildFacts.RepositoryRoot, "docs", "images", "module-analysis.png")
            : Path.Combine(sample.Root, "module-analysis.png");
        await page.CaptureAsync(screenshot);
        Assert.True(new FileInfo(screenshot).Length > 10_000, $"the screenshot {screenshot} is nearly empty");
    }

    private static (string Module, int Entities) ReadSampleReport()
    {
        Assert.True(File.Exists(SampleReportFixture.SampleReportFile), $"the sample's build wrote no {SampleReportFixture.SampleReportFile}");
        using var document = JsonDocument.Parse(File.ReadAllText(SampleReportFixture.SampleReportFile));
        return (document.RootElement.GetProperty("module").GetString()!, document.RootElement.GetProperty("entities").GetArrayLength());
    }

    private static System.Collections.Generic.List<string> Cells(string markdownRow) =>
        [.. markdownRow.Trim().Trim('|').Split(" | ").Select(static cell => cell.Trim())];
}
