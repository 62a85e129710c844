using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Auditing;
using ServerTools.Tracking;

namespace ServerTools.Infrastructure;

/// <summary>
/// The stored values of entities the context did not load. <c>db.Update(dto)</c>, <c>db.Attach(stub)</c> followed by
/// changes or <c>IsModified = true</c>, or <c>Entry(x).State = Modified</c> gives EF no original values: it takes the
/// client's (or a stub's placeholders), so the audit trail and the <c>On{X}Changed</c> hooks would see changes from values
/// the database never held, or none. For such an entity of an audited or tracked type (or an owned one, logged with its
/// owner or as an entity of its own), which <see cref="UnloadedEntries"/> tells apart, the stored row is read (EF's
/// <c>GetDatabaseValues</c>, one query per entity) and becomes the original value of each property marked modified,
/// before the hooks run and the changes are captured.
/// </summary>
/// <remarks>
/// Only the properties marked modified get the stored value, so what the save writes does not change (a property EF does
/// not write keeps its original value, and gets no new modified flag). Keys and concurrency tokens keep the client's: a
/// token's original value is what the statement checks, and a stale one must still fail the save.
/// </remarks>
internal static class StoredOriginals
{
    private const string AnnotationName = "ServerTools:StoredOriginals";

    /// <summary>Reads each entry's stored row and makes its values the originals of the entry's properties marked modified.</summary>
    public static async Task LoadAsync(List<EntityEntry> entries, bool async, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            var stored = async
                ? await entry.GetDatabaseValuesAsync(cancellationToken).ConfigureAwait(false)
                : entry.GetDatabaseValues();

            // No row: the save's own statement finds none either, and EF reports the conflict.
            if (stored is not null)
            {
                Fill(entry, stored);
            }
        }
    }

    /// <summary>
    /// An audited (updates) or tracked type, or an owned type of such an owner: the audit logs an owned entity with its
    /// owner, or as an entity of its own when its class is audited. An owned collection stored as JSON is left out: EF
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
            if ((options.Auditing.Enabled && AuditDescriptors.TryGet(current.ClrType, out var audit) && (audit.Operations & AuditOperations.Update) != 0)
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

    private static void Fill(EntityEntry entry, PropertyValues stored)
    {
        var values = entry.Values();
        foreach (var property in Candidates(entry.Metadata))
        {
            if (values.IsModified(property))
            {
                values.SetOriginalValue(property, StoredValue(stored, property));
            }
            else if ((property.ValueGenerated & ValueGenerated.OnUpdate) != 0)
            {
                // A value the database computes (a stored computed column) is not written, and the client's copy holds
                // a placeholder: the stored value becomes its value now and its original one, as a loaded entity's
                // would be, so the audit compares the value computed by this save with the stored one.
                var value = StoredValue(stored, property);
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
    private static object? StoredValue(PropertyValues stored, IProperty property)
    {
        var value = stored[property];
        return value is null && property.ClrType.IsValueType && Nullable.GetUnderlyingType(property.ClrType) is null
            ? RuntimeHelpers.GetUninitializedObject(property.ClrType)
            : value;
    }

    /// <summary>
    /// Which of an entity type's <see cref="Candidates"/> an update's audit log (<see cref="Audited"/>) or tracked change
    /// (<see cref="Tracked"/>) reads, or whether to read the stored row whatever is written (<see cref="Always"/>). Found
    /// once per entity type of a model.
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
            if (AuditDescriptors.TryGet(type.ClrType, out var audit) && (audit.Operations & AuditOperations.Update) != 0)
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
