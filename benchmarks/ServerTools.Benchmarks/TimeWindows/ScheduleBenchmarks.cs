using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace ServerTools.Benchmarks.TimeWindows;

/// <summary>A shop in Paris with opening hours; nothing else, as the schedule benchmark needs no database.</summary>
[TimeWindowed(TimeZone = ScheduleBenchmarks.Zone)]
public partial class Shop;

/// <summary>
/// <c>IsOpenAt</c> and <c>NextOpening</c> of a <see cref="Shop"/> (through the generated members, so the entity's
/// schedule cache is in the measurement) against <see cref="NaiveSchedule"/>, which answers the same questions with
/// <see cref="TimeZoneInfo"/> and the windows as they are given. 14 weekly windows (two a day, overnight on Friday and
/// Saturday) and 20 special days in Europe/Paris; 1,024 fixed instants spread over the year from 2026-11-21, asked in
/// the same order on every call. Times and allocations are per instant (<c>OperationsPerInvoke</c>).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
[SimpleJob(launchCount: 1, warmupCount: 5, iterationCount: 30)]
public class ScheduleBenchmarks
{
    /// <summary>The shop's time zone.</summary>
    public const string Zone = "Europe/Paris";

    private const int Count = 1024;

    private static readonly DateTimeOffset s_first = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    private readonly Shop _shop = new() { TimeWindows = Windows(), SpecialDays = SpecialDays() };
    private readonly DateTimeOffset[] _instants = Instants();
    private NaiveSchedule _naive = null!;

