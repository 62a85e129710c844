using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ServerTools.Tests.Infrastructure.Browser;

namespace ServerTools.Tests.SolutionReport;

/// <summary>
/// The HTML page of fixture reports in Debian's headless Chromium: the charts rendered with the reports' numbers,
/// bar lengths proportional to them, hostile names shown as text, no script, nothing loaded.
/// </summary>
public sealed class ModuleAnalysisPageTests : System.IDisposable
{
    private readonly ReportFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_charts_render_every_number_of_the_reports_with_proportional_bars_and_names_as_plain_text()
    {
        var reports = _folder.Write(FixtureModule.Sales, FixtureModule.Stock, FixtureModule.Empty, FixtureModule.Hostile);
        var run = await ReportRun.RunAsync("report", "--reports", reports, "--output", _folder.Output, "--no-open");
        Assert.True(run.ExitCode == 0, run.ToString());

        await using var browser = await HeadlessChromium.StartAsync();
        var page = await ModuleAnalysisPage.OpenAsync(browser, _folder.HtmlFile);

        page.AssertShows(Directory.GetFiles(reports, "*.json"));
        Assert.Equal([FixtureModule.HostileModuleName, "Shop.Empty", "Shop.Sales", "Shop.Stock"], page.Sections);

        var screenshot = Path.Combine(_folder.Root, "module-analysis.png");
        await page.CaptureAsync(screenshot);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(screenshot).Take(4));
    }
}
