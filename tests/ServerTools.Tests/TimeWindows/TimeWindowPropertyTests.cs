using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace ServerTools.Tests.TimeWindows;

/// <summary>
/// <see cref="TimeWindowSchedule"/> against <see cref="TimeWindowOracle"/>, a minute-by-minute brute force written from
/// the specification: 20,000 generated schedules and instants per zone, most within days of a clock change or a year
/// end, in zones with one-hour, half-hour, 45-minute-offset and midnight transitions. Each case checks all four methods,
/// the same calls with the instant in another UTC offset, and the shape of the intervals. A failure names the first
/// disagreeing case, reduced to the windows and special days it needs, and the number of disagreements per method.
/// </summary>
public sealed class TimeWindowPropertyTests(ITestOutputHelper output)
{
    private const int CasesPerZone = 20_000;

    private static readonly string[] s_zoneIds =
    [
        "Europe/Paris", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "Pacific/Chatham", "America/Santiago",
    ];

    public static TheoryData<string> Zones => new(s_zoneIds);

    [Theory]
    [MemberData(nameof(Zones))]
    public void Schedule_answers_as_the_minute_by_minute_oracle_around_clock_changes_and_year_ends(string zoneId)
    {
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById(zoneId));
        var generator = new ScheduleCaseGenerator(oracle);
        var firstSeed = 1_000_000 * (Array.IndexOf(s_zoneIds, zoneId) + 1);
        var counts = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var gate = new object();
        (int Index, ScheduleCase Case, Disagreement Disagreement)? first = null;

        var watch = Stopwatch.StartNew();
        Parallel.For(0, CasesPerZone, index =>
        {
            var @case = generator.Generate(firstSeed + index);
            var disagreements = Check(oracle, @case);
            foreach (var method in disagreements.Select(static d => d.Method).Distinct())
            {
                counts.AddOrUpdate(method, 1, static (_, n) => n + 1);
            }

            if (disagreements.Count > 0)
            {
                lock (gate)
                {
                    if (first is null || index < first.Value.Index)
                    {
                        first = (index, @case, disagreements[0]);
                    }
                }
            }
        });
        output.WriteLine($"{zoneId}: {CasesPerZone} cases in {watch.Elapsed.TotalSeconds:F1} s");

