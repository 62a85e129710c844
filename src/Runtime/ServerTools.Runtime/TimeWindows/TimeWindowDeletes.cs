using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.TimeWindows;

/// <summary>
/// Lets SaveChanges delete <see cref="TimeWindowedAttribute">[TimeWindowed]</see> entities. EF Core 10.0.0 fails to
/// delete an entity whose JSON complex collection has an element: it reads the collection's elements for the DELETE,
/// and a deleted entry's elements cannot be read ("The complex entry at ordinal '0' for the collection
/// 'Store.TimeWindows' cannot be accessed as the containing entry is in the deleted state", dotnet/efcore#37373). The
/// workaround EF Core's team gives is to empty the collections of deleted entities. For the length of a save, each
/// deleted entity's non-empty <c>TimeWindows</c> and <c>SpecialDays</c> are replaced by new empty lists (through the
/// generated properties' setters); when the save ends, saved, failed or canceled, the entity gets its own lists back. The lists
/// themselves are never changed, and nothing else of the entry is: it is still Deleted after a failed save, and a retry
/// hides them again. An entry that leaves the Deleted state before the save writes it (a soft-delete interceptor of the
/// application, which EF runs after ServerTools', sets it to Modified) gets its lists back at once, so that what EF then
/// writes is its real schedule, never the empty placeholders.
/// </summary>
/// <remarks>
/// A DELETE writes no column but the key, so what the database receives is the same. The audit trail and tracked
/// changes do not log complex collections, and read nothing hidden here. Deletes that EF cascades during the save
/// (<see cref="CascadeTiming.OnSaveChanges"/>) are hidden as EF marks them. The state of the tracked entries is watched
/// from <see cref="Hide"/> to <see cref="Restore"/>. When an application interceptor after ServerTools' throws in
/// SavingChanges, EF reports no end of the save: the lists stay hidden (and the watch on) until the context's next save
/// or its return to the pool, or until the entry leaves the Deleted state.
/// </remarks>
internal sealed class TimeWindowDeletes
{
    private readonly List<Hidden> _hidden = [];
    private readonly HashSet<object> _entities = new(ReferenceEqualityComparer.Instance);
    private ChangeTracker? _watched;

    /// <summary>Hides the collections of the Deleted <c>[TimeWindowed]</c> entries; null when there is nothing to hide or watch.</summary>
    public static TimeWindowDeletes? Hide(DbContext context)
    {
        TimeWindowDeletes? deletes = null;
        var tracker = context.ChangeTracker;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State == EntityState.Deleted && entry.Entity is ITimeWindowed)
                {
                    (deletes ??= new()).HideIn(entry.Entity, entry.Metadata);
                }
            }
        }
        catch
        {
            deletes?.Restore();
            throw;
        }

        if (deletes is not null || tracker.CascadeDeleteTiming == CascadeTiming.OnSaveChanges || tracker.DeleteOrphansTiming == CascadeTiming.OnSaveChanges)
        {
            deletes ??= new();
            deletes._watched = tracker;
            tracker.StateChanged += deletes.OnStateChanged;
        }

        return deletes;
    }

    /// <summary>Gives every entity its own lists back, unless something assigned others during the save.</summary>
    public void Restore()
    {
        if (_watched is { } tracker)
        {
            tracker.StateChanged -= OnStateChanged;
            _watched = null;
        }

        foreach (var hidden in _hidden)
        {
            GiveBack(hidden);
        }

        _hidden.Clear();
        _entities.Clear();
    }

    private void OnStateChanged(object? sender, EntityStateChangedEventArgs args)
    {
        if (args.Entry.Entity is not ITimeWindowed)
        {
            return;
        }

        if (args.NewState == EntityState.Deleted)
        {
            HideIn(args.Entry.Entity, args.Entry.Metadata);
        }
        else if (args.OldState == EntityState.Deleted && args.NewState != EntityState.Detached && _entities.Remove(args.Entry.Entity))
        {
            // No longer deleted (a soft delete, an undo): EF may write the entity now, with its own lists.
            foreach (var hidden in _hidden.Where(hidden => ReferenceEquals(hidden.Entity, args.Entry.Entity)))
            {
                GiveBack(hidden);
            }

            _hidden.RemoveAll(hidden => ReferenceEquals(hidden.Entity, args.Entry.Entity));
        }
    }

    /// <summary>Gives the entity its own list back, unless something assigned another during the save.</summary>
    private static void GiveBack(Hidden hidden)
    {
        if (ReferenceEquals(hidden.Property.GetGetter().GetClrValueUsingContainingEntity(hidden.Entity), hidden.Placeholder))
        {
            hidden.Setter.SetValue(hidden.Entity, hidden.Own);
        }
    }

    private void HideIn(object entity, IEntityType type)
    {
        if (!_entities.Add(entity))
        {
            return;
        }

        foreach (var property in type.GetComplexProperties())
        {
            // The generated property's public setter (EF Core keeps its own setters internal).
            if (TimeWindowModelConvention.IsStoredSchedule(property)
                && property.PropertyInfo is { SetMethod.IsPublic: true } setter
                && property.GetGetter().GetClrValueUsingContainingEntity(entity) is ICollection { Count: > 0 } own)
            {
                object placeholder = property.ComplexType.ClrType == typeof(TimeWindow) ? new List<TimeWindow>() : new List<SpecialDay>();
                setter.SetValue(entity, placeholder);
                _hidden.Add(new Hidden(entity, property, setter, own, placeholder));
            }
        }
    }

    private readonly record struct Hidden(object Entity, IComplexProperty Property, PropertyInfo Setter, object Own, object Placeholder);
}
