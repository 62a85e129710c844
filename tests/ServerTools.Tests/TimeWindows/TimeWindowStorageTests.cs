using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// What reaches the database and comes back from it: values written around ServerTools, values it cannot store, and the
/// agreement of <c>WhereOpenAt</c> on PostgreSQL with the schedule in memory where the two could part.
/// </summary>
public sealed class TimeWindowStorageTests(TimeWindowFixture database) : IClassFixture<TimeWindowFixture>
{
    [Theory]
    [InlineData("TimeWindows", """[{"Day":1,"From":"09:00:00","To":"09:00:00"}]""", "entry 0 of column \"TimeWindows\" of table \"Stores\" (Day 1, From 09:00:00, To 09:00:00)", "empty or a whole day")]
    [InlineData("TimeWindows", """[{"Day":1,"From":"09:00:30","To":"17:00:00"}]""", "(Day 1, From 09:00:30, To 17:00:00)", "09:00:30 is not")]
    [InlineData("TimeWindows", """[{"Day":1,"From":"09:00:00","To":"17:00:00"},{"Day":9,"From":"09:00:00","To":"17:00:00"}]""", "entry 1 of", "9 is none")]
    [InlineData("SpecialDays", """[{"Date":"2026-03-30","From":"09:00:00","To":"09:00:00"}]""", "entry 0 of column \"SpecialDays\" of table \"Stores\" (Date 2026-03-30, From 09:00:00, To 09:00:00)", "empty or a whole day")]
    [InlineData("SpecialDays", """[{"Date":"2026-03-30","From":"09:00:30","To":"17:00:00"}]""", "(Date 2026-03-30, From 09:00:30, To 17:00:00)", "09:00:30 is not")]
    [InlineData("SpecialDays", """[{"Date":"2026-03-30","From":"09:00:00","To":null}]""", "(Date 2026-03-30, From 09:00:00, To null)", "has only an opening time")]
    [InlineData("SpecialDays", """[{"Date":"9999-12-31","From":null,"To":null}]""", "(Date 9999-12-31, From null, To null)", "outside the years")]
    public async Task An_entry_broken_in_the_database_fails_the_read_naming_the_column_the_value_and_the_fix_with_the_key_apart(string column, string json, string entry, string fault)
    {
        int id;
        await using (var context = database.Create())
        {
            var store = new Store { Name = $"Edited {column} {json}", TimeZoneId = "Europe/Berlin" };
            store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
            context.Stores.Add(store);
            await context.SaveChangesAsync();
            id = store.Id;
            _ = column == "TimeWindows"
                ? await context.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeWindows\" = {json}::jsonb WHERE \"Id\" = {id}")
                : await context.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"SpecialDays\" = {json}::jsonb WHERE \"Id\" = {id}");
        }

        await using var reader = database.Create();
        var tracked = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Stores.SingleAsync(s => s.Id == id));
        var untracked = await Assert.ThrowsAsync<InvalidOperationException>(() => reader.Stores.AsNoTracking().Where(s => s.Id == id).ToListAsync());

        var synchronous = Assert.Throws<InvalidOperationException>(() => reader.Stores.Where(s => s.Id == id).ToList());

        foreach (var error in new[] { tracked, untracked, synchronous })
        {
            // The key can be personal data: it is in the exception's data, not in the message that logs print.
            var message = error.Message;
            Assert.Equal($"Id = {id}", error.Data["ServerTools.EntityKey"]);
            Assert.DoesNotContain($"Id = {id}", message, StringComparison.Ordinal);
            Assert.Contains("Store read from the database (its key is in the exception's Data[\"ServerTools.EntityKey\"]", message, StringComparison.Ordinal);
            Assert.Contains(entry, message, StringComparison.Ordinal);
            Assert.Contains(fault, message, StringComparison.Ordinal);
            Assert.Contains("Correct or remove it in the database", message, StringComparison.Ordinal);
        }

        Assert.Equal(id, await reader.Stores.Where(s => s.Id == id).Select(s => s.Id).SingleAsync());
    }

    [Fact]
    public async Task A_broken_entry_read_by_a_query_left_open_in_one_lease_of_a_pooled_context_does_not_fail_the_next_lease()
    {
        int id, other;
        await using (var context = database.Create())
        {
            var store = new Store { Name = "Edited for the pool", TimeZoneId = "Europe/Berlin" };
            var second = new Store { Name = "Edited for the pool, second", TimeZoneId = "Europe/Berlin" };
            context.Stores.AddRange(store, second);
            await context.SaveChangesAsync();
            (id, other) = (store.Id, second.Id);
            _ = await context.Database.ExecuteSqlAsync($"UPDATE \"Stores\" SET \"TimeWindows\" = '[{{\"Day\":1,\"From\":\"09:00:00\",\"To\":\"09:00:00\"}}]'::jsonb WHERE \"Id\" = {id}");
        }

        var options = new DbContextOptionsBuilder<TimeWindowContext>().UseNpgsql(database.ConnectionString).UseServerTools().Options;
        var pool = new PooledDbContextFactory<TimeWindowContext>(options, poolSize: 1);
        TimeWindowContext first;
        await using (first = await pool.CreateDbContextAsync())
        {
            // The broken store read, and the enumerator neither disposed nor read to its end: its reader never closes in this lease.
            var stores = first.Stores.Where(s => s.Id == id || s.Id == other).OrderBy(s => s.Id == id ? 0 : 1).AsAsyncEnumerable().GetAsyncEnumerator();
            Assert.True(await stores.MoveNextAsync());
            Assert.Equal(id, stores.Current.Id);
        }

        // The next lease reads the other store: the broken one of the last lease is neither checked nor named.
        await using var next = await pool.CreateDbContextAsync();
        Assert.Same(first, next);
        Assert.Equal("Edited for the pool, second", (await next.Stores.SingleAsync(s => s.Id == other)).Name);
    }

    [Fact]
    public void A_special_day_outside_the_years_a_schedule_answers_for_is_refused_when_made()
    {
        var last = Assert.Throws<ArgumentException>(() => SpecialDay.Closed(DateOnly.MaxValue));
        var first = Assert.Throws<ArgumentException>(() => SpecialDay.Open(DateOnly.MinValue, new TimeOnly(9, 0), new TimeOnly(17, 0)));

        Assert.Contains("9999-12-31 lies outside the years a schedule answers for (0002-01-01 to 9998-12-31)", last.Message, StringComparison.Ordinal);
        Assert.Contains("0001-01-01", first.Message, StringComparison.Ordinal);
        Assert.Equal("date", last.ParamName);
        Assert.Equal(new DateOnly(9998, 12, 31), SpecialDay.Closed(new DateOnly(9998, 12, 31)).Date);
    }

    [Fact]
    public async Task A_window_inside_the_skipped_hour_is_never_open_in_sql_either_and_the_next_week_is()
    {
        // Berlin, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC, so Sunday 02:00-03:00 does not occur that day.
        await using var context = database.Create();
        var store = new Store { Name = "Maintenance", TimeZoneId = "Europe/Berlin" };
        store.TimeWindows.Add(new TimeWindow(DayOfWeek.Sunday, new TimeOnly(2, 0), new TimeOnly(3, 0)));
        context.Stores.Add(store);
        await context.SaveChangesAsync();

        for (var at = new DateTimeOffset(2026, 3, 28, 23, 0, 0, TimeSpan.Zero); at <= new DateTimeOffset(2026, 3, 29, 3, 0, 0, TimeSpan.Zero); at = at.AddMinutes(10))
        {
            Assert.False(store.IsOpenAt(at), $"{at:O}");
            Assert.False(await context.Stores.WhereOpenAt(at).AnyAsync(s => s.Id == store.Id), $"{at:O}");
        }

        var nextWeek = new DateTimeOffset(2026, 4, 5, 2, 30, 0, TimeSpan.FromHours(2));
        Assert.True(store.IsOpenAt(nextWeek));
        Assert.True(await context.Stores.WhereOpenAt(nextWeek).AnyAsync(s => s.Id == store.Id));
    }

    [Theory]
    [InlineData("right/Europe/Berlin", "Write 'Europe/Berlin'")]
    [InlineData("posix/Europe/Berlin", "Write 'Europe/Berlin'")]
    [InlineData("localtime", "the zone the machine is set to")]
    public async Task A_zone_that_is_a_file_of_the_tz_database_but_no_id_stops_the_save(string zone, string fix)
    {
        await using var context = database.Create();
        var store = new Store { Name = "Zone " + zone, TimeZoneId = zone };
        store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        context.Stores.Add(store);

        var error = await Assert.ThrowsAsync<TimeZoneNotFoundException>(() => context.SaveChangesAsync());

        Assert.Contains($"'{zone}' is not an IANA time zone id", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.Equal(EntityState.Added, context.Entry(store).State);
        await using var other = database.Create();
        Assert.False(await other.Stores.AnyAsync(s => s.Name == store.Name));
    }

    [Fact]
    public async Task An_instant_outside_the_years_answered_is_refused_in_sql_as_in_memory()
    {
        await using var context = database.Create();
        var always = new Store { Name = "Always", TimeZoneId = "UTC" };
        for (var day = 0; day < 7; day++)
        {
            always.TimeWindows.Add(new TimeWindow((DayOfWeek)day, new TimeOnly(0, 0), new TimeOnly(12, 0)));
            always.TimeWindows.Add(new TimeWindow((DayOfWeek)day, new TimeOnly(12, 0), new TimeOnly(0, 0)));
        }

        context.Stores.Add(always);
        await context.SaveChangesAsync();

        foreach (var outside in new[] { DateTimeOffset.MinValue, new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(9999, 6, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.MaxValue })
        {
            var inSql = Assert.Throws<ArgumentOutOfRangeException>(() => context.Stores.WhereOpenAt(outside));
            var inMemory = Assert.Throws<ArgumentOutOfRangeException>(() => always.IsOpenAt(outside));
            Assert.Equal(inMemory.Message, inSql.Message);
            Assert.Contains("from 0002-01-01 to 9998-12-31 (UTC), in memory and in SQL alike", inSql.Message, StringComparison.Ordinal);
        }

        foreach (var edge in new[] { new DateTimeOffset(2, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(9998, 12, 31, 0, 0, 0, TimeSpan.Zero) })
        {
            Assert.True(always.IsOpenAt(edge));
            Assert.True(await context.Stores.WhereOpenAt(edge).AnyAsync(s => s.Id == always.Id));
        }
    }

    [Fact]
    public async Task Where_open_at_on_a_derived_class_keeps_its_type_and_reads_the_base_class_zone_column()
    {
        await using var context = database.Create();
        var stage = new Stage { Act = "Quartet", TimeZoneId = "Asia/Kolkata" };
        stage.TimeWindows.Add(new TimeWindow(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        var venue = new Venue { TimeZoneId = "Asia/Kolkata" };
        venue.TimeWindows.Add(new TimeWindow(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        context.AddRange(stage, venue);
        await context.SaveChangesAsync();

        // 09:30 on a Tuesday in Kolkata (UTC+05:30) is 04:00 UTC.
        var opening = new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);
        IQueryable<Stage> stages = context.Stages.WhereOpenAt(opening);

        Assert.Equal(["Quartet"], await stages.Select(s => s.Act).ToListAsync());
        Assert.Empty(await context.Stages.WhereOpenAt(opening.AddMinutes(-31)).ToListAsync());
        Assert.Equal([stage.Id, venue.Id], (await context.Venues.WhereOpenAt(opening).Select(v => v.Id).ToListAsync()).Order());
    }
}
