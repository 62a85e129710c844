using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace ServerTools.Infrastructure;

/// <summary>
/// The rows of ServerTools' own tables (audit logs, outbox messages, rule definitions and violations), which
/// <c>UseServerTools()</c> adds to a context's model: when the model lacks one, what to check, rather than EF Core's
/// "Cannot create a DbSet" that names neither; and when the database lacks one, or a column ServerTools maps on it, what to
/// do, rather than PostgreSQL's "relation does not exist" or "column does not exist".
/// </summary>
internal static class ServerToolsTables
{
    private const string RelationMissing = "relation \"";
    private const string RelationMissingEnd = "\" does not exist";

    /// <summary>What <see cref="RaisingFunction"/> answers for a function PostgreSQL's context does not name in English.</summary>
    private const string Unnamed = "(unnamed)";

    /// <summary>
    /// ServerTools' tables of the models built in this process, by context type, as PostgreSQL names them in its errors
    /// (<c>servertools_outbox</c>, <c>rules.definitions</c>), for <see cref="ExplainQuery"/> and <see cref="ExplainNonQuery"/>.
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Table), byte> s_tables = new();

    /// <summary>The types of ServerTools' own tables, with the feature each serves, for messages.</summary>
    private static readonly (Type Row, string Feature)[] s_rowTypes =
    [
        (typeof(AuditLog), "the audit trail of [Audited] entities (AuditLog)"),
        (typeof(OutboxMessage), "the outbox of [Tracked] entities' changes (OutboxMessage)"),
        (typeof(ExceptionRuleDefinition), "the rule engine's data rules (ExceptionRuleDefinition)"),
        (typeof(StoredRuleViolation), "the rule engine's stored violations (StoredRuleViolation)"),
    ];

    /// <summary>
    /// The columns ServerTools maps on its tables in the models built in this process, by context type and column (as the
    /// finished model names them), for <see cref="ExplainColumn"/>: a column may be on several of them (<c>EntityKey</c>).
    /// </summary>
    private static readonly ConcurrentDictionary<(Type Context, string Column), ConcurrentDictionary<OwnTable, bool>> s_columns = new();

    /// <summary>A line of PostgreSQL's context of an error that names a function: <c>PL/pgSQL function f() line 3 at PERFORM</c>, <c>SQL function "f" statement 1</c>.</summary>
    private static readonly Regex s_functionContext = new(
        @"^(?:PL/\S+|SQL) function (?<function>.+?)(?: at .*)?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>
    /// Keeps the tables of ServerTools' rows that <paramref name="model"/>, of <paramref name="contextType"/>, maps, and the
    /// columns it maps on them, for <see cref="ExplainQuery"/>, <see cref="ExplainNonQuery"/> and <see cref="ExplainSave"/>.
    /// </summary>
    public static void Remember(Type contextType, IReadOnlyModel model)
    {
        var columns = new List<string>();
        foreach (var (rowType, feature) in s_rowTypes)
        {
            if (model.FindEntityType(rowType) is { } type && type.GetTableName() is { } name)
            {
                var table = StoreObjectIdentifier.Table(name, type.GetSchema());
                s_tables.TryAdd((contextType, type.GetSchema() is { } schema ? $"{schema}.{name}" : name), 0);
                var own = new OwnTable(name, UndefinedColumns.Reference(name, type.GetSchema()), table.DisplayName(), feature);
                foreach (var column in UndefinedColumns.MappedColumns(type, table))
                {
                    s_columns.GetOrAdd((contextType, column), static _ => new()).TryAdd(own, true);
                    columns.Add(column);
                }
            }
        }

        UndefinedColumns.Remember(contextType, model, columns);
    }

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/> when a query of a <paramref name="contextType"/> failed
    /// because the database lacks one of ServerTools' tables (42P01 naming a table that <see cref="Remember"/> kept for
    /// that context type): the same explanation as for ServerTools' own statements. Null for any other error, also a
    /// missing table of the application's.
    /// </summary>
    public static InvalidOperationException? ExplainQuery(Exception exception, Type contextType)
        => ExplainMissing(exception, contextType, "a query", "The query could not read it.")
            ?? (exception is PostgresException error && UndefinedColumns.FailedCommand(error) is { } sql
                ? ExplainColumn(error, contextType, sql, "PostgreSQL refused a query of it.")
                : null);

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/> when an <c>ExecuteUpdate</c> or <c>ExecuteDelete</c> of a
    /// <paramref name="contextType"/> failed because the database lacks one of ServerTools' tables: as <see cref="ExplainQuery"/>.
    /// Also when <paramref name="sql"/>, its command, failed on a column ServerTools maps on one of its tables that the
    /// database's table lacks (see <see cref="ExplainColumn"/>). Null for any other error. When ServerTools ran the statement
    /// itself (a purge, a redelivery), it explains the error again with what its operation did (see <see cref="PostgresError"/>).
    /// </summary>
    public static InvalidOperationException? ExplainNonQuery(Exception exception, Type contextType, string sql)
        => ExplainMissing(exception, contextType, "an ExecuteUpdate or ExecuteDelete", "It changed no row.")
            ?? (exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedColumn } error
                ? ExplainColumn(error, contextType, sql, "PostgreSQL refused an ExecuteUpdate or ExecuteDelete of it, which changed no row.")
                : null);

    /// <summary>
    /// The error to raise instead of <paramref name="exception"/>, a save's of a <paramref name="contextType"/>, when its
    /// statement (one of EF Core's, writing rows of ServerTools' tables the application added or changed, such as data
    /// rules) failed on a column ServerTools maps on one of its tables that the database's table lacks (see
    /// <see cref="ExplainColumn"/>): a <see cref="DbUpdateException"/> like EF Core's, with the same message and entries,
    /// whose inner exception is the explanation (which holds PostgreSQL's error). Null for any other error.
    /// </summary>
    public static DbUpdateException? ExplainSave(Exception exception, Type contextType)
        => exception is DbUpdateException { InnerException: PostgresException error } update and not DbUpdateConcurrencyException
            && UndefinedColumns.FailedCommand(error) is { } sql
            && ExplainColumn(error, contextType, sql, "PostgreSQL refused the save's statement on it, and the save failed.") is { } explained
                ? new DbUpdateException(update.Message, explained, update.Entries)
                : null;

    /// <summary>
    /// The explanation of <paramref name="error"/>, PostgreSQL's 42703 for <paramref name="sql"/>, a command of the
    /// application's through a <paramref name="contextType"/> (<paramref name="refused"/> says which, a sentence), when it
    /// provably names a column ServerTools maps on one of its tables that the statement reads or writes (see
    /// <see cref="UndefinedColumns.Proves"/>): the table was made by an older version of ServerTools, or by hand. Null
    /// otherwise, also for a column ServerTools does not map or one a function of the statement's lacked (a trigger's, see
    /// <see cref="RaisingFunction"/>: the statement's text proves nothing of it), and the application keeps PostgreSQL's error. The message
    /// holds the names of the table and the column, and no value of a row.
    /// </summary>
    private static InvalidOperationException? ExplainColumn(PostgresException error, Type contextType, string sql, string refused)
    {
        if (error.SqlState != PostgresErrorCodes.UndefinedColumn
            || UndefinedColumns.OfStatement(error) is not (var column, var relation, var alias)
            || !s_columns.TryGetValue((contextType, column), out var candidates)
            || candidates.Keys.Where(candidate => UndefinedColumns.Proves(sql, contextType, column, relation, alias, candidate.Name, candidate.Reference)).ToArray()
                is not [var table])
        {
            return null;
        }

        return new InvalidOperationException(
            $"The database's table {table.Display} has no column {column}, which UseServerTools() maps for {table.Feature}: {refused} The table was made "
            + "by an older version of ServerTools that did not have the column (or by hand), and the migration that adds it is missing or not applied. "
            + "Add a migration (dotnet ef migrations add UpdateServerTools) and apply it (dotnet ef database update).",
            error);
    }

    /// <summary>
    /// <see cref="Explain"/> of <paramref name="exception"/> when it is PostgreSQL's 42P01 naming a table that <see cref="Remember"/>
    /// kept for <paramref name="contextType"/>, for <paramref name="statement"/> of the application's; null otherwise.
    /// </summary>
    private static InvalidOperationException? ExplainMissing(Exception exception, Type contextType, string statement, string consequence)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.UndefinedTable } error
            && RaisingFunction(error) is null
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
    /// holds (<see cref="ExplainQuery(Exception, Type)"/>, <see cref="ExplainNonQuery(Exception, Type, string)"/>, raised as EF Core reports the
    /// failed query or command, before a statement of ServerTools' own can explain it better). Null for any other exception.
    /// </summary>
    public static PostgresException? PostgresError(Exception exception) => exception switch
    {
        PostgresException error => error,
        InvalidOperationException { InnerException: PostgresException error } => error,
        _ => null,
    };

    /// <summary>
    /// The function in which PostgreSQL raised <paramref name="error"/> when a statement's function raised it rather than
    /// the statement itself (a trigger's function, or one the statement calls), as PostgreSQL's context of the error names
    /// the innermost one (<c>outbox_copy() line 3</c> of <c>PL/pgSQL function outbox_copy() line 3 at PERFORM</c>,
    /// <c>"total" statement 1</c> of <c>SQL function "total" statement 1</c>), or
    /// <c>(unnamed)</c> when the context names none in English yet shows a function raised it: PostgreSQL gives the
    /// function's query (<see cref="PostgresException.InternalQuery"/>), or, for a missing table, schema or column (which a
    /// statement's own parse raises without a context), any context at all, as a server whose messages are in another
    /// language (<c>lc_messages</c>) words it. Null when the statement raised it, and for a simple SQL function that
    /// PostgreSQL inlined into the statement (a policy's or a constraint's), which leaves no context. A missing table or
    /// column in a function is the function's, whatever table its statement was on; the text holds names and line
    /// numbers, no value.
    /// </summary>
    public static string? RaisingFunction(PostgresException error)
    {
        foreach (var line in (error.Where ?? "").Split('\n'))
        {
            if (s_functionContext.Match(line) is { Success: true } function)
            {
                return LogText.Printable(function.Groups["function"].Value);
            }
        }

        // PostgreSQL gives a statement's own missing table, schema or column no context; one raised in a function has the
        // function's, in the server's language (lc_messages), which the pattern above reads only in English.
        return error.InternalQuery is not null
            || (!string.IsNullOrEmpty(error.Where) && error.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidSchemaName or PostgresErrorCodes.UndefinedColumn)
                ? Unnamed
                : null;
    }

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

    /// <summary>One of ServerTools' tables in a model.</summary>
    /// <param name="Name">The table's name.</param>
    /// <param name="Reference">How a statement names it, as <see cref="UndefinedColumns.Reference(string, string?)"/> writes it.</param>
    /// <param name="Display">Its name for messages, with its schema.</param>
    /// <param name="Feature">The feature of ServerTools it serves, for messages.</param>
    private sealed record OwnTable(string Name, string Reference, string Display, string Feature);
}
