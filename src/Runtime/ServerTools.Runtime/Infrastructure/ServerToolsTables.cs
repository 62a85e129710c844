using System;
using System.Collections.Concurrent;
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
    private const string RelationMissing = "relation \"";
    private const string RelationMissingEnd = "\" does not exist";

    /// <summary>
    /// ServerTools' tables of the models built in this process, by context type, as PostgreSQL names them in its errors
    /// (<c>servertools_outbox</c>, <c>rules.definitions</c>), for <see cref="ExplainQuery"/> and <see cref="ExplainNonQuery"/>.
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Table), byte> s_tables = new();

    /// <summary>The types of ServerTools' own tables.</summary>
    private static readonly Type[] s_rowTypes = [typeof(AuditLog), typeof(OutboxMessage), typeof(ExceptionRuleDefinition), typeof(StoredRuleViolation)];

    /// <summary>Keeps the tables of ServerTools' rows that <paramref name="model"/>, of <paramref name="contextType"/>, maps, for <see cref="ExplainQuery"/> and <see cref="ExplainNonQuery"/>.</summary>
    public static void Remember(Type contextType, IReadOnlyModel model)
    {
        foreach (var rowType in s_rowTypes)
        {
            if (model.FindEntityType(rowType) is { } type && type.GetTableName() is { } name)
            {
                s_tables.TryAdd((contextType, type.GetSchema() is { } schema ? $"{schema}.{name}" : name), 0);
            }
        }
    }

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/> when a query of a <paramref name="contextType"/> failed
    /// because the database lacks one of ServerTools' tables (42P01 naming a table that <see cref="Remember"/> kept for
    /// that context type): the same explanation as for ServerTools' own statements. Null for any other error, also a
    /// missing table of the application's.
    /// </summary>
    public static InvalidOperationException? ExplainQuery(Exception exception, Type contextType)
        => ExplainMissing(exception, contextType, "a query", "The query could not read it.");

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/> when an <c>ExecuteUpdate</c> or <c>ExecuteDelete</c> of a
    /// <paramref name="contextType"/> failed because the database lacks one of ServerTools' tables: as <see cref="ExplainQuery"/>.
    /// Null for any other error. When ServerTools ran the statement itself (a purge, a redelivery), it explains the error
    /// again with what its operation did (see <see cref="PostgresError"/>).
    /// </summary>
    public static InvalidOperationException? ExplainNonQuery(Exception exception, Type contextType)
        => ExplainMissing(exception, contextType, "an ExecuteUpdate or ExecuteDelete", "It changed no row.");

    /// <summary>
    /// <see cref="Explain"/> of <paramref name="exception"/> when it is PostgreSQL's 42P01 naming a table that <see cref="Remember"/>
    /// kept for <paramref name="contextType"/>, for <paramref name="statement"/> of the application's; null otherwise.
    /// </summary>
    private static InvalidOperationException? ExplainMissing(Exception exception, Type contextType, string statement, string consequence)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } error
            && error.MessageText.StartsWith(RelationMissing, StringComparison.Ordinal)
            && error.MessageText.EndsWith(RelationMissingEnd, StringComparison.Ordinal)
            && error.MessageText.Length > RelationMissing.Length + RelationMissingEnd.Length)
        {
            var table = error.MessageText[RelationMissing.Length..^RelationMissingEnd.Length];
            return s_tables.ContainsKey((contextType, table)) ? Explain(error, table, consequence, statement) : null;
        }

        return null;
    }

    /// <summary>
    /// PostgreSQL's error in <paramref name="exception"/>: itself, or the one a query's or a bulk statement's explained error
    /// holds (<see cref="ExplainQuery(Exception, Type)"/>, <see cref="ExplainNonQuery(Exception, Type)"/>, raised as EF Core reports the
    /// failed query or command, before a statement of ServerTools' own can explain it better). Null for any other exception.
    /// </summary>
    public static PostgresException? PostgresError(Exception exception) => exception switch
    {
        PostgresException error => error,
        InvalidOperationException { InnerException: PostgresException error } => error,
        _ => null,
    };

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
    /// <param name="statement">What PostgreSQL refused: ServerTools' statement, or one of the application's (<c>a query</c>).</param>
    public static InvalidOperationException? Explain(PostgresException error, string table, string consequence, string statement = "ServerTools' statement")
    {
        var (missing, migration) = error.SqlState switch
        {
            PostgresErrorCodes.UndefinedTable => ($"The database has no table {table} visible to this connection (its role and search_path), which UseServerTools() maps in the model", "AddServerTools"),
            PostgresErrorCodes.InvalidSchemaName => ($"The database has no schema of the table {table}, which UseServerTools() maps in the model", "AddServerTools"),
            PostgresErrorCodes.UndefinedColumn => ($"The database's table {table} lacks a column that UseServerTools() maps in the model ({error.MessageText})", "UpdateServerTools"),
            _ => (null, null),
        };

        // PostgreSQL reports a table in a schema the role may not use (no USAGE, or not in its search_path) as missing: creating
        // the tables again as that role would give it a second, empty set beside the real one.
        var hidden = error.SqlState == PostgresErrorCodes.UndefinedTable
            ? "If the table does exist (made by another role, or in another schema), this connection's role cannot see it: grant the role "
              + "USAGE on the table's schema and the privileges it needs on the table, or set its search_path (Search Path in the connection "
              + "string, or ALTER ROLE ... SET search_path), rather than creating the tables again. "
            : "";
        return missing is null
            ? null
            : new InvalidOperationException(
                $"{missing}: PostgreSQL refused {statement} on it. {consequence} The database was made without it (by a context "
                + "without UseServerTools(), before UseServerTools() was added, or with an older version of ServerTools), or the migration that "
                + $"creates it is missing or not applied. Add a migration (dotnet ef migrations add {migration}) and apply it (dotnet ef database "
                + $"update). {hidden}Only for a database the application creates itself, and has not yet, create it with EnsureCreated() from a "
                + "context with UseServerTools().",
                error);
    }
}
