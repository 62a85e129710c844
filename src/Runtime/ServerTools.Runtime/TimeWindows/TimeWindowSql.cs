using System;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using NpgsqlTypes;

namespace ServerTools.TimeWindows;

/// <summary>
/// The SQL form of <see cref="TimeWindowQuery.IsOpen{TEntity}"/> on PostgreSQL, as a LINQ template that Npgsql
/// translates: the row's clock from its time zone (<c>timezone(zone, instant)</c>, the highest of the clock readings),
/// then membership in the multirange columns of <see cref="TimeWindowColumns"/>.
/// </summary>
internal static class TimeWindowSql
{
    /// <summary>The method <c>UseServerTools()</c> maps to PostgreSQL's <c>timezone(zone, instant)</c>.</summary>
    public static readonly MethodInfo LocalTimeMethod = typeof(TimeWindowSql).GetMethod(nameof(LocalTime), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The methods <c>UseServerTools()</c> maps to PostgreSQL's <c>greatest</c> of two and of three timestamps.</summary>
    public static readonly MethodInfo[] LatestMethods =
        [.. typeof(TimeWindowSql).GetMethods(BindingFlags.NonPublic | BindingFlags.Static).Where(static method => method.Name == nameof(Latest))];

    // The row's clock: with one reading (the instant asked about), its local time; else the highest local time of the
    // readings. A repeated hour has two or three readings (the most any instant of 1970-2100 has with today's time zone
    // data), written as greatest(...) so the query stays a plain expression that a parallel scan can run; more fall
    // back to a subquery over the array. The readings are a parameter, so PostgreSQL plans only the branch taken.
    private static readonly Expression<Func<string, DateTimeOffset[], DateTime>> s_clock = static (zone, readings) =>
        readings.Count() == 1 ? LocalTime(readings[0], zone)
        : readings.Count() == 2 ? Latest(LocalTime(readings[0], zone), LocalTime(readings[1], zone))
        : readings.Count() == 3 ? Latest(LocalTime(readings[0], zone), LocalTime(readings[1], zone), LocalTime(readings[2], zone))
        : readings.Max(reading => LocalTime(reading, zone));

    private static readonly Expression<Func<object, DateTime, bool>> s_isOpenAt = static (entity, clock) =>
        (!EF.Property<NpgsqlRange<DateOnly>[]>(entity, TimeWindowColumns.SpecialDates).Contains(DateOnly.FromDateTime(clock))
            && EF.Property<NpgsqlRange<int>[]>(entity, TimeWindowColumns.Weekly).Contains(((int)clock.DayOfWeek * 1440) + (clock.Hour * 60) + clock.Minute))
        || EF.Property<NpgsqlRange<DateTime>[]>(entity, TimeWindowColumns.SpecialHours).Contains(clock);

    /// <summary>The condition that <paramref name="entity"/>, in time zone <paramref name="zone"/>, is open at the clock readings.</summary>
    public static Expression IsOpen(Expression entity, Expression zone, Expression readings)
    {
        var clock = new ReplacingExpressionVisitor([s_clock.Parameters[0], s_clock.Parameters[1]], [zone, readings]).Visit(s_clock.Body);
        var target = entity.Type.IsValueType ? Expression.Convert(entity, typeof(object)) : entity;
        return new ReplacingExpressionVisitor([s_isOpenAt.Parameters[0], s_isOpenAt.Parameters[1]], [target, clock]).Visit(s_isOpenAt.Body);
    }

    /// <summary>The local time at <paramref name="instant"/> in the IANA time zone <paramref name="zone"/>; SQL only.</summary>
    private static DateTime LocalTime(DateTimeOffset instant, string zone)
        => throw new InvalidOperationException("TimeWindowSql.LocalTime runs in SQL only (PostgreSQL's timezone function).");

    /// <summary>The later of two local times; SQL only (PostgreSQL's greatest).</summary>
    private static DateTime Latest(DateTime first, DateTime second)
        => throw new InvalidOperationException("TimeWindowSql.Latest runs in SQL only (PostgreSQL's greatest function).");

    /// <summary>The latest of three local times; SQL only (PostgreSQL's greatest).</summary>
    private static DateTime Latest(DateTime first, DateTime second, DateTime third)
        => throw new InvalidOperationException("TimeWindowSql.Latest runs in SQL only (PostgreSQL's greatest function).");
}
