using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using ServerTools.Tests.Infrastructure.Browser;

namespace ServerTools.Tests.SolutionReport;

/// <summary>A chart element as Chromium rendered it: its data attributes, its text and its box on the page.</summary>
internal sealed record RenderedBar(string Tag, string Chart, string Module, string Series, long Value, string Text, double X, double Y, double Width, double Height);

/// <summary>A bar the reports call for: in chart <see cref="Chart"/>, module, series (feature, kind or severity) and number.</summary>
internal sealed record ExpectedBar(string Chart, string Module, string Series, long Value);

/// <summary>
/// <c>module-analysis.html</c> opened in headless Chromium: reads what the charts rendered (the SVG elements' data
/// attributes, texts and bounding boxes) and checks it against the module reports, read here on their own
/// (with <see cref="JsonDocument"/>, not with the tool's reader).
/// </summary>
internal sealed class ModuleAnalysisPage
{
    private const double Tolerance = 0.6;

    private const string ReadCharts = """
        (() => {
          const box = e => { const r = e.getBoundingClientRect(); return { x: r.x, y: r.y, width: r.width, height: r.height }; };
          const bars = [...document.querySelectorAll('svg.chart [data-value]')].map(e => ({
            tag: e.tagName, chart: e.dataset.chart, module: e.dataset.module,
            series: e.dataset.feature ?? e.dataset.kind ?? e.dataset.severity, value: e.dataset.value,
            text: e.tagName === 'text' ? e.textContent : '', ...box(e) }));
          const totals = [...document.querySelectorAll('svg.chart text[data-total]')].map(e => ({
            chart: e.dataset.chart, module: e.dataset.module, total: e.dataset.total, text: e.textContent, ...box(e) }));
          return {
            bars, totals,
            charts: [...document.querySelectorAll('svg.chart')].map(e => e.dataset.chart),
            sections: [...document.querySelectorAll('section.module')].map(e => e.dataset.module),
            scripts: document.scripts.length,
            resources: performance.getEntriesByType('resource').length,
            viewportWidth: document.documentElement.clientWidth,
            title: document.title,
          };
        })()
        """;

    private readonly BrowserPage _page;
    private readonly JsonElement _rendered;

    private ModuleAnalysisPage(BrowserPage page, JsonElement rendered)
    {
        _page = page;
        _rendered = rendered;
    }

    /// <summary>The module names of the per-module sections, in page order.</summary>
    public IReadOnlyList<string> Sections => [.. _rendered.GetProperty("sections").EnumerateArray().Select(static section => section.GetString()!)];

    public static async Task<ModuleAnalysisPage> OpenAsync(HeadlessChromium browser, string htmlFile)
    {
        var page = await browser.NewPageAsync(width: 1200, height: 900);
        await page.NavigateAsync(new Uri(htmlFile));
        return new ModuleAnalysisPage(page, await page.EvaluateAsync(ReadCharts));
    }

    public Task CaptureAsync(string pngFile) => _page.CaptureFullPageScreenshotAsync(pngFile);

