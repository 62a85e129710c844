using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.TimeWindows;

/// <summary>
/// What a SaveChanges does for <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entities: checks the schedule of
/// each one added or modified (so a contradiction or an unknown time zone stops the save, and nothing is written), and
/// on PostgreSQL writes the columns <c>WhereOpenAt</c> reads (<see cref="TimeWindowColumns"/>).
/// </summary>
internal static class TimeWindowBatch
{
    private static readonly ConditionalWeakTable<IModel, StrongBox<bool>> s_models = [];

    /// <summary>Whether the model has a time-windowed entity type.</summary>
    public static bool Uses(IModel model)
        => s_models.GetValue(model, static m => new StrongBox<bool>(m.GetEntityTypes().Any(static t => typeof(ITimeWindowed).IsAssignableFrom(t.ClrType)))).Value;

    /// <summary>Checks the schedules of the added and modified entities and writes their columns. Changes must be detected first.</summary>
    public static void Prepare(DbContext context)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified && entry.Entity is ITimeWindowed windowed)
            {
                var schedule = windowed.GetTimeWindowSchedule();
                if (TimeWindowColumns.AreMapped(entry.Metadata))
                {
                    TimeWindowColumns.Write(entry, schedule);
                }
            }
        }
    }
}
