using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Update;
using ServerTools.Auditing;
using ServerTools.Tracking;

namespace ServerTools.Infrastructure;

/// <summary>
/// The stored values of entities the context did not load. <c>db.Update(dto)</c>, <c>db.Attach(stub)</c> followed by
/// changes or <c>IsModified = true</c>, or <c>Entry(x).State = Modified</c> gives EF no original values: it takes the
/// client's (or a stub's placeholders), so the audit trail and the <c>On{X}Changed</c> hooks would see changes from values
/// the database never held, or none; <c>db.Remove(stub)</c> (or <c>State = Deleted</c>) would log a delete of the stub's
/// placeholders. For such an entity of an audited or tracked type (or an owned one, logged with its owner or as an entity
/// of its own), which <see cref="UnloadedEntries"/> tells apart, the stored row is read (<see cref="StoredRows"/>: one
/// query per entity type of the save) before the hooks run and the changes are captured. Its values become the original
/// values of each property marked modified of an updated entity, and of every property of a deleted one.
/// </summary>
/// <remarks>
/// An update keeps what it writes: only the properties marked modified get the stored value (a property EF does not
/// write keeps its original value, and gets no new modified flag). A delete's statement reads no property but the key and
/// the concurrency tokens. Keys and concurrency tokens keep the client's: a token's original value is what the statement
/// checks, and a stale one must still fail the save.
/// </remarks>
internal static class StoredOriginals
{
    private const string AnnotationName = "ServerTools:StoredOriginals";

    /// <summary>
    /// Reads the stored rows of the entries, one query per entity type, and makes their values the originals of the
    /// properties of each entry that its log reads (see the class). Returns the stored values of the owned entities
    /// (<c>OwnsOne</c>) that the delete log of a deleted entry reads and the context does not track (a stub holds
    /// none, or null): by the deleted entity and the owned type's property; null when there are none.
    /// </summary>
    public static async Task<Dictionary<(object Entity, IProperty Property), object?>?> LoadAsync(
        DbContext context, List<EntityEntry> entries, ServerToolsOptions options, bool async, CancellationToken cancellationToken)
    {
        var reads = new Dictionary<IEntityType, (List<object?[]> Keys, List<(EntityEntry Entry, bool Owned)> For)>();
        foreach (var entry in entries)
        {
            Add(reads, entry.Metadata, KeyOf(entry.Values(), entry.Metadata.FindPrimaryKey()!.Properties), entry, owned: false);
            if (entry.State == EntityState.Deleted && options.Auditing.Enabled)
            {
                foreach (var ownedType in UntrackedOwned(entry))
                {
                    if (OwnedKey(ownedType, entry) is { } key)
                    {
                        Add(reads, ownedType, key, entry, owned: true);
                    }
                }
            }
        }

        Dictionary<(object, IProperty), object?>? ownedValues = null;
        foreach (var (type, (keys, of)) in reads)
        {
            // An entry whose row is gone gets nothing: the save's own statement finds no row either, and EF reports the conflict.
            var candidates = Candidates(type);
            foreach (var (index, stored) in await StoredRows.ReadAsync(context, type, keys, candidates, async, cancellationToken).ConfigureAwait(false))
            {
                var (entry, owned) = of[index];
                if (!owned)
                {
                    Fill(entry, stored);
                    continue;
                }

                // By the entity's reference: an entity may define its own equality (a record), and its values may change before the capture.
                ownedValues ??= new(EntityAndProperty.Comparer);
                for (var i = 0; i < candidates.Length; i++)
                {
                    ownedValues[(entry.Entity, candidates[i])] = stored[i];
                }
            }
        }

        return ownedValues;

        static void Add(
            Dictionary<IEntityType, (List<object?[]> Keys, List<(EntityEntry, bool)> For)> reads, IEntityType type, object?[] key, EntityEntry entry, bool owned)
        {
            if (!reads.TryGetValue(type, out var ofType))
            {
                reads.Add(type, ofType = ([], []));
            }

            ofType.Keys.Add(key);
            ofType.For.Add((entry, owned));
        }
    }

    /// <summary>
    /// The owned types (<c>OwnsOne</c>) whose values the delete log of <paramref name="entry"/> reads and that the context
    /// does not track for it: an owned entity on the way to a field is missing.
    /// </summary>
    private static HashSet<IEntityType> UntrackedOwned(EntityEntry entry)
    {
        var untracked = new HashSet<IEntityType>();
        if (!AuditDescriptors.TryGet(entry.Metadata.ClrType, out var descriptor) || (descriptor.Operations & AuditOperations.Delete) == 0)
        {
            return untracked;
        }

        foreach (var access in AuditFieldMap.For(entry.Metadata, descriptor).Fields)
        {
            if (access is not { IsOnEntry: false } || untracked.Contains(access.Owned[^1].TargetEntityType))
            {
                continue;
            }

            var current = entry;
            foreach (var navigation in access.Owned)
            {
                if (current.Reference(navigation.Name).TargetEntry is not { } target)
                {
                    untracked.Add(access.Owned[^1].TargetEntityType);
                    break;
                }

                current = target;
            }
        }

        return untracked;
    }

