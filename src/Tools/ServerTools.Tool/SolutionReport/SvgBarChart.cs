using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace ServerTools.Tool.SolutionReport;

/// <summary>A series of a chart: <see cref="Name"/> goes into the data attribute, <see cref="Label"/> is shown.</summary>
internal sealed record ChartSeries(string Name, string Label, string Color);

/// <summary>A module's values, one per series of the chart.</summary>
internal sealed record ChartRow(string Module, IReadOnlyList<long> Values);

/// <summary>
/// A horizontal bar chart of modules.
/// <see cref="Id"/> names the chart (<c>data-chart</c>); <see cref="SeriesAttribute"/> is the data attribute that
/// names a bar's series (e.g. <c>feature</c> gives <c>data-feature="Audited"</c>).
/// </summary>
internal sealed record BarChart(string Id, string Title, string SeriesAttribute, IReadOnlyList<ChartSeries> Series, IReadOnlyList<ChartRow> Rows);

/// <summary>
/// Writes <see cref="BarChart"/>s as inline SVG, no script: every bar is a <c>rect</c> and has a <c>text</c> label
/// with its number, both carrying <c>data-chart</c>, <c>data-module</c>, the series attribute and <c>data-value</c>.
/// Bar lengths are proportional to the values (one scale per chart, from 0). Text widths are estimated from
/// character counts, so the output depends only on the data.
/// </summary>
internal static class SvgBarChart
{
    private const double Width = 960;
    private const double CharWidth = 7;
    private const double SmallCharWidth = 6.2;
    private const double ValueRoom = 72;
    private const double LegendHeight = 30;
    private const double AxisHeight = 22;
    private const double GroupedBarHeight = 14;
    private const double GroupedBarGap = 3;
    private const double GroupGap = 14;
    private const double StackedBarHeight = 22;
    private const double StackedLabelLine = 18;
    private const double RowGap = 14;

    /// <summary>Bars of one module side by side, one per series.</summary>
    public static void WriteGrouped(StringBuilder html, BarChart chart)
    {
        var layout = Layout.For(chart, chart.Rows.SelectMany(static row => row.Values).DefaultIfEmpty().Max());
        var groupHeight = chart.Series.Count * (GroupedBarHeight + GroupedBarGap) - GroupedBarGap;
        var height = LegendHeight + chart.Rows.Count * (groupHeight + GroupGap) + AxisHeight;
        Open(html, chart, height);
        WriteLegend(html, chart.Series);
        var plotBottom = height - AxisHeight;
        WriteAxis(html, layout, LegendHeight, plotBottom);

        var y = LegendHeight + GroupGap / 2;
        foreach (var row in chart.Rows)
        {
            WriteModuleLabel(html, layout, row.Module, y + groupHeight / 2);
            for (var index = 0; index < chart.Series.Count; index++)
            {
                var series = chart.Series[index];
                var value = row.Values[index];
                var barY = y + index * (GroupedBarHeight + GroupedBarGap);
                var width = value * layout.Scale;
                var data = DataAttributes(chart, row.Module, series, value);
                html.Append("<rect class=\"bar\"").Append(data)
                    .Append(Attribute("x", layout.PlotLeft)).Append(Attribute("y", barY))
                    .Append(Attribute("width", width)).Append(Attribute("height", GroupedBarHeight))
                    .Append(" fill=\"").Append(series.Color).Append("\"><title>")
                    .Append(Html.Escape(row.Module)).Append(" \u2014 ").Append(Html.Escape(series.Label)).Append(": ")
                    .Append(ReportContent.Number(value)).Append("</title></rect>\n");
                html.Append("<text class=\"value\"").Append(data)
                    .Append(Attribute("x", layout.PlotLeft + width + 4)).Append(Attribute("y", barY + GroupedBarHeight - 3))
                    .Append('>').Append(ReportContent.Number(value)).Append("</text>\n");
            }

            y += groupHeight + GroupGap;
            if (row != chart.Rows[^1])
            {
                html.Append("<line class=\"separator\"").Append(Attribute("x1", 0)).Append(Attribute("x2", Width))
                    .Append(Attribute("y1", y - GroupGap / 2)).Append(Attribute("y2", y - GroupGap / 2)).Append("/>\n");
            }
        }

        html.Append("</svg>\n");
    }

