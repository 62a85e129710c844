using System;
using System.Data;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// A database whose ServerTools table exists but lacks a column that this version of ServerTools maps on it (an upgrade of
/// ServerTools that added the column, its migration missing or not applied; a table made by hand): the application's own
/// queries, saves, <c>ExecuteUpdate</c> and <c>ExecuteDelete</c> of it are explained as a missing table is, with PostgreSQL's
/// <c>42703</c> inside; a missing column that is not provably ServerTools' keeps PostgreSQL's error.
/// </summary>
public sealed class ServerToolsColumnErrorTests(SetupErrorDatabases databases) : IClassFixture<SetupErrorDatabases>
{
    private const string Secret = "Name of a person 4711";

    [Fact]
    public async Task A_query_of_the_outbox_without_its_Sequence_column_names_the_table_the_column_and_tracking_and_says_to_add_a_migration()
    {
        await using var renamed = await RenamedAsync("servertools_outbox", "Sequence");
        await using var context = SetupErrorDatabases.WithServerTools(databases.Full);

        var list = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Set<OutboxMessage>().Where(m => m.EntityKey != Secret).ToListAsync());
        var count = Assert.Throws<InvalidOperationException>(() => context.Set<OutboxMessage>().OrderBy(m => m.Sequence).Select(m => m.Id).ToList());

        foreach (var explained in new[] { list, count })
        {
            Assert.StartsWith(
                "The database's table servertools_outbox has no column Sequence, which UseServerTools() maps for the outbox of [Tracked] entities' changes (OutboxMessage): PostgreSQL refused a query of it.",
                explained.Message,
                StringComparison.Ordinal);
            AssertExplained(explained);
        }

