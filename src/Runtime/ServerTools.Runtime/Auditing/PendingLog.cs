using System;
using System.Collections.Generic;
using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>One line of a log before it is written.</summary>
internal readonly record struct PendingLine(string Field, string? OldValue, string? NewValue);

/// <summary>
/// One log before it is written: an entity change of a SaveChanges, or a read. Old values are taken at the
/// save's first statement (EF replaces them afterwards). A created entity's values are taken then too, and formatted ahead,
/// except its keys, foreign keys and database-generated values, which are read when the log is written, so that they
/// are logged as stored; so are the new values of an update that the database computes. The links of many-to-many
/// navigations the save added or removed (<see cref="LinkChanges"/>) follow the fields, one line per navigation.
/// </summary>
internal sealed class PendingLog
{
    private readonly EntityEntry? _entry;
    private readonly AuditFieldMap? _map;
    private readonly string? _key;

    // An update or a delete: the values taken at the capture (by field index), then (formatted ahead) its lines.
    private readonly List<(int Index, object? Old, object? New)>? _changed;
    private List<PendingLine>? _lines;

    // An update's fields the database computes: their old values, taken at the capture; the new ones are read at the
    // write, and merged with the lines formatted ahead (whose field indexes are kept for that) into the lines written.
    private readonly List<(int Index, object? Old)>? _computed;
    private List<int>? _lineIndexes;
    private List<PendingLine>? _written;

    // A created entity: the values taken at the capture (null where read at the write), then their text.
    private readonly object?[]? _created;
    private string?[]? _createdText;

    // The links of many-to-many navigations the save added or removed, in the order of the map's links, then their
    // lines: formatted ahead, or at each write when a key is known only then. A log made for links (of an entity the save
    // otherwise leaves unchanged) says nothing without them: in Changes mode it has no fields, in Full mode every field.
    private List<LinkChange>? _links;
    private List<PendingLine>? _linkLines;
    private bool _forLinks;

    private PendingLog(
        EntityEntry? entry, AuditDescriptor descriptor, AuditFieldMap? map, AuditOperation operation, string? key,
        List<PendingLine>? lines = null, List<(int, object?, object?)>? changed = null, List<(int, object?)>? computed = null,
        object?[]? created = null, bool forLinks = false)
    {
        _entry = entry;
        _map = map;
        Descriptor = descriptor;
        Operation = operation;
        _key = key;
        _lines = lines;
        _changed = changed;
        _computed = computed;
        _created = created;
        _forLinks = forLinks;
    }

    public AuditDescriptor Descriptor { get; }

    public AuditOperation Operation { get; }

    /// <summary>The entity of the log's entry; null for a read, and for the links of an entity the context does not track.</summary>
    public object? Entity => _entry?.Entity;

    /// <summary>
    /// Whether the log's key and values are known since the capture: every log but a created entity's, whose key is read
    /// when written, an update's whose new values the database computes, and one with a link to an entity created in
    /// the same save.
    /// </summary>
    public bool IsCaptured => _key is not null && _computed is null && !LinksReadAtWrite;

    /// <summary>
    /// An update in <see cref="AuditMode.Changes"/> whose changed values all read the same as text once formatted (EF's
    /// comparer told them apart), or one made for links whose changes cancel out or were not saved (see
    /// <see cref="DropLinks"/>): it has nothing to log and is not written.
    /// </summary>
    public bool IsEmpty => Operation == AuditOperation.Update && _linkLines is null or { Count: 0 }
                           && (_forLinks || (_lines is { Count: 0 } && Descriptor.Mode != AuditMode.Full));

    private bool LinksReadAtWrite => _links is not null && _links.Exists(static link => link.ReadsAtWrite);

    /// <summary>Captures the change, or returns null for an update that changed no audited field (in <see cref="AuditMode.Changes"/>).</summary>
    public static PendingLog? Capture(EntityEntry entry, AuditDescriptor descriptor, AuditOperation operation, OwnedChanges owned)
    {
        var map = AuditFieldMap.For(entry.Metadata, descriptor);
        if (operation == AuditOperation.Create)
        {
            return new PendingLog(entry, descriptor, map, operation, key: null, created: CreatedValues(entry, map));
        }

        var full = descriptor.Mode == AuditMode.Full;
        // An update in Changes mode usually changes a few fields: the list starts small rather than at the field count.
        var changed = new List<(int, object?, object?)>(full || operation == AuditOperation.Delete ? map.Fields.Length : Math.Min(4, map.Fields.Length));
        List<(int, object?)>? computed = null;
        var values = entry.Values();
        for (var i = 0; i < map.Fields.Length; i++)
        {
            if (map.Fields[i] is not { } access)
            {
                continue;
            }

            // A value the database computes on update is known once the statement ran: its new value is read at the write.
            if (operation == AuditOperation.Update && access.IsComputedOnUpdate && access.IsComputedBy(values))
            {
                (computed ??= []).Add((i, access.Original(entry, owned)));
                continue;
            }

            // An update's unchanged properties are passed over on EF's own flag (set by DetectChanges with the same
            // comparer), before a value is read: what EF does not write is not logged either. The entry holds the flags
            // of its complex properties' fields too (an owned entity's are on its own entry).
            if (!full && operation == AuditOperation.Update && access.IsOnEntry && !values.IsModified(access.Property))
            {
                continue;
            }

            var original = access.Original(entry, owned);
            if (operation == AuditOperation.Delete)
            {
                changed.Add((i, original, null));
                continue;
            }

            // Compared with EF's own comparer, so unchanged values are not kept. They are formatted later, ahead of the
            // write (FormatAhead): EF keeps no reference to these values, so they cannot change meanwhile.
            var current = access.Current(entry);
            if (full || !access.Same(original, current))
            {
                changed.Add((i, original, current));
            }
        }

        return changed.Count == 0 && computed is null && !full
            ? null
            : new PendingLog(entry, descriptor, map, operation, AuditKey.Of(values, map.Key, original: true), changed: changed, computed: computed);
    }