    /// <summary>
    /// One bar per module made of its series end to end (zero values left out), the total after the bar, and
    /// under it a label per segment: swatch, series and number.
    /// </summary>
    public static void WriteStacked(StringBuilder html, BarChart chart)
    {
        var layout = Layout.For(chart, chart.Rows.Select(static row => row.Values.Sum()).DefaultIfEmpty().Max());
        var labelLines = chart.Rows.Select(row => LabelPositions(chart, row, layout).Select(static position => position.Line).DefaultIfEmpty(0).Max() + 1).ToList();
        var height = LegendHeight + chart.Rows.Select((_, index) => StackedBarHeight + labelLines[index] * StackedLabelLine + RowGap).Sum() + AxisHeight;
        Open(html, chart, height);
        WriteLegend(html, chart.Series);
        WriteAxis(html, layout, LegendHeight, height - AxisHeight);

        var y = LegendHeight + RowGap / 2;
        for (var rowIndex = 0; rowIndex < chart.Rows.Count; rowIndex++)
        {
            var row = chart.Rows[rowIndex];
            WriteModuleLabel(html, layout, row.Module, y + StackedBarHeight / 2);
            var x = layout.PlotLeft;
            for (var index = 0; index < chart.Series.Count; index++)
            {
                var value = row.Values[index];
                if (value == 0)
                {
                    continue;
                }

                var series = chart.Series[index];
                var width = value * layout.Scale;
                html.Append("<rect class=\"bar\"").Append(DataAttributes(chart, row.Module, series, value))
                    .Append(Attribute("x", x)).Append(Attribute("y", y))
                    .Append(Attribute("width", width)).Append(Attribute("height", StackedBarHeight))
                    .Append(" fill=\"").Append(series.Color).Append("\"><title>")
                    .Append(Html.Escape(row.Module)).Append(" \u2014 ").Append(Html.Escape(series.Label)).Append(": ")
                    .Append(ReportContent.Number(value)).Append("</title></rect>\n");
                x += width;
            }

            var total = row.Values.Sum();
            html.Append("<text class=\"total\" data-chart=\"").Append(chart.Id).Append("\" data-module=\"").Append(Html.Escape(row.Module))
                .Append("\" data-total=\"").Append(total.ToString(CultureInfo.InvariantCulture)).Append('"')
                .Append(Attribute("x", x + 4)).Append(Attribute("y", y + StackedBarHeight / 2 + 4))
                .Append('>').Append(ReportContent.Number(total)).Append("</text>\n");

            foreach (var position in LabelPositions(chart, row, layout))
            {
                var labelY = y + StackedBarHeight + (position.Line + 1) * StackedLabelLine - 5;
                html.Append("<rect class=\"swatch\"").Append(Attribute("x", position.X)).Append(Attribute("y", labelY - 9))
                    .Append(" width=\"10\" height=\"10\" fill=\"").Append(position.Series.Color).Append("\"/>");
                html.Append("<text class=\"value\"").Append(DataAttributes(chart, row.Module, position.Series, position.Value))
                    .Append(Attribute("x", position.X + 14)).Append(Attribute("y", labelY)).Append('>')
                    .Append(Html.Escape(position.Series.Label)).Append(' ').Append(ReportContent.Number(position.Value)).Append("</text>\n");
            }

            y += StackedBarHeight + labelLines[rowIndex] * StackedLabelLine + RowGap;
        }

        html.Append("</svg>\n");
    }

    private static List<LabelPosition> LabelPositions(BarChart chart, ChartRow row, Layout layout)
    {
        var positions = new List<LabelPosition>();
        var x = layout.PlotLeft;
        var line = 0;
        for (var index = 0; index < chart.Series.Count; index++)
        {
            var value = row.Values[index];
            if (value == 0)
            {
                continue;
            }

            var series = chart.Series[index];
            var width = 14 + (series.Label.Length + 1 + ReportContent.Number(value).Length) * SmallCharWidth + 18;
            if (x + width > Width && x > layout.PlotLeft)
            {
                line++;
                x = layout.PlotLeft;
            }

            positions.Add(new LabelPosition(series, value, x, line));
            x += width;
        }

        return positions;
    }

