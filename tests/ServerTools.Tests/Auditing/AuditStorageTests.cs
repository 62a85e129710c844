using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>How the trail is stored by default: one row per log, with its lines in a <c>jsonb</c> column, written as EF reads it back.</summary>
public sealed class AuditStorageTests(AuditTrailTests.Database database) : IClassFixture<AuditTrailTests.Database>
{
    [Theory]
    [InlineData("quote \" and backslash \\ and slash /")]
    [InlineData("line\nbreak\r\ttab and \u0001 control")]
    [InlineData("<script>alert('x')</script> & more")]
    [InlineData("ünïcödé, 漢字 and 🙂 outside the BMP")]
    [InlineData("")]
    public async Task Text_that_json_escapes_round_trips_exactly(string text)
    {
        await using var context = database.Create();
        var account = new Account { Name = "json-" + Guid.NewGuid().ToString("N"), Iban = "x" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();
        var created = account.Name;
        account.Name = text + "|" + created;
        await context.SaveChangesAsync();

        await using var check = database.Create();
        var update = (await check.AuditTrail(account).ToListAsync()).Last();
        Assert.Equal([("Name", created, text + "|" + created)], Lines(update));
        var found = await check.Set<AuditLog>().Where(l => l.Lines.Any(line => line.NewValue == text + "|" + created)).ToListAsync();
        Assert.Equal(update.Id, Assert.Single(found).Id);
    }

    [Fact]
    public async Task Each_log_is_one_row_with_its_lines_as_a_json_array_in_field_order()
    {
        await using var context = database.Create();
        var account = new Account { Name = "row-1", Balance = 3m, Iban = "FR76" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT count(*), min("Lines"::text), min(pg_typeof("Lines")::text) FROM servertools_audit_log WHERE "EntityKey" = $1 AND "EntityType" = $2""", connection)
        {
            Parameters = { new() { Value = account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, new() { Value = typeof(Account).FullName } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.Equal(1L, reader.GetInt64(0));
        // json, stored as written: no spaces, and a null value (every old value of a create) left out.
        Assert.StartsWith(
            $$"""[{"Field":"Id","NewValue":"{{account.Id}}"},{"Field":"Name","NewValue":"row-1"},""",
            reader.GetString(1),
            StringComparison.Ordinal);
        Assert.Equal("json", reader.GetString(2));
        await reader.CloseAsync();
        await using var tables = new NpgsqlCommand("SELECT string_agg(tablename, ',') FROM pg_tables WHERE tablename LIKE 'servertools_audit%'", connection);
        Assert.Equal("servertools_audit_log", await tables.ExecuteScalarAsync());
    }

    /// <summary>
    /// The documented way to search the trail in SQL (auditing.md, "Reading the trail"): <c>FromSql</c>, which loads the logs
    /// with their lines. EF Core 10.0.0 failed to compile it (a <see cref="NullReferenceException"/>, dotnet/efcore#37222);
    /// ServerTools requires a version with the fix.
    /// </summary>
    [Fact]
    public async Task Logs_found_by_raw_sql_load_with_their_lines()
    {
        await using var context = database.Create();
        var name = "raw-" + Guid.NewGuid().ToString("N");
        var account = new Account { Name = name, Iban = "x" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();
        account.Iban = "y";
        await context.SaveChangesAsync();

        await using var check = database.Create();
        var contains = $$"""[{"Field":"Name","NewValue":"{{name}}"}]""";
        var found = await check.Set<AuditLog>()
            .FromSql($"""SELECT * FROM servertools_audit_log WHERE "Lines"::jsonb @> {contains}::jsonb""")
            .OrderBy(l => l.Timestamp)
            .ToListAsync();

        var created = Assert.Single(found);
        Assert.Equal(AuditOperation.Create, created.Operation);
        Assert.Contains(("Name", (string?)null, (string?)name), Lines(created));
    }
}
