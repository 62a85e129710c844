using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace ServerTools.Infrastructure;

/// <summary>
/// The JSON column a binary COPY of ServerTools writes (the audit trail's lines, the outbox's fields): whether the
/// model maps it as <c>jsonb</c> or <c>json</c>, which take different bytes in a binary COPY, and what to say when the
/// database's column turns out to be the other type.
/// </summary>
/// <param name="Table">The table, for messages (<c>servertools_outbox</c>, <c>audit.change_log</c>).</param>
/// <param name="Column">The column's name.</param>
/// <param name="IsJsonb">Whether the model maps the column as <c>jsonb</c> (mapped so, or Npgsql's default) rather than <c>json</c>.</param>
/// <param name="Mapping">The configuration that maps the collection to this column, to show with another type.</param>
internal sealed record CopyJsonColumn(string Table, string Column, bool IsJsonb, string Mapping)
{
    /// <summary>The JSON column of <paramref name="collection"/> in <paramref name="table"/>, which <paramref name="mapping"/> configures.</summary>
    public static CopyJsonColumn Of(StoreObjectIdentifier table, IComplexType collection, string mapping) => new(
        table.DisplayName(),
        collection.GetContainerColumnName()!,
        !string.Equals(collection.GetContainerColumnType(), "json", StringComparison.OrdinalIgnoreCase),
        mapping);

    /// <summary>
    /// The error to report instead of <paramref name="error"/> when it is PostgreSQL refusing the JSON of the rows
    /// because the database's column is the other type than the model says (a database made before the model changed):
    /// <c>json</c> text read by a <c>jsonb</c> column as its binary form ("unsupported jsonb version number"), or
    /// <c>jsonb</c>'s version byte read by a <c>json</c> column as text ("invalid input syntax for type json"). Null for
    /// any other error. The JSON itself is ServerTools' own and always valid.
    /// </summary>
    public InvalidOperationException? Explain(PostgresException error)
    {
        var mismatch = IsJsonb
            ? error.SqlState == PostgresErrorCodes.InvalidTextRepresentation && error.MessageText.Contains("type json", StringComparison.Ordinal)
            : error.SqlState == PostgresErrorCodes.InternalError && error.MessageText.StartsWith("unsupported jsonb version number", StringComparison.Ordinal);
        if (!mismatch)
        {
            return null;
        }

        var (model, database) = IsJsonb ? ("jsonb", "json") : ("json", "jsonb");
        return new InvalidOperationException(
            $"The model maps column '{Column}' of {Table} as {model}, but the database's column is {database}, so PostgreSQL refused the rows " +
            "ServerTools wrote to it, and this save's transaction cannot commit. The mapping changed after the database was made (ServerTools " +
            $"maps the audit trail's lines and the outbox's fields as json by default). Add a migration, which changes the column to {model} " +
            $"(dotnet ef migrations add), or keep {database} by mapping it so in OnModelCreating: " +
            $"{Mapping.Replace("{type}", database, StringComparison.Ordinal)}.",
            error);
    }
}
