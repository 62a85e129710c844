using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Auditing;
using ServerTools.Infrastructure;

namespace ServerTools.Tracking;

/// <summary>
/// The tracked changes of one SaveChanges: hooks run when it starts, changes captured at its first statement, outbox messages written with
/// one binary COPY while its transaction is open (with the audit logs, by the same interceptor). The messages of updates
/// and deletes are encoded ahead, those of created entities at the write (see <see cref="CopyBatch"/>).
/// </summary>
internal sealed class TrackedBatch : CopyBatch
{
    private static readonly string s_pending = nameof(OutboxState.Pending);

    private readonly List<PendingChange> _changes;
    private readonly AuditActor? _actor;
    private readonly DateTimeOffset _timestamp;
    private readonly OutboxSql _sql;
    private readonly Guid[] _ids;

    private TrackedBatch(DbContext context, List<PendingChange> changes, AuditActor? actor, DateTimeOffset timestamp)
        : base(context)
    {
        _changes = changes;
        _actor = actor;
        _timestamp = timestamp;
        _sql = OutboxSql.For(context);

        // Consecutive ids (see AuditIds) in the order the changes were captured, whichever order their rows are encoded in.
        _ids = new Guid[changes.Count];
        AuditIds.Shared.Fill(timestamp, _ids);
    }

    /// <summary>
    /// Runs the <c>On{X}Changed</c> hooks of every modified tracked entity, and of <paramref name="alsoDeleted"/> (modified
    /// entities ServerTools' early cascade deleted, see <see cref="Infrastructure.DatabaseCascades"/>), once per changed
    /// field, in field order. Changes must be detected first. Returns true when a hook ran, so that the caller detects what
    /// hooks changed.
    /// </summary>
    public static bool RunHooks(DbContext context, List<EntityEntry>? alsoDeleted = null)
    {
        var ran = false;
        HashSet<object>? deleted = null;
        foreach (var entry in alsoDeleted ?? [])
        {
            (deleted ??= new(ReferenceEqualityComparer.Instance)).Add(entry.Entity);
        }

        foreach (var entry in context.ChangeTracker.Entries())
        {
            if ((entry.State == EntityState.Modified || (entry.State == EntityState.Deleted && deleted is not null && deleted.Contains(entry.Entity)))
                && TrackedDescriptors.TryGet(entry.Metadata.ClrType, out var descriptor)
                && descriptor.HasHooks
                && descriptor.RunHooks(entry, Properties(entry.Metadata, descriptor)))
            {
                ran = true;
            }
        }

        return ran;
    }

    /// <summary>The changes to deliver, or null when no tracked entity changed in a way its attribute delivers.</summary>
    public static TrackedBatch? Capture(DbContext context, ServerToolsOptions options)
    {
        List<PendingChange>? changes = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var operation = entry.State switch
            {
                EntityState.Added => TrackedOperation.Create,
                EntityState.Modified => TrackedOperation.Update,
                EntityState.Deleted => TrackedOperation.Delete,
                _ => (TrackedOperation?)null,
            };
            if (operation is not { } op
                || !TrackedDescriptors.TryGet(entry.Metadata.ClrType, out var descriptor)
                || (descriptor.Operations & Flag(op)) == 0)
            {
                continue;
            }

            var properties = Properties(entry.Metadata, descriptor);
            var key = KeyOf(entry.Metadata, descriptor);
            if (op == TrackedOperation.Create)
            {
                (changes ??= []).Add(new PendingChange(entry, descriptor, op, properties, key, Changes: null, KeyText: null));
                continue;
            }

            var changed = descriptor.Changes(entry, properties, op);
            if (changed.Count > 0 || op == TrackedOperation.Delete)
            {
                (changes ??= []).Add(new PendingChange(entry, descriptor, op, properties, key, changed, AuditKey.Of(entry.Values(), key, original: true)));
            }
        }

