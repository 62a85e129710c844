using System;
using System.Collections.Concurrent;
using System.Collections.Generic;

namespace ServerTools.TimeWindows;

/// <summary>
/// The instants at which <c>WhereOpenAt</c> reads each row's wall clock in SQL. PostgreSQL converts an instant to a
/// row's local time (<c>timezone(zone, instant)</c>), but the schedule reads the clock that never goes back (see
/// <see cref="ZoneClock"/>): in the repeated period after a zone turned its clocks back, that clock is the reading just
/// before the change. So the query also reads every row's clock one microsecond before each such change of any zone
/// whose repeated period is under way, and keeps the highest reading: for a row of that zone it is the reading before
/// the change, and for any other row it is no higher than its own clock.
/// </summary>
internal static class ClockReadings
{
    private const long Microsecond = 10;
    private const long ProbeStep = 6 * TimeSpan.TicksPerHour;
    private const int MaxCachedDays = 512;

    /// <summary>By UTC day: the changes that turned some zone's clocks back that day (instant, length in ticks).</summary>
    private static readonly ConcurrentDictionary<long, (long Instant, long Length)[]> s_backwardChanges = new();

    /// <summary>The readings for <paramref name="instant"/>, in UTC (Npgsql writes <c>timestamptz</c> parameters only with offset 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the years a schedule answers for, as in memory.</exception>
    public static DateTimeOffset[] For(DateTimeOffset instant)
    {
        var utc = ZoneClock.CheckedUtc(instant, nameof(instant));
        instant = new DateTimeOffset(utc, TimeSpan.Zero);
        var day = utc / TimeSpan.TicksPerDay;
        List<DateTimeOffset>? readings = null;

        // A repeated period is shorter than a day, so only the changes of this day and the one before can be under way.
        for (var d = day - 1; d <= day; d++)
        {
            foreach (var (change, length) in BackwardChanges(d))
            {
                var reading = new DateTimeOffset(change - Microsecond, TimeSpan.Zero);
                if (change <= utc && utc < change + length && (readings is null || !readings.Contains(reading)))
                {
                    (readings ??= [instant]).Add(reading);
                }
            }
        }

        return readings is null ? [instant] : [.. readings];
    }

    private static (long Instant, long Length)[] BackwardChanges(long day)
    {
        if (s_backwardChanges.TryGetValue(day, out var changes))
        {
            return changes;
        }

        if (s_backwardChanges.Count >= MaxCachedDays)
        {
            s_backwardChanges.Clear();
        }

        return s_backwardChanges.GetOrAdd(day, Find);
    }

    private static (long Instant, long Length)[] Find(long day)
    {
        var from = day * TimeSpan.TicksPerDay;
        var to = from + TimeSpan.TicksPerDay;
        var changes = new List<(long, long)>();
        if (from < ZoneClock.MinTicks || to > ZoneClock.MaxTicks)
        {
            return [];
        }

        foreach (var zone in TimeZoneInfo.GetSystemTimeZones())
        {
            var before = ZoneClock.ProbeOffset(zone, from);
            for (var at = from + ProbeStep; at <= to; at += ProbeStep)
            {
                var after = ZoneClock.ProbeOffset(zone, at);
                if (after < before)
                {
                    var change = (ZoneClock.FirstTickOfChange(zone, at - ProbeStep, at, before), before - after);
                    if (!changes.Contains(change))
                    {
                        changes.Add(change);
                    }
                }

                before = after;
            }
        }

        return [.. changes];
    }
}
