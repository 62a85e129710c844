using System;
using System.ComponentModel;

namespace ServerTools;

/// <summary>
/// The building blocks of the generated <c>WhereOpenAt</c>. On PostgreSQL, <c>UseServerTools()</c> translates
/// <see cref="IsOpen{TEntity}"/> to SQL over the columns the schedule is stored in; over objects in memory
/// (<c>AsQueryable()</c>) it runs the entity's own <c>IsOpenAt</c>; other EF Core providers refuse it with a message.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TimeWindowQuery
{
    /// <summary>
    /// The instants at which a query for <paramref name="instant"/> reads each row's wall clock: the instant itself, and
    /// the instant just before each change of UTC offset that turned clocks back less than the change's length before
    /// it. During such a repeated hour the schedule keeps the state it had before the change (see docs/time-windows.md),
    /// and the highest of a row's readings is exactly that clock.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="instant"/> is outside the years 0002 to 9998, which a schedule answers for.</exception>
    public static DateTimeOffset[] ClockReadings(DateTimeOffset instant) => TimeWindows.ClockReadings.For(instant);

    /// <summary>True when <paramref name="entity"/> is open at <c>clockReadings[0]</c>. A query marker: see the type's remarks.</summary>
    /// <param name="entity">The entity.</param>
    /// <param name="timeZoneId">The entity's time zone id, as the query reads it (a column, or the attribute's constant).</param>
    /// <param name="clockReadings">The result of <see cref="ClockReadings"/> for the instant asked about.</param>
    public static bool IsOpen<TEntity>(TEntity entity, string? timeZoneId, DateTimeOffset[] clockReadings)
        where TEntity : ITimeWindowed
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentNullException.ThrowIfNull(clockReadings);
        return entity.GetTimeWindowSchedule().IsOpenAt(clockReadings[0]);
    }
}
