using System;
using System.ComponentModel.DataAnnotations.Schema;
using System.Globalization;
using ServerTools.TimeWindows;

namespace ServerTools;

/// <summary>
/// A dated exception to the weekly windows: a date closed all day (<see cref="Closed"/>), or open with special hours
/// instead of the weekly ones (<see cref="Open"/>; add several for split hours). On a special date the weekly windows
/// that start on that date do not apply; a window of the day before that runs past midnight still does.
/// </summary>
/// <remarks>A date cannot be both closed and open: the schedule rejects such a pair. Instances are immutable.</remarks>
[ComplexType]
public sealed class SpecialDay : IEquatable<SpecialDay>
{
    private SpecialDay(DateOnly date, TimeOnly? from, TimeOnly? to)
    {
        Date = date;
        From = from;
        To = to;
    }

    /// <summary>The date, in the entity's time zone.</summary>
    public DateOnly Date { get; private init; }

    /// <summary>The opening time on that date; null when the date is closed.</summary>
    public TimeOnly? From { get; private init; }

    /// <summary>The closing time; earlier than <see cref="From"/> for hours that end on the next day; null when closed.</summary>
    public TimeOnly? To { get; private init; }

    /// <summary>True when the date is closed all day.</summary>
    public bool IsClosed => From is null || To is null;

    /// <summary>For EF Core, which sets the properties from the database without the checks: what a query read is checked
    /// when its data reader closes (<see cref="TimeWindowReads"/>), with the row and the column in the message.</summary>
    private SpecialDay()
    {
    }

    /// <summary>Closed all day on <paramref name="date"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="date"/> is outside the years 0002 to 9998, which a schedule answers for.</exception>
    public static SpecialDay Closed(DateOnly date) => Checked(date, null, null);

    /// <summary>Open on <paramref name="date"/> from <paramref name="from"/> to <paramref name="to"/> instead of the weekly windows.</summary>
    /// <exception cref="ArgumentException">A time is not a whole minute, <paramref name="from"/> equals <paramref name="to"/>, or
    /// <paramref name="date"/> is outside the years 0002 to 9998, which a schedule answers for.</exception>
    public static SpecialDay Open(DateOnly date, TimeOnly from, TimeOnly to) => Checked(date, from, to);

    /// <inheritdoc />
    public bool Equals(SpecialDay? other) => other is not null && Date == other.Date && From == other.From && To == other.To;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as SpecialDay);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Date, From, To);

    private static SpecialDay Checked(DateOnly date, TimeOnly? from, TimeOnly? to)
    {
        if (TimeWindowRules.SpecialDayFault(date, from, to) is { } fault)
        {
            throw new ArgumentException(fault.Message, fault.Parameter);
        }

        return new SpecialDay(date, from, to);
    }

    /// <summary>The entry as <c>2026-12-24 09:00-12:00</c> or <c>2026-12-25 closed</c>.</summary>
    public override string ToString()
        => From is { } from && To is { } to
            ? string.Create(CultureInfo.InvariantCulture, $"{TimeWindowRules.Format(Date)} {TimeWindowRules.Format(from)}-{TimeWindowRules.Format(to)}")
            : TimeWindowRules.Format(Date) + " closed";
}
