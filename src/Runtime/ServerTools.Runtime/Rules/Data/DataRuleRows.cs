using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Rules.Data;

/// <summary>
/// Reads <see cref="ExceptionRuleDefinition"/> rows for the engine and the SQL queries. The Severity column is read as
/// text: a row written by SQL with a severity <see cref="RuleSeverity"/> does not have (such as <c>'Critical'</c>) is
/// read with that text, so that its rule alone fails (<see cref="DataRuleCompiler.Compile"/>), where materializing the
/// enum would make EF Core throw for every row read with it, naming neither the rule nor the table.
/// </summary>
internal static class DataRuleRows
{
    /// <summary>The rows of <paramref name="rows"/>, each with the text of its Severity when it is not a <see cref="RuleSeverity"/>.</summary>
    public static List<(ExceptionRuleDefinition Definition, string? StoredSeverity)> Read(IQueryable<ExceptionRuleDefinition> rows)
    {
        var read = rows
            .AsNoTracking()
            .Select(static d => new
            {
                Definition = new ExceptionRuleDefinition
                {
                    Id = d.Id,
                    EntityType = d.EntityType,
                    Expression = d.Expression,
                    Sequence = d.Sequence,
                    Message = d.Message,
                    Name = d.Name,
                    Description = d.Description,
                    RuleSets = d.RuleSets,
                    Tags = d.Tags,
                    Active = d.Active,
                    Version = d.Version,
                },
                Severity = d.Severity.ToString(),
            })
            .ToList();
        var result = new List<(ExceptionRuleDefinition, string?)>(read.Count);
        foreach (var row in read)
        {
            // What EF Core's enum-to-string conversion reads: a name in any case, or a number.
            if (Enum.TryParse<RuleSeverity>(row.Severity, ignoreCase: true, out var severity) && Enum.IsDefined(severity))
            {
                row.Definition.Severity = severity;
                result.Add((row.Definition, null));
            }
            else
            {
                row.Definition.Severity = (RuleSeverity)(-1);
                result.Add((row.Definition, row.Severity));
            }
        }

        return result;
    }
}
