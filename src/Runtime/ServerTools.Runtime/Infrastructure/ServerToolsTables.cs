using System;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace ServerTools.Infrastructure;

/// <summary>
/// The rows of ServerTools' own tables (audit logs, outbox messages, rule definitions and violations), which
/// <c>UseServerTools()</c> adds to a context's model: when the model lacks one, what to check, rather than EF Core's
/// "Cannot create a DbSet" that names neither; and when the database lacks one, what to do, rather than PostgreSQL's
/// "relation does not exist".
/// </summary>
internal static class ServerToolsTables
{
    /// <summary>The rows of <typeparamref name="TRow"/>'s table in <paramref name="context"/>.</summary>
    /// <exception cref="InvalidOperationException">The model does not map <typeparamref name="TRow"/>.</exception>
    public static DbSet<TRow> Rows<TRow>(DbContext context)
        where TRow : class
    {
        _ = EntityType<TRow>(context.Model);
        return context.Set<TRow>();
    }

    /// <summary>The model's entity type of <typeparamref name="TRow"/>.</summary>
    /// <exception cref="InvalidOperationException">The model does not map <typeparamref name="TRow"/>.</exception>
    public static IEntityType EntityType<TRow>(IModel model)
        => model.FindEntityType(typeof(TRow)) ?? throw new InvalidOperationException(
            $"The model has no '{typeof(TRow).Name}': its table is mapped by UseServerTools(). Check that the options of this context call "
            + "UseServerTools() and that OnModelCreating does not Ignore() the type.");

    /// <summary>The table of <typeparamref name="TRow"/> as the model maps it, for messages (<c>servertools_rule_definitions</c>, <c>rules.definitions</c>).</summary>
    public static string TableOf<TRow>(IModel model)
    {
        var type = EntityType<TRow>(model);
        return type.GetTableName() is { } name ? StoreObjectIdentifier.Table(name, type.GetSchema()).DisplayName() : type.DisplayName();
    }

    /// <summary>
    /// The error to report instead of <paramref name="error"/> when it is PostgreSQL not finding <paramref name="table"/>
    /// (42P01), one of ServerTools' own, or a column of it (42703), in a statement ServerTools runs on it: the database was made
    /// without <c>UseServerTools()</c> or from an older model, or a migration is missing. Null for any other error.
    /// </summary>
    /// <param name="error">PostgreSQL's error.</param>
    /// <param name="table">The table the statement uses, as the model maps it.</param>
    /// <param name="consequence">What failed because of it, a sentence.</param>
    public static InvalidOperationException? Explain(PostgresException error, string table, string consequence)
    {
        var (missing, migration) = error.SqlState switch
        {
            PostgresErrorCodes.UndefinedTable => ($"The database has no table {table}, which UseServerTools() maps in the model", "AddServerTools"),
            PostgresErrorCodes.InvalidSchemaName => ($"The database has no schema of the table {table}, which UseServerTools() maps in the model", "AddServerTools"),
            PostgresErrorCodes.UndefinedColumn => ($"The database's table {table} lacks a column that UseServerTools() maps in the model ({error.MessageText})", "UpdateServerTools"),
            _ => (null, null),
        };
        return missing is null
            ? null
            : new InvalidOperationException(
                $"{missing}: PostgreSQL refused ServerTools' statement on it. {consequence} The database was made without it (by a context "
                + "without UseServerTools(), before UseServerTools() was added, or with an older version of ServerTools), or the migration that "
                + $"creates it is missing or not applied. Add a migration (dotnet ef migrations add {migration}) and apply it (dotnet ef database "
                + "update), or, for a database the application creates itself, create it with EnsureCreated() from a context with UseServerTools().",
                error);
    }
}