        if (first is { } failure)
        {
            var reduced = Reduce(oracle, failure.Case, failure.Disagreement.Method);
            var message = new StringBuilder()
                .AppendLine(CultureInfo.InvariantCulture, $"{counts.Values.Sum()} disagreements in {CasesPerZone} cases in {zoneId}: {string.Join(", ", counts.OrderBy(static c => c.Key, StringComparer.Ordinal).Select(static c => $"{c.Key} {c.Value}"))}")
                .AppendLine()
                .AppendLine(CultureInfo.InvariantCulture, $"First disagreeing case (#{failure.Index}), reduced:")
                .Append(Describe(oracle, reduced.Case, reduced.Disagreement))
                .AppendLine()
                .AppendLine("As generated:")
                .Append(Describe(oracle, failure.Case, failure.Disagreement))
                .ToString();
            Assert.Fail(message);
        }
    }

    [Fact]
    public void Oracle_opens_a_window_that_starts_in_the_spring_forward_gap_when_clocks_jump()
    {
        // Paris, Sunday 31 March 2024: 02:00 CET becomes 03:00 CEST at 01:00 UTC.
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var answers = oracle.Evaluate([new TimeWindow(DayOfWeek.Sunday, new TimeOnly(2, 30), new TimeOnly(4, 0))], [], Utc(2024, 3, 31, 0, 0), Utc(2024, 3, 31, 3, 0));

        Assert.False(answers.IsOpen);
        Assert.Equal(Utc(2024, 3, 31, 1, 0), answers.NextOpening);
        Assert.Equal(Utc(2024, 3, 31, 2, 0), answers.NextClosing);
        Assert.Equal([new OpenInterval(Utc(2024, 3, 31, 1, 0), Utc(2024, 3, 31, 2, 0))], answers.Intervals);
        Assert.Equal(TimeSpan.FromHours(2), answers.Intervals[0].Start.Offset);
    }

    [Fact]
    public void Oracle_skips_a_window_entirely_inside_the_spring_forward_gap()
    {
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var answers = oracle.Evaluate([new TimeWindow(DayOfWeek.Sunday, new TimeOnly(2, 10), new TimeOnly(2, 50))], [], Utc(2024, 3, 31, 0, 0), Utc(2024, 3, 31, 3, 0));

        Assert.Equal(Utc(2024, 4, 7, 0, 10), answers.NextOpening);
        Assert.Empty(answers.Intervals);
    }

    [Fact]
    public void Oracle_keeps_the_state_of_the_moment_before_clocks_fall_back_during_the_repeated_hour()
    {
        // Paris, Sunday 27 October 2024: 03:00 CEST becomes 02:00 CET at 01:00 UTC.
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        var spanning = oracle.Evaluate([new TimeWindow(DayOfWeek.Sunday, new TimeOnly(2, 30), new TimeOnly(3, 30))], [], Utc(2024, 10, 27, 0, 0), Utc(2024, 10, 27, 4, 0));
        var early = oracle.Evaluate([new TimeWindow(DayOfWeek.Sunday, new TimeOnly(2, 0), new TimeOnly(2, 30))], [], Utc(2024, 10, 27, 1, 10), Utc(2024, 10, 27, 1, 10));

        Assert.Equal([new OpenInterval(Utc(2024, 10, 27, 0, 30), Utc(2024, 10, 27, 2, 30))], spanning.Intervals);
        Assert.Equal(TimeSpan.FromHours(2), spanning.Intervals[0].Start.Offset);
        Assert.Equal(TimeSpan.FromHours(1), spanning.Intervals[0].End.Offset);
        Assert.False(early.IsOpen);
        Assert.Equal(Utc(2024, 11, 3, 1, 0), early.NextOpening);
    }

    [Fact]
    public void Oracle_closes_at_the_jump_a_window_that_ends_in_a_gap_at_local_midnight()
    {
        // Santiago, 8 September 2024: 24:00 (-04:00) on Saturday becomes 01:00 (-03:00) on Sunday at 04:00 UTC.
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById("America/Santiago"));
        var answers = oracle.Evaluate(
            [new TimeWindow(DayOfWeek.Saturday, new TimeOnly(22, 0), new TimeOnly(0, 30)), new TimeWindow(DayOfWeek.Sunday, new TimeOnly(0, 0), new TimeOnly(0, 45))],
            [],
            Utc(2024, 9, 8, 0, 0),
            Utc(2024, 9, 8, 6, 0));

        Assert.Equal([new OpenInterval(Utc(2024, 9, 8, 2, 0), Utc(2024, 9, 8, 4, 0))], answers.Intervals);
    }

    [Fact]
    public void Oracle_replaces_the_weekly_windows_that_start_on_a_special_day_but_not_the_night_before()
    {
        // Tuesday 4 June 2024, Paris (UTC+2).
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris"));
        TimeWindow[] windows = [new(DayOfWeek.Monday, new TimeOnly(22, 0), new TimeOnly(2, 0)), new(DayOfWeek.Tuesday, new TimeOnly(10, 0), new TimeOnly(12, 0))];
        SpecialDay[] specialDays = [SpecialDay.Open(new DateOnly(2024, 6, 4), new TimeOnly(23, 0), new TimeOnly(1, 0))];
        var answers = oracle.Evaluate(windows, specialDays, Utc(2024, 6, 3, 23, 0), Utc(2024, 6, 5, 0, 0));

        Assert.True(answers.IsOpen);
        Assert.Equal(
            [new OpenInterval(Utc(2024, 6, 3, 23, 0), Utc(2024, 6, 4, 0, 0)), new OpenInterval(Utc(2024, 6, 4, 21, 0), Utc(2024, 6, 4, 23, 0))],
            answers.Intervals);
    }

    [Fact]
    public void Oracle_finds_no_closing_for_a_schedule_open_all_week()
    {
        var oracle = TimeWindowOracle.For(TimeZoneInfo.FindSystemTimeZoneById("Pacific/Chatham"));
        var windows = Enum.GetValues<DayOfWeek>().SelectMany(static day => new[] { new TimeWindow(day, new TimeOnly(0, 0), new TimeOnly(12, 0)), new TimeWindow(day, new TimeOnly(12, 0), new TimeOnly(0, 0)) }).ToList();
        var answers = oracle.Evaluate(windows, [], Utc(2024, 4, 6, 13, 0), Utc(2024, 4, 7, 13, 0));

        Assert.True(answers.IsOpen);
        Assert.Null(answers.NextOpening);
        Assert.Null(answers.NextClosing);
        Assert.Equal([new OpenInterval(Utc(2024, 4, 6, 13, 0), Utc(2024, 4, 7, 13, 0))], answers.Intervals);
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    /// <summary>Every way the schedule's answers for the case differ from the oracle's, or break a property.</summary>
    private static List<Disagreement> Check(TimeWindowOracle oracle, ScheduleCase @case)
    {
        var disagreements = new List<Disagreement>();
        TimeWindowSchedule schedule;
        try
        {
            schedule = TimeWindowSchedule.Create(@case.Windows, @case.SpecialDays, oracle.Zone);
        }
        catch (Exception e)
        {
            disagreements.Add(new Disagreement("Create", "a schedule", Describe(e)));
            return disagreements;
        }

        var expected = oracle.Evaluate(@case.Windows, @case.SpecialDays, @case.Instant, @case.IntervalsEnd);

        var isOpen = Call(() => schedule.IsOpenAt(@case.Instant));
        if (isOpen.Error is not null || isOpen.Value != expected.IsOpen)
        {
            disagreements.Add(new Disagreement("IsOpenAt", Describe(expected.IsOpen), Describe(isOpen)));
        }
        else if (Call(() => schedule.IsOpenAt(@case.SameInstant)) is var again && (again.Error is not null || again.Value != isOpen.Value))
        {
            disagreements.Add(new Disagreement("IsOpenAt with another input offset", Describe(isOpen.Value), Describe(again)));
        }

        CheckNext("NextOpening", expected.NextOpening, instant => schedule.NextOpening(instant));
        CheckNext("NextClosing", expected.NextClosing, instant => schedule.NextClosing(instant));

        var intervals = Call(() => schedule.OpenIntervals(@case.Instant, @case.IntervalsEnd));
        if (intervals.Error is not null)
        {
            disagreements.Add(new Disagreement("OpenIntervals", Describe(expected.Intervals), Describe(intervals.Error)));
        }
        else if (ShapeProblem(oracle.Zone, intervals.Value!, @case.Instant, @case.IntervalsEnd) is { } problem)
        {
            disagreements.Add(new Disagreement("OpenIntervals shape", problem, Describe(intervals.Value!)));
        }
        else if (!intervals.Value!.Select(static i => (i.Start.UtcTicks, i.End.UtcTicks)).SequenceEqual(expected.Intervals.Select(static i => (i.Start.UtcTicks, i.End.UtcTicks))))
        {
            disagreements.Add(new Disagreement("OpenIntervals", Describe(expected.Intervals), Describe(intervals.Value!)));
        }
        else if (Call(() => schedule.OpenIntervals(@case.SameInstant, @case.SameIntervalsEnd)) is var other
            && (other.Error is not null || !other.Value!.Select(Exactly).SequenceEqual(intervals.Value!.Select(Exactly))))
        {
            disagreements.Add(new Disagreement("OpenIntervals with another input offset", Describe(intervals.Value!), other.Error is null ? Describe(other.Value!) : Describe(other.Error)));
        }

        return disagreements;

        void CheckNext(string method, DateTimeOffset? expectedNext, Func<DateTimeOffset, DateTimeOffset?> next)
        {
            var actual = Call(() => next(@case.Instant));
            if (actual.Error is not null || actual.Value?.UtcTicks != expectedNext?.UtcTicks)
            {
                var before = actual.Value is { } value && value.UtcTicks < @case.Instant.UtcTicks;
                disagreements.Add(new Disagreement(before ? method + " before the instant" : method, Describe(expectedNext), Describe(actual)));
            }
            else if (Call(() => next(@case.SameInstant)) is var again && (again.Error is not null || Exactly(again.Value) != Exactly(actual.Value)))
            {
                disagreements.Add(new Disagreement(method + " with another input offset", Describe(actual.Value), Describe(again)));
            }
        }
    }

    /// <summary>What is wrong with the form of the intervals, whatever the oracle says: order, overlap, emptiness,
    /// bounds, and the offsets they carry; null when nothing is.</summary>
    private static string? ShapeProblem(TimeZoneInfo zone, IReadOnlyList<OpenInterval> intervals, DateTimeOffset from, DateTimeOffset to)
    {
        for (var i = 0; i < intervals.Count; i++)
        {
            var (start, end) = (intervals[i].Start, intervals[i].End);
            if (start.UtcTicks >= end.UtcTicks)
            {
                return $"non-empty intervals (#{i} is empty or reversed)";
            }

            if (start.UtcTicks < from.UtcTicks || end.UtcTicks > to.UtcTicks)
            {
                return $"intervals within [from, to) (#{i} is not)";
            }

            if (i > 0 && intervals[i - 1].End.UtcTicks >= start.UtcTicks)
            {
                return $"ordered, disjoint, maximal intervals (#{i - 1} and #{i} overlap, touch or are out of order)";
            }

            if (start.Offset != zone.GetUtcOffset(start) || end.Offset != zone.GetUtcOffset(end))
            {
                return $"the zone's offsets on #{i} ({Describe(zone.GetUtcOffset(start))}, {Describe(zone.GetUtcOffset(end))})";
            }
        }

        return null;
    }

    /// <summary>The smallest case, by dropping windows and special days one at a time, that still disagrees on <paramref name="method"/>.</summary>
    private static (ScheduleCase Case, Disagreement Disagreement) Reduce(TimeWindowOracle oracle, ScheduleCase @case, string method)
    {
        var disagreement = Check(oracle, @case).First(d => d.Method == method);
        for (var reduced = true; reduced;)
        {
            reduced = false;
            var candidates = Enumerable.Range(0, @case.Windows.Count).Select(i => @case with { Windows = Without(@case.Windows, i) })
                .Concat(Enumerable.Range(0, @case.SpecialDays.Count).Select(i => @case with { SpecialDays = Without(@case.SpecialDays, i) }));
            foreach (var candidate in candidates)
            {
                if (Check(oracle, candidate).FirstOrDefault(d => d.Method == method) is { } still)
                {
                    (@case, disagreement, reduced) = (candidate, still, true);
                    break;
                }
            }
        }

        return (@case, disagreement);

        static List<T> Without<T>(IReadOnlyList<T> items, int index) => items.Where((_, i) => i != index).ToList();
    }

    private static string Describe(TimeWindowOracle oracle, ScheduleCase @case, Disagreement disagreement)
    {
        var zone = oracle.Zone;
        return new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"  zone:         {zone.Id}")
            .AppendLine(CultureInfo.InvariantCulture, $"  windows:      [{string.Join(", ", @case.Windows)}]")
            .AppendLine(CultureInfo.InvariantCulture, $"  special days: [{string.Join(", ", @case.SpecialDays)}]")
            .AppendLine(CultureInfo.InvariantCulture, $"  instant:      {Describe(@case.Instant)} as given, {Describe(@case.Instant.ToUniversalTime())} UTC, wall clock {oracle.WallClock(@case.Instant):yyyy-MM-dd HH:mm:ss.fffffff} ({zone.GetUtcOffset(@case.Instant)}), {oracle.WallClock(@case.Instant).DayOfWeek}; also given as {Describe(@case.SameInstant)}")
            .AppendLine(CultureInfo.InvariantCulture, $"  intervals to: {Describe(@case.IntervalsEnd)}")
            .AppendLine(CultureInfo.InvariantCulture, $"  generated as: {@case.Kind}, seed {@case.Seed}")
            .AppendLine(CultureInfo.InvariantCulture, $"  method:       {disagreement.Method}")
            .AppendLine(CultureInfo.InvariantCulture, $"  expected:     {disagreement.Expected}")
            .AppendLine(CultureInfo.InvariantCulture, $"  actual:       {disagreement.Actual}")
            .ToString();
    }

    private static (long UtcTicks, TimeSpan Offset)? Exactly(DateTimeOffset? instant) => instant is { } i ? (i.UtcTicks, i.Offset) : null;

    private static (long, TimeSpan, long, TimeSpan) Exactly(OpenInterval interval)
        => (interval.Start.UtcTicks, interval.Start.Offset, interval.End.UtcTicks, interval.End.Offset);

    private static (T? Value, Exception? Error) Call<T>(Func<T> call)
    {
        try
        {
            return (call(), null);
        }
        catch (Exception e)
        {
            return (default, e);
        }
    }

    private static string Describe<T>((T? Value, Exception? Error) result) => result.Error is { } error ? Describe(error) : Describe(result.Value);

    private static string Describe(object? value) => value switch
    {
        null => "null",
        bool b => b ? "open" : "closed",
        DateTimeOffset instant => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffffzzz", CultureInfo.InvariantCulture),
        TimeSpan offset => offset.ToString(offset < TimeSpan.Zero ? "'-'hh':'mm" : "'+'hh':'mm", CultureInfo.InvariantCulture),
        IEnumerable<OpenInterval> intervals => "[" + string.Join(", ", intervals.Select(static i => Describe(i.Start) + " - " + Describe(i.End))) + "]",
        Exception error => $"{error.GetType().Name}: {error.Message}",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private sealed record Disagreement(string Method, string Expected, string Actual);
}

