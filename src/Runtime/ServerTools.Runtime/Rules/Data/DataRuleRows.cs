using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Rules.Data;

/// <summary>
/// Reads <see cref="ExceptionRuleDefinition"/> rows for the engine and the SQL queries. A row written by SQL with a
/// Severity that is neither <c>'Warning'</c> nor <c>'Blocking'</c> (such as <c>'Critical'</c>) reads as no member of
/// <see cref="RuleSeverity"/> (<see cref="RuleSeverityConverter"/>), and its text is read with it, so that its rule alone
/// fails naming the text (<see cref="DataRuleCompiler.Compile"/>).
/// </summary>
internal static class DataRuleRows
{
    /// <summary>
    /// The rows of <paramref name="rows"/>, each with the text of its Severity when it is not a <see cref="RuleSeverity"/>.
    /// One statement, whatever the number of broken rows: each row comes with the text of its Severity column (the column
    /// cast to text, <c>"Severity"::text</c>), so the text a failure names is the one the row was read with, even when the
    /// row is fixed or deleted right after.
    /// </summary>
    /// <remarks>
    /// On a provider that is not relational (EF Core's in-memory database), the rows are read as they are: such a store
    /// holds what SaveChanges wrote, which is never an undefined Severity, and the cast would run in .NET, where casting a
    /// boxed <see cref="RuleSeverity"/> to string throws.
    /// </remarks>
    public static List<(ExceptionRuleDefinition Definition, string? StoredSeverity)> Read(DbContext context, IQueryable<ExceptionRuleDefinition> rows)
    {
        if (!context.Database.IsRelational())
        {
            return [.. rows.AsNoTracking().AsEnumerable().Select(static d => (d, Enum.IsDefined(d.Severity) ? null : d.Severity.ToString()))];
        }

        // The cast through object is translated to SQL (a cast of the column to text) on a relational provider.
        var read = rows.AsNoTracking()
            .Select(static d => new { Definition = d, Text = (string)(object)d.Severity })
            .ToList();
        var result = new List<(ExceptionRuleDefinition, string?)>(read.Count);
        foreach (var row in read)
        {
            result.Add((row.Definition, Enum.IsDefined(row.Definition.Severity) ? null : row.Text ?? "(null)"));
        }

        return result;
    }
}