    /// <summary>
    /// An update of the entity of <paramref name="entry"/> (or, when the context does not track it, of the entity with key
    /// <paramref name="key"/>) that holds the links of its many-to-many navigations only (<see cref="Links"/>).
    /// </summary>
    public static PendingLog ForLinks(EntityEntry? entry, AuditDescriptor descriptor, AuditFieldMap map, string? key)
        => new(entry, descriptor, map, AuditOperation.Update, key ?? AuditKey.Of(entry!.Values(), map.Key, original: true), lines: [], forLinks: true);

    /// <summary>
    /// Marks an update captured only because the entity's links changed (in <see cref="AuditMode.Full"/>, where every
    /// update has every field): without a link line left it has nothing to log.
    /// </summary>
    public PendingLog MadeForLinks()
    {
        _forLinks = true;
        return this;
    }

    /// <summary>
    /// Leaves out the links held by <paramref name="joins"/>, join entities whose statements affected no row (a concurrency
    /// conflict the application suppresses). Called by the encoding of the batch, before <see cref="FormatAhead"/>, never
    /// while another thread formats this log.
    /// </summary>
    public void DropLinks(IReadOnlySet<object> joins)
    {
        var dropped = false;
        foreach (var link in _links ?? [])
        {
            dropped |= link.Drop(joins);
        }

        if (dropped)
        {
            _linkLines = null;
        }
    }

    /// <summary>
    /// The changes this log holds of the links of <paramref name="navigation"/>, noted by <see cref="LinkChanges"/>; null
    /// when the log's entity type does not log them (<c>[AuditIgnore]</c>, or declared by a class derived from the
    /// audited one).
    /// </summary>
    public LinkChange? Links(ISkipNavigation navigation)
    {
        if (_map is null)
        {
            return null;
        }

        foreach (var change in _links ?? [])
        {
            if (ReferenceEquals(change.Link.Navigation, navigation))
            {
                return change;
            }
        }

        var position = Array.FindIndex(_map.Links, link => ReferenceEquals(link.Navigation, navigation));
        if (position < 0)
        {
            return null;
        }

        var links = _links ??= [];
        var added = new LinkChange(_map.Links[position], position);
        var before = links.FindIndex(other => other.Position > position);
        links.Insert(before < 0 ? links.Count : before, added);
        return added;
    }

    /// <summary>A read of the entity with key <paramref name="key"/> (see <see cref="AuditKey.Format"/>): a log with no lines.</summary>
    public static PendingLog Read(AuditDescriptor descriptor, string key)
        => new(entry: null, descriptor, map: null, AuditOperation.Read, key, lines: []);

    /// <summary>
    /// Formats the values taken at the capture, on any thread (it reads no entry): an update's or a delete's lines, or
    /// a created entity's values, of which the write then only reads and formats the ones it could not take then.
    /// </summary>
    public void FormatAhead()
    {
        if (_links is not null && _linkLines is null && !LinksReadAtWrite)
        {
            _linkLines = LinkLines(readEntries: false);
        }

        if (_changed is { } changed && _lines is null)
        {
            var full = Descriptor.Mode == AuditMode.Full;
            var lines = new List<PendingLine>(changed.Count);
            var indexes = _computed is null ? null : new List<int>(changed.Count);
            foreach (var (index, old, current) in changed)
            {
                // As the column stores them: a phantom change (a tick the column does not keep) reads the same and is dropped.
                var form = _map!.Fields[index]!.Form;
                var oldValue = AuditValueFormatter.FormatStored(old, form);
                var newValue = Operation == AuditOperation.Delete ? null : AuditValueFormatter.FormatStored(current, form);
                if (full || Operation == AuditOperation.Delete || !string.Equals(oldValue, newValue, StringComparison.Ordinal))
                {
                    lines.Add(Line(_map.Names[index], oldValue, newValue));
                    indexes?.Add(index);
                }
            }

            _lineIndexes = indexes;
            _lines = lines;
            return;
        }

        if (_created is not { } values || _createdText is not null)
        {
            return;
        }

        var texts = new string?[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (_map!.Fields[i] is { IsReadAtWrite: false } access)
            {
                texts[i] = (string?)Masked(_map.Names[i], AuditValueFormatter.FormatStored(values[i], access.Form));
            }
        }

        _createdText = texts;
    }