    /// <summary>
    /// The three charts show exactly the numbers of <paramref name="reportFiles"/>, each bar with a visible label
    /// that carries its number, bar lengths proportional to the numbers; the page ran no script and loaded nothing.
    /// </summary>
    public void AssertShows(IEnumerable<string> reportFiles)
    {
        Assert.Equal("Module analysis", _rendered.GetProperty("title").GetString());
        Assert.Equal(0, _rendered.GetProperty("scripts").GetInt32());
        Assert.Equal(0, _rendered.GetProperty("resources").GetInt32());
        Assert.Equal(["features", "lines", "diagnostics"], _rendered.GetProperty("charts").EnumerateArray().Select(static chart => chart.GetString()));

        var expected = Sorted(reportFiles.SelectMany(Expected));
        var rendered = _rendered.GetProperty("bars").EnumerateArray().Select(Parse).ToList();
        var rects = rendered.Where(static bar => bar.Tag == "rect").ToList();
        var labels = rendered.Where(static bar => bar.Tag == "text").ToList();
        Assert.Equal(expected, Sorted(rects.Select(Key)));
        Assert.Equal(expected, Sorted(labels.Select(Key)));

        var viewportWidth = _rendered.GetProperty("viewportWidth").GetDouble();
        foreach (var label in labels)
        {
            // The visible text carries the number (with thousands separators), e.g. "1,500" or "C# 2,100".
            var shown = Regex.Match(label.Text, @"([0-9][0-9,]*)$");
            Assert.True(shown.Success, $"label '{label.Text}' of {label} shows no number");
            Assert.Equal(label.Value, long.Parse(shown.Groups[1].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture));
            Assert.True(label.Width > 0 && label.Height > 0 && label.X >= 0 && label.X + label.Width <= viewportWidth, $"label {label} is not visible");
        }

        foreach (var chart in rects.GroupBy(static bar => bar.Chart))
        {
            // One scale per chart: every bar's rendered length is its number times the scale.
            var longest = chart.MaxBy(static bar => bar.Value)!;
            var scale = longest.Value == 0 ? 0 : longest.Width / longest.Value;
            foreach (var bar in chart)
            {
                Assert.True(Math.Abs(bar.Width - bar.Value * scale) <= Tolerance, $"{bar} is not {bar.Value} x {scale:0.###} px long");
            }
        }

        foreach (var bar in rects.Where(static bar => bar.Chart != "lines"))
        {
            // A grouped bar's label sits just after its end, on its line.
            var label = labels.Single(label => Key(label) == Key(bar));
            Assert.InRange(label.X - (bar.X + bar.Width), 0, 8);
            Assert.True(label.Y < bar.Y + bar.Height && label.Y + label.Height > bar.Y, $"label {label} is not beside {bar}");
        }

        foreach (var module in rects.Where(static bar => bar.Chart == "lines").GroupBy(static bar => bar.Module))
        {
            // The stacked segments of a module follow one another, and the total after them is their sum.
            var segments = module.OrderBy(static bar => bar.X).ToList();
            for (var index = 1; index < segments.Count; index++)
            {
                Assert.True(Math.Abs(segments[index - 1].X + segments[index - 1].Width - segments[index].X) <= Tolerance, $"{segments[index]} does not follow {segments[index - 1]}");
            }

            var total = _rendered.GetProperty("totals").EnumerateArray().Single(total => total.GetProperty("module").GetString() == module.Key);
            Assert.Equal(module.Sum(static bar => bar.Value).ToString("N0", CultureInfo.InvariantCulture), total.GetProperty("text").GetString());
        }
    }

    private static IEnumerable<ExpectedBar> Expected(string reportFile)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(reportFile));
        var report = document.RootElement;
        var module = report.GetProperty("module").GetString()!;
        var bars = new List<ExpectedBar>();
        foreach (var feature in report.GetProperty("features").EnumerateObject())
        {
            bars.Add(new ExpectedBar("features", module, feature.Name, feature.Value.GetInt64()));
        }

        foreach (var line in report.GetProperty("lines").EnumerateArray().Where(static line => line.GetProperty("code").GetInt64() > 0))
        {
            bars.Add(new ExpectedBar("lines", module, line.GetProperty("kind").GetString()!, line.GetProperty("code").GetInt64()));
        }

        var generatedLines = report.GetProperty("generatedLines");
        var generated = generatedLines.GetProperty("code").GetInt64() + generatedLines.GetProperty("comment").GetInt64() + generatedLines.GetProperty("blank").GetInt64();
        var sourceGenerated = report.GetProperty("sourceGenerated").GetProperty("lines").GetInt64();
        if (generated > 0)
        {
            bars.Add(new ExpectedBar("lines", module, "Generated", generated));
        }

        if (sourceGenerated > 0)
        {
            bars.Add(new ExpectedBar("lines", module, "SourceGenerated", sourceGenerated));
        }

        var diagnostics = report.GetProperty("diagnostics").EnumerateArray().ToList();
        foreach (var severity in (string[])["error", "warning", "note"])
        {
            var count = diagnostics.Where(diagnostic => diagnostic.GetProperty("severity").GetString() == severity).Sum(static diagnostic => diagnostic.GetProperty("count").GetInt64());
            bars.Add(new ExpectedBar("diagnostics", module, severity, count));
        }

        return bars;
    }

    private static RenderedBar Parse(JsonElement bar) => new(
        bar.GetProperty("tag").GetString()!,
        bar.GetProperty("chart").GetString()!,
        bar.GetProperty("module").GetString()!,
        bar.GetProperty("series").GetString()!,
        long.Parse(bar.GetProperty("value").GetString()!, CultureInfo.InvariantCulture),
        bar.GetProperty("text").GetString()!,
        bar.GetProperty("x").GetDouble(),
        bar.GetProperty("y").GetDouble(),
        bar.GetProperty("width").GetDouble(),
        bar.GetProperty("height").GetDouble());

    private static List<ExpectedBar> Sorted(IEnumerable<ExpectedBar> bars) => [.. bars.OrderBy(static bar => bar.ToString(), StringComparer.Ordinal)];

    private static ExpectedBar Key(RenderedBar bar) => new(bar.Chart, bar.Module, bar.Series, bar.Value);
}
