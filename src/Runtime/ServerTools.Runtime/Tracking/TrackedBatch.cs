using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using NpgsqlTypes;
using ServerTools.Auditing;
using ServerTools.Infrastructure;

namespace ServerTools.Tracking;

/// <summary>
/// The tracked changes of one SaveChanges: hooks run and changes captured when it starts, outbox messages written with
/// one binary COPY while its transaction is open (with the audit logs, by the same interceptor).
/// </summary>
internal sealed class TrackedBatch
{
    private static readonly string s_pending = nameof(OutboxState.Pending);

    private readonly List<PendingChange> _changes;
    private readonly AuditActor? _actor;
    private readonly DateTimeOffset _timestamp;

    private TrackedBatch(List<PendingChange> changes, AuditActor? actor, DateTimeOffset timestamp)
    {
        _changes = changes;
        _actor = actor;
        _timestamp = timestamp;
    }

    /// <summary>
    /// Runs the <c>On{X}Changed</c> hooks of every modified tracked entity, once per changed field, in field order.
    /// Changes must be detected first. Returns true when a hook ran, so that the caller detects what hooks changed.
    /// </summary>
    public static bool RunHooks(DbContext context)
    {
        var ran = false;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State == EntityState.Modified
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
                (changes ??= []).Add(new PendingChange(entry, descriptor, op, properties, key, Lines: null, KeyText: null));
                continue;
            }

            var lines = descriptor.Changes(entry, properties, op);
            if (lines.Count > 0 || op == TrackedOperation.Delete)
            {
                (changes ??= []).Add(new PendingChange(entry, descriptor, op, properties, key, lines, AuditKey.Of(entry.Values(), key, original: true)));
            }
        }

        return changes is null
            ? null
            : new TrackedBatch(changes, AuditBatch.ResolveActor(context), options.TimeProvider.GetUtcNow().ToUniversalTime());
    }

    /// <summary>Writes the outbox messages with one binary COPY on the save's connection and transaction.</summary>
    public void Write(DbContext context, NpgsqlConnection connection)
    {
        var sql = OutboxSql.For(context);
        using var importer = CopyWriter.Begin(context, connection, sql.CopyMessages);
        var json = new AuditLinesJson(sql.FieldNames);
        var ids = Ids();
        for (var i = 0; i < _changes.Count; i++)
        {
            var change = _changes[i];
            var row = Row(change, json);
            importer.StartRow();
            importer.Write(ids[i], NpgsqlDbType.Uuid);
            importer.Write(change.Descriptor.EntityName, NpgsqlDbType.Text);
            importer.Write(row.Key, NpgsqlDbType.Text);
            importer.Write(row.Operation, NpgsqlDbType.Text);
            importer.Write(row.Fields, NpgsqlDbType.Jsonb);
            importer.Write(_actor?.UserId, NpgsqlDbType.Text);
            importer.Write(_actor?.UserName, NpgsqlDbType.Text);
            importer.Write(_actor?.TenantId, NpgsqlDbType.Text);
            importer.Write(_timestamp, NpgsqlDbType.TimestampTz);
            importer.Write(s_pending, NpgsqlDbType.Text);
            importer.Write(0, NpgsqlDbType.Integer);
            importer.Write(_timestamp, NpgsqlDbType.TimestampTz);
        }

        importer.Complete();
    }

    /// <inheritdoc cref="Write"/>
    public async Task WriteAsync(DbContext context, NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sql = OutboxSql.For(context);
        var importer = await CopyWriter.BeginAsync(context, connection, sql.CopyMessages, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var json = new AuditLinesJson(sql.FieldNames);
            var ids = Ids();
            for (var i = 0; i < _changes.Count; i++)
            {
                var change = _changes[i];
                var row = Row(change, json);
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(ids[i], NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(change.Descriptor.EntityName, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Operation, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Fields, NpgsqlDbType.Jsonb, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.UserId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.UserName, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_timestamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(s_pending, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(0, NpgsqlDbType.Integer, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_timestamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ids of the messages, in the order of the changes (consecutive: see <see cref="AuditIds"/>).</summary>
    private Guid[] Ids()
    {
        var ids = new Guid[_changes.Count];
        AuditIds.Shared.Fill(_timestamp, ids);
        return ids;
    }

    /// <summary>The values of one message that differ per row; a created entity's key and values are read now, as stored.</summary>
    private static (string Key, string Operation, ReadOnlyMemory<byte> Fields) Row(PendingChange change, AuditLinesJson json)
    {
        var lines = change.Lines ?? change.Descriptor.Created(change.Entry, change.Properties);
        var key = change.KeyText ?? AuditKey.Of(change.Entry.Values(), change.Key, original: false);
        return (key, change.Operation.ToString(), json.Write(lines));
    }

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
        List<PendingLine>? Lines, string? KeyText);
}
