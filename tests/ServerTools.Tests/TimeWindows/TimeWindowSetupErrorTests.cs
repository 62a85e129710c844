using System;
using System.Data;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// A database whose table of a <c>[TimeWindowed]</c> entity was made before the class was marked (the migration that adds
/// the columns ServerTools maps on it missing or not applied): its queries and saves say which table lacks which column,
/// of which entity, and to add and apply a migration, instead of PostgreSQL's error about a column the application never
/// declared; any other missing column keeps PostgreSQL's error.
/// </summary>
public sealed class TimeWindowSetupErrorTests(TimeWindowSetupErrorTests.Database database, TimeWindowSetupErrorTests.CalendarDatabase calendars)
    : IClassFixture<TimeWindowSetupErrorTests.Database>, IClassFixture<TimeWindowSetupErrorTests.CalendarDatabase>
{
    private static readonly string[] s_columns = ["TimeWindows", "SpecialDays", "TimeWindowsWeekly", "TimeWindowsSpecialDates", "TimeWindowsSpecialHours"];

    [Fact]
    public async Task Queries_and_saves_of_a_table_made_before_TimeWindowed_name_the_table_the_column_the_entity_and_the_migration()
    {
        await using (var owner = database.Create())
        {
            // The Stores table as it was before Store was marked [TimeWindowed].
            await owner.Database.ExecuteSqlRawAsync(
                """ALTER TABLE "Stores" DROP COLUMN "TimeWindows", DROP COLUMN "SpecialDays", DROP COLUMN "TimeWindowsWeekly", DROP COLUMN "TimeWindowsSpecialDates", DROP COLUMN "TimeWindowsSpecialHours" """);
        }

        // A model of the same context type on another provider (a unit test's), built after the PostgreSQL one, has no
        // multirange columns: it does not hide them.
        await using (var inMemory = new TimeWindowContext(
            new DbContextOptionsBuilder<TimeWindowContext>().UseInMemoryDatabase($"setup-{Guid.NewGuid():N}").UseServerTools().Options))
        {
            Assert.NotNull(inMemory.Model.FindEntityType(typeof(Store)));
        }

        await using var context = database.Create();
        var query = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.ToListAsync());
        var synchronous = Assert.Throws<InvalidOperationException>(() => context.Stores.Where(s => s.Name == "x").ToList());
        var open = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.WhereOpenAt(DateTimeOffset.UtcNow).ToListAsync());

        context.Stores.Add(new Store { Name = "Added", TimeZoneId = "Europe/Paris" });
        var save = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        var synchronousSave = Assert.Throws<DbUpdateException>(() => context.SaveChanges());

        foreach (var error in new Exception[] { query, synchronous, open, save.InnerException!, synchronousSave.InnerException! })
        {
            var explained = Assert.IsType<InvalidOperationException>(error);
            Assert.StartsWith("The database's table Stores (of [TimeWindowed] Store) has no column ", explained.Message, StringComparison.Ordinal);
            Assert.Contains(s_columns, column => explained.Message.Contains($"has no column {column},", StringComparison.Ordinal));
            Assert.Contains("Add a migration (dotnet ef migrations add AddStoreTimeWindows) and apply it (dotnet ef database update)", explained.Message, StringComparison.Ordinal);
            // Kiosks has the same columns, and is not the table the statement used.
            Assert.DoesNotContain("Kiosk", explained.Message, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(explained.InnerException).SqlState);
        }

        Assert.Contains("refused a query of it", query.Message, StringComparison.Ordinal);
        Assert.Contains("refused the save's statement on it", save.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("column \"", ((PostgresException)save.InnerException!.InnerException!).MessageText, StringComparison.Ordinal);

        // The other time-windowed tables, which have their columns, are read as before.
        Assert.Empty(await context.Kiosks.ToListAsync());
    }

    [Fact]
    public async Task A_missing_column_that_ServerTools_does_not_map_keeps_PostgreSQLs_error_on_a_TimeWindowed_table()
    {
        await using (var owner = database.Create())
        {
            // Venues (Venue and Stage, one table) lacks the column of Stage's own property, not one of ServerTools'.
            await owner.Database.ExecuteSqlRawAsync("""ALTER TABLE "Venues" DROP COLUMN "Act" """);
        }

        await using var context = database.Create();
        var query = await Assert.ThrowsAsync<PostgresException>(() => context.Venues.ToListAsync());
        context.Stages.Add(new Stage { Act = "Act", TimeZoneId = "UTC" });
        var save = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.UndefinedColumn, query.SqlState);
        Assert.Equal(PostgresErrorCodes.UndefinedColumn, Assert.IsType<PostgresException>(save.InnerException).SqlState);
    }

    [Fact]
    public async Task A_missing_column_of_an_applications_own_table_named_like_ServerTools_ones_keeps_PostgreSQLs_error()
    {
        await using (var owner = calendars.Create())
        {
            await owner.Database.ExecuteSqlRawAsync("""ALTER TABLE "Calendars" DROP COLUMN IF EXISTS "SpecialDays" """);
        }

        await using var context = calendars.Create();

        // column c.SpecialDays: the alias is the calendars', also when the statement reads Stores as well.
        var query = await Assert.ThrowsAsync<PostgresException>(() => context.Calendars.ToListAsync());
        var joined = await Assert.ThrowsAsync<PostgresException>(() => context.Calendars.Where(c => context.Stores.Any(s => s.Id == c.Id)).ToListAsync());

        // column "SpecialDays": the statement reads Calendars, not Stores.
        var unqualified = await Assert.ThrowsAsync<PostgresException>(
            () => context.Database.SqlQueryRaw<string>("""SELECT "SpecialDays" AS "Value" FROM "Calendars" """).ToListAsync());

        // column "SpecialDays" of relation "Calendars".
        context.Calendars.Add(new Calendar { SpecialDays = "25.12." });
        var save = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        foreach (var error in new[] { query, joined, unqualified, Assert.IsType<PostgresException>(save.InnerException) })
        {
            Assert.Equal(PostgresErrorCodes.UndefinedColumn, error.SqlState);
            Assert.Contains("SpecialDays", error.MessageText, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_statement_that_reads_only_the_TimeWindowed_table_is_explained_for_an_unqualified_column()
    {
        await using (var owner = calendars.Create())
        {
            await owner.Database.ExecuteSqlRawAsync("""ALTER TABLE "Stores" DROP COLUMN IF EXISTS "TimeWindowsWeekly" """);
        }

        await using var context = calendars.Create();
        var explained = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Database.SqlQueryRaw<string>("""SELECT "TimeWindowsWeekly"::text AS "Value" FROM "Stores" """).ToListAsync());

        Assert.StartsWith("The database's table Stores (of [TimeWindowed] Store) has no column TimeWindowsWeekly,", explained.Message, StringComparison.Ordinal);
        Assert.Equal("column \"TimeWindowsWeekly\" does not exist", Assert.IsType<PostgresException>(explained.InnerException).MessageText);
    }

    [Fact]
    public async Task After_an_explained_failure_the_connection_EF_Core_opened_is_closed_and_later_handlers_of_the_failed_save_run()
    {
        await using (var owner = calendars.Create())
        {
            await owner.Database.ExecuteSqlRawAsync("""ALTER TABLE "Stores" DROP COLUMN IF EXISTS "TimeWindows" """);
        }

        await using var context = calendars.Create();
        var connection = context.Database.GetDbConnection();
        Assert.Equal(ConnectionState.Closed, connection.State);

        _ = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.ToListAsync());
        Assert.Equal(ConnectionState.Closed, connection.State);
        _ = Assert.Throws<InvalidOperationException>(() => context.Stores.ToList());
        Assert.Equal(ConnectionState.Closed, connection.State);

        context.Stores.Add(new Store { Name = "Added", TimeZoneId = "UTC" });
        var first = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
        Assert.IsType<InvalidOperationException>(first.InnerException);
        Assert.Equal(ConnectionState.Closed, connection.State);

        // A handler the application adds after ServerTools' first save still runs when the next save fails.
        var reported = 0;
        context.SaveChangesFailed += (_, _) => reported++;
        var second = Assert.Throws<DbUpdateException>(() => context.SaveChanges());
        Assert.StartsWith("The database's table Stores (of [TimeWindowed] Store) has no column TimeWindows,", second.InnerException!.Message, StringComparison.Ordinal);
        Assert.Equal(1, reported);
        Assert.Equal(ConnectionState.Closed, connection.State);
    }

    /// <summary>A database of its own, whose tables the tests change.</summary>
    public sealed class Database() : SchemaFixture<TimeWindowContext>(options => new(options));

    /// <summary>A database of a model with a table of the application's own that has a column named like one of ServerTools'.</summary>
    public sealed class CalendarDatabase() : SchemaFixture<CalendarContext>(options => new(options));

    /// <summary>An entity of the application's own, not time-windowed, with a column that happens to be called SpecialDays.</summary>
    public sealed class Calendar
    {
        public int Id { get; set; }

        public string SpecialDays { get; set; } = "";
    }

    /// <summary>A context with a <c>[TimeWindowed]</c> entity and <see cref="Calendar"/>.</summary>
    public sealed class CalendarContext(DbContextOptions<CalendarContext> options) : DbContext(options)
    {
        public DbSet<Store> Stores => Set<Store>();

        public DbSet<Calendar> Calendars => Set<Calendar>();
    }
}
