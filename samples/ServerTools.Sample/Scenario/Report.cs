using System;
using System.Globalization;
using System.IO;

namespace ServerTools.Sample.Scenario;

/// <summary>Writes the scenario's report: a title, labelled facts, numbered sections, tables and notes.</summary>
internal sealed class Report(TextWriter output)
{
    private const int LabelWidth = 10;
    private const string Indent = "  ";
    private int _section;

    public static string Money(decimal amount) => amount.ToString("#,##0.00", CultureInfo.InvariantCulture);

    public static string Quantity(decimal quantity) => quantity.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public void Title(string title)
    {
        output.WriteLine(title);
        output.WriteLine(new string('=', title.Length));
        output.WriteLine();
    }

    /// <summary>A labelled line, such as <c>Database  PostgreSQL 15</c>; an empty label continues the one above.</summary>
    public void Fact(string label, string value) => output.WriteLine(label.PadRight(LabelWidth) + value);

    /// <summary>Starts a numbered section of the scenario, with the time it happened at.</summary>
    public void Step(string title, DateTimeOffset at)
    {
        _section++;
        var heading = string.Create(CultureInfo.InvariantCulture, $"{_section}. {title}");
        var time = Time(at);
        output.WriteLine();
        output.WriteLine(heading.PadRight(Math.Max(heading.Length + 2, 78 - time.Length)) + time);
        output.WriteLine(new string('-', Math.Max(heading.Length + 2, 78 - time.Length) + time.Length));
    }

    /// <summary>Starts an unnumbered section.</summary>
    public void Section(string title)
    {
        output.WriteLine();
        output.WriteLine(title);
        output.WriteLine(new string('-', title.Length));
    }

    public void Table(TextTable table)
    {
        foreach (var line in table.Lines())
        {
            output.WriteLine(Indent + line);
        }
    }

    public void Note(string text) => output.WriteLine(Indent + text);

    public void Blank() => output.WriteLine();
}