/// <summary>One generated schedule and the instant its four methods are asked about.</summary>
internal sealed record ScheduleCase(
    int Seed, string Kind, IReadOnlyList<TimeWindow> Windows, IReadOnlyList<SpecialDay> SpecialDays, DateTimeOffset Instant, DateTimeOffset SameInstant, TimeSpan Span)
{
    public DateTimeOffset IntervalsEnd => Instant + Span;

    public DateTimeOffset SameIntervalsEnd => SameInstant + Span;
}

/// <summary>
/// Schedules and instants from a seed: instants at and around the zone's clock changes and year ends, or anywhere from
/// 2020 to 2030, or at an opening or closing; windows biased toward the local times where clocks change, overnight
/// windows and windows that touch; schedules open all week, and schedules of special days only.
/// </summary>
internal sealed class ScheduleCaseGenerator
{
    private const int MinutesPerDay = 24 * 60;
    private static readonly int[] s_changeMinutes = [0, 30, 60, 90, 120, 150, 165, 180, 210, 225, 240, 23 * 60, 23 * 60 + 30];
    private static readonly DateTimeOffset s_first = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset s_end = new(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly TimeWindowOracle _oracle;
    private readonly List<DateTimeOffset> _yearEnds;
    private readonly int[] _zoneChangeMinutes;

    public ScheduleCaseGenerator(TimeWindowOracle oracle)
    {
        _oracle = oracle;
        var zone = oracle.Zone;
        _yearEnds = Enumerable.Range(2021, 10)
            .Select(year => new DateTime(year, 1, 1))
            .Select(midnight => new DateTimeOffset(midnight, zone.GetUtcOffset(midnight)))
            .ToList();
        _zoneChangeMinutes = oracle.Transitions
            .SelectMany(t => new[] { oracle.WallClock(t.AddTicks(-1)).AddTicks(1), oracle.WallClock(t) })
            .Select(static local => (int)(local.TimeOfDay.Ticks / TimeSpan.TicksPerMinute))
            .Distinct()
            .ToArray();
    }

    public ScheduleCase Generate(int seed)
    {
        var random = new Random(seed);
        var (instant, kind) = PickInstant(random);
        var shape = random.NextDouble();
        var (windows, windowsKind) = shape switch
        {
            < 0.08 => (AllWeek(random), "open all week"),
            < 0.18 => (new List<TimeWindow>(), "special days only"),
            _ => (Windows(random, random.Next(15)), "weekly windows"),
        };
        if (shape < 0.08 && random.Next(2) == 0)
        {
            windows.AddRange(Windows(random, random.Next(3)));
        }

        var specialDayCount = shape is >= 0.08 and < 0.18 ? random.Next(1, 21) : random.Next(3) == 0 ? 0 : random.Next(21);
        var specialDays = SpecialDays(random, DateOnly.FromDateTime(_oracle.WallClock(instant)), specialDayCount);

        if (random.Next(7) == 0)
        {
            // Move the instant to an opening or a closing, or next to one.
            var answers = _oracle.Evaluate(windows, specialDays, instant, instant);
            if ((random.Next(2) == 0 ? answers.NextOpening ?? answers.NextClosing : answers.NextClosing ?? answers.NextOpening) is { } change)
            {
                var nudge = random.Next(4) switch { 0 => 0, 1 => -1, 2 => -TimeSpan.TicksPerMinute, _ => 1 };
                instant = change.AddTicks(nudge);
                kind += $", moved to an opening or closing {nudge:+0;-0;0} ticks";
            }
        }

        var span = random.Next(10) switch
        {
            0 => TimeSpan.Zero,
            < 5 => TimeSpan.FromMinutes(random.Next(3 * MinutesPerDay + 1)),
            _ => TimeSpan.FromTicks(random.NextInt64(3 * TimeSpan.TicksPerDay + 1)),
        };

        return new ScheduleCase(
            seed, $"{windowsKind}, {kind}", windows, specialDays, instant.ToOffset(InputOffset(random, instant)), instant.ToOffset(InputOffset(random, instant)), span);
    }

    private (DateTimeOffset Instant, string Kind) PickInstant(Random random)
    {
        var transitions = _oracle.Transitions;
        var which = random.NextDouble();
        if (which >= 0.8)
        {
            var ticks = random.NextInt64(s_first.UtcTicks, s_end.UtcTicks);
            return random.Next(2) == 0
                ? (new DateTimeOffset(ticks - ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero), "a random minute")
                : (new DateTimeOffset(ticks, TimeSpan.Zero), "a random tick");
        }

        var (anchor, near) = which < 0.5 && transitions.Count > 0
            ? (transitions[random.Next(transitions.Count)], "the clock change")
            : (_yearEnds[random.Next(_yearEnds.Count)], "the year end");
        return random.Next(8) switch
        {
            0 => (anchor, "at " + near),
            1 => (anchor.AddMinutes(-1), "a minute before " + near),
            2 => (anchor.AddTicks(-1), "a tick before " + near),
            3 => (anchor.AddMinutes(1), "a minute after " + near),
            4 or 5 => (anchor.AddMinutes(random.Next(-3 * MinutesPerDay, 3 * MinutesPerDay + 1)), "a minute within 3 days of " + near),
            _ => (anchor.AddTicks(random.NextInt64(-3 * TimeSpan.TicksPerDay, 3 * TimeSpan.TicksPerDay)), "a tick within 3 days of " + near),
        };
    }

    private TimeSpan InputOffset(Random random, DateTimeOffset instant) => random.Next(10) switch
    {
        0 => TimeSpan.Zero,
        1 or 2 => _oracle.Zone.GetUtcOffset(instant),
        _ => TimeSpan.FromMinutes(random.Next(-14 * 60, 14 * 60 + 1)),
    };

    /// <summary>Windows covering every minute of the week, in one of three ways.</summary>
    private static List<TimeWindow> AllWeek(Random random)
    {
        var shape = random.Next(3);
        var windows = new List<TimeWindow>();
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            switch (shape)
            {
                case 0:
                    windows.Add(new TimeWindow(day, new TimeOnly(0, 0), new TimeOnly(12, 0)));
                    windows.Add(new TimeWindow(day, new TimeOnly(12, 0), new TimeOnly(0, 0)));
                    break;
                case 1:
                    windows.Add(new TimeWindow(day, new TimeOnly(6, 0), new TimeOnly(2, 0)));
                    windows.Add(new TimeWindow(day, new TimeOnly(1, 0), new TimeOnly(7, 0)));
                    break;
                default:
                    // A chain of touching windows through the day, the last one running past midnight into the next.
                    var cuts = Enumerable.Range(0, random.Next(2, 5)).Select(_ => random.Next(MinutesPerDay)).Distinct().Order().ToList();
                    if (cuts.Count < 2)
                    {
                        cuts.Add((cuts[0] + 1) % MinutesPerDay);
                        cuts.Sort();
                    }

                    for (var i = 0; i < cuts.Count; i++)
                    {
                        windows.Add(new TimeWindow(day, Time(cuts[i]), Time(cuts[(i + 1) % cuts.Count])));
                    }

                    break;
            }
        }

        return windows;
    }

