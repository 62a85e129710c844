using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// The rules of docs/time-windows.md, example by example: overnight windows, unions, special days, the DST policy in
/// Europe/Paris (clocks go forward 2026-03-29 02:00 → 03:00, back 2026-10-25 03:00 → 02:00), and the errors.
/// </summary>
public sealed class TimeWindowScheduleTests
{
    private static readonly TimeSpan s_winter = TimeSpan.FromHours(1);
    private static readonly TimeSpan s_summer = TimeSpan.FromHours(2);

    [Fact]
    public void An_overnight_window_belongs_to_its_day_and_ends_the_next_morning()
    {
        var schedule = Paris([new TimeWindow(DayOfWeek.Friday, At(18), At(2))]);
        var friday = new DateTimeOffset(2026, 11, 20, 0, 0, 0, s_winter);

        Assert.False(schedule.IsOpenAt(friday.AddHours(17).AddMinutes(59)));
        Assert.True(schedule.IsOpenAt(friday.AddHours(18)));
        Assert.True(schedule.IsOpenAt(friday.AddHours(25).AddMinutes(59)));
        Assert.False(schedule.IsOpenAt(friday.AddHours(26)));
        Assert.False(schedule.IsOpenAt(friday.AddHours(1)));
        Assert.Equal(friday.AddHours(26), schedule.NextClosing(friday.AddHours(19)));
        Assert.Equal(friday.AddDays(7).AddHours(18), schedule.NextOpening(friday.AddHours(19)));
    }

    [Fact]
    public void Touching_and_overlapping_windows_are_one_interval()
    {
        var schedule = Paris(
        [
            new TimeWindow(DayOfWeek.Monday, At(9), At(12)),
            new TimeWindow(DayOfWeek.Monday, At(12), At(14)),
            new TimeWindow(DayOfWeek.Monday, At(13), At(17)),
            new TimeWindow(DayOfWeek.Monday, At(22), At(0)),
            new TimeWindow(DayOfWeek.Tuesday, At(0), At(1)),
        ]);
        var monday = new DateTimeOffset(2026, 11, 23, 0, 0, 0, s_winter);

        var intervals = schedule.OpenIntervals(monday, monday.AddDays(1).AddHours(12));

        Assert.Equal(
            [new OpenInterval(monday.AddHours(9), monday.AddHours(17)), new OpenInterval(monday.AddHours(22), monday.AddHours(25))],
            intervals);
        Assert.Null(schedule.NextOpening(monday.AddHours(12)) is { } next && next < monday.AddHours(22) ? next : null);
        Assert.Equal(monday.AddHours(17), schedule.NextClosing(monday.AddHours(10)));
    }

    [Fact]
    public void A_closed_special_day_replaces_its_windows_but_keeps_the_night_before()
    {
        var christmas = new DateOnly(2026, 12, 25);
        var schedule = Paris(
            [new TimeWindow(DayOfWeek.Thursday, At(20), At(2)), new TimeWindow(DayOfWeek.Friday, At(9), At(17))],
            [SpecialDay.Closed(christmas)]);
        var thursday = new DateTimeOffset(2026, 12, 24, 0, 0, 0, s_winter);

        Assert.True(schedule.IsOpenAt(thursday.AddHours(25)));
        Assert.False(schedule.IsOpenAt(thursday.AddHours(34)));
        Assert.Equal(thursday.AddDays(7).AddHours(20), schedule.NextOpening(thursday.AddHours(26)));
    }