        return changes is null
            ? null
            : new TrackedBatch(context, changes, AuditBatch.ResolveActor(context), options.TimeProvider.GetUtcNow().ToUniversalTime());
    }

    /// <inheritdoc />
    protected override string CopySql => _sql.CopyMessages;

    /// <inheritdoc />
    protected override CopyJsonColumn JsonColumn => _sql.Fields;

    /// <inheritdoc />
    protected override bool HasCreated => _changes.Exists(static change => change.Changes is null);

    /// <inheritdoc />
    protected override int RowCount => _changes.Count;

    /// <inheritdoc />
    protected override object? EntityOf(int index) => _changes[index].Entry.Entity;

    /// <summary>The messages of updates and deletes, whose key and values were captured at the save's first statement, formatted now.</summary>
    protected override void EncodeCaptured(CopyRowBuffer rows)
    {
        var json = new AuditLinesJson(_sql.FieldNames);
        var lines = new List<PendingLine>();
        for (var i = 0; i < _changes.Count; i++)
        {
            var change = _changes[i];
            if (change.Changes is { } changed && !IsDropped(i))
            {
                lines.Clear();
                foreach (var values in changed)
                {
                    lines.Add(values.Format());
                }

                EncodeRow(rows, i, change.KeyText!, lines, json);
            }
        }
    }

    /// <summary>The messages of created entities: their key and every field's value, read now, as stored (generated values included).</summary>
    protected override void EncodeCreated(CopyRowBuffer rows)
    {
        var json = new AuditLinesJson(_sql.FieldNames);
        for (var i = 0; i < _changes.Count; i++)
        {
            var change = _changes[i];
            if (change.Changes is null && !IsDropped(i))
            {
                var key = AuditKey.Of(change.Entry.Values(), change.Key, original: false);
                EncodeRow(rows, i, key, change.Descriptor.Created(change.Entry, change.Properties), json);
            }
        }
    }

    /// <summary>One message, in the column order of <see cref="OutboxSql.CopyMessages"/>.</summary>
    private void EncodeRow(CopyRowBuffer rows, int index, string key, List<PendingLine> lines, AuditLinesJson json)
    {
        var change = _changes[index];
        rows.StartRow(OutboxSql.ColumnCount);
        rows.Uuid(_ids[index]);
        rows.Text(change.Descriptor.EntityName);
        rows.Text(key);
        rows.Text(Name(change.Operation));
        rows.Json(json.Write(lines).Span, _sql.Fields.IsJsonb);
        rows.Text(_actor?.UserId);
        rows.Text(_actor?.UserName);
        rows.Text(_actor?.TenantId);
        rows.TimestampTz(_timestamp);
        rows.Text(s_pending);
        rows.Int32(0);
        rows.TimestampTz(_timestamp);
    }

    /// <summary>The operation as the column stores it (EF's enum-to-string conversion), without formatting an enum per row.</summary>
    private static string Name(TrackedOperation operation) => operation switch
    {
        TrackedOperation.Create => nameof(TrackedOperation.Create),
        TrackedOperation.Update => nameof(TrackedOperation.Update),
        _ => nameof(TrackedOperation.Delete),
    };

    private static TrackedOperations Flag(TrackedOperation operation) => operation switch
    {
        TrackedOperation.Create => TrackedOperations.Create,
        TrackedOperation.Update => TrackedOperations.Update,
        _ => TrackedOperations.Delete,
    };

    /// <summary>The model's property of each tracked field (null when the model does not map it), cached on the entity type.</summary>
    private static IProperty?[] Properties(IEntityType entityType, TrackedDescriptor descriptor)
        => entityType.GetOrAddRuntimeAnnotationValue(
            "ServerTools:TrackedProperties",
            static state =>
            {
                var properties = new IProperty?[state.Descriptor.Fields.Count];
                for (var i = 0; i < properties.Length; i++)
                {
                    properties[i] = state.EntityType.FindProperty(state.Descriptor.Fields[i].Name);
                }

                return properties;
            },
            (EntityType: entityType, Descriptor: descriptor));

    private static IProperty[] KeyOf(IEntityType entityType, TrackedDescriptor descriptor)
        => entityType.GetOrAddRuntimeAnnotationValue<IProperty[], (IEntityType EntityType, TrackedDescriptor Descriptor)>(
            "ServerTools:TrackedKey",
            static state => state.EntityType.FindPrimaryKey() is { } key
                ? [.. key.Properties]
                : throw new InvalidOperationException(
                    $"'{state.Descriptor.EntityName}' is [Tracked] but has no primary key in the model, so its changes could not say which row changed. " +
                    "Give it a key, or remove [Tracked]."),
            (EntityType: entityType, Descriptor: descriptor));

    /// <summary>One change before it is written.</summary>
    private sealed record PendingChange(
        EntityEntry Entry, TrackedDescriptor Descriptor, TrackedOperation Operation, IProperty?[] Properties, IProperty[] Key,
        List<TrackedValues>? Changes, string? KeyText);
}
