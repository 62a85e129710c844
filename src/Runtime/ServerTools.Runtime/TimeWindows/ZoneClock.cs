using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ServerTools.TimeWindows;

/// <summary>
/// The wall clock of one time zone, fast: the zone's changes of UTC offset, found once by asking
/// <see cref="TimeZoneInfo"/> (every 6 hours, then to the tick where the offset changes) and kept in sorted arrays, so
/// that a reading costs a binary search (a few ns) instead of a <see cref="TimeZoneInfo.GetUtcOffset(DateTimeOffset)"/>
/// (about 30 ns on .NET 10), and the changes themselves are at hand for the clock that never goes back.
/// </summary>
/// <remarks>
/// <para>The schedule reads the clock that never goes back (<see cref="Reading"/>): the highest wall-clock time shown
/// at or before an instant. It equals the wall clock except in the repeated period after clocks are turned back,
/// where it stays at the last reading before the change. Its inverse, <see cref="FirstInstantReading"/>, is the
/// first instant at which that clock shows a local time or later: the instant a window opens or closes.</para>
/// <para>The table covers a span of years around the instants asked about and is rebuilt, wider, when an instant
/// falls outside; two offset changes less than 6 hours apart would be seen as one (tzdb has none since 1900).</para>
/// </remarks>
internal sealed class ZoneClock
{
    private const long ProbeStep = 6 * TimeSpan.TicksPerHour;
    private const long Margin = 2 * TimeSpan.TicksPerDay;
    private const long CoverageYears = 4;
    private const long MaxCoverage = 60 * 366 * TimeSpan.TicksPerDay;

    /// <summary>The earliest and latest instants (UTC ticks) the schedule answers for, with room for the margins.</summary>
    public static readonly long MinTicks = new DateTime(2, 1, 1).Ticks;
    public static readonly long MaxTicks = new DateTime(9998, 12, 31).Ticks;

    private static readonly ConditionalWeakTable<TimeZoneInfo, ZoneClock> s_byZone = [];

    private readonly System.Threading.Lock _gate = new();
    private volatile Table _table;

    private ZoneClock(TimeZoneInfo zone)
    {
        Zone = zone;
        _table = Table.Empty;
    }

    public TimeZoneInfo Zone { get; }

    public static ZoneClock For(TimeZoneInfo zone) => s_byZone.GetValue(zone, static z => new ZoneClock(z));

    /// <summary>The UTC ticks of <paramref name="instant"/>, checked to lie in the years a schedule answers for.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside them.</exception>
    public static long CheckedUtc(DateTimeOffset instant, string parameter)
    {
        var utc = instant.UtcTicks;
        if (utc < MinTicks || utc > MaxTicks)
        {
            throw new ArgumentOutOfRangeException(
                parameter,
                instant,
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"Opening hours are answered for instants from {new DateTime(MinTicks):yyyy-MM-dd} to {new DateTime(MaxTicks):yyyy-MM-dd} (UTC), in memory and in SQL alike; {instant:O} is outside them. Ask about an instant within those years."));
        }