        Assert.Equal(ConnectionState.Closed, context.Database.GetDbConnection().State);
    }

    [Fact]
    public async Task A_query_of_the_audit_log_without_a_column_names_the_table_the_column_and_auditing()
    {
        await using var renamed = await RenamedAsync("servertools_audit_log", "TraceId");
        await using var context = SetupErrorDatabases.WithServerTools(databases.Full);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Set<AuditLog>().Where(l => l.EntityKey == Secret).ToListAsync());

        Assert.StartsWith(
            "The database's table servertools_audit_log has no column TraceId, which UseServerTools() maps for the audit trail of [Audited] entities (AuditLog): PostgreSQL refused a query of it.",
            error.Message,
            StringComparison.Ordinal);
        AssertExplained(error);
    }

    [Fact]
    public async Task ExecuteUpdate_and_ExecuteDelete_of_the_stored_violations_without_a_column_name_it_and_change_no_row()
    {
        await using var renamed = await RenamedAsync("servertools_rule_violations", "IgnoredByUserName");
        await using var context = SetupErrorDatabases.WithServerTools(databases.Full);
        var connection = context.Database.GetDbConnection();

        var update = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Set<StoredRuleViolation>().ExecuteUpdateAsync(setters => setters.SetProperty(v => v.IgnoredByUserName, Secret)));
        Assert.Equal(ConnectionState.Closed, connection.State);
        var delete = Assert.Throws<InvalidOperationException>(
            () => context.Set<StoredRuleViolation>().Where(v => v.IgnoredByUserName == Secret).ExecuteDelete());
        Assert.Equal(ConnectionState.Closed, connection.State);

        foreach (var explained in new[] { update, delete })
        {
            Assert.StartsWith(
                "The database's table servertools_rule_violations has no column IgnoredByUserName, which UseServerTools() maps for the rule engine's stored violations (StoredRuleViolation): "
                + "PostgreSQL refused an ExecuteUpdate or ExecuteDelete of it, which changed no row.",
                explained.Message,
                StringComparison.Ordinal);
            AssertExplained(explained);
        }
    }

    [Fact]
    public async Task A_save_of_a_data_rule_into_a_definitions_table_without_a_column_names_it_and_stores_nothing()
    {
        await using var renamed = await RenamedAsync("servertools_rule_definitions", "Description");
        await using var context = SetupErrorDatabases.WithServerTools(databases.Full);
        context.Add(new ExceptionRuleDefinition { Id = "columns.number", EntityType = nameof(Receipt), Expression = "receipt.Number == \"\"", Message = "m", Description = Secret });

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        var explained = Assert.IsType<InvalidOperationException>(error.InnerException);
        Assert.StartsWith(
            "The database's table servertools_rule_definitions has no column Description, which UseServerTools() maps for the rule engine's data rules (ExceptionRuleDefinition): PostgreSQL refused the save's statement on it, and the save failed.",
            explained.Message,
            StringComparison.Ordinal);
        AssertExplained(explained);
        Assert.DoesNotContain(Secret, error.Message, StringComparison.Ordinal);
        await using var check = SetupErrorDatabases.Plain(databases.Full);
        Assert.Equal(0, await check.Database.SqlQueryRaw<int>("""SELECT count(*)::int AS "Value" FROM servertools_rule_definitions""").SingleAsync());
    }

    [Fact]
    public async Task A_missing_column_of_the_applications_own_or_one_ServerTools_does_not_map_keeps_PostgreSQLs_error()
    {
        await using var renamed = await RenamedAsync("\"Receipts\"", "Number");
        await using var context = SetupErrorDatabases.WithServerTools(databases.Full);

        // The application's own table, in a query, an ExecuteUpdate and a save.
        var query = await Assert.ThrowsAsync<PostgresException>(() => context.Receipts.Where(r => r.Number == Secret).ToListAsync());
#pragma warning disable ST1001 // The statement fails: it changes no row, so there is nothing to audit.
        var update = Assert.Throws<PostgresException>(() => context.Receipts.ExecuteUpdate(setters => setters.SetProperty(r => r.Number, Secret)));
#pragma warning restore ST1001
        context.Receipts.Add(new Receipt { Number = Secret });
        var save = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        context.ChangeTracker.Clear();

        // A column of the application's named like one of ServerTools' (an alias, or the only table read, is the application's),
        // beside a ServerTools table; and a column ServerTools does not map on its own table.
        var aliased = await Assert.ThrowsAsync<PostgresException>(() => context.Database.SqlQueryRaw<int>(
            """SELECT r."Id" AS "Value" FROM "Receipts" AS r JOIN servertools_audit_log AS a ON a."EntityKey" = r."TraceId" """).ToListAsync());
        var unqualified = Assert.Throws<PostgresException>(() => context.Database.SqlQueryRaw<string>("""SELECT "TraceId" AS "Value" FROM "Receipts" """).ToList());
        var unmapped = await Assert.ThrowsAsync<PostgresException>(() => context.Database.SqlQueryRaw<string>("""SELECT "Payload" AS "Value" FROM servertools_outbox""").ToListAsync());

        foreach (var error in new[] { query, update, Assert.IsType<PostgresException>(save.InnerException), aliased, unqualified, unmapped })
        {
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, error.SqlState);
        }
    }

    /// <summary>What every explanation says besides its first sentence: the migration, PostgreSQL's error inside, no value of a row.</summary>
    private static void AssertExplained(InvalidOperationException explained)
    {
        Assert.Contains("Add a migration (dotnet ef migrations add UpdateServerTools) and apply it (dotnet ef database update)", explained.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, explained.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("4711", explained.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(explained.InnerException).SqlState);
    }

    /// <summary>Renames <paramref name="column"/> of <paramref name="table"/> (as an older version's table lacks it) until disposed.</summary>
    private async Task<IAsyncDisposable> RenamedAsync(string table, string column)
    {
        await using (var owner = SetupErrorDatabases.Plain(databases.Full))
        {
            // Table and column names are identifiers, not values: they cannot be parameters (these are the test's own).
            var rename = $"""ALTER TABLE {table} RENAME COLUMN "{column}" TO "Old{column}" """;
            await owner.Database.ExecuteSqlRawAsync(rename);
        }

        return new Restore(databases.Full, table, column);
    }

    private sealed class Restore(string connectionString, string table, string column) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await using var owner = SetupErrorDatabases.Plain(connectionString);
            var rename = $"""ALTER TABLE {table} RENAME COLUMN "Old{column}" TO "{column}" """;
            await owner.Database.ExecuteSqlRawAsync(rename);
        }
    }
}
