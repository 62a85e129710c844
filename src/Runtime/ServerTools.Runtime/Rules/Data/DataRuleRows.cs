using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Infrastructure;

namespace ServerTools.Rules.Data;

/// <summary>
/// Reads <see cref="ExceptionRuleDefinition"/> rows for the engine and the SQL queries. A row written by SQL with a
/// Severity that is neither <c>'Warning'</c> nor <c>'Blocking'</c> (such as <c>'Critical'</c>) reads as no member of
/// <see cref="RuleSeverity"/> (<see cref="RuleSeverityConverter"/>), and its text is read with it, so that its rule alone
/// fails naming the text (<see cref="DataRuleCompiler.Compile"/>).
/// </summary>
internal static class DataRuleRows
{
    /// <summary>The rows of <paramref name="rows"/>, each with the text of its Severity when it is not a <see cref="RuleSeverity"/>.</summary>
    public static List<(ExceptionRuleDefinition Definition, string? StoredSeverity)> Read(DbContext context, IQueryable<ExceptionRuleDefinition> rows)
    {
        var read = rows.AsNoTracking().ToList();
        var result = new List<(ExceptionRuleDefinition, string?)>(read.Count);
        foreach (var definition in read)
        {
            result.Add((definition, Enum.IsDefined(definition.Severity) ? null : StoredSeverity(context, definition.Id)));
        }

        return result;
    }

    /// <summary>
    /// The text of the Severity of the row <paramref name="id"/>, which the converter read as no member of
    /// <see cref="RuleSeverity"/>: one more query, for a row that is broken.
    /// </summary>
    private static string StoredSeverity(DbContext context, string id)
    {
        var type = ServerToolsTables.EntityType<ExceptionRuleDefinition>(context.Model);
        var table = StoreObjectIdentifier.Table(type.GetTableName()!, type.GetSchema());
        var sql = context.GetService<ISqlGenerationHelper>();
        string Column(string property) => sql.DelimitIdentifier(type.FindProperty(property)!.GetColumnName(table)!);
        // The names are the model's, delimited; the id is a parameter.
        var statement = $"SELECT {Column(nameof(ExceptionRuleDefinition.Severity))} AS \"Value\" FROM {sql.DelimitIdentifier(table.Name, table.Schema)} "
            + $"WHERE {Column(nameof(ExceptionRuleDefinition.Id))} = {{0}}";
        var text = context.Database.SqlQueryRaw<string>(statement, id).AsEnumerable().FirstOrDefault();
        return text ?? "(null)";
    }
}