        return utc;
    }

    /// <summary>The clock that never goes back, in local ticks: the highest wall-clock reading at or before <paramref name="utc"/>.</summary>
    public long Reading(long utc)
    {
        var table = Cover(utc);
        var index = table.IndexAtOrBefore(utc);
        var reading = utc + table.OffsetOf(index);

        // Before each change that turned clocks back, the clock read up to one tick before the change; the highest of
        // those readings in the last day is the clock's value while the repeated period lasts.
        for (var j = index; j >= 0 && table.Instants[j] > utc - TimeSpan.TicksPerDay; j--)
        {
            var before = table.Instants[j] - 1 + table.OffsetOf(j - 1);
            if (before > reading)
            {
                reading = before;
            }
        }

        return reading;
    }

    /// <summary>The UTC offset, in ticks, at <paramref name="utc"/>.</summary>
    public long Offset(long utc)
    {
        var table = Cover(utc);
        return table.OffsetOf(table.IndexAtOrBefore(utc));
    }

    /// <summary>
    /// The first instant (UTC ticks) at which <see cref="Reading"/> is <paramref name="local"/> or later: for a local time
    /// that happens once, its instant; for one that happens twice, the first; for one skipped when clocks jump forward,
    /// the instant of the jump.
    /// </summary>
    public long FirstInstantReading(long local)
    {
        // The answer lies within a day of local - offset, and offsets are under a day: start two days earlier.
        var table = Cover(local);
        var index = table.IndexAtOrBefore(local - Margin);
        while (true)
        {
            var start = index < 0 ? long.MinValue : table.Instants[index];
            var end = index + 1 < table.Instants.Length ? table.Instants[index + 1] : long.MaxValue;
            var candidate = Math.Max(start, local - table.OffsetOf(index));
            if (candidate < end)
            {
                return candidate;
            }

            index++;
        }
    }

    private Table Cover(long ticks)
    {
        var table = _table;
        if (ticks - Margin >= table.From && ticks + Margin < table.To)
        {
            return table;
        }

        lock (_gate)
        {
            table = _table;
            if (ticks - Margin >= table.From && ticks + Margin < table.To)
            {
                return table;
            }

            var span = CoverageYears * 366 * TimeSpan.TicksPerDay;
            var from = Math.Max(MinTicks - Margin * 2, ticks - span);
            var to = Math.Min(MaxTicks + Margin * 2, ticks + span);
            if (table.From < table.To && Math.Max(to, table.To) - Math.Min(from, table.From) <= MaxCoverage)
            {
                from = Math.Min(from, table.From);
                to = Math.Max(to, table.To);
            }

            table = Table.Build(Zone, from, to);
            _table = table;
            return table;
        }
    }

    /// <summary>The UTC offset of <paramref name="zone"/> at <paramref name="utc"/>, in ticks, from <see cref="TimeZoneInfo"/>.</summary>
    internal static long ProbeOffset(TimeZoneInfo zone, long utc) => zone.GetUtcOffset(new DateTime(utc, DateTimeKind.Utc)).Ticks;

    /// <summary>
    /// The first tick after <paramref name="low"/>, up to <paramref name="high"/>, at which the offset of
    /// <paramref name="zone"/> is no longer <paramref name="offsetAtLow"/> (binary search).
    /// </summary>
    internal static long FirstTickOfChange(TimeZoneInfo zone, long low, long high, long offsetAtLow)
    {
        while (high - low > 1)
        {
            var middle = low + ((high - low) / 2);
            if (ProbeOffset(zone, middle) == offsetAtLow)
            {
                low = middle;
            }
            else
            {
                high = middle;
            }
        }

        return high;
    }

    /// <summary>The changes of offset between two instants: <c>Instants[i]</c> is a change, <c>Offsets[i]</c> the offset from it on.</summary>
    private sealed class Table
    {
        public static readonly Table Empty = new(0, 0, 0, [], []);

        private readonly long _initialOffset;

        private Table(long from, long to, long initialOffset, long[] instants, long[] offsets)
        {
            From = from;
            To = to;
            _initialOffset = initialOffset;
            Instants = instants;
            Offsets = offsets;
        }

        /// <summary>The first instant covered.</summary>
        public long From { get; }

        /// <summary>The first instant after the coverage.</summary>
        public long To { get; }

        public long[] Instants { get; }

        public long[] Offsets { get; }

        public static Table Build(TimeZoneInfo zone, long from, long to)
        {
            var instants = new List<long>();
            var offsets = new List<long>();
            var initial = ProbeOffset(zone, from);
            var previous = initial;
            var previousAt = from;
            for (var at = from + ProbeStep; previousAt < to; at += ProbeStep)
            {
                at = Math.Min(at, to);
                var offset = ProbeOffset(zone, at);
                if (offset != previous)
                {
                    instants.Add(FirstTickOfChange(zone, previousAt, at, previous));
                    offsets.Add(offset);
                    previous = offset;
                }

                previousAt = at;
            }

            return new Table(from, to, initial, [.. instants], [.. offsets]);
        }

        /// <summary>The index of the last change at or before <paramref name="utc"/>; -1 before the first.</summary>
        public int IndexAtOrBefore(long utc)
        {
            var index = Array.BinarySearch(Instants, utc);
            return index >= 0 ? index : ~index - 1;
        }

        /// <summary>The offset in force after change <paramref name="index"/> (before the first change for -1).</summary>
        public long OffsetOf(int index) => index < 0 ? _initialOffset : Offsets[index];
    }
}