    /// <summary>
    /// At the write, for a log that is not <see cref="IsCaptured"/>: reads what the save decided. For an update, the new
    /// values the database computed, merged in field order with the lines formatted ahead; false when the update then
    /// has nothing to log (in <see cref="AuditMode.Changes"/>). The keys of links to entities created in the save.
    /// Done again at each write.
    /// </summary>
    public bool ReadAtWrite()
    {
        if (LinksReadAtWrite)
        {
            _linkLines = LinkLines(readEntries: true);
        }

        if (_computed is not { } computed)
        {
            if (_key is null)
            {
                return true;
            }

            FormatAhead();
            return !IsEmpty;
        }

        FormatAhead();
        var full = Descriptor.Mode == AuditMode.Full;
        var ahead = _lines!;
        var lines = new List<PendingLine>(ahead.Count + computed.Count);
        var next = 0;
        foreach (var (index, old) in computed)
        {
            for (; next < ahead.Count && _lineIndexes![next] < index; next++)
            {
                lines.Add(ahead[next]);
            }

            var access = _map!.Fields[index]!;
            var current = access.Current(_entry!);
            if (full || !access.Same(old, current))
            {
                var oldValue = AuditValueFormatter.FormatStored(old, access.Form);
                var newValue = AuditValueFormatter.FormatStored(current, access.Form);
                if (full || !string.Equals(oldValue, newValue, StringComparison.Ordinal))
                {
                    lines.Add(Line(_map.Names[index], oldValue, newValue));
                }
            }
        }

        for (; next < ahead.Count; next++)
        {
            lines.Add(ahead[next]);
        }

        _written = lines;
        return _linkLines is { Count: > 0 } || (!_forLinks && (full || lines.Count > 0));
    }

    /// <summary>The lines of the links, one per navigation with a change left (see <see cref="LinkChange.Format"/>).</summary>
    private List<PendingLine> LinkLines(bool readEntries)
    {
        var lines = new List<PendingLine>(_links!.Count);
        foreach (var link in _links)
        {
            if (link.Format(Operation, readEntries) is { } values)
            {
                lines.Add(Line(link.Link.Field, values.Removed, values.Added));
            }
        }

        return lines;
    }

    /// <summary>The entity key as text: the value itself, or for a composite key its parts joined by <c>|</c>.</summary>
    public string Key() => _key ?? AuditKey.Of(_entry!.Values(), _map!.Key, original: false);

    /// <summary>
    /// Writes the lines as JSON objects: the captured ones, or a created entity's: the text formatted ahead, and the
    /// values read now formatted straight into the writer (the text <see cref="AuditValueFormatter.Format"/> gives).
    /// </summary>
    public void WriteLines(Utf8JsonWriter writer, AuditLineJsonNames names)
    {
        if (_key is not null)
        {
            FormatAhead();
            AuditLinesJson.WriteLines(writer, names, _written ?? _lines!);
            WriteLinkLines(writer, names);
            return;
        }

        System.Diagnostics.Debug.Assert(_entry is not null && _map is not null, "Only a created entity's lines are read at write time.");
        FormatAhead();
        for (var i = 0; i < _map.Fields.Length; i++)
        {
            if (_map.Fields[i] is not { } access)
            {
                continue;
            }

            var field = _map.Names[i];
            writer.WriteStartObject();
            writer.WriteString(names.Field, field.Name);
            if (access.IsReadAtWrite)
            {
                AuditValueFormatter.WriteProperty(writer, names.NewValue, Masked(field, access.Current(_entry)), access.Form);
            }
            else if (_createdText![i] is { } text)
            {
                writer.WriteString(names.NewValue, text);
            }

            writer.WriteEndObject();
        }

        WriteLinkLines(writer, names);
    }

    private void WriteLinkLines(Utf8JsonWriter writer, AuditLineJsonNames names)
    {
        if (_linkLines is { } lines)
        {
            AuditLinesJson.WriteLines(writer, names, lines);
        }
    }

    /// <summary>The values of a created entity that can be taken now: not its keys, foreign keys or generated values.</summary>
    private static object?[] CreatedValues(EntityEntry entry, AuditFieldMap map)
    {
        var values = new object?[map.Fields.Length];
        for (var i = 0; i < values.Length; i++)
        {
            if (map.Fields[i] is { IsReadAtWrite: false } access)
            {
                values[i] = access.Current(entry);
            }
        }

        return values;
    }

    /// <summary>The mask in place of a masked field's value; null stays null, so a log shows a value was set or cleared.</summary>
    private static object? Masked(AuditField field, object? value) => field.IsMasked && value is not null ? AuditValueFormatter.Mask : value;

    private static PendingLine Line(AuditField field, string? oldValue, string? newValue)
        => new(field.Name, (string?)Masked(field, oldValue), (string?)Masked(field, newValue));
}
