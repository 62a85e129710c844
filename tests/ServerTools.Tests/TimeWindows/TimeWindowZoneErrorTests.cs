using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// A zone id written around ServerTools that PostgreSQL does not know fails every <c>WhereOpenAt</c> on the table: the
/// error says which table and column, how to find the rows and how to repair them, with PostgreSQL's error inside; a
/// conversion of the application's own keeps PostgreSQL's error.
/// </summary>
public sealed class TimeWindowZoneErrorTests(TimeWindowFixture database) : IClassFixture<TimeWindowFixture>
{
    private const string SecretName = "Store of a person, not to be logged";

    private static readonly string[] s_names = ["Mars", "lower case", "Paris"];

    [Fact]
    public async Task WhereOpenAt_over_a_row_with_a_zone_PostgreSQL_does_not_know_names_the_table_the_column_and_the_query_that_finds_the_rows()
    {
        int mars, lowerCase, paris;
        await using (var setup = database.Create())
        {
            var stores = s_names.Select(name => new Store { Name = SecretName + " " + name, TimeZoneId = "Europe/Paris" }).ToArray();
            setup.Stores.AddRange(stores);
            await setup.SaveChangesAsync();
            (mars, lowerCase, paris) = (stores[0].Id, stores[1].Id, stores[2].Id);
            await setup.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeZoneId\" = 'Mars/Olympus' WHERE \"Id\" = {mars}");
            await setup.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeZoneId\" = 'europe/paris' WHERE \"Id\" = {lowerCase}");
        }

        try
        {
            await using var context = database.Create();
            var instant = new DateTimeOffset(2026, 6, 1, 8, 30, 0, TimeSpan.Zero);
            var errors = new Exception[]
            {
                await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.WhereOpenAt(instant).ToListAsync()),
                Assert.Throws<InvalidOperationException>(() => context.Stores.WhereOpenAt(instant).Select(s => s.Id).ToList()),
                await Assert.ThrowsAsync<InvalidOperationException>(() => context.Stores.Where(s => s.Name.StartsWith(SecretName)).WhereOpenAt(instant).CountAsync()),
            };

            string? find = null;
            foreach (var error in errors)
            {
                var message = error.Message;
                Assert.StartsWith("A row of the database's table Stores (of [TimeWindowed] Store) holds in its column TimeZoneId a time zone id that PostgreSQL does not know (time zone \"Mars/Olympus\" not recognized)", message, StringComparison.Ordinal);
                Assert.Contains("set each to an IANA id such as Europe/Paris", message, StringComparison.Ordinal);
                Assert.DoesNotContain(SecretName, message, StringComparison.Ordinal);
                Assert.Equal(PostgresErrorCodes.InvalidParameterValue, Assert.IsType<PostgresException>(error.InnerException).SqlState);
                find = message[message.IndexOf("SELECT * FROM", StringComparison.Ordinal)..message.IndexOf("; set each", StringComparison.Ordinal)];
            }

            // The query the message gives finds the unknown zone and the one .NET refuses, not the valid one.
#pragma warning disable EF1003 // The SQL is the message's own query, run as the message tells a reader to run it.
            var found = await context.Database.SqlQueryRaw<int>("SELECT \"Id\" AS \"Value\" FROM (" + find + ") AS found").ToListAsync();
#pragma warning restore EF1003
            Assert.Contains(mars, found);
            Assert.Contains(lowerCase, found);
            Assert.DoesNotContain(paris, found);

            // A conversion of the application's own keeps PostgreSQL's error.
            var own = await Assert.ThrowsAsync<PostgresException>(
                () => context.Database.SqlQueryRaw<int>("SELECT s.\"Id\" AS \"Value\" FROM \"Stores\" AS s WHERE timezone(s.\"TimeZoneId\", now()) IS NOT NULL").ToListAsync());
            Assert.Equal(PostgresErrorCodes.InvalidParameterValue, own.SqlState);
        }
        finally
        {
            await using var cleanup = database.Create();
            await cleanup.Database.ExecuteSqlAsync($"DELETE FROM \"Stores\" WHERE \"Id\" IN ({mars}, {lowerCase}, {paris})");
        }
    }

    /// <summary>The disagreements time-windows.md documents: ids PostgreSQL reads and .NET refuses.</summary>
    [Theory]
    [InlineData("europe/paris", true)]
    [InlineData("EUROPE/PARIS", true)]
    [InlineData("PST", false)]
    [InlineData("UTC+3", false)]
    public async Task A_zone_id_PostgreSQL_reads_and_dotnet_refuses_answers_WhereOpenAt_and_fails_IsOpenAt(string zone, bool open)
    {
        int id;
        await using (var setup = database.Create())
        {
            var store = new Store { Name = "Zone " + zone, TimeZoneId = "Europe/Paris" };
            store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
            setup.Stores.Add(store);
            await setup.SaveChangesAsync();
            id = store.Id;
            await setup.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeZoneId\" = {zone} WHERE \"Id\" = {id}");
        }

        try
        {
            await using var context = database.Create();
            var monday = new DateTimeOffset(2026, 6, 1, 8, 30, 0, TimeSpan.Zero);

            // Monday 10:30 in Paris is open; in PST (00:30) or in PostgreSQL's UTC+3 (a POSIX spec: 05:30) it is closed.
            Assert.Equal(open ? [id] : [], await context.Stores.Where(s => s.Id == id).WhereOpenAt(monday).Select(s => s.Id).ToListAsync());
            var store = await context.Stores.SingleAsync(s => s.Id == id);
            Assert.Throws<TimeZoneNotFoundException>(() => store.IsOpenAt(monday));
        }
        finally
        {
            await using var cleanup = database.Create();
            await cleanup.Database.ExecuteSqlAsync($"DELETE FROM \"Stores\" WHERE \"Id\" = {id}");
        }
    }
}