    [Fact]
    public void Special_hours_replace_the_weekly_ones_and_may_run_past_midnight()
    {
        var newYearsEve = new DateOnly(2026, 12, 31);
        var schedule = Paris(
            [new TimeWindow(DayOfWeek.Thursday, At(9), At(17)), new TimeWindow(DayOfWeek.Friday, At(9), At(17))],
            [SpecialDay.Open(newYearsEve, At(20), At(3)), SpecialDay.Closed(newYearsEve.AddDays(1))]);
        var eve = new DateTimeOffset(2026, 12, 31, 0, 0, 0, s_winter);

        Assert.False(schedule.IsOpenAt(eve.AddHours(10)));
        Assert.True(schedule.IsOpenAt(eve.AddHours(20)));
        Assert.True(schedule.IsOpenAt(eve.AddHours(26)));
        Assert.False(schedule.IsOpenAt(eve.AddHours(34)));
        Assert.Equal([new OpenInterval(eve.AddHours(20), eve.AddHours(27))], schedule.OpenIntervals(eve, eve.AddDays(2)));
    }

    [Fact]
    public void A_window_that_opens_in_the_skipped_hour_opens_when_clocks_jump()
    {
        // 2026-03-29: 02:00 CET does not happen; clocks read 03:00 CEST at 01:00 UTC.
        var schedule = Paris(
        [
            new TimeWindow(DayOfWeek.Sunday, At(2, 30), At(6)),
            new TimeWindow(DayOfWeek.Sunday, At(2, 10), At(2, 20)),
        ]);
        var jump = new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero);