    private List<TimeWindow> Windows(Random random, int count)
    {
        var windows = new List<TimeWindow>();
        while (windows.Count < count)
        {
            var touching = windows.Count > 0 ? random.Next(10) : 9;
            DayOfWeek day;
            int from, to;
            if (touching < 2)
            {
                // Starts where the previous window ends.
                var previous = windows[^1];
                day = previous.To > previous.From ? previous.Day : Next(previous.Day);
                from = Minutes(previous.To);
                to = PickMinute(random);
            }
            else if (touching < 3)
            {
                // Ends where the previous window starts.
                var previous = windows[^1];
                to = Minutes(previous.From);
                from = PickMinute(random);
                day = from < to ? previous.Day : Previous(previous.Day);
            }
            else
            {
                day = (DayOfWeek)random.Next(7);
                from = PickMinute(random);
                to = PickMinute(random);
                if (random.Next(3) == 0 && to > from)
                {
                    (from, to) = (to, from);
                }
            }

            if (from != to)
            {
                windows.Add(new TimeWindow(day, Time(from), Time(to)));
            }
        }

        return windows;
    }

    private List<SpecialDay> SpecialDays(Random random, DateOnly around, int count)
    {
        var specialDays = new List<SpecialDay>();
        for (var attempt = 0; specialDays.Count < count && attempt < 200; attempt++)
        {
            var date = around.AddDays(random.Next(-10, 11));
            var existing = specialDays.Where(d => d.Date == date).ToList();
            if (existing.Count == 0 && random.Next(10) < 3)
            {
                specialDays.Add(SpecialDay.Closed(date));
                continue;
            }

            if (existing.Count >= 2 || existing.Any(static d => d.IsClosed))
            {
                continue;
            }

            var from = PickMinute(random);
            var to = PickMinute(random);
            if (from == to || existing.Any(d => d.From == Time(from) && d.To == Time(to)))
            {
                continue;
            }

            specialDays.Add(SpecialDay.Open(date, Time(from), Time(to)));
        }

        return specialDays;
    }

