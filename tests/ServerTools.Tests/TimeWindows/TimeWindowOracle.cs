using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;

namespace ServerTools.Tests.TimeWindows;

/// <summary>What the oracle expects from the four methods of <see cref="TimeWindowSchedule"/> for one instant.</summary>
internal sealed record OracleAnswers(bool IsOpen, DateTimeOffset? NextOpening, DateTimeOffset? NextClosing, IReadOnlyList<OpenInterval> Intervals);

/// <summary>
/// A brute-force reference for <see cref="TimeWindowSchedule"/>, written from the specification and nothing else: the
/// zone's wall clock read through <see cref="TimeZoneInfo"/> at every whole UTC minute, the clock that never goes back
/// (the highest reading so far), and membership of that reading in the union of the local intervals listed directly
/// from the windows and special days. With whole-minute windows and whole-minute UTC offsets the open state is constant
/// within each UTC minute, so one walk, minute by minute, answers all four methods.
/// </summary>
internal sealed class TimeWindowOracle
{
    /// <summary>How far the walk looks for an opening or a closing. Special days lie within 10 days of the instant, so
    /// after 12 days only weekly windows remain, and two more weeks contain every event a weekly schedule ever has.</summary>
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(28);

    /// <summary>The instants the memoised clock covers: the test's instants (2020-2030) with room for the walks.</summary>
    public static readonly DateTime FirstUtc = new(2019, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    public static readonly DateTime EndUtc = new(2031, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    private const long TicksPerMinute = TimeSpan.TicksPerMinute;
    private const int MinutesPerDay = 24 * 60;

    private static readonly ConcurrentDictionary<string, TimeWindowOracle> s_oracles = new(StringComparer.Ordinal);

    private readonly long _firstMinute = FirstUtc.Ticks / TicksPerMinute;
    private readonly short[]?[] _offsetsByDay;
    private readonly Lazy<IReadOnlyList<DateTimeOffset>> _transitions;

    private TimeWindowOracle(TimeZoneInfo zone)
    {
        Zone = zone;
        _offsetsByDay = new short[]?[(int)((EndUtc - FirstUtc).Ticks / TimeSpan.TicksPerDay)];
        _transitions = new Lazy<IReadOnlyList<DateTimeOffset>>(FindTransitions);
    }

    public TimeZoneInfo Zone { get; }

    /// <summary>The instants (UTC) from 2020 to 2030 at which the zone's UTC offset changes, found by probing
    /// <see cref="TimeZoneInfo.GetUtcOffset(DateTimeOffset)"/>.</summary>
    public IReadOnlyList<DateTimeOffset> Transitions => _transitions.Value;

    public static TimeWindowOracle For(TimeZoneInfo zone) => s_oracles.GetOrAdd(zone.Id, static (_, z) => new TimeWindowOracle(z), zone);

    /// <summary>The zone's wall clock L(t) at <paramref name="instant"/>, as the specification defines it.</summary>
    public DateTime WallClock(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone).DateTime;

    /// <summary>The instant in the zone's UTC offset at that instant.</summary>
    public DateTimeOffset InZone(long utcTicks)
        => TimeZoneInfo.ConvertTime(new DateTimeOffset(utcTicks, TimeSpan.Zero), Zone);

    /// <summary>
    /// The expected answers for <c>IsOpenAt(instant)</c>, <c>NextOpening(instant)</c>, <c>NextClosing(instant)</c> and
    /// <c>OpenIntervals(instant, intervalsEnd)</c>.
    /// </summary>
    public OracleAnswers Evaluate(
        IReadOnlyList<TimeWindow> windows, IReadOnlyList<SpecialDay> specialDays, DateTimeOffset instant, DateTimeOffset intervalsEnd)
    {
        var t = instant.UtcTicks;
        var to = intervalsEnd.UtcTicks;
        var floor = t / TicksPerMinute;
        var ceiling = (t + TicksPerMinute - 1) / TicksPerMinute;
        var toCeiling = Math.Max((to + TicksPerMinute - 1) / TicksPerMinute, floor);
        var walkStart = floor - MinutesPerDay;
        var walkEnd = ceiling + Horizon.Ticks / TicksPerMinute;
        if (walkStart < _firstMinute || walkEnd >= EndUtc.Ticks / TicksPerMinute || toCeiling >= walkEnd)
        {
            throw new ArgumentOutOfRangeException(nameof(instant), instant, "The instant or the interval end is outside the oracle's range.");
        }

        // UTC offsets stay within 14 hours, so the wall clock during the walk stays within these local dates.
        var firstDate = DateOnly.FromDateTime(new DateTime((walkStart - 15 * 60) * TicksPerMinute));
        var lastDate = DateOnly.FromDateTime(new DateTime((walkEnd + 15 * 60) * TicksPerMinute));
        var (starts, ends) = LocalOpenSet(windows, specialDays, firstDate, lastDate);

        var isOpen = false;
        long? opening = null;
        long? closing = null;
        var intervals = new List<OpenInterval>();
        long runStart = -1;
        var highest = long.MinValue;
        var cursor = 0;
        var previous = false;
        short[]? day = null;
        long dayIndex = -1;
        for (var m = walkStart; m < walkEnd; m++)
        {
            var index = m - _firstMinute;
            if (index / MinutesPerDay != dayIndex)
            {
                dayIndex = index / MinutesPerDay;
                day = OffsetsOfDay((int)dayIndex);
            }

            var wallClock = m + day![index - dayIndex * MinutesPerDay];
            if (wallClock > highest)
            {
                highest = wallClock;
            }

            // The clock never goes back, so the first interval that may hold it only moves forward.
            while (cursor < ends.Length && ends[cursor] <= highest)
            {
                cursor++;
            }

            var open = cursor < ends.Length && starts[cursor] <= highest;
            if (m == floor)
            {
                isOpen = open;
            }

            if (m >= ceiling && open != previous)
            {
                if (open)
                {
                    opening ??= m;
                }
                else
                {
                    closing ??= m;
                }
            }

            if (m >= floor && m < toCeiling)
            {
                if (open && runStart < 0)
                {
                    runStart = m;
                }
                else if (!open && runStart >= 0)
                {
                    AddClipped(runStart, m);
                    runStart = -1;
                }
            }
            else if (m == toCeiling && runStart >= 0)
            {
                AddClipped(runStart, m);
                runStart = -1;
            }

            previous = open;
            if (m > toCeiling && m >= ceiling && opening is not null && closing is not null)
            {
                break;
            }
        }

        return new OracleAnswers(
            isOpen,
            opening is { } o ? InZone(o * TicksPerMinute) : null,
            closing is { } c ? InZone(c * TicksPerMinute) : null,
            intervals);

        void AddClipped(long startMinute, long endMinute)
        {
            var start = Math.Max(startMinute * TicksPerMinute, t);
            var end = Math.Min(endMinute * TicksPerMinute, to);
            if (start < end)
            {
                intervals.Add(new OpenInterval(InZone(start), InZone(end)));
            }
        }
    }

    /// <summary>
    /// The union of the local intervals (absolute local minutes, half-open) of every date from the day before
    /// <paramref name="firstDate"/> to <paramref name="lastDate"/>, sorted, with touching and overlapping ones merged.
    /// </summary>
    internal static (long[] Starts, long[] Ends) LocalOpenSet(
        IReadOnlyList<TimeWindow> windows, IReadOnlyList<SpecialDay> specialDays, DateOnly firstDate, DateOnly lastDate)
    {
        var special = specialDays.ToLookup(static d => d.Date);
        var intervals = new List<(long Start, long End)>();
        for (var date = firstDate.AddDays(-1); date <= lastDate; date = date.AddDays(1))
        {
            var midnight = date.ToDateTime(TimeOnly.MinValue).Ticks / TicksPerMinute;
            if (special.Contains(date))
            {
                foreach (var entry in special[date])
                {
                    if (entry.From is { } from && entry.To is { } to)
                    {
                        intervals.Add(Interval(midnight, from, to));
                    }
                }
            }
            else
            {
                foreach (var window in windows)
                {
                    if (window.Day == date.DayOfWeek)
                    {
                        intervals.Add(Interval(midnight, window.From, window.To));
                    }
                }
            }
        }

        intervals.Sort();
        var starts = new List<long>();
        var ends = new List<long>();
        foreach (var (start, end) in intervals)
        {
            if (ends.Count > 0 && start <= ends[^1])
            {
                ends[^1] = Math.Max(ends[^1], end);
            }
            else
            {
                starts.Add(start);
                ends.Add(end);
            }
        }

        return (starts.ToArray(), ends.ToArray());

        static (long, long) Interval(long midnight, TimeOnly from, TimeOnly to)
        {
            var start = midnight + from.Ticks / TicksPerMinute;
            var end = midnight + to.Ticks / TicksPerMinute + (to > from ? 0 : MinutesPerDay);
            return (start, end);
        }
    }

    /// <summary>The UTC offsets, in minutes, of the zone at every minute of one UTC day; read once, then kept.</summary>
    private short[] OffsetsOfDay(int dayIndex)
    {
        if (Volatile.Read(ref _offsetsByDay[dayIndex]) is { } known)
        {
            return known;
        }

        var offsets = new short[MinutesPerDay];
        var firstMinute = _firstMinute + (long)dayIndex * MinutesPerDay;
        for (var i = 0; i < MinutesPerDay; i++)
        {
            var utc = (firstMinute + i) * TicksPerMinute;
            var offset = WallClock(new DateTimeOffset(utc, TimeSpan.Zero)).Ticks - utc;
            if (offset % TicksPerMinute != 0)
            {
                throw new InvalidOperationException($"{Zone.Id} has an offset that is not a whole minute at {new DateTime(utc):O}Z.");
            }

            offsets[i] = (short)(offset / TicksPerMinute);
        }

        Volatile.Write(ref _offsetsByDay[dayIndex], offsets);
        return offsets;
    }

    private List<DateTimeOffset> FindTransitions()
    {
        var transitions = new List<DateTimeOffset>();
        var hour = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var end = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var offset = Zone.GetUtcOffset(hour);
        for (; hour < end; hour = hour.AddHours(1))
        {
            var next = Zone.GetUtcOffset(hour.AddHours(1));
            if (next == offset)
            {
                continue;
            }

            // The first minute of the hour with the new offset.
            int low = 1, high = 60;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (Zone.GetUtcOffset(hour.AddMinutes(middle)) == offset)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            var transition = hour.AddMinutes(low);
            if (Zone.GetUtcOffset(transition.AddTicks(-1)) != offset || Zone.GetUtcOffset(transition) != next)
            {
                throw new InvalidOperationException($"{Zone.Id} changes its offset inside a minute near {transition:O}.");
            }

            transitions.Add(transition);
            offset = next;
        }

        return transitions;
    }
}