    /// <summary>
    /// The primary key of the owned entity of type <paramref name="owned"/> (of a reference navigation, or of a chain of
    /// them) of <paramref name="owner"/>: an owned reference's key is its foreign key to its owner, so its values are the
    /// owner's key values. Null when the key has a part of its own.
    /// </summary>
    private static object?[]? OwnedKey(IEntityType owned, EntityEntry owner)
    {
        var key = owned.FindPrimaryKey()!.Properties;
        var values = new object?[key.Count];
        for (var i = 0; i < values.Length; i++)
        {
            var property = key[i];
            while (!property.DeclaringType.IsAssignableFrom(owner.Metadata))
            {
                if (property.DeclaringType is not IEntityType declaring
                    || declaring.FindOwnership() is not { } ownership
                    || IndexOf(ownership.Properties, property) is not (>= 0 and var index))
                {
                    return null;
                }

                property = ownership.PrincipalKey.Properties[index];
            }

            values[i] = owner.Values().GetCurrentValue(property);
        }

        return values;

        static int IndexOf(IReadOnlyList<IProperty> properties, IProperty property)
        {
            for (var i = 0; i < properties.Count; i++)
            {
                if (properties[i] == property)
                {
                    return i;
                }
            }

            return -1;
        }
    }

    private static object?[] KeyOf(IUpdateEntry values, IReadOnlyList<IProperty> key)
    {
        var keyValues = new object?[key.Count];
        for (var i = 0; i < keyValues.Length; i++)
        {
            keyValues[i] = values.GetCurrentValue(key[i]);
        }

        return keyValues;
    }

