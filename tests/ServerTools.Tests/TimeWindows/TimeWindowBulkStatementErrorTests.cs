using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// <c>ExecuteUpdate</c> and <c>ExecuteDelete</c> (which EF Core reports through another event than a query's) on a table of
/// a <c>[TimeWindowed]</c> entity made before the class was marked: the same explanation as a query's, with PostgreSQL's
/// error inside; a missing column that is not provably one of ServerTools' keeps PostgreSQL's error.
/// </summary>
public sealed class TimeWindowBulkStatementErrorTests(
    TimeWindowBulkStatementErrorTests.Database database,
    TimeWindowBulkStatementErrorTests.CalendarDatabase calendars,
    TimeWindowBulkStatementErrorTests.TriggerDatabase triggers)
    : IClassFixture<TimeWindowBulkStatementErrorTests.Database>,
    IClassFixture<TimeWindowBulkStatementErrorTests.CalendarDatabase>,
    IClassFixture<TimeWindowBulkStatementErrorTests.TriggerDatabase>
{
    private static readonly string[] s_columns = ["TimeWindows", "SpecialDays", "TimeWindowsWeekly", "TimeWindowsSpecialDates", "TimeWindowsSpecialHours"];

    [Fact]
    public async Task ExecuteUpdate_and_ExecuteDelete_of_a_table_made_before_TimeWindowed_name_the_table_the_column_and_the_migration()
    {
        await using (var owner = database.Create())
        {
            // The Stores table as it was before Store was marked [TimeWindowed], with a row.
            await owner.Database.ExecuteSqlRawAsync(
                """ALTER TABLE "Stores" DROP COLUMN "TimeWindows", DROP COLUMN "SpecialDays", DROP COLUMN "TimeWindowsWeekly", DROP COLUMN "TimeWindowsSpecialDates", DROP COLUMN "TimeWindowsSpecialHours" """);
            await owner.Database.ExecuteSqlRawAsync("""INSERT INTO "Stores" ("Name", "TimeZoneId") VALUES ('Old store', 'UTC')""");
        }

        await using var context = database.Create();
        var connection = context.Database.GetDbConnection();
        var now = DateTimeOffset.UtcNow;
        const string secret = "Name of a person 4711";

        var delete = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.WhereOpenAt(now).ExecuteDeleteAsync());
        Assert.Equal(ConnectionState.Closed, connection.State);
        var synchronousDelete = Assert.Throws<InvalidOperationException>(() => context.Stores.WhereOpenAt(now).ExecuteDelete());
        Assert.Equal(ConnectionState.Closed, connection.State);
        var update = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Stores.WhereOpenAt(now).Where(s => s.Name != secret).ExecuteUpdateAsync(setters => setters.SetProperty(s => s.Name, secret)));
        var synchronousUpdate = Assert.Throws<InvalidOperationException>(
            () => context.Stores.WhereOpenAt(now).ExecuteUpdate(setters => setters.SetProperty(s => s.Name, secret)));
        Assert.Equal(ConnectionState.Closed, connection.State);

        foreach (var explained in new[] { delete, synchronousDelete, update, synchronousUpdate })
        {
            Assert.StartsWith("The database's table Stores (of [TimeWindowed] Store) has no column ", explained.Message, StringComparison.Ordinal);
            Assert.Contains(s_columns, column => explained.Message.Contains($"has no column {column},", StringComparison.Ordinal));
            Assert.Contains("PostgreSQL refused an ExecuteUpdate or ExecuteDelete of it, which changed no row.", explained.Message, StringComparison.Ordinal);
            Assert.Contains("Add a migration (dotnet ef migrations add AddStoreTimeWindows) and apply it (dotnet ef database update)", explained.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, explained.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Old store", explained.Message, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(explained.InnerException).SqlState);
        }

        // EF Core logs the failed command before ServerTools' interceptor throws; an interceptor added with AddInterceptors,
        // which EF Core calls after ServerTools', does not get CommandFailed for it.
        var logged = new List<string>();
        var interceptor = new FailedCommands();
        await using (var logging = new TimeWindowContext(new DbContextOptionsBuilder<TimeWindowContext>()
            .UseNpgsql(database.ConnectionString)
            .UseServerTools()
            .AddInterceptors(interceptor)
            .LogTo(logged.Add, [RelationalEventId.CommandError])
            .Options))
        {
            _ = await Assert.ThrowsAsync<InvalidOperationException>(() => logging.Stores.WhereOpenAt(now).ExecuteDeleteAsync());
        }

        Assert.Single(logged);
        Assert.Equal(0, interceptor.Failed);

        // A statement that needs none of the missing columns runs as before, and changed only what it was asked to.
        Assert.Equal(1, await context.Stores.Where(s => s.Name == "Old store").ExecuteUpdateAsync(setters => setters.SetProperty(s => s.Name, "Renamed")));
        Assert.Equal(1, await context.Stores.ExecuteDeleteAsync());
    }

    [Fact]
    public async Task A_missing_column_of_the_applications_own_in_ExecuteUpdate_or_ExecuteDelete_keeps_PostgreSQLs_error()
    {
        await using (var owner = database.Create())
        {
            // Venues (Venue and Stage, one table, time-windowed) lacks the column of Stage's own property.
            await owner.Database.ExecuteSqlRawAsync("""ALTER TABLE "Venues" DROP COLUMN "Act" """);
        }

        await using var context = database.Create();
        var update = await Assert.ThrowsAsync<PostgresException>(() => context.Stages.ExecuteUpdateAsync(setters => setters.SetProperty(s => s.Act, "Act")));
        var delete = Assert.Throws<PostgresException>(() => context.Stages.Where(s => s.Act == "Act").ExecuteDelete());

        Assert.Equal(PostgresErrorCodes.UndefinedColumn, update.SqlState);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, delete.SqlState);
    }

    [Fact]
    public async Task A_missing_column_named_like_ServerTools_ones_on_an_applications_own_table_in_ExecuteUpdate_or_ExecuteDelete_keeps_PostgreSQLs_error()
    {
        await using (var owner = calendars.Create())
        {
            await owner.Database.ExecuteSqlRawAsync("""ALTER TABLE "Calendars" DROP COLUMN IF EXISTS "SpecialDays" """);
        }

        await using var context = calendars.Create();

        // column "SpecialDays" of relation "Calendars".
        var update = await Assert.ThrowsAsync<PostgresException>(
            () => context.Calendars.ExecuteUpdateAsync(setters => setters.SetProperty(c => c.SpecialDays, "25.12.")));

        // column c.SpecialDays: a statement on Stores (which has its columns) whose filter reads the calendars' column.
        var delete = await Assert.ThrowsAsync<PostgresException>(
            () => context.Stores.Where(s => context.Calendars.Any(c => c.SpecialDays == s.Name)).ExecuteDeleteAsync());
        var storesUpdate = Assert.Throws<PostgresException>(
            () => context.Stores.Where(s => context.Calendars.Any(c => c.SpecialDays == s.Name)).ExecuteUpdate(setters => setters.SetProperty(s => s.Name, "x")));

        foreach (var error in new[] { update, delete, storesUpdate })
        {
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, error.SqlState);
            Assert.Contains("SpecialDays", error.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ExecuteUpdate_and_ExecuteDelete_with_WhereOpenAt_over_a_zone_PostgreSQL_does_not_know_name_the_table_and_change_no_row()
    {
        const string secret = "Store of a person 4712";
        int id;
        await using (var setup = calendars.Create())
        {
            var store = new Store { Name = secret, TimeZoneId = "Europe/Paris" };
            setup.Stores.Add(store);
            await setup.SaveChangesAsync();
            id = store.Id;
            await setup.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeZoneId\" = 'Mars/Olympus' WHERE \"Id\" = {id}");
        }

        try
        {
            await using var context = calendars.Create();
            var instant = new DateTimeOffset(2026, 6, 1, 8, 30, 0, TimeSpan.Zero);
            var errors = new[]
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.WhereOpenAt(instant).ExecuteDeleteAsync()),
                Assert.Throws<InvalidOperationException>(() => context.Stores.WhereOpenAt(instant).ExecuteUpdate(setters => setters.SetProperty(s => s.Name, "Open"))),
            };

            foreach (var error in errors)
            {
                Assert.StartsWith(
                    "A row of the database's table Stores (of [TimeWindowed] Store) holds in its column TimeZoneId a time zone id that PostgreSQL does not know (time zone \"Mars/Olympus\" not recognized)",
                    error.Message,
                    StringComparison.Ordinal);
                Assert.Contains("so the ExecuteUpdate or ExecuteDelete failed and changed no row.", error.Message, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, error.Message, StringComparison.Ordinal);
                Assert.Equal(PostgresErrorCodes.InvalidParameterValue, Assert.IsType<PostgresException>(error.InnerException).SqlState);
            }

            Assert.Equal(secret, (await context.Stores.SingleAsync(s => s.Id == id)).Name);

            // A conversion of the application's own in a bulk statement keeps PostgreSQL's error.
            var own = await Assert.ThrowsAsync<PostgresException>(
                () => context.Stores.FromSqlRaw("""SELECT * FROM "Stores" WHERE timezone("TimeZoneId", now()) IS NOT NULL""").ExecuteDeleteAsync());
            Assert.Equal(PostgresErrorCodes.InvalidParameterValue, own.SqlState);
        }
        finally
        {
            await using var cleanup = calendars.Create();
            await cleanup.Stores.Where(s => s.Id == id).ExecuteDeleteAsync();
        }
    }

    [Fact]
    public async Task A_missing_column_or_unknown_zone_raised_in_a_trigger_on_a_time_windowed_table_keeps_PostgreSQLs_error()
    {
        await using (var owner = triggers.Create())
        {
            // An application's trigger on Stores whose function reads a column its own table lacks (named like one of
            // ServerTools' columns), or converts to a zone PostgreSQL does not know: the statement on Stores is not at fault.
            await owner.Database.ExecuteSqlRawAsync(
                """
                CREATE TABLE store_history (id int);
                CREATE FUNCTION store_history_copy() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                  IF NEW."Name" = 'zone' THEN
                    PERFORM timezone('Mars/Olympus', now());
                  ELSE
                    PERFORM "SpecialDays" FROM store_history;
                  END IF;
                  RETURN NEW;
                END $$;
                CREATE TRIGGER store_history_copy BEFORE UPDATE ON "Stores" FOR EACH ROW EXECUTE FUNCTION store_history_copy();
                """);
            var store = new Store { Name = "Open store", TimeZoneId = "Europe/Paris" };
            foreach (var day in Enum.GetValues<DayOfWeek>())
            {
                store.TimeWindows.Add(new TimeWindow(day, new TimeOnly(0, 0), new TimeOnly(12, 0)));
                store.TimeWindows.Add(new TimeWindow(day, new TimeOnly(12, 0), new TimeOnly(0, 0)));
            }

            owner.Stores.Add(store);
            await owner.SaveChangesAsync();
        }

        await using var context = triggers.Create();
        var bulk = await Assert.ThrowsAsync<PostgresException>(() => context.Stores.ExecuteUpdateAsync(setters => setters.SetProperty(s => s.Name, "Renamed")));
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, bulk.SqlState);

        var loaded = await context.Stores.SingleAsync();
        loaded.Name = "Renamed";
        var save = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(save.InnerException).SqlState);

        // WhereOpenAt converts with the table's zone, yet the unknown zone is the trigger's.
        var zone = await Assert.ThrowsAsync<PostgresException>(
            () => context.Stores.WhereOpenAt(DateTimeOffset.UtcNow).ExecuteUpdateAsync(setters => setters.SetProperty(s => s.Name, "zone")));
        Assert.Equal(PostgresErrorCodes.InvalidParameterValue, zone.SqlState);
        Assert.Contains("store_history_copy", zone.Where, StringComparison.Ordinal);
    }

    /// <summary>Counts the failed commands EF Core reports to it.</summary>
    private sealed class FailedCommands : DbCommandInterceptor
    {
        public int Failed { get; private set; }

        public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Failed++;

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            Failed++;
            return Task.CompletedTask;
        }
    }

    /// <summary>A database of its own, whose tables the tests change.</summary>
    public sealed class Database() : SchemaFixture<TimeWindowContext>(options => new(options));

    /// <summary>A database with a table of the application's own that has a column named like one of ServerTools'.</summary>
    public sealed class CalendarDatabase() : SchemaFixture<TimeWindowSetupErrorTests.CalendarContext>(options => new(options));

    /// <summary>A database whose Stores table gets a trigger of the application's own.</summary>
    public sealed class TriggerDatabase() : SchemaFixture<TimeWindowContext>(options => new(options));
}
