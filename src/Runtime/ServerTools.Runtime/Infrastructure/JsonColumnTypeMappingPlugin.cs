using System;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL.Storage.Internal.Mapping;

namespace ServerTools.Infrastructure;

/// <summary>
/// Lets EF read back a JSON complex collection whose column type is given explicitly, as the audit trail's lines and the
/// outbox's fields are (<c>json</c>). Npgsql's EF provider (10.0.0 to 10.0.3, at least) then maps the column with its older string mapping, whose reader EF's JSON shaper
/// cannot use ("No coercion operator is defined between types 'JsonTypePlaceholder' and 'MemoryStream'",
/// npgsql/efcore.pg#3475); this gives it the structural JSON mapping a column without an explicit type gets. It applies
/// to every JSON-mapped complex or owned type of the model with an explicit <c>json</c> or <c>jsonb</c> type, which
/// then read back as they do without one.
/// </summary>
internal sealed class JsonColumnTypeMappingPlugin : IRelationalTypeMappingSourcePlugin
{
    // The provider's own mappings for structural JSON: an internal type of Npgsql's EF provider, which the audit and
    // tracking tests read back through on every run (json by default, jsonb in renamed mappings), so a change of it fails them.
#pragma warning disable EF1001
    private static readonly RelationalTypeMapping s_json = new NpgsqlStructuralJsonTypeMapping("json");
    private static readonly RelationalTypeMapping s_jsonb = new NpgsqlStructuralJsonTypeMapping("jsonb");
#pragma warning restore EF1001

    public RelationalTypeMapping? FindMapping(in RelationalTypeMappingInfo mappingInfo)
    {
        if (mappingInfo.ClrType != typeof(JsonTypePlaceholder))
        {
            return null;
        }

        var storeType = mappingInfo.StoreTypeName;
        return string.Equals(storeType, "json", StringComparison.OrdinalIgnoreCase) ? s_json
            : string.Equals(storeType, "jsonb", StringComparison.OrdinalIgnoreCase) ? s_jsonb
            : null;
    }
}
