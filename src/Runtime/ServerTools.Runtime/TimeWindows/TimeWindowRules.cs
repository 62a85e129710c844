using System;
using System.Globalization;

namespace ServerTools.TimeWindows;

/// <summary>The checks and formats shared by <see cref="TimeWindow"/>, <see cref="SpecialDay"/> and the schedule.</summary>
internal static class TimeWindowRules
{
    public static void CheckDay(DayOfWeek day, string parameter)
    {
        if (day is < DayOfWeek.Sunday or > DayOfWeek.Saturday)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"A time window needs a day of the week (Sunday to Saturday); {(int)day} is none."),
                parameter);
        }
    }

    public static void CheckMinute(TimeOnly time, string parameter)
    {
        if (time.Ticks % TimeSpan.TicksPerMinute != 0)
        {
            throw new ArgumentException(
                $"Opening hours are whole minutes; {time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture)} is not. Round it to the minute.",
                parameter);
        }
    }

    public static string Format(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
