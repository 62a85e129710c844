using System;
using System.Collections.Generic;
using System.Linq;

namespace ServerTools.Sample.Scenario;

/// <summary>A plain-text table: a header, a rule, rows in aligned columns, and an optional footer row.</summary>
internal sealed class TextTable
{
    private readonly (string Header, bool AlignRight)[] _columns;
    private readonly List<string[]> _rows = [];
    private string[]? _footer;

    /// <summary>Creates a table. A header that starts with '>' is right-aligned (numbers); the '>' is not shown.</summary>
    public TextTable(params string[] headers)
    {
        _columns = [.. headers.Select(static h => h.StartsWith('>') ? (h[1..], true) : (h, false))];
    }

    public TextTable Row(params string[] cells)
    {
        _rows.Add(Fit(cells));
        return this;
    }

    /// <summary>A last row under a rule, for totals.</summary>
    public TextTable Footer(params string[] cells)
    {
        _footer = Fit(cells);
        return this;
    }

    public IEnumerable<string> Lines()
    {
        var all = _rows.Append(_columns.Select(static c => c.Header).ToArray());
        if (_footer is not null)
        {
            all = all.Append(_footer);
        }

        var widths = Enumerable.Range(0, _columns.Length).Select(i => all.Max(row => row[i].Length)).ToArray();
        yield return Format(_columns.Select(static c => c.Header).ToArray(), widths);
        yield return Rule(widths);
        foreach (var row in _rows)
        {
            yield return Format(row, widths);
        }

        if (_footer is not null)
        {
            yield return Rule(widths);
            yield return Format(_footer, widths);
        }
    }

    private static string Rule(int[] widths) => string.Join("  ", widths.Select(static w => new string('-', w)));

    private string[] Fit(string[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"A row of this table has {_columns.Length} cells, not {cells.Length}.", nameof(cells));
        }

        return cells;
    }

    private string Format(string[] cells, int[] widths)
    {
        var padded = cells.Select((cell, i) => _columns[i].AlignRight ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]));
        return string.Join("  ", padded).TrimEnd();
    }
}
