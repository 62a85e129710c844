using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>The audit logs of one SaveChanges (or one query's reads): captured when it starts, written with one binary COPY while its transaction is open.</summary>
internal sealed class AuditBatch
{
    private readonly List<PendingLog> _logs;
    private readonly AuditActor? _actor;
    private readonly DateTimeOffset _timestamp;
    private readonly Guid _transactionId;
    private readonly string? _traceId;

    private AuditBatch(DbContext context, List<PendingLog> logs, AuditActor? actor, DateTimeOffset timestamp)
    {
        Context = context;
        _logs = logs;
        _actor = actor;
        _timestamp = timestamp;
        _transactionId = Guid.CreateVersion7(timestamp);
        _traceId = Activity.Current?.TraceId.ToHexString();
    }

    public DbContext Context { get; }

    /// <summary>Captures the logs of the pending changes, or returns null when nothing audited changed or the actor is excluded.</summary>
    public static AuditBatch? Capture(DbContext context, ServerToolsOptions options)
    {
        List<PendingLog>? logs = null;
        var owned = new OwnedChanges();
        List<(EntityEntry Entry, AuditDescriptor Descriptor, AuditOperation Operation)>? changes = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            var operation = entry.State switch
            {
                EntityState.Added => AuditOperation.Create,
                EntityState.Modified => AuditOperation.Update,
                EntityState.Deleted => AuditOperation.Delete,
                _ => (AuditOperation?)null,
            };
            if (operation is not { } op)
            {
                continue;
            }

            if (entry.Metadata.IsOwned())
            {
                owned.Add(entry);
            }
            else if (AuditDescriptors.TryGet(entry.Metadata.ClrType, out var descriptor) && (descriptor.Operations & Flag(op)) != 0)
            {
                (changes ??= []).Add((entry, descriptor, op));
            }
        }

        // Old values of owned entities need every owned change known first (a replaced one is a deleted entry).
        foreach (var (entry, descriptor, operation) in changes ?? [])
        {
            if (PendingLog.Capture(entry, descriptor, operation, owned) is { } log)
            {
                (logs ??= []).Add(log);
            }
        }

        foreach (var owner in owned.UnchangedOwners(context))
        {
            if (AuditDescriptors.TryGet(owner.Metadata.ClrType, out var descriptor)
                && (descriptor.Operations & AuditOperations.Update) != 0
                && PendingLog.Capture(owner, descriptor, AuditOperation.Update, owned) is { } log)
            {
                (logs ??= []).Add(log);
            }
        }

        return logs is null ? null : Create(context, options, logs);
    }

    /// <summary>The read logs of one query, or null when the actor is excluded.</summary>
    public static AuditBatch? ForReads(DbContext context, ServerToolsOptions options, List<PendingLog> reads)
        => Create(context, options, reads);

    private static AuditBatch? Create(DbContext context, ServerToolsOptions options, List<PendingLog> logs)
    {
        var actor = ResolveActor(context);
        if (actor?.UserId is { } userId && options.Auditing.ExcludedUserIds.Contains(userId))
        {
            return null;
        }

        return new AuditBatch(context, logs, actor, options.TimeProvider.GetUtcNow().ToUniversalTime());
    }

    /// <summary>Writes the logs with one binary COPY on the connection of <paramref name="transaction"/> (or the context's).</summary>
    public void Write(DbTransaction? transaction) => CopyWriter.Run(Context, transaction, WriteTo);

    /// <inheritdoc cref="Write"/>
    public Task WriteAsync(DbTransaction? transaction, CancellationToken cancellationToken)
        => CopyWriter.RunAsync(Context, transaction, connection => WriteToAsync(connection, cancellationToken));

    /// <summary>Writes the logs with one binary COPY: one round trip, whatever the number of logs.</summary>
    public void WriteTo(NpgsqlConnection connection)
    {
        var sql = AuditSql.For(Context);
        using var importer = CopyWriter.Begin(Context, connection, sql.CopyLogs);
        var json = new AuditLinesJson(sql.LineNames);
        foreach (var log in _logs)
        {
            var row = Row(log, json);
            importer.StartRow();
            importer.Write(row.Id, NpgsqlDbType.Uuid);
            importer.Write(row.EntityType, NpgsqlDbType.Text);
            importer.Write(row.EntityKey, NpgsqlDbType.Text);
            importer.Write(row.Operation, NpgsqlDbType.Text);
            importer.Write(row.Lines, sql.LinesType);
            importer.Write(_actor?.UserId, NpgsqlDbType.Text);
            importer.Write(_actor?.UserName, NpgsqlDbType.Text);
            importer.Write(_actor?.IpAddress, NpgsqlDbType.Text);
            importer.Write(_actor?.TenantId, NpgsqlDbType.Text);
            importer.Write(_timestamp, NpgsqlDbType.TimestampTz);
            importer.Write(_transactionId, NpgsqlDbType.Uuid);
            importer.Write(_traceId, NpgsqlDbType.Text);
        }

        importer.Complete();
    }

    /// <inheritdoc cref="WriteTo"/>
    public async Task WriteToAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var sql = AuditSql.For(Context);
        var importer = await CopyWriter.BeginAsync(Context, connection, sql.CopyLogs, cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            var json = new AuditLinesJson(sql.LineNames);
            foreach (var log in _logs)
            {
                var row = Row(log, json);
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Id, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.EntityType, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.EntityKey, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Operation, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Lines, sql.LinesType, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.UserId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.UserName, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.IpAddress, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_actor?.TenantId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_timestamp, NpgsqlDbType.TimestampTz, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_transactionId, NpgsqlDbType.Uuid, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(_traceId, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The values of one log that differ per row (the ones shared by the batch are fields). The lines are the JSON
    /// writer's buffer: the importer copies them before the next row reuses it.
    /// </summary>
    private (Guid Id, string EntityType, string EntityKey, string Operation, ReadOnlyMemory<byte> Lines) Row(PendingLog log, AuditLinesJson json)
        => (AuditIds.Next(_timestamp), log.Descriptor.EntityName, log.Key(), Name(log.Operation), json.Write(log));

    /// <summary>The operation as the column stores it (EF's enum-to-string conversion), without formatting an enum per row.</summary>
    private static string Name(AuditOperation operation) => operation switch
    {
        AuditOperation.Create => nameof(AuditOperation.Create),
        AuditOperation.Update => nameof(AuditOperation.Update),
        AuditOperation.Delete => nameof(AuditOperation.Delete),
        _ => nameof(AuditOperation.Read),
    };

    internal static AuditOperations Flag(AuditOperation operation) => operation switch
    {
        AuditOperation.Create => AuditOperations.Create,
        AuditOperation.Update => AuditOperations.Update,
        AuditOperation.Delete => AuditOperations.Delete,
        _ => AuditOperations.Read,
    };

    /// <summary>The ambient actor (<see cref="AuditActor.Use"/>) first, then the application's <see cref="IAuditActorProvider"/>.</summary>
    internal static AuditActor? ResolveActor(DbContext context)
    {
        if (AuditActor.Current is { } ambient)
        {
            return ambient;
        }

        var services = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        return (services?.GetService(typeof(IAuditActorProvider)) as IAuditActorProvider)?.GetCurrentActor();
    }
}
