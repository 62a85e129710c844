using System.Collections.Generic;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace ServerTools.Auditing;

/// <summary>One line of a log before it is written.</summary>
internal readonly record struct PendingLine(string Field, string? OldValue, string? NewValue);

/// <summary>
/// One log before it is written: an entity change of a SaveChanges, or a read. Old values are taken when the
/// save starts (EF replaces them afterwards). A created entity's values are taken then too, and formatted ahead,
/// except its keys, foreign keys and database-generated values, which are read when the log is written, so that they
/// are logged as stored.
/// </summary>
internal sealed class PendingLog
{
    private readonly EntityEntry? _entry;
    private readonly AuditFieldMap? _map;
    private readonly List<PendingLine>? _lines;
    private readonly string? _key;

    // A created entity: the values taken at the capture (null where read at the write), then their text.
    private readonly object?[]? _created;
    private string?[]? _createdText;

    private PendingLog(EntityEntry? entry, AuditDescriptor descriptor, AuditFieldMap? map, AuditOperation operation, List<PendingLine>? lines, string? key, object?[]? created = null)
    {
        _entry = entry;
        _map = map;
        Descriptor = descriptor;
        Operation = operation;
        _lines = lines;
        _key = key;
        _created = created;
    }

    public AuditDescriptor Descriptor { get; }

    public AuditOperation Operation { get; }

    /// <summary>Whether the log's key and lines are known since the capture (every log but a created entity's, read when written).</summary>
    public bool IsCaptured => _lines is not null;

    /// <summary>Captures the change, or returns null for an update that changed no audited field (in <see cref="AuditMode.Changes"/>).</summary>
    public static PendingLog? Capture(EntityEntry entry, AuditDescriptor descriptor, AuditOperation operation, OwnedChanges owned)
    {
        var map = AuditFieldMap.For(entry.Metadata, descriptor);
        if (operation == AuditOperation.Create)
        {
            return new PendingLog(entry, descriptor, map, operation, lines: null, key: null, CreatedValues(entry, map));
        }

        var full = descriptor.Mode == AuditMode.Full;
        var lines = new List<PendingLine>(map.Fields.Length);
        var originals = entry.OriginalValues;
        var currents = entry.CurrentValues;
        for (var i = 0; i < map.Fields.Length; i++)
        {
            if (map.Fields[i] is not { } access)
            {
                continue;
            }

            var field = descriptor.Fields[i];
            var property = access.Property;

            // An update's unchanged properties are passed over on EF's own flag (set by DetectChanges with the same
            // comparer), before a value is read: what EF does not write is not logged either.
            if (!full && operation == AuditOperation.Update && access.IsOnEntity && !entry.Property(property).IsModified)
            {
                continue;
            }

            var original = access.IsOwned ? access.Original(entry, owned) : originals[property];
            if (operation == AuditOperation.Delete)
            {
                lines.Add(Line(field, AuditValueFormatter.Format(original), null));
                continue;
            }

            // Compared with EF's own comparer first, so unchanged values are not formatted at all.
            var current = access.IsOwned ? access.Current(entry) : currents[property];
            if (!full && access.Comparer.Equals(original, current))
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

        return lines.Count == 0 && !full ? null : new PendingLog(entry, descriptor, map, operation, lines, AuditKey.Of(entry.OriginalValues, map.Key));
    }

    /// <summary>A read of the entity with key <paramref name="key"/> (see <see cref="AuditKey.Format"/>): a log with no lines.</summary>
    public static PendingLog Read(AuditDescriptor descriptor, string key)
        => new(entry: null, descriptor, map: null, AuditOperation.Read, lines: [], key);

    /// <summary>
    /// Formats a created entity's values taken at the capture (on any thread: it reads no entry). The write then only
    /// reads and formats the values it could not take then.
    /// </summary>
    public void FormatAhead()
    {
        if (_created is not { } values || _createdText is not null)
        {
            return;
        }

        var texts = new string?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (_map!.Fields[i] is { IsReadAtWrite: false })
            {
                texts[i] = Masked(Descriptor.Fields[i], AuditValueFormatter.Format(values[i]));
            }
        }

        _createdText = texts;
    }

    /// <summary>The entity key as text: the value itself, or for a composite key its parts joined by <c>|</c>.</summary>
    public string Key() => _key ?? AuditKey.Of(_entry!.CurrentValues, _map!.Key);

    /// <summary>
    /// Writes the lines as JSON objects: the captured ones, or a created entity's: the text formatted ahead, and the
    /// values read now formatted straight into the writer (the text <see cref="AuditValueFormatter.Format"/> gives).
    /// </summary>
    public void WriteLines(Utf8JsonWriter writer, AuditLineJsonNames names)
    {
        if (_lines is not null)
        {
            AuditLinesJson.WriteLines(writer, names, _lines);
            return;
        }

        System.Diagnostics.Debug.Assert(_entry is not null && _map is not null, "Only a created entity's lines are read at write time.");
        var currents = _entry.CurrentValues;
        for (var i = 0; i < _map.Fields.Length; i++)
        {
            if (_map.Fields[i] is not { } access)
            {
                continue;
            }

            var field = Descriptor.Fields[i];
            writer.WriteStartObject();
            writer.WriteString(names.Field, field.Name);
            if (access.IsReadAtWrite || _created is null)
            {
                var value = access.IsOwned ? access.Current(_entry) : currents[access.Property];
                AuditValueFormatter.WriteProperty(writer, names.NewValue, field.IsMasked && value is not null ? AuditValueFormatter.Mask : value);
            }
            else if ((_createdText is { } texts ? texts[i] : Masked(field, AuditValueFormatter.Format(_created[i]))) is { } text)
            {
                writer.WriteString(names.NewValue, text);
            }

            writer.WriteEndObject();
        }
    }

    /// <summary>The values of a created entity that can be taken now: not its keys, foreign keys or generated values.</summary>
    private static object?[] CreatedValues(EntityEntry entry, AuditFieldMap map)
    {
        var values = new object?[map.Fields.Length];
        var currents = entry.CurrentValues;
        for (var i = 0; i < values.Length; i++)
        {
            if (map.Fields[i] is { IsReadAtWrite: false } access)
            {
                values[i] = access.IsOwned ? access.Current(entry) : currents[access.Property];
            }
        }

        return values;
    }

    private static string? Masked(AuditField field, string? text) => field.IsMasked && text is not null ? AuditValueFormatter.Mask : text;

    private static PendingLine Line(AuditField field, string? oldValue, string? newValue) => field.IsMasked
        ? new PendingLine(field.Name, oldValue is null ? null : AuditValueFormatter.Mask, newValue is null ? null : AuditValueFormatter.Mask)
        : new PendingLine(field.Name, oldValue, newValue);
}
