using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>Data rule definitions written past SaveChanges' check, as an administrator's SQL writes them.</summary>
internal static class DefinitionRows
{
    /// <summary>Inserts an active definition, in no rule set unless given, with the severity as the text the column holds.</summary>
    public static async Task InsertAsync(DbContext context, string id, string entityType, string expression, string severity = "Warning", int sequence = 10, string[]? ruleSets = null)
        => await context.Database.ExecuteSqlInterpolatedAsync($"""
            INSERT INTO servertools_rule_definitions ("Id", "EntityType", "Expression", "Severity", "Sequence", "RuleSets", "Tags", "Active")
            VALUES ({id}, {entityType}, {expression}, {severity}, {sequence}, {ruleSets ?? []}::text[], ARRAY[]::text[], true)
            """);
}
