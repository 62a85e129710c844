using System;
using System.ComponentModel.DataAnnotations.Schema;
using System.Globalization;
using ServerTools.TimeWindows;

namespace ServerTools;

/// <summary>
/// A weekly opening window: open on <see cref="Day"/> from <see cref="From"/> to <see cref="To"/>, local time.
/// When <see cref="To"/> is earlier than <see cref="From"/> the window runs past midnight and ends on the next day
/// (<c>Friday 18:00-02:00</c> closes at 02:00 on Saturday); <c>To = 00:00</c> closes at midnight. A window belongs to
/// the day it starts on. Windows that touch or overlap behave as their union.
/// </summary>
/// <remarks>Instances are immutable; replace a window to change it.</remarks>
[ComplexType]
public sealed class TimeWindow : IEquatable<TimeWindow>
{
    /// <summary>Creates a window and checks it.</summary>
    /// <param name="day">The day the window starts on.</param>
    /// <param name="from">The local opening time, a whole minute.</param>
    /// <param name="to">The local closing time, a whole minute; earlier than <paramref name="from"/> for a window past midnight.</param>
    /// <exception cref="ArgumentException">The day is not a day of the week, a time is not a whole minute, or
    /// <paramref name="from"/> equals <paramref name="to"/>.</exception>
    public TimeWindow(DayOfWeek day, TimeOnly from, TimeOnly to)
    {
        if (TimeWindowRules.WindowFault(day, from, to) is { } fault)
        {
            throw new ArgumentException(fault.Message, fault.Parameter);
        }

        Day = day;
        From = from;
        To = to;
    }

    /// <summary>For EF Core, which sets the properties from the database without the checks: what a query read is checked
    /// when its data reader closes (<see cref="TimeWindowReads"/>), with the row and the column in the message.</summary>
    private TimeWindow()
    {
    }

    /// <summary>The day of the week the window starts on.</summary>
    public DayOfWeek Day { get; private init; }

    /// <summary>The local opening time.</summary>
    public TimeOnly From { get; private init; }

    /// <summary>The local closing time; earlier than <see cref="From"/> when the window ends on the next day.</summary>
    public TimeOnly To { get; private init; }

    /// <summary>True when the window ends on the day after <see cref="Day"/>.</summary>
    public bool IsOvernight => To < From;

    /// <inheritdoc />
    public bool Equals(TimeWindow? other) => other is not null && Day == other.Day && From == other.From && To == other.To;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as TimeWindow);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Day, From, To);

    /// <summary>The window as <c>Friday 18:00-02:00</c>.</summary>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Day} {TimeWindowRules.Format(From)}-{TimeWindowRules.Format(To)}");
}