    /// <summary>
    /// An audited (updates or deletes) or tracked type, or an owned type of such an owner: the audit logs an owned entity
    /// with its owner, or as an entity of its own when its class is audited. An owned collection stored as JSON is left out: EF
    /// cannot read one element of it back (its key is its position), and reports the unknown position itself.
    /// </summary>
    internal static bool IsLogged(IEntityType type, ServerToolsOptions options)
    {
        if (type.FindOwnership() is { } ownership && (!ownership.IsUnique && type.IsMappedToJson()))
        {
            return false;
        }

        for (var current = type; current is not null; current = current.FindOwnership()?.PrincipalEntityType)
        {
            if ((options.Auditing.Enabled && AuditDescriptors.TryGet(current.ClrType, out var audit) && (audit.Operations & (AuditOperations.Update | AuditOperations.Delete)) != 0)
                || (options.Tracking.Enabled && TrackedDescriptors.TryGet(current.ClrType, out _)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether an audit log or a tracked change reads the original value of a property the save writes, so that the
    /// stored row is worth its query: an entity whose written properties are all <c>[AuditIgnore]</c>, or not logged for
    /// another reason, is saved without it. An owned entity is read whenever it is modified (its owner's log names its
    /// fields by their paths), and so is an entity with a value the database computes on update (any write may change it).
    /// </summary>
    public static bool LogsAnyWrittenValue(EntityEntry entry, ServerToolsOptions options)
    {
        var logged = LoggedOriginals.Of(entry.Metadata);
        if (logged.Always)
        {
            return true;
        }

        var values = entry.Values();
        var candidates = Candidates(entry.Metadata);
        for (var i = 0; i < candidates.Length; i++)
        {
            if (values.IsModified(candidates[i])
                && ((options.Auditing.Enabled && logged.Audited?[i] == true) || (options.Tracking.Enabled && logged.Tracked?[i] == true)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether a delete's audit log or tracked change reads the entity's original values: its class logs deletes, or it
    /// is an owned entity (its owner's log names its fields by their paths).
    /// </summary>
    public static bool LogsDeletedValues(EntityEntry entry, ServerToolsOptions options)
    {
        if (entry.Metadata.IsOwned())
        {
            return true;
        }

        var logged = LoggedOriginals.Of(entry.Metadata);
        return (options.Auditing.Enabled && logged.AuditedDeletes) || (options.Tracking.Enabled && logged.TrackedDeletes);
    }

    /// <summary>
    /// Whether the save writes every property whose original value the stored row gives (or reads back the value the
    /// database computes): once it is accepted, the entry's original values are all what the database holds.
    /// </summary>
    public static bool WritesEveryValue(EntityEntry entry)
    {
        var values = entry.Values();
        foreach (var property in Candidates(entry.Metadata))
        {
            if (!values.IsModified(property) && (property.ValueGenerated & ValueGenerated.OnUpdate) == 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The stored values (of <see cref="Candidates"/>, in order) as the originals of an entry (see the class).</summary>
    private static void Fill(EntityEntry entry, object?[] stored)
    {
        var values = entry.Values();
        var deleted = entry.State == EntityState.Deleted;
        var candidates = Candidates(entry.Metadata);
        for (var i = 0; i < candidates.Length; i++)
        {
            var property = candidates[i];
            if (deleted || values.IsModified(property))
            {
                values.SetOriginalValue(property, StoredValue(stored[i], property));
            }
            else if ((property.ValueGenerated & ValueGenerated.OnUpdate) != 0)
            {
                // A value the database computes (a stored computed column) is not written, and the client's copy holds
                // a placeholder: the stored value becomes its value now and its original one, as a loaded entity's
                // would be, so the audit compares the value computed by this save with the stored one.
                var value = StoredValue(stored[i], property);
                values.SetStoreGeneratedValue(property, value, setModified: false);
                values.SetOriginalValue(property, value);
            }
        }
    }

    /// <summary>
    /// The stored value of <paramref name="property"/>. A property of an optional complex value that is null in the row
    /// reads null, which a value type cannot hold as its original value: it gets the type's default, as the entity it
    /// would have been loaded into holds (the audit trail tells such a complex value was null from its originals).
    /// </summary>
    private static object? StoredValue(object? value, IProperty property)
        => value is null && property.ClrType.IsValueType && Nullable.GetUnderlyingType(property.ClrType) is null
            ? RuntimeHelpers.GetUninitializedObject(property.ClrType)
            : value;

    /// <summary>
    /// Which of an entity type's <see cref="Candidates"/> an update's audit log (<see cref="Audited"/>) or tracked change
    /// (<see cref="Tracked"/>) reads, or whether to read the stored row whatever is written (<see cref="Always"/>), and
    /// whether a delete's log or change reads them. Found once per entity type of a model.
    /// </summary>
    private sealed class LoggedOriginals
    {
        private LoggedOriginals(IEntityType type)
        {
            if (type.IsOwned())
            {
                Always = true;
                return;
            }

            var candidates = Candidates(type);
            if (AuditDescriptors.TryGet(type.ClrType, out var audit))
            {
                AuditedDeletes = (audit.Operations & AuditOperations.Delete) != 0;
            }

            if (audit is not null && (audit.Operations & AuditOperations.Update) != 0)
            {
                var map = AuditFieldMap.For(type, audit);
                Always = map.HasComputedOnUpdate;
                Audited = new bool[candidates.Length];
                foreach (var access in map.Fields)
                {
                    if (access is { IsOnEntry: true } && Array.IndexOf(candidates, access.Property) is >= 0 and var index)
                    {
                        Audited[index] = true;
                    }
                }
            }

            if (TrackedDescriptors.TryGet(type.ClrType, out var tracked))
            {
                TrackedDeletes = (tracked.Operations & TrackedOperations.Delete) != 0;
                Tracked = new bool[candidates.Length];
                foreach (var field in tracked.Fields)
                {
                    if (type.FindProperty(field.Name) is { } property && Array.IndexOf(candidates, property) is >= 0 and var index)
                    {
                        Tracked[index] = true;
                    }
                }
            }
        }

        public bool Always { get; }

        public bool[]? Audited { get; }

        public bool[]? Tracked { get; }

        /// <summary>Whether the class's audit logs deletes (with the original value of every field).</summary>
        public bool AuditedDeletes { get; }

        /// <summary>Whether the class's tracked changes include deletes (with the original value of every tracked field).</summary>
        public bool TrackedDeletes { get; }

        public static LoggedOriginals Of(IEntityType type)
            => type.GetOrAddRuntimeAnnotationValue(AnnotationName + "Logged", static type => new LoggedOriginals(type!), type);
    }

    /// <summary>
    /// The properties whose original value may be taken from the stored row (its own and its complex types', not
    /// complex collections): not keys or concurrency tokens. Found once per entity type of a model.
    /// </summary>
    private static IProperty[] Candidates(IEntityType type)
        => type.GetOrAddRuntimeAnnotationValue<IProperty[], IEntityType>(
            AnnotationName,
            static type => [.. type!.GetFlattenedProperties().Where(static p => !p.IsKey() && !p.IsConcurrencyToken)],
            type);
}

/// <summary>Compares an (entity, property) pair by the entity's reference, not by its own <c>Equals</c>.</summary>
internal static class EntityAndProperty
{
    public static readonly IEqualityComparer<(object Entity, IProperty Property)> Comparer = new ByReference();

    private sealed class ByReference : IEqualityComparer<(object Entity, IProperty Property)>
    {
        public bool Equals((object Entity, IProperty Property) x, (object Entity, IProperty Property) y)
            => ReferenceEquals(x.Entity, y.Entity) && ReferenceEquals(x.Property, y.Property);

        public int GetHashCode((object Entity, IProperty Property) obj)
            => HashCode.Combine(RuntimeHelpers.GetHashCode(obj.Entity), RuntimeHelpers.GetHashCode(obj.Property));
    }
}
