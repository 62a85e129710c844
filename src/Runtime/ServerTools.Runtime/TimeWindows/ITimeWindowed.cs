using System;
using System.Collections.Generic;

namespace ServerTools;

/// <summary>
/// What ServerTools generates on a <see cref="TimeWindowedAttribute">[TimeWindowed]</see> class. The runtime reaches
/// the schedule of any such entity through it (to store the columns <c>WhereOpenAt</c> reads, and to run the same
/// query in memory).
/// </summary>
public interface ITimeWindowed
{
    /// <summary>The weekly windows.</summary>
    List<TimeWindow> TimeWindows { get; }

    /// <summary>The dated exceptions: closed dates, and dates with special hours.</summary>
    List<SpecialDay> SpecialDays { get; }

    /// <summary>The schedule of the current windows, special days and time zone; compiled once and reused until they change.</summary>
    /// <exception cref="TimeZoneNotFoundException">The time zone id is not a known IANA id.</exception>
    /// <exception cref="ArgumentException">The special days contradict each other, or an element is null.</exception>
    TimeWindowSchedule GetTimeWindowSchedule();
}