    private static void Open(StringBuilder html, BarChart chart, double height)
    {
        html.Append("<svg class=\"chart\" data-chart=\"").Append(chart.Id).Append("\" role=\"img\" aria-label=\"").Append(Html.Escape(chart.Title))
            .Append("\" viewBox=\"0 0 ").Append(Format(Width)).Append(' ').Append(Format(height))
            .Append('"').Append(Attribute("width", Width)).Append(Attribute("height", height)).Append(">\n");
    }

    private static void WriteLegend(StringBuilder html, IReadOnlyList<ChartSeries> series)
    {
        var x = 0.0;
        foreach (var item in series)
        {
            html.Append("<rect class=\"swatch\"").Append(Attribute("x", x)).Append(" y=\"8\" width=\"12\" height=\"12\" fill=\"").Append(item.Color).Append("\"/>");
            html.Append("<text class=\"legend\"").Append(Attribute("x", x + 17)).Append(" y=\"18\">").Append(Html.Escape(item.Label)).Append("</text>\n");
            x += 17 + item.Label.Length * CharWidth + 20;
        }
    }

    private static void WriteAxis(StringBuilder html, Layout layout, double top, double bottom)
    {
        for (var tick = 0L; tick <= layout.AxisMax; tick += layout.Step)
        {
            var x = layout.PlotLeft + tick * layout.Scale;
            html.Append("<line class=\"grid\"").Append(Attribute("x1", x)).Append(Attribute("x2", x))
                .Append(Attribute("y1", top)).Append(Attribute("y2", bottom)).Append("/>");
            html.Append("<text class=\"tick\"").Append(Attribute("x", x)).Append(Attribute("y", bottom + 15)).Append('>')
                .Append(ReportContent.Number(tick)).Append("</text>\n");
        }
    }

    private static void WriteModuleLabel(StringBuilder html, Layout layout, string module, double middle)
    {
        var maxChars = (int)((layout.PlotLeft - 12) / CharWidth);
        var shown = module.Length <= maxChars ? module : module[..(maxChars - 1)] + "\u2026";
        html.Append("<text class=\"module\" data-module=\"").Append(Html.Escape(module)).Append('"')
            .Append(Attribute("x", layout.PlotLeft - 8)).Append(Attribute("y", middle + 4)).Append("><title>")
            .Append(Html.Escape(module)).Append("</title>").Append(Html.Escape(shown)).Append("</text>\n");
    }

    private static string DataAttributes(BarChart chart, string module, ChartSeries series, long value) =>
        " data-chart=\"" + chart.Id + "\" data-module=\"" + Html.Escape(module) + "\" data-" + chart.SeriesAttribute + "=\"" + Html.Escape(series.Name) +
        "\" data-value=\"" + value.ToString(CultureInfo.InvariantCulture) + "\"";

    private static string Attribute(string name, double value) => " " + name + "=\"" + Format(value) + "\"";

    private static string Format(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record LabelPosition(ChartSeries Series, long Value, double X, int Line);

    /// <summary>Where the plot starts, and the scale: the axis ends at a round number at or above the largest value.</summary>
    private sealed record Layout(double PlotLeft, double Scale, long AxisMax, long Step)
    {
        public static Layout For(BarChart chart, long max)
        {
            var longest = chart.Rows.Select(static row => row.Module.Length).DefaultIfEmpty(0).Max();
            var plotLeft = Math.Clamp(longest * CharWidth + 16, 120, 320);
            var step = NiceStep(max);
            var axisMax = Math.Max(step, (max + step - 1) / step * step);
            return new Layout(plotLeft, (Width - plotLeft - ValueRoom) / axisMax, axisMax, step);
        }

        /// <summary>1, 2 or 5 times a power of ten, so that the axis has at most 5 steps.</summary>
        private static long NiceStep(long max)
        {
            for (var power = 1L; ; power *= 10)
            {
                foreach (var factor in (ReadOnlySpan<long>)[1, 2, 5])
                {
                    if (factor * power * 5 >= max)
                    {
                        return factor * power;
                    }
                }
            }
        }
    }
}
