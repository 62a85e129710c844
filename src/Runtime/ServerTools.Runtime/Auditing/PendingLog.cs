using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ServerTools.Auditing;

/// <summary>One line of a log before it is written.</summary>
internal readonly record struct PendingLine(string Field, string? OldValue, string? NewValue);

/// <summary>
/// One log before it is written: an entity change of a SaveChanges, or a read. Old values are taken when the
/// save starts (EF replaces them afterwards); a created entity's values and key are read when the log is
/// written, so database-generated values are logged as stored.
/// </summary>
internal sealed class PendingLog
{
    private readonly EntityEntry? _entry;
    private readonly AuditFieldMap? _map;
    private readonly List<PendingLine>? _lines;
    private readonly string? _key;

    private PendingLog(EntityEntry? entry, AuditDescriptor descriptor, AuditFieldMap? map, AuditOperation operation, List<PendingLine>? lines, string? key)
    {
        _entry = entry;
        _map = map;
        Descriptor = descriptor;
        Operation = operation;
        _lines = lines;
        _key = key;
    }

    public AuditDescriptor Descriptor { get; }

    public AuditOperation Operation { get; }

    /// <summary>Captures the change, or returns null for an update that changed no audited field (in <see cref="AuditMode.Changes"/>).</summary>
    public static PendingLog? Capture(EntityEntry entry, AuditDescriptor descriptor, AuditOperation operation)
    {
        var map = AuditFieldMap.For(entry.Metadata, descriptor);
        if (operation == AuditOperation.Create)
        {
            return new PendingLog(entry, descriptor, map, operation, lines: null, key: null);
        }

        var full = descriptor.Mode == AuditMode.Full;
        var lines = new List<PendingLine>(map.Properties.Length);
        var originals = entry.OriginalValues;
        var currents = entry.CurrentValues;
        for (var i = 0; i < map.Properties.Length; i++)
        {
            if (map.Properties[i] is not { } property)
            {
                continue;
            }

            var field = descriptor.Fields[i];
            var original = originals[property];
            if (operation == AuditOperation.Delete)
            {
                lines.Add(Line(field, AuditValueFormatter.Format(original), null));
                continue;
            }

            // Compared with EF's own comparer first, so unchanged values are not formatted at all.
            var current = currents[property];
            if (!full && property.GetValueComparer().Equals(original, current))
            {
                continue;
            }

            var oldValue = AuditValueFormatter.Format(original);
            var newValue = AuditValueFormatter.Format(current);
            if (full || !string.Equals(oldValue, newValue, System.StringComparison.Ordinal))
            {
                lines.Add(Line(field, oldValue, newValue));
            }
        }

        return lines.Count == 0 && !full ? null : new PendingLog(entry, descriptor, map, operation, lines, Key(entry, map, original: true));
    }

    /// <summary>A read of the entity with key <paramref name="key"/> (see <see cref="AuditKey.Format"/>): a log with no lines.</summary>
    public static PendingLog Read(AuditDescriptor descriptor, string key)
        => new(entry: null, descriptor, map: null, AuditOperation.Read, lines: [], key);

    /// <summary>The entity key as text: the value itself, or for a composite key its parts joined by <c>|</c>.</summary>
    public string Key() => _key ?? Key(_entry!, _map!, original: false);

    public IEnumerable<PendingLine> Lines()
    {
        if (_lines is not null)
        {
            return _lines;
        }

        System.Diagnostics.Debug.Assert(_entry is not null && _map is not null, "Only a created entity's lines are read at write time.");
        var created = new List<PendingLine>(_map.Properties.Length);
        for (var i = 0; i < _map.Properties.Length; i++)
        {
            if (_map.Properties[i] is { } property)
            {
                created.Add(Line(Descriptor.Fields[i], null, AuditValueFormatter.Format(_entry.CurrentValues[property])));
            }
        }

        return created;
    }

    private static PendingLine Line(AuditField field, string? oldValue, string? newValue) => field.IsMasked
        ? new PendingLine(field.Name, oldValue is null ? null : AuditValueFormatter.Mask, newValue is null ? null : AuditValueFormatter.Mask)
        : new PendingLine(field.Name, oldValue, newValue);

    private static string Key(EntityEntry entry, AuditFieldMap map, bool original)
    {
        var values = original ? entry.OriginalValues : entry.CurrentValues;
        var parts = new object?[map.Key.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = values[map.Key[i]];
        }

        return AuditKey.Format(parts);
    }
}

/// <summary>For one entity type: the EF property of each audited field (null when the model does not map it) and the key properties.</summary>
internal sealed class AuditFieldMap
{
    private const string AnnotationName = "ServerTools:AuditFieldMap";

    private AuditFieldMap(IEntityType entityType, AuditDescriptor descriptor)
    {
        Properties = new IProperty?[descriptor.Fields.Count];
        for (var i = 0; i < Properties.Length; i++)
        {
            Properties[i] = entityType.FindProperty(descriptor.Fields[i].Name);
        }

        Key = entityType.FindPrimaryKey() is { } primaryKey
            ? [.. primaryKey.Properties]
            : throw new System.InvalidOperationException(
                $"'{descriptor.EntityName}' is [Audited] but has no primary key in the model, so its logs could not say which row changed. " +
                "Give it a key, or remove [Audited].");
    }

    public IProperty?[] Properties { get; }

    public IProperty[] Key { get; }

    /// <summary>Built once per entity type of a model, kept as a runtime annotation on it.</summary>
    public static AuditFieldMap For(IEntityType entityType, AuditDescriptor descriptor)
        => entityType.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static state => new AuditFieldMap(state.EntityType, state.Descriptor),
            (EntityType: entityType, Descriptor: descriptor));
}
