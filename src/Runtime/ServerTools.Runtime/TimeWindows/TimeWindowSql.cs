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

    // The row's clock: with one reading (the instant asked about), its local time; else the highest local time of the
    // readings. PostgreSQL evaluates only the branch taken, so the subquery runs only in a repeated hour.
    private static readonly Expression<Func<string, DateTimeOffset[], DateTime>> s_clock = static (zone, readings) =>
        readings.Count() == 1 ? LocalTime(readings[0], zone) : readings.Max(reading => LocalTime(reading, zone));

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
}
