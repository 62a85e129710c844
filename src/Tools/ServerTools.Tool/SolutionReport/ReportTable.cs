using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Tool.SolutionReport;

/// <summary>A table of the report, before it is written as Markdown or HTML.</summary>
internal sealed record ReportTable(IReadOnlyList<ReportColumn> Columns, IReadOnlyList<IReadOnlyList<ReportCell>> Rows);

/// <summary>
/// A column header; numeric columns are right-aligned. The HTML page shows <see cref="Short"/> under a header
/// row of <see cref="Group"/>s, where one is given (Markdown has one header row, so it shows <see cref="Header"/>).
/// </summary>
internal sealed record ReportColumn(string Header, bool Numeric = false, string? Group = null, string? Short = null);

/// <summary>What a cell holds: text of the report itself, names taken from a module report, or a number.</summary>
internal enum CellKind
{
    Text,
    Names,
    Number,
}

/// <summary>
/// A table cell. <see cref="CellKind.Names"/> cells hold strings from the reports (types, ids, paths): writers
/// show them as code and escape them; <see cref="CellKind.Text"/> cells hold the tool's own words.
/// </summary>
internal sealed record ReportCell(CellKind Kind, string Text, IReadOnlyList<string> Names, long Number)
{
    public static ReportCell Empty { get; } = new(CellKind.Text, "", [], 0);

    public static ReportCell Of(string text) => new(CellKind.Text, text, [], 0);

    public static ReportCell Name(string name) => new(CellKind.Names, "", [name], 0);

    public static ReportCell NameList(IEnumerable<string> names) => new(CellKind.Names, "", names.ToList(), 0);

    public static ReportCell Of(long number) => new(CellKind.Number, "", [], number);
}
