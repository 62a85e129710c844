using System;
using System.Linq;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using NpgsqlTypes;

namespace ServerTools.TimeWindows;

/// <summary>
/// The columns, on PostgreSQL, from which <c>WhereOpenAt</c> answers without reading the JSON of the windows: the
/// schedule's local hours as multiranges, written by SaveChanges from the entity's schedule.
/// </summary>
/// <remarks>
/// A row is open at local time <c>c</c> (its clock, see <see cref="ClockReadings"/>) when <c>c</c>'s date is one of
/// <see cref="SpecialDates"/> and <see cref="SpecialHours"/> contains <c>c</c>, or when it is not and
/// <see cref="Weekly"/> contains <c>c</c>'s minute of the week (Sunday 00:00 is 0).
/// </remarks>
internal static class TimeWindowColumns
{
    /// <summary><c>int4multirange</c>: minutes of the week when the weekly windows are open.</summary>
    public const string Weekly = "TimeWindowsWeekly";

    /// <summary><c>datemultirange</c>: the dates whose hours are not the weekly ones (special days and the days after them).</summary>
    public const string SpecialDates = "TimeWindowsSpecialDates";

    /// <summary><c>tsmultirange</c>: the local hours of those dates.</summary>
    public const string SpecialHours = "TimeWindowsSpecialHours";

    /// <summary>Whether the model stores the columns for <paramref name="entityType"/> (PostgreSQL only).</summary>
    public static bool AreMapped(IEntityType entityType) => entityType.FindProperty(Weekly) is not null;

    /// <summary>Writes the columns of a time-windowed entity from its schedule (which checks the schedule first).</summary>
    public static void Write(EntityEntry entry, TimeWindowSchedule schedule)
    {
        entry.Property(Weekly).CurrentValue = schedule.WeeklyMinutes()
            .Select(static m => new NpgsqlRange<int>(m.Start, true, m.End, false))
            .ToArray();
        entry.Property(SpecialDates).CurrentValue = schedule.SpecialDates()
            .Select(static d => new NpgsqlRange<DateOnly>(d, true, d, true))
            .ToArray();
        entry.Property(SpecialHours).CurrentValue = schedule.SpecialHours()
            .Select(static h => new NpgsqlRange<DateTime>(h.Start, true, h.End, false))
            .ToArray();
    }
}