    /// <summary>
    /// Builds the naive schedule and fails the run unless it gives the shop's answers for every instant whose question
    /// does not reach within a day of a change of UTC offset (there the naive wall clock goes back, the schedule's does
    /// not, and they differ on purpose).
    /// </summary>
    [GlobalSetup]
    public void Setup()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Zone);
        _naive = new NaiveSchedule(zone, _shop.TimeWindows, _shop.SpecialDays);
        var changes = OffsetChanges(zone, s_first.AddDays(-2), s_first.AddDays(400));
        var compared = 0;
        foreach (var instant in _instants)
        {
            var opening = _shop.NextOpening(instant) ?? throw new InvalidOperationException($"The shop never opens after {instant:O}.");
            if (changes.Exists(change => change > instant.AddDays(-1) && change < opening.AddDays(1)))
            {
                continue;
            }

            var (open, naiveOpen) = (_shop.IsOpenAt(instant), _naive.IsOpenAt(instant));
            var naiveOpening = _naive.NextOpening(instant);
            if (open != naiveOpen || naiveOpening != opening)
            {
                throw new InvalidOperationException(
                    $"At {instant:O} the shop says open {open}, next opening {opening:O}; the naive schedule says {naiveOpen}, {naiveOpening:O}.");
            }

            compared++;
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// Setup: the naive schedule agrees on {compared} of {Count} instants (the others are near a change of UTC offset)"));
    }

    [Benchmark(Baseline = true, Description = "naive, TimeZoneInfo", OperationsPerInvoke = Count)]
    [BenchmarkCategory("IsOpenAt")]
    public int NaiveIsOpenAt()
    {
        var open = 0;
        foreach (var instant in _instants)
        {
            open += _naive.IsOpenAt(instant) ? 1 : 0;
        }

        return open;
    }

    [Benchmark(Description = "[TimeWindowed] entity", OperationsPerInvoke = Count)]
    [BenchmarkCategory("IsOpenAt")]
    public int IsOpenAt()
    {
        var open = 0;
        foreach (var instant in _instants)
        {
            open += _shop.IsOpenAt(instant) ? 1 : 0;
        }

        return open;
    }

    [Benchmark(Baseline = true, Description = "naive, TimeZoneInfo", OperationsPerInvoke = Count)]
    [BenchmarkCategory("NextOpening")]
    public long NaiveNextOpening()
    {
        var sum = 0L;
        foreach (var instant in _instants)
        {
            sum += _naive.NextOpening(instant)?.UtcTicks ?? 0;
        }

        return sum;
    }

    [Benchmark(Description = "[TimeWindowed] entity", OperationsPerInvoke = Count)]
    [BenchmarkCategory("NextOpening")]
    public long NextOpening()
    {
        var sum = 0L;
        foreach (var instant in _instants)
        {
            sum += _shop.NextOpening(instant)?.UtcTicks ?? 0;
        }

        return sum;
    }

    /// <summary>Two windows a day; on Friday and Saturday the evening one runs past midnight.</summary>
    private static List<TimeWindow> Windows()
    {
        var windows = new List<TimeWindow>();
        for (var day = DayOfWeek.Monday; day <= DayOfWeek.Thursday; day++)
        {
            windows.Add(new TimeWindow(day, new TimeOnly(8, 0), new TimeOnly(12, 30)));
            windows.Add(new TimeWindow(day, new TimeOnly(14, 0), new TimeOnly(19, 0)));
        }

        windows.Add(new TimeWindow(DayOfWeek.Friday, new TimeOnly(8, 0), new TimeOnly(12, 30)));
        windows.Add(new TimeWindow(DayOfWeek.Friday, new TimeOnly(18, 0), new TimeOnly(2, 0)));
        windows.Add(new TimeWindow(DayOfWeek.Saturday, new TimeOnly(10, 0), new TimeOnly(14, 0)));
        windows.Add(new TimeWindow(DayOfWeek.Saturday, new TimeOnly(20, 0), new TimeOnly(3, 30)));
        windows.Add(new TimeWindow(DayOfWeek.Sunday, new TimeOnly(9, 0), new TimeOnly(12, 0)));
        windows.Add(new TimeWindow(DayOfWeek.Sunday, new TimeOnly(17, 0), new TimeOnly(23, 0)));
        return windows;
    }

    /// <summary>11 closed dates and 9 entries of special hours (one date split in two, two past midnight), over the next months.</summary>
    private static List<SpecialDay> SpecialDays() =>
    [
        SpecialDay.Open(new DateOnly(2026, 12, 24), new TimeOnly(9, 0), new TimeOnly(16, 0)),
        SpecialDay.Closed(new DateOnly(2026, 12, 25)),
        SpecialDay.Closed(new DateOnly(2026, 12, 26)),
        SpecialDay.Open(new DateOnly(2026, 12, 31), new TimeOnly(18, 0), new TimeOnly(4, 0)),
        SpecialDay.Closed(new DateOnly(2027, 1, 1)),
        SpecialDay.Open(new DateOnly(2027, 1, 2), new TimeOnly(12, 0), new TimeOnly(18, 0)),
        SpecialDay.Open(new DateOnly(2027, 2, 14), new TimeOnly(11, 0), new TimeOnly(14, 0)),
        SpecialDay.Open(new DateOnly(2027, 2, 14), new TimeOnly(18, 30), new TimeOnly(23, 30)),
        SpecialDay.Closed(new DateOnly(2027, 3, 29)),
        SpecialDay.Closed(new DateOnly(2027, 5, 1)),
        SpecialDay.Closed(new DateOnly(2027, 5, 8)),
        SpecialDay.Open(new DateOnly(2027, 5, 6), new TimeOnly(9, 0), new TimeOnly(13, 0)),
        SpecialDay.Closed(new DateOnly(2027, 5, 17)),
        SpecialDay.Open(new DateOnly(2027, 6, 21), new TimeOnly(16, 0), new TimeOnly(1, 0)),
        SpecialDay.Closed(new DateOnly(2027, 7, 14)),
        SpecialDay.Open(new DateOnly(2027, 7, 13), new TimeOnly(10, 0), new TimeOnly(15, 0)),
        SpecialDay.Closed(new DateOnly(2027, 8, 15)),
        SpecialDay.Open(new DateOnly(2027, 8, 16), new TimeOnly(10, 0), new TimeOnly(16, 0)),
        SpecialDay.Closed(new DateOnly(2027, 11, 1)),
        SpecialDay.Closed(new DateOnly(2027, 11, 11)),
    ];

    /// <summary>1,024 instants at random seconds of the 365 days from <see cref="s_first"/>, in random order; the same on every run.</summary>
    private static DateTimeOffset[] Instants()
    {
        var random = new Random(20261121);
        var instants = new DateTimeOffset[Count];
        for (var i = 0; i < instants.Length; i++)
        {
            instants[i] = s_first.AddSeconds(random.NextInt64(365L * 24 * 60 * 60));
        }

        return instants;
    }

    /// <summary>The instants, to the hour, at which <paramref name="zone"/>'s UTC offset changes between two instants.</summary>
    private static List<DateTimeOffset> OffsetChanges(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        var changes = new List<DateTimeOffset>();
        for (var at = from; at < to; at = at.AddHours(1))
        {
            if (zone.GetUtcOffset(at) != zone.GetUtcOffset(at.AddHours(1)))
            {
                changes.Add(at.AddHours(1));
            }
        }

        return changes;
    }
}

