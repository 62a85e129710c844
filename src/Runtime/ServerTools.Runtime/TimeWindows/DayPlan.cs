using System;
using System.Collections.Generic;

namespace ServerTools.TimeWindows;

/// <summary>
/// When a place is open on one local date: disjoint, sorted intervals of minutes of the day, <c>[start, end)</c> with
/// <c>0 &lt;= start &lt; end &lt;= 1440</c>, merged where they touch. The windows that start that date (to midnight, for
/// those past it) and the part after midnight of those that started the date before.
/// </summary>
internal sealed class DayPlan
{
    public const int MinutesPerDay = 24 * 60;

    public static readonly DayPlan Closed = new([]);

    private readonly int[] _bounds;

    private DayPlan(int[] bounds) => _bounds = bounds;

    /// <summary>The number of intervals.</summary>
    public int Count => _bounds.Length / 2;

    /// <summary>True when the last interval runs to midnight.</summary>
    public bool RunsToMidnight => _bounds.Length != 0 && _bounds[^1] == MinutesPerDay;

    /// <summary>True when the first interval starts at midnight.</summary>
    public bool StartsAtMidnight => _bounds.Length != 0 && _bounds[0] == 0;

    public int Start(int index) => _bounds[index * 2];

    public int End(int index) => _bounds[(index * 2) + 1];

    /// <summary>The plan of the given intervals, merged.</summary>
    public static DayPlan Of(List<(int Start, int End)> intervals)
    {
        if (intervals.Count == 0)
        {
            return Closed;
        }

        intervals.Sort(static (a, b) => a.Start.CompareTo(b.Start));
        var bounds = new List<int>(intervals.Count * 2);
        var (start, end) = intervals[0];
        for (var i = 1; i < intervals.Count; i++)
        {
            var next = intervals[i];
            if (next.Start <= end)
            {
                end = Math.Max(end, next.End);
            }
            else
            {
                bounds.Add(start);
                bounds.Add(end);
                (start, end) = next;
            }
        }

        bounds.Add(start);
        bounds.Add(end);
        return new DayPlan([.. bounds]);
    }

    /// <summary>Whether the plan is open at <paramref name="ticksOfDay"/> (ticks since local midnight).</summary>
    public bool Contains(long ticksOfDay)
    {
        var minute = (int)(ticksOfDay / TimeSpan.TicksPerMinute);
        var bounds = _bounds;
        for (var i = 0; i < bounds.Length; i += 2)
        {
            if (minute < bounds[i])
            {
                return false;
            }

            if (minute < bounds[i + 1])
            {
                return true;
            }
        }

        return false;
    }
}
