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
/// The stored values of entities the context did not load. <c>db.Update(dto)</c>, or <c>db.Attach(stub)</c> with
/// <c>IsModified = true</c>, gives EF no original values: it takes the client's, so every modified property holds its
/// "original" value, no change shows, and the audit trail and the <c>On{X}Changed</c> hooks would see none. For such an
/// entity of an audited or tracked type (or an owned one, logged with its owner or as an entity of its own), the stored row is read (EF's <c>GetDatabaseValues</c>, one query per entity) and
/// becomes the original value of each property so marked, before the hooks run and the changes are captured.
/// </summary>
/// <remarks>
/// Only the properties marked modified get the stored value, so what the save writes does not change (a property EF does
/// not write keeps its original value, and gets no new modified flag). Keys and concurrency tokens keep the client's: a
/// token's original value is what the statement checks, and a stale one must still fail the save.
/// </remarks>
internal static class StoredOriginals
{
    private const string AnnotationName = "ServerTools:StoredOriginals";

    /// <summary>The modified entries of audited or tracked types (and of owned types of such owners) that are client copies (<see cref="HasUnknownOriginal"/>).</summary>
    public static List<EntityEntry>? Find(DbContext context, ServerToolsOptions options)
    {
        List<EntityEntry>? unloaded = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Modified
                && IsLogged(entry.Metadata, options)
                && HasUnknownOriginal(entry))
            {
                (unloaded ??= []).Add(entry);
            }
        }

        return unloaded;
    }

    /// <summary>Reads each entry's stored row and makes its values the originals of the entry's unknown ones.</summary>
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
    private static bool IsLogged(IEntityType type, ServerToolsOptions options)
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
    /// Whether the entry is a client's copy. EF marks a property of a loaded entity modified when its value differs from
    /// the original, and every property marked on a client's copy holds the client's value as both: the first property
    /// marked tells which the entry is (two values read, not all of them).
    /// </summary>
    private static bool HasUnknownOriginal(EntityEntry entry)
    {
        var values = entry.Values();
        foreach (var property in Candidates(entry.Metadata))
        {
            if (values.IsModified(property))
            {
                return IsUnknown(values, property);
            }
        }

        return false;
    }

    private static void Fill(EntityEntry entry, PropertyValues stored)
    {
        var values = entry.Values();
        foreach (var property in Candidates(entry.Metadata))
        {
            if (IsUnknown(values, property))
            {
                values.SetOriginalValue(property, StoredValue(stored, property));
            }
            else if ((property.ValueGenerated & ValueGenerated.OnUpdate) != 0 && !values.IsModified(property))
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

    /// <summary>A property EF writes whose original value is the current one: a value the client sent, not one read.</summary>
    private static bool IsUnknown(Microsoft.EntityFrameworkCore.Update.IUpdateEntry values, IProperty property)
        => values.IsModified(property)
            && property.GetValueComparer().Equals(values.GetOriginalValue(property), values.GetCurrentValue(property));

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