    /// <summary>A local time of day, in minutes: often one at which some zone changes its clocks, or one at which this
    /// zone does, or one in the small hours or the last hour of the day.</summary>
    private int PickMinute(Random random)
    {
        var jitter = random.Next(5) switch { 0 => -1, 1 => 1, _ => 0 };
        var minute = random.Next(20) switch
        {
            < 5 => s_changeMinutes[random.Next(s_changeMinutes.Length)] + jitter,
            < 9 when _zoneChangeMinutes.Length > 0 => _zoneChangeMinutes[random.Next(_zoneChangeMinutes.Length)] + jitter,
            < 13 => random.Next(5 * 60) is var m && m < 4 * 60 ? m : 19 * 60 + m,
            < 16 => random.Next(MinutesPerDay / 15) * 15,
            _ => random.Next(MinutesPerDay),
        };
        return (minute + MinutesPerDay) % MinutesPerDay;
    }

    private static int Minutes(TimeOnly time) => (int)(time.Ticks / TimeSpan.TicksPerMinute);

    private static TimeOnly Time(int minutes) => new(minutes / 60, minutes % 60);

    private static DayOfWeek Next(DayOfWeek day) => (DayOfWeek)(((int)day + 1) % 7);

    private static DayOfWeek Previous(DayOfWeek day) => (DayOfWeek)(((int)day + 6) % 7);
}
