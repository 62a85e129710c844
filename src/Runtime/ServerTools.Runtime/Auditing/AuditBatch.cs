using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace ServerTools.Auditing;

/// <summary>The audit logs of one SaveChanges: captured when it starts, written in one round trip while its transaction is open.</summary>
internal sealed class AuditBatch
{
    private readonly List<PendingLog> _logs;
    private readonly AuditActor? _actor;
    private readonly DateTimeOffset _timestamp;
    private readonly Guid _transactionId;
    private readonly string? _traceId;

    private AuditBatch(DbContext context, bool writeAtCommit, List<PendingLog> logs, AuditActor? actor, DateTimeOffset timestamp)
    {
        Context = context;
        WriteAtCommit = writeAtCommit;
        _logs = logs;
        _actor = actor;
        _timestamp = timestamp;
        _transactionId = Guid.CreateVersion7(timestamp);
        _traceId = Activity.Current?.TraceId.ToHexString();
    }

    public DbContext Context { get; }

    /// <summary>
    /// True when the save runs in a transaction EF creates, so the logs are written just before EF commits it;
    /// false inside the application's transaction, where they are written right after the save.
    /// </summary>
    public bool WriteAtCommit { get; }

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

        return logs is null
            ? null
            : Create(context, options, logs, writeAtCommit: context.Database.CurrentTransaction is null && System.Transactions.Transaction.Current is null);
    }

    /// <summary>The read logs of one query, or null when the actor is excluded.</summary>
    public static AuditBatch? ForReads(DbContext context, ServerToolsOptions options, List<PendingLog> reads)
        => Create(context, options, reads, writeAtCommit: false);

    private static AuditBatch? Create(DbContext context, ServerToolsOptions options, List<PendingLog> logs, bool writeAtCommit)
    {
        var actor = ResolveActor(context);
        if (actor?.UserId is { } userId && options.Auditing.ExcludedUserIds.Contains(userId))
        {
            return null;
        }

        return new AuditBatch(context, writeAtCommit, logs, actor, options.TimeProvider.GetUtcNow().ToUniversalTime());
    }

    public void Write(DbTransaction? transaction)
    {
        var (connection, opened) = Open(transaction);
        try
        {
            using var command = CreateCommand(connection, transaction);
            command.ExecuteNonQuery();
        }
        finally
        {
            if (opened)
            {
                Context.Database.CloseConnection();
            }
        }
    }

    public async Task WriteAsync(DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var (connection, opened) = Open(transaction);
        try
        {
            await using var command = CreateCommand(connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (opened)
            {
                await Context.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
    }

    private (NpgsqlConnection Connection, bool Opened) Open(DbTransaction? transaction)
    {
        var connection = transaction?.Connection ?? Context.Database.GetDbConnection();
        if (connection is not NpgsqlConnection npgsql)
        {
            throw new NotSupportedException(
                $"ServerTools writes the audit trail to PostgreSQL through Npgsql, but this context uses '{connection.GetType().FullName}'. " +
                "Use UseNpgsql(...), or turn the audit trail off for this context with UseServerTools(o => o.Auditing.Enabled = false).");
        }

        if (npgsql.State == ConnectionState.Open)
        {
            return (npgsql, false);
        }

        Context.Database.OpenConnection();
        return (npgsql, true);
    }

    /// <summary>One INSERT ... SELECT FROM unnest(arrays) statement: one round trip whatever the number of logs.</summary>
    private NpgsqlCommand CreateCommand(NpgsqlConnection connection, DbTransaction? transaction)
    {
        var sql = AuditSql.For(Context);
        var count = _logs.Count;
        var ids = new Guid[count];
        var entityTypes = new string[count];
        var keys = new string[count];
        var operations = new string[count];
        var lines = new string[count];
        var json = new AuditLinesJson(sql.LineNames);
        for (var i = 0; i < count; i++)
        {
            var log = _logs[i];
            ids[i] = AuditIds.Next(_timestamp);
            entityTypes[i] = log.Descriptor.EntityName;
            keys[i] = log.Key();
            operations[i] = log.Operation.ToString();
            lines[i] = json.Write(log.Lines());
        }

        var command = new NpgsqlCommand(sql.InsertLogs, connection, (NpgsqlTransaction?)transaction);
        if (Context.Database.GetCommandTimeout() is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        command.Parameters.Add(Array(NpgsqlDbType.Uuid, ids));
        command.Parameters.Add(Array(NpgsqlDbType.Text, entityTypes));
        command.Parameters.Add(Array(NpgsqlDbType.Text, keys));
        command.Parameters.Add(Array(NpgsqlDbType.Text, operations));
        command.Parameters.Add(Array(NpgsqlDbType.Jsonb, lines));
        command.Parameters.Add(Value(NpgsqlDbType.Text, _actor?.UserId));
        command.Parameters.Add(Value(NpgsqlDbType.Text, _actor?.UserName));
        command.Parameters.Add(Value(NpgsqlDbType.Text, _actor?.IpAddress));
        command.Parameters.Add(Value(NpgsqlDbType.Text, _actor?.TenantId));
        command.Parameters.Add(Value(NpgsqlDbType.TimestampTz, _timestamp));
        command.Parameters.Add(Value(NpgsqlDbType.Uuid, _transactionId));
        command.Parameters.Add(Value(NpgsqlDbType.Text, _traceId));
        return command;
    }

    private static NpgsqlParameter Array<T>(NpgsqlDbType elementType, T[] values)
        => new() { NpgsqlDbType = NpgsqlDbType.Array | elementType, Value = values };

    private static NpgsqlParameter Value(NpgsqlDbType type, object? value)
        => new() { NpgsqlDbType = type, Value = value ?? DBNull.Value };

    internal static AuditOperations Flag(AuditOperation operation) => operation switch
    {
        AuditOperation.Create => AuditOperations.Create,
        AuditOperation.Update => AuditOperations.Update,
        AuditOperation.Delete => AuditOperations.Delete,
        _ => AuditOperations.Read,
    };

    /// <summary>The ambient actor (<see cref="AuditActor.Use"/>) first, then the application's <see cref="IAuditActorProvider"/>.</summary>
    private static AuditActor? ResolveActor(DbContext context)
    {
        if (AuditActor.Current is { } ambient)
        {
            return ambient;
        }

        var services = context.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.ApplicationServiceProvider;
        return (services?.GetService(typeof(IAuditActorProvider)) as IAuditActorProvider)?.GetCurrentActor();
    }
}
