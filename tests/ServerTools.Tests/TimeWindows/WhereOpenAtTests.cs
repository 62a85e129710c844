using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// <c>WhereOpenAt</c> on PostgreSQL: the rows it returns are exactly those whose <c>IsOpenAt</c> is true, each in its own
/// time zone, at the instants where that is hardest (around every DST change of the zones, inside skipped and repeated hours).
/// </summary>
public sealed class WhereOpenAtTests(TimeWindowFixture database) : IClassFixture<TimeWindowFixture>, IAsyncLifetime
{
    private const int StoreCount = 10_000;

    public async Task InitializeAsync()
    {
        await using var context = database.Create();
        if (!await context.Stores.AnyAsync())
        {
            var anchors = Changes(2026).Select(change => DateOnly.FromDateTime(change.Instant.UtcDateTime)).Distinct().ToList();
            context.Stores.AddRange(RandomStores.Create(StoreCount, seed: 2026, anchors));
            await context.SaveChangesAsync();
            await context.Database.ExecuteSqlRawAsync("ANALYZE \"Stores\"");
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Returns_exactly_the_stores_open_in_memory_around_every_dst_change()
    {
        await using var context = database.Create();
        var stores = await context.Stores.AsNoTracking().ToListAsync();
        Assert.Equal(StoreCount, stores.Count);

        var instants = Changes(2026)
            .SelectMany(change => Enumerable.Range(-4, 13).Select(k => change.Instant.AddMinutes(15 * k))
                .Append(change.Instant.AddTicks(-1))
                .Append(change.Instant.AddMinutes(change.Length.TotalMinutes - 1)))
            .Append(new DateTimeOffset(2026, 12, 31, 23, 30, 0, TimeSpan.Zero))
            .Distinct()
            .ToList();
        var disagreements = new List<string>();
        var repeatedHours = 0;
        var threeReadings = 0;
        var openPairs = 0;
        foreach (var instant in instants)
        {
            var readings = TimeWindowQuery.ClockReadings(instant).Length;
            repeatedHours += readings > 1 ? 1 : 0;
            threeReadings += readings == 3 ? 1 : 0;
            var open = (await context.Stores.WhereOpenAt(instant).Select(s => s.Id).ToListAsync()).ToHashSet();
            openPairs += open.Count;
            foreach (var store in stores)
            {
                if (store.IsOpenAt(instant) != open.Contains(store.Id) && disagreements.Count < 10)
                {
                    disagreements.Add($"{instant:O} store {store.Id} in {store.TimeZoneId}: in memory {store.IsOpenAt(instant)}, in SQL {open.Contains(store.Id)}");
                }
            }
        }

        Assert.Empty(disagreements);
        Assert.InRange(openPairs, instants.Count * StoreCount / 10, instants.Count * StoreCount * 9 / 10);
        Assert.True(repeatedHours >= 10, $"only {repeatedHours} instants fall in a repeated hour");
        Assert.True(threeReadings >= 1, "no instant falls in two repeated hours at once (three clock readings)");
        Assert.True(instants.Count >= 120, $"only {instants.Count} instants");
    }

    [Fact]
    public async Task The_clock_is_the_latest_of_any_number_of_readings_wherever_it_stands()
    {
        // No zone turns its clocks back in the four hours before this instant, so every row's local time at it is later
        // than at any reading before it: whatever the number and order of the readings, the query must read the clock
        // at the instant. Two and three readings take greatest(...), more a subquery over the array.
        await using var context = database.Create();
        var instant = new DateTimeOffset(2026, 11, 23, 15, 0, 0, TimeSpan.Zero);
        var expected = (await context.Stores.WhereOpenAt(instant).Select(s => s.Id).ToListAsync()).ToHashSet();
        Assert.InRange(expected.Count, StoreCount / 10, StoreCount * 9 / 10);

        DateTimeOffset[][] readingSets =
        [
            [instant.AddHours(-1), instant],
            [instant.AddHours(-2), instant, instant.AddHours(-1)],
            [instant.AddHours(-3), instant.AddHours(-2), instant.AddHours(-1), instant],
            [instant.AddHours(-4), instant, instant.AddHours(-3), instant.AddHours(-2), instant.AddHours(-1)],
        ];
        foreach (var readings in readingSets)
        {
            var open = await context.Stores.Where(s => TimeWindowQuery.IsOpen(s, s.TimeZoneId, readings)).Select(s => s.Id).ToListAsync();
            Assert.True(expected.SetEquals(open), $"{readings.Length} readings: {open.Count} stores open, {expected.Count} expected");
        }

        var sql = context.Stores.WhereOpenAt(instant).Select(s => s.Id).ToQueryString();
        Assert.Contains("greatest(timezone(s.\"TimeZoneId\"", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_the_multirange_columns_not_the_json_and_in_one_statement()
    {
        await using var context = database.Create();

        var sql = context.Stores.WhereOpenAt(DateTimeOffset.UtcNow).Select(s => s.Id).ToQueryString();

        var where = sql[sql.IndexOf("WHERE", StringComparison.Ordinal)..];
        Assert.Contains("timezone(s.\"TimeZoneId\"", where, StringComparison.Ordinal);
        Assert.Contains("\"TimeWindowsWeekly\" @>", where, StringComparison.Ordinal);
        Assert.Contains("\"TimeWindowsSpecialDates\" @>", where, StringComparison.Ordinal);
        Assert.Contains("\"TimeWindowsSpecialHours\" @>", where, StringComparison.Ordinal);
        Assert.DoesNotContain("\"TimeWindows\"", where, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SpecialDays\"", where, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Windows_and_special_days_round_trip_and_an_edit_moves_the_store_in_and_out_of_the_query()
    {
        var friday = new DateTimeOffset(2026, 11, 20, 19, 0, 0, TimeSpan.FromHours(1));
        int id;
        await using (var context = database.Create())
        {
            var store = new Store { Name = "Round trip", TimeZoneId = "Europe/Paris" };
            store.TimeWindows.Add(new TimeWindow(DayOfWeek.Friday, new TimeOnly(18, 0), new TimeOnly(2, 0)));
            store.SpecialDays.Add(SpecialDay.Closed(new DateOnly(2026, 12, 25)));
            store.SpecialDays.Add(SpecialDay.Open(new DateOnly(2026, 12, 24), new TimeOnly(9, 0), new TimeOnly(12, 0)));
            context.Stores.Add(store);
            await context.SaveChangesAsync();
            id = store.Id;
        }

        await using (var context = database.Create())
        {
            var store = await context.Stores.SingleAsync(s => s.Id == id);
            Assert.Equal([new TimeWindow(DayOfWeek.Friday, new TimeOnly(18, 0), new TimeOnly(2, 0))], store.TimeWindows);
            Assert.Equal(
                [SpecialDay.Closed(new DateOnly(2026, 12, 25)), SpecialDay.Open(new DateOnly(2026, 12, 24), new TimeOnly(9, 0), new TimeOnly(12, 0))],
                store.SpecialDays);
            Assert.True(await context.Stores.WhereOpenAt(friday).AnyAsync(s => s.Id == id));

            store.TimeWindows[0] = new TimeWindow(DayOfWeek.Friday, new TimeOnly(20, 0), new TimeOnly(2, 0));
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            Assert.False(await context.Stores.WhereOpenAt(friday).AnyAsync(s => s.Id == id));
            Assert.True(await context.Stores.WhereOpenAt(friday.AddHours(2)).AnyAsync(s => s.Id == id));
            Assert.True(await context.Stores.WhereOpenAt(new DateTimeOffset(2026, 12, 24, 10, 0, 0, TimeSpan.FromHours(1))).AnyAsync(s => s.Id == id));
        }
    }

    [Fact]
    public async Task A_constant_time_zone_is_read_in_sql_too()
    {
        await using var context = database.Create();
        var kiosk = new Kiosk();
        kiosk.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        context.Kiosks.Add(kiosk);
        await context.SaveChangesAsync();

        // 09:30 in Kolkata (UTC+05:30) is 04:00 UTC.
        var opening = new DateTimeOffset(2026, 11, 23, 4, 0, 0, TimeSpan.Zero);
        Assert.True(kiosk.IsOpenAt(opening));
        Assert.False(kiosk.IsOpenAt(opening.AddMinutes(-31)));
        Assert.Contains(kiosk.Id, await context.Kiosks.WhereOpenAt(opening).Select(k => k.Id).ToListAsync());
        Assert.DoesNotContain(kiosk.Id, await context.Kiosks.WhereOpenAt(opening.AddMinutes(-31)).Select(k => k.Id).ToListAsync());
    }

    [Fact]
    public async Task A_derived_entity_has_the_opening_hours_and_the_query_of_its_base_class()
    {
        await using (var context = database.Create())
        {
            var kiosk = new MallKiosk { Mall = "Phoenix" };
            kiosk.TimeWindows.Add(new TimeWindow(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
            context.MallKiosks.Add(kiosk);
            await context.SaveChangesAsync();
        }

        await using var reader = database.Create();
        var saved = await reader.MallKiosks.AsNoTracking().SingleAsync(k => k.Mall == "Phoenix");
        Assert.Equal(new TimeWindow(DayOfWeek.Tuesday, new TimeOnly(9, 0), new TimeOnly(17, 0)), Assert.Single(saved.TimeWindows));

        // 09:30 on a Tuesday in Kolkata (UTC+05:30), the base class's zone, is 04:00 UTC.
        var opening = new DateTimeOffset(2026, 11, 24, 4, 0, 0, TimeSpan.Zero);
        Assert.True(saved.IsOpenAt(opening));
        Assert.False(saved.IsOpenAt(opening.AddMinutes(-31)));
        IQueryable<MallKiosk> open = reader.MallKiosks.WhereOpenAt(opening);
        Assert.Equal([saved.Id], await open.Select(k => k.Id).ToListAsync());
        Assert.Empty(await reader.MallKiosks.WhereOpenAt(opening.AddMinutes(-31)).ToListAsync());
        Assert.Contains(saved.Id, await reader.Kiosks.WhereOpenAt(opening).Select(k => k.Id).ToListAsync());
    }

    [Fact]
    public async Task An_unknown_time_zone_stops_the_save_with_its_name_and_nothing_is_lost()
    {
        await using var context = database.Create();
        var store = new Store { Name = "Typo", TimeZoneId = "Europe/Pariss" };
        store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        context.Stores.Add(store);

        var error = await Assert.ThrowsAsync<TimeZoneNotFoundException>(() => context.SaveChangesAsync());

        Assert.EndsWith("unknown time zone 'Europe/Pariss'. Did you mean 'Europe/Paris'?", error.Message, StringComparison.Ordinal);
        Assert.Equal(EntityState.Added, context.Entry(store).State);
        await using (var other = database.Create())
        {
            Assert.False(await other.Stores.AnyAsync(s => s.Name == "Typo"));
        }

        store.TimeZoneId = "Europe/Paris";
        await context.SaveChangesAsync();
        Assert.Single(store.TimeWindows);
        Assert.True(store.Id > 0);
    }

    [Fact]
    public async Task Contradictory_special_days_stop_the_save_with_the_date()
    {
        await using var context = database.Create();
        var store = new Store { Name = "Contradiction", TimeZoneId = "Europe/Paris" };
        store.SpecialDays.Add(SpecialDay.Closed(new DateOnly(2026, 12, 25)));
        store.SpecialDays.Add(SpecialDay.Open(new DateOnly(2026, 12, 25), new TimeOnly(10, 0), new TimeOnly(12, 0)));
        context.Stores.Add(store);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.SaveChangesAsync());

        Assert.Contains("2026-12-25", error.Message, StringComparison.Ordinal);
        Assert.Contains("remove one of them", error.Message, StringComparison.Ordinal);
        Assert.Equal(EntityState.Added, context.Entry(store).State);
    }

    [Fact]
    public async Task A_row_written_around_the_save_is_closed_until_saved_through_the_context()
    {
        // Columns the save did not write (a row inserted by SQL) hold the empty default: closed, never an error.
        await using var context = database.Create();
        await context.Database.ExecuteSqlRawAsync(
            "INSERT INTO \"Stores\" (\"Name\", \"TimeZoneId\", \"TimeWindows\", \"SpecialDays\") VALUES ('Raw', 'UTC', '[]', '[]')");

        var raw = await context.Stores.SingleAsync(s => s.Name == "Raw");

        Assert.False(await context.Stores.WhereOpenAt(DateTimeOffset.UtcNow).AnyAsync(s => s.Name == "Raw"));
        Assert.Empty(raw.TimeWindows);
    }

    /// <summary>The changes of UTC offset of the test zones in a year, by probing <see cref="TimeZoneInfo"/> hour by hour.</summary>
    private static IEnumerable<(DateTimeOffset Instant, TimeSpan Length)> Changes(int year)
    {
        foreach (var id in RandomStores.Zones)
        {
            var zone = TimeZoneInfo.FindSystemTimeZoneById(id);
            var at = new DateTimeOffset(year, 1, 1, 0, 0, 0, TimeSpan.Zero);
            var offset = zone.GetUtcOffset(at);
            for (; at.Year == year; at = at.AddMinutes(15))
            {
                var next = zone.GetUtcOffset(at);
                if (next != offset)
                {
                    yield return (at, (offset - next).Duration());
                    offset = next;
                }
            }
        }
    }
}
