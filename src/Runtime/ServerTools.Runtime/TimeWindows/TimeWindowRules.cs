using System;
using System.Globalization;

namespace ServerTools.TimeWindows;

/// <summary>
/// The rules a <see cref="TimeWindow"/> and a <see cref="SpecialDay"/> obey, and the formats, shared by their factories,
/// the schedule and the check of what is read from the database: each rule is written once, so a value is refused
/// alike wherever it comes from.
/// </summary>
internal static class TimeWindowRules
{
    /// <summary>The first date a special day may have: the first of the years a schedule answers for.</summary>
    public static readonly DateOnly FirstDate = new(2, 1, 1);

    /// <summary>The last date a special day may have: the last of the years a schedule answers for.</summary>
    public static readonly DateOnly LastDate = new(9998, 12, 31);

    /// <summary>What is wrong with a window, and the parameter at fault; null when it is a window.</summary>
    public static (string Message, string Parameter)? WindowFault(DayOfWeek day, TimeOnly from, TimeOnly to)
    {
        if (day is < DayOfWeek.Sunday or > DayOfWeek.Saturday)
        {
            return (string.Create(CultureInfo.InvariantCulture, $"A time window needs a day of the week (Sunday to Saturday); {(int)day} is none."), "day");
        }

        if (MinuteFault(from) is { } opening)
        {
            return (opening, "from");
        }

        if (MinuteFault(to) is { } closing)
        {
            return (closing, "to");
        }

        if (from == to)
        {
            return (
                $"A time window from {Format(from)} to {Format(to)} on {day} is empty or a whole day, which cannot be told apart. "
                + "For a window past midnight give a closing time earlier than the opening time (18:00-02:00); for a whole day use two windows (00:00-12:00 and 12:00-00:00).",
                "to");
        }

        return null;
    }

    /// <summary>What is wrong with a special day, and the parameter at fault; null when it is one. Closed: both times null.</summary>
    public static (string Message, string Parameter)? SpecialDayFault(DateOnly date, TimeOnly? from, TimeOnly? to)
    {
        if (date < FirstDate || date > LastDate)
        {
            return (
                $"A special day on {Format(date)} lies outside the years a schedule answers for ({Format(FirstDate)} to {Format(LastDate)}), so it would never apply. "
                + "Remove it: a date that never comes needs no entry.",
                "date");
        }

        if (from is null && to is null)
        {
            return null;
        }

        if (from is not { } opening || to is not { } closing)
        {
            return (
                $"Special hours on {Format(date)} need an opening and a closing time; this entry has only {(from is null ? "a closing" : "an opening")} time. "
                + "Give both (SpecialDay.Open), or neither for a closed day (SpecialDay.Closed).",
                from is null ? "from" : "to");
        }

        if (MinuteFault(opening) is { } early)
        {
            return (early, "from");
        }

        if (MinuteFault(closing) is { } late)
        {
            return (late, "to");
        }

        if (opening == closing)
        {
            return (
                $"Special hours from {Format(opening)} to {Format(closing)} on {Format(date)} are empty or a whole day, which cannot be told apart. "
                + "For hours past midnight give a closing time earlier than the opening time; for a whole day use two entries (00:00-12:00 and 12:00-00:00).",
                "to");
        }

        return null;
    }

    public static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A time to the tick, as <c>09:00:30</c> or <c>09:00:00.5</c>.</summary>
    public static string FormatExactly(TimeOnly time) => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture);

    private static string? MinuteFault(TimeOnly time)
        => time.Ticks % TimeSpan.TicksPerMinute == 0
            ? null
            : $"Opening hours are whole minutes; {FormatExactly(time)} is not. Round it to the minute.";
}