        Assert.False(schedule.IsOpenAt(jump.AddTicks(-1)));
        Assert.True(schedule.IsOpenAt(jump));
        Assert.Equal(jump, schedule.NextOpening(jump.AddHours(-3)));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 3, 0, 0, s_summer), schedule.NextOpening(jump.AddHours(-3)));
        Assert.Equal([new OpenInterval(jump, new DateTimeOffset(2026, 3, 29, 6, 0, 0, s_summer))], schedule.OpenIntervals(jump.AddHours(-3), jump.AddHours(12)));
    }

    [Fact]
    public void A_window_wholly_inside_the_skipped_hour_does_not_open_that_day()
    {
        var schedule = Paris([new TimeWindow(DayOfWeek.Sunday, At(2, 10), At(2, 50))]);
        var sunday = new DateTimeOffset(2026, 3, 29, 0, 0, 0, s_winter);

        Assert.Empty(schedule.OpenIntervals(sunday, sunday.AddDays(1)));
        Assert.Equal(new DateTimeOffset(2026, 4, 5, 2, 10, 0, s_summer), schedule.NextOpening(sunday));
    }

    [Fact]
    public void The_repeated_hour_keeps_the_state_of_the_moment_before_clocks_went_back()
    {
        // 2026-10-25: clocks read 03:00 CEST, then 02:00 CET again, at 01:00 UTC; 02:00-03:00 happens twice.
        var change = new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero);
        var openAcross = Paris([new TimeWindow(DayOfWeek.Sunday, At(2, 30), At(5))]);
        var closesInside = Paris([new TimeWindow(DayOfWeek.Sunday, At(0), At(2, 30))]);
        var closesAtThree = Paris([new TimeWindow(DayOfWeek.Saturday, At(22), At(3))]);

        // Opens the first time the clock reads 02:30 and stays open through the repeat.
        Assert.Equal(change.AddMinutes(-30), openAcross.NextOpening(change.AddHours(-3)));
        Assert.True(openAcross.IsOpenAt(change.AddMinutes(10)));
        Assert.Equal([new OpenInterval(change.AddMinutes(-30), new DateTimeOffset(2026, 10, 25, 5, 0, 0, s_winter))], openAcross.OpenIntervals(change.AddHours(-3), change.AddHours(6)));

        // Closes the first time the clock reads 02:30; when 02:00 comes again it stays closed.
        Assert.Equal(change.AddMinutes(-30), closesInside.NextClosing(change.AddHours(-1)));
        Assert.False(closesInside.IsOpenAt(change.AddMinutes(10)));
        Assert.Null(closesInside.NextOpening(change) is { } next && next < change.AddDays(1) ? next : null);

        // The clock first reads 03:00 at 03:00 CET, an hour after the change: the night is an hour longer.
        Assert.Equal(new DateTimeOffset(2026, 10, 25, 3, 0, 0, s_winter), closesAtThree.NextClosing(change.AddHours(-2)));
        Assert.True(closesAtThree.IsOpenAt(change.AddMinutes(30)));
    }

    [Fact]
    public void Open_intervals_cover_the_whole_period_however_long()
    {
        var mondays = Paris([new TimeWindow(DayOfWeek.Monday, At(9), At(17))]);
        var daily = Paris(
            Enumerable.Range(0, 7).Select(day => new TimeWindow((DayOfWeek)day, At(9), At(17))),
            [SpecialDay.Closed(new DateOnly(2026, 1, 20))]);
        var from = new DateTimeOffset(2026, 1, 1, 0, 0, 0, s_winter);

        var sixtyDays = mondays.OpenIntervals(from, from.AddDays(61));
        var tenYears = daily.OpenIntervals(from, from.AddYears(10));

        Assert.Equal(9, sixtyDays.Count);
        Assert.Equal(new DateTimeOffset(2026, 3, 2, 17, 0, 0, s_winter), sixtyDays[^1].End);
        Assert.Equal(3652 - 1, tenYears.Count);
        Assert.All(tenYears, interval => Assert.Equal((new TimeSpan(9, 0, 0), TimeSpan.FromHours(8)), (interval.Start.TimeOfDay, interval.Duration)));
        Assert.Equal(new DateTimeOffset(2035, 12, 31, 9, 0, 0, s_winter), tenYears[^1].Start);
        Assert.DoesNotContain(tenYears, interval => interval.Start.Date == new DateTime(2026, 1, 20));
    }

    [Fact]
    public void A_weekly_window_inside_the_skipped_hour_does_not_occur_that_day_and_every_answer_before_it_says_so()
    {
        // Berlin, Sunday 2026-03-29: 02:00 CET becomes 03:00 CEST at 01:00 UTC, so Sunday 02:00-03:00 never shows that day.
        var maintenance = TimeWindowSchedule.Create([new TimeWindow(DayOfWeek.Sunday, At(2), At(3))], null, "Europe/Berlin");
        var before = new DateTimeOffset(2026, 3, 22, 3, 5, 0, s_winter);
        var next = new DateTimeOffset(2026, 4, 5, 2, 0, 0, s_summer);

        for (var at = before; at < next; at = at.AddMinutes(50))
        {
            Assert.False(maintenance.IsOpenAt(at), $"{at:O}");
            Assert.Equal(next, maintenance.NextOpening(at));
            Assert.Equal(next.AddHours(1), maintenance.NextClosing(at));
            Assert.Equal([new OpenInterval(next, next.AddHours(1))], maintenance.OpenIntervals(at, next.AddDays(1)));
        }
    }

    [Fact]
    public void At_a_skipped_day_an_opening_instant_is_open_and_a_closing_instant_is_closed_and_every_answer_agrees()
    {
        // Pacific/Apia skipped Friday 2011-12-30: Thursday 24:00 (-10:00) became Saturday 00:00 (+14:00) at 10:00 UTC.
        var jump = new DateTimeOffset(2011, 12, 30, 10, 0, 0, TimeSpan.Zero);
        var apia = TimeSpan.FromHours(14);
        var nights = Apia(Enumerable.Range(0, 7).Select(day => new TimeWindow((DayOfWeek)day, At(22), At(3))));
        var evenings = Apia(Enumerable.Range(0, 7).Select(day => new TimeWindow((DayOfWeek)day, At(18), At(0))));
        var fridays = Apia([new TimeWindow(DayOfWeek.Friday, At(10), At(12))]);

        // Open across the jump: no opening at it, the next one is Saturday night.
        Assert.True(nights.IsOpenAt(jump.AddTicks(-1)) && nights.IsOpenAt(jump));
        Assert.Equal(new DateTimeOffset(2011, 12, 31, 22, 0, 0, apia), nights.NextOpening(jump));
        Assert.Equal(new DateTimeOffset(2011, 12, 31, 3, 0, 0, apia), nights.NextClosing(jump));

        // Thursday evening closes at the jump: at it, closed, and that closing is found from the jump itself.
        Assert.True(evenings.IsOpenAt(jump.AddTicks(-1)));
        Assert.False(evenings.IsOpenAt(jump));
        Assert.Equal(jump, evenings.NextClosing(jump));
        Assert.Equal(jump, evenings.NextClosing(jump.AddTicks(-1)));
        Assert.Equal(new DateTimeOffset(2011, 12, 31, 18, 0, 0, apia), evenings.NextOpening(jump));

        // The Friday that does not exist has no window: the next is a week later.
        Assert.Equal(new DateTimeOffset(2012, 1, 6, 10, 0, 0, apia), fridays.NextOpening(new DateTimeOffset(2011, 12, 24, 0, 0, 0, TimeSpan.Zero)));

        foreach (var schedule in new[] { nights, evenings, fridays })
        {
            AssertBoundariesAgree(schedule, jump.AddDays(-9), jump.AddDays(9));
        }
    }

    [Fact]
    public void Openings_and_closings_agree_with_is_open_at_around_clock_changes()
    {
        var windows = new[]
        {
            new TimeWindow(DayOfWeek.Sunday, At(2, 10), At(2, 50)),
            new TimeWindow(DayOfWeek.Saturday, At(22), At(3)),
            new TimeWindow(DayOfWeek.Sunday, At(2, 30), At(6)),
            new TimeWindow(DayOfWeek.Monday, At(0), At(0, 30)),
            new TimeWindow(DayOfWeek.Sunday, At(23, 30), At(0)),
        };
        foreach (var (zone, spring, autumn) in new[]
        {
            ("Europe/Paris", new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero)),
            ("America/Santiago", new DateTimeOffset(2026, 9, 6, 4, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 5, 3, 0, 0, TimeSpan.Zero)),
        })
        {
            foreach (var window in windows)
            {
                var schedule = TimeWindowSchedule.Create([window], null, zone);
                AssertBoundariesAgree(schedule, spring.AddDays(-10), spring.AddDays(10));
                AssertBoundariesAgree(schedule, autumn.AddDays(-10), autumn.AddDays(10));
            }
        }
    }

    [Fact]
    public void A_schedule_open_all_week_never_closes_and_an_empty_one_never_opens()
    {
        var always = TimeWindowSchedule.Create(
            Enumerable.Range(0, 7).SelectMany(day => new[]
            {
                new TimeWindow((DayOfWeek)day, At(0), At(12)),
                new TimeWindow((DayOfWeek)day, At(12), At(0)),
            }),
            null,
            "America/New_York");
        var never = TimeWindowSchedule.Create([]);
        var now = new DateTimeOffset(2026, 11, 1, 6, 0, 0, TimeSpan.Zero);

        Assert.True(always.IsOpenAt(now));
        Assert.Null(always.NextClosing(now));
        Assert.Null(always.NextOpening(now));
        Assert.Equal([new OpenInterval(now, now.AddDays(3))], always.OpenIntervals(now, now.AddDays(3)).Select(i => new OpenInterval(i.Start.ToUniversalTime(), i.End.ToUniversalTime())));
        Assert.False(never.IsOpenAt(now));
        Assert.Null(never.NextOpening(now));
        Assert.Null(never.NextClosing(now));
        Assert.Empty(never.OpenIntervals(now, now.AddDays(30)));
    }

    [Fact]
    public void Answers_carry_the_offset_of_the_zone_and_do_not_depend_on_the_offset_asked_with()
    {
        var schedule = TimeWindowSchedule.Create([new TimeWindow(DayOfWeek.Monday, At(9), At(17))], null, "Pacific/Chatham");
        var utc = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero);

        var opening = schedule.NextOpening(utc);

        Assert.Equal(new TimeSpan(13, 45, 0), opening!.Value.Offset);
        Assert.Equal(new DateTime(2026, 11, 23, 9, 0, 0), opening.Value.DateTime);
        Assert.Equal(opening, schedule.NextOpening(utc.ToOffset(TimeSpan.FromHours(-7))));
    }

    [Theory]
    [InlineData(9, 0, 9, 0, "empty or a whole day")]
    [InlineData(9, 0, 0, 0, null)]
    public void A_window_from_and_to_the_same_time_is_refused_with_how_to_write_it(int fromHour, int fromMinute, int toHour, int toMinute, string? message)
    {
        if (message is null)
        {
            Assert.True(new TimeWindow(DayOfWeek.Monday, At(fromHour, fromMinute), At(toHour, toMinute)).IsOvernight);
            return;
        }

        var error = Assert.Throws<ArgumentException>(() => new TimeWindow(DayOfWeek.Monday, At(fromHour, fromMinute), At(toHour, toMinute)));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains("18:00-02:00", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SpecialDay.Open(new DateOnly(2026, 1, 1), At(fromHour, fromMinute), At(toHour, toMinute)));
    }

    [Fact]
    public void A_window_without_a_day_or_off_the_minute_is_refused()
    {
        var noDay = Assert.Throws<ArgumentException>(() => new TimeWindow((DayOfWeek)7, At(9), At(17)));
        var seconds = Assert.Throws<ArgumentException>(() => new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0, 30), At(17)));

        Assert.Contains("day of the week", noDay.Message, StringComparison.Ordinal);
        Assert.Contains("09:00:30", seconds.Message, StringComparison.Ordinal);
        Assert.Contains("whole minutes", seconds.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_and_windows_time_zones_are_refused_with_their_name()
    {
        var unknown = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, "Mars/Olympus_Mons"));
        var none = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, " "));

        Assert.Contains("'Mars/Olympus_Mons'", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("Europe/Paris", unknown.Message, StringComparison.Ordinal);
        Assert.Contains("no time zone", none.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("right/Europe/Berlin", "Write 'Europe/Berlin'")]
    [InlineData("posix/Europe/Paris", "Write 'Europe/Paris'")]
    [InlineData("localtime", "the zone the machine is set to")]
    [InlineData("posixrules", "the rules of POSIX TZ strings")]
    public void A_file_of_the_tz_database_that_is_no_id_is_refused_as_st4001_refuses_it(string zone, string fix)
    {
        var error = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, zone));

        Assert.Contains($"'{zone}' is not an IANA time zone id", error.Message, StringComparison.Ordinal);
        Assert.Contains(fix, error.Message, StringComparison.Ordinal);
        Assert.Equal("Factory", TimeWindowSchedule.Create([], null, "Factory").TimeZone.Id);
    }

    [Fact]
    public void An_instant_outside_the_years_answered_is_refused_by_every_method_and_by_where_open_at()
    {
        var schedule = Paris([new TimeWindow(DayOfWeek.Monday, At(9), At(17))]);
        var store = new Store { TimeZoneId = "Europe/Paris" };
        var now = new DateTimeOffset(2026, 11, 23, 10, 0, 0, s_winter);

        Assert.Throws<ArgumentOutOfRangeException>("instant", () => schedule.IsOpenAt(DateTimeOffset.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>("instant", () => schedule.NextOpening(DateTimeOffset.MinValue));
        Assert.Throws<ArgumentOutOfRangeException>("to", () => schedule.OpenIntervals(now, DateTimeOffset.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>("instant", () => TimeWindowQuery.ClockReadings(DateTimeOffset.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>("instant", () => new[] { store }.AsQueryable().WhereOpenAt(new DateTimeOffset(9999, 1, 1, 0, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void An_id_spelt_in_other_case_is_refused_whatever_was_read_before()
    {
        // .NET finds 'europe/paris' once it has read 'Europe/Paris' (its cache ignores case), and not before.
        _ = TimeWindowSchedule.Create([], null, "Europe/Paris");

        var lower = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, "europe/paris"));

        Assert.Contains("case-sensitive: write 'Europe/Paris'", lower.Message, StringComparison.Ordinal);
        Assert.Equal("US/Eastern", TimeWindowSchedule.Create([], null, "US/Eastern").TimeZone.Id);
        Assert.Equal(TimeSpan.Zero, TimeWindowSchedule.Create([], null, "utc").TimeZone.BaseUtcOffset);
    }

    [Fact]
    public void An_id_in_other_case_gets_one_message_before_and_after_the_zone_was_read()
    {
        // A link of the tz database that no other test reads, and that GetSystemTimeZones() does not load either (it reads
        // zone.tab): .NET does not find 'europe/belfast' yet, and finds it once 'Europe/Belfast' was read.
        var before = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, "europe/belfast"));
        _ = TimeWindowSchedule.Create([], null, "Europe/Belfast");
        var after = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, "europe/belfast"));

        Assert.Equal("TimeWindowSchedule: unknown time zone 'europe/belfast'. Time zone ids are case-sensitive: write 'Europe/Belfast'.", before.Message);
        Assert.Equal(before.Message, after.Message);
    }

    [Theory]
    [InlineData("Europe/Berln", "Europe/Berlin")]
    [InlineData("America/New_Yrok", "America/New_York")]
    [InlineData("Paris", "Europe/Paris")]
    public void A_misspelt_id_is_refused_with_the_id_st4001_suggests(string zone, string meant)
    {
        var error = Assert.Throws<TimeZoneNotFoundException>(() => TimeWindowSchedule.Create([], null, zone));

        Assert.EndsWith($"unknown time zone '{zone}'. Did you mean '{meant}'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_both_closed_and_open_is_refused_and_null_entries_are_named()
    {
        var date = new DateOnly(2026, 5, 1);

        var contradiction = Assert.Throws<ArgumentException>(() => TimeWindowSchedule.Create([], [SpecialDay.Open(date, At(10), At(12)), SpecialDay.Closed(date)], "UTC"));
        var nullWindow = Assert.Throws<ArgumentException>(() => TimeWindowSchedule.Create([null!], null, "UTC"));

        Assert.Contains("2026-05-01", contradiction.Message, StringComparison.Ordinal);
        Assert.Contains("2026-05-01 closed", contradiction.Message, StringComparison.Ordinal);
        Assert.Contains("TimeWindow 0 of 1 is null", nullWindow.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TimeWindowSchedule.Create([new TimeWindow(DayOfWeek.Monday, At(1), At(2))]).OpenIntervals(DateTimeOffset.UnixEpoch.AddDays(1), DateTimeOffset.UnixEpoch));
    }

    [Fact]
    public void An_entity_reuses_its_schedule_until_a_window_or_its_zone_changes()
    {
        var store = new Store { TimeZoneId = "Europe/Paris" };
        store.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, At(9), At(17)));
        var monday = new DateTimeOffset(2026, 11, 23, 10, 0, 0, s_winter);

        var first = store.GetTimeWindowSchedule();
        Assert.Same(first, store.GetTimeWindowSchedule());
        Assert.True(store.IsOpenAt(monday));

        store.TimeWindows[0] = new TimeWindow(DayOfWeek.Monday, At(11), At(17));
        Assert.NotSame(first, store.GetTimeWindowSchedule());
        Assert.False(store.IsOpenAt(monday));

        var second = store.GetTimeWindowSchedule();
        store.TimeZoneId = "Europe/London";
        Assert.NotSame(second, store.GetTimeWindowSchedule());
        Assert.False(store.IsOpenAt(monday.AddHours(1)));
        Assert.True(store.IsOpenAt(monday.AddHours(2)));

        store.SpecialDays.Add(SpecialDay.Closed(new DateOnly(2026, 11, 23)));
        Assert.False(store.IsOpenAt(monday.AddHours(2)));
    }

    [Fact]
    public async Task Where_open_at_runs_over_objects_and_the_in_memory_provider_refuses_it_with_what_to_do()
    {
        var open = new Store { Name = "open", TimeZoneId = "Europe/Paris" };
        open.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, At(9), At(17)));
        var closed = new Store { Name = "closed", TimeZoneId = "America/New_York" };
        closed.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, At(9), At(17)));
        var monday = new DateTimeOffset(2026, 11, 23, 10, 0, 0, s_winter);

        Assert.Equal(["open"], new[] { open, closed }.AsQueryable().WhereOpenAt(monday).Select(s => s.Name));

        var options = new DbContextOptionsBuilder<TimeWindowContext>().UseInMemoryDatabase($"windows-{Guid.NewGuid():N}").UseServerTools().Options;
        await using (var context = new TimeWindowContext(options))
        {
            context.Stores.AddRange(open, closed);
            await context.SaveChangesAsync();
        }

        await using (var context = new TimeWindowContext(options))
        {
            var error = await Assert.ThrowsAsync<NotSupportedException>(() => context.Stores.WhereOpenAt(monday).ToListAsync());
            Assert.Contains("does not store complex collections", error.Message, StringComparison.Ordinal);
            Assert.Contains("ServerTools.Testing", error.Message, StringComparison.Ordinal);
            Assert.Contains("AsQueryable().WhereOpenAt(time)", error.Message, StringComparison.Ordinal);

            // What the message says of the provider: loading the rows and asking IsOpenAt, as it does not advise, fails.
            var loaded = await context.Stores.OrderBy(s => s.Name).ToListAsync();
            Assert.All(loaded, s => Assert.Null(s.TimeWindows));
            Assert.Throws<InvalidOperationException>(() => loaded[0].IsOpenAt(monday));
        }
    }

    /// <summary>
    /// What the four methods say about one another over a period: open at each interval's start and closed just before
    /// it, closed at its end; from an interval's start NextOpening is that start, from its end NextClosing is that end;
    /// from any instant, NextOpening and NextClosing are the first interval boundaries at or after it.
    /// </summary>
    private static void AssertBoundariesAgree(TimeWindowSchedule schedule, DateTimeOffset from, DateTimeOffset to)
    {
        var intervals = schedule.OpenIntervals(from, to);
        foreach (var (start, end) in intervals)
        {
            if (start > from)
            {
                Assert.True(schedule.IsOpenAt(start) && !schedule.IsOpenAt(start.AddTicks(-1)), $"{schedule.TimeZone.Id} {start:O} is not an opening");
                Assert.Equal(start, schedule.NextOpening(start));
                Assert.Equal(start, schedule.NextOpening(start.AddTicks(-1)));
            }

            if (end < to)
            {
                Assert.True(!schedule.IsOpenAt(end) && schedule.IsOpenAt(end.AddTicks(-1)), $"{schedule.TimeZone.Id} {end:O} is not a closing");
                Assert.Equal(end, schedule.NextClosing(end));
                Assert.Equal(end, schedule.NextClosing(start));
            }
        }

        for (var at = from.AddMinutes(5); at < to; at = at.AddMinutes(10))
        {
            var instant = at;
            var opening = intervals.FirstOrDefault(i => i.Start >= instant && i.Start > from).Start;
            var closing = intervals.FirstOrDefault(i => i.End >= instant && i.End < to).End;
            if (opening != default)
            {
                Assert.Equal(opening, schedule.NextOpening(at));
            }

            if (closing != default)
            {
                Assert.Equal(closing, schedule.NextClosing(at));
            }

            Assert.Equal(intervals.Any(i => i.Start <= instant && instant < i.End), schedule.IsOpenAt(at));
        }
    }

    private static TimeWindowSchedule Apia(IEnumerable<TimeWindow> windows) => TimeWindowSchedule.Create(windows, null, "Pacific/Apia");

    private static TimeWindowSchedule Paris(IEnumerable<TimeWindow> windows, IEnumerable<SpecialDay>? specialDays = null)
        => TimeWindowSchedule.Create(windows, specialDays, "Europe/Paris");

    private static TimeOnly At(int hour, int minute = 0) => new(hour, minute);
}