/// <summary>
/// The obvious way to answer from the windows as they are given, with no compiled schedule: convert the instant to
/// local time with <see cref="TimeZoneInfo"/>, then look through the windows and special days. A window belongs to the
/// day it starts on; a special date replaces the weekly windows that start on it, and a window of the day before that
/// runs past midnight still applies. The wall clock goes back when clocks do (the schedule's does not), so answers can
/// differ in a repeated hour.
/// </summary>
internal sealed class NaiveSchedule(TimeZoneInfo zone, List<TimeWindow> windows, List<SpecialDay> specialDays)
{
    private static readonly TimeSpan s_minute = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan s_horizon = TimeSpan.FromDays(366);

    /// <summary>Whether the windows and special days hold the instant's local time.</summary>
    public bool IsOpenAt(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone).DateTime;
        var date = DateOnly.FromDateTime(local);
        var time = TimeOnly.FromDateTime(local);
        return OpenFromToday(date, time) || OpenFromYesterday(date.AddDays(-1), time);
    }

    /// <summary>The first whole minute at or after the instant that is open and follows one that is closed, minute by minute; null within a year.</summary>
    public DateTimeOffset? NextOpening(DateTimeOffset instant)
    {
        var minute = new DateTimeOffset((instant.UtcTicks + TimeSpan.TicksPerMinute - 1) / TimeSpan.TicksPerMinute * TimeSpan.TicksPerMinute, TimeSpan.Zero);
        var wasOpen = IsOpenAt(minute - s_minute);
        for (var end = instant + s_horizon; minute < end; minute += s_minute)
        {
            var open = IsOpenAt(minute);
            if (open && !wasOpen)
            {
                return TimeZoneInfo.ConvertTime(minute, zone);
            }

            wasOpen = open;
        }

        return null;
    }

    /// <summary>The hours that start on <paramref name="date"/> (to midnight for those past it) hold <paramref name="time"/>.</summary>
    private bool OpenFromToday(DateOnly date, TimeOnly time)
    {
        if (IsSpecial(date))
        {
            foreach (var special in specialDays)
            {
                if (special.Date == date && special.From is { } from && special.To is { } to && from <= time && (to <= from || time < to))
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var window in windows)
        {
            if (window.Day == date.DayOfWeek && window.From <= time && (window.To <= window.From || time < window.To))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The hours that started on <paramref name="yesterday"/> and run past midnight hold <paramref name="time"/>.</summary>
    private bool OpenFromYesterday(DateOnly yesterday, TimeOnly time)
    {
        if (IsSpecial(yesterday))
        {
            foreach (var special in specialDays)
            {
                if (special.Date == yesterday && special.From is { } from && special.To is { } to && to < from && time < to)
                {
                    return true;
                }
            }

            return false;
        }

        foreach (var window in windows)
        {
            if (window.Day == yesterday.DayOfWeek && window.To < window.From && time < window.To)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsSpecial(DateOnly date)
    {
        foreach (var special in specialDays)
        {
            if (special.Date == date)
            {
                return true;
            }
        }

        return false;
    }
}
