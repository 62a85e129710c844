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
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>The audit logs of one SaveChanges (or one query's reads): captured when it starts, written with one binary COPY while its transaction is open.</summary>
internal sealed class AuditBatch : IDisposable
{
    private readonly List<PendingLog> _logs;
    private readonly AuditActor? _actor;
    private readonly DateTimeOffset _timestamp;
    private readonly Guid _transactionId;
    private readonly string? _traceId;

    private readonly Guid[] _ids;
    private readonly AuditSql _sql;
    private Task? _ahead;
    private int _claimed;
    private CopyRowBuffer? _captured;

    private AuditBatch(DbContext context, List<PendingLog> logs, AuditActor? actor, DateTimeOffset timestamp)
    {
        Context = context;
        _logs = logs;
        _actor = actor;
        _timestamp = timestamp;
        _transactionId = Guid.CreateVersion7(timestamp);
        _traceId = Activity.Current?.TraceId.ToHexString();
        _sql = AuditSql.For(context);

        // The ids follow the order the logs were captured in, whichever order their rows are encoded in.
        _ids = new Guid[logs.Count];
        AuditIds.Shared.Fill(timestamp, _ids);
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

    /// <summary>
    /// Starts encoding, on the thread pool, the rows whose values are all known once the save has started (updates,
    /// deletes), and formatting the values of created entities taken then: that work overlaps the save's own
    /// statements, which keep the connection and the database busy meanwhile. The write takes the work over if it
    /// comes first. Created entities' rows are encoded when they are written, as their keys are known only then.
    /// </summary>
    public void EncodeAhead()
    {
        _ahead = Task.Run(EncodeCaptured);
    }

    /// <summary>Writes the logs with one binary COPY on the connection of <paramref name="transaction"/> (or the context's).</summary>
    public void Write(DbTransaction? transaction) => CopyWriter.Run(Context, transaction, WriteTo);

    /// <inheritdoc cref="Write"/>
    public Task WriteAsync(DbTransaction? transaction, CancellationToken cancellationToken)
        => CopyWriter.RunAsync(Context, transaction, connection => WriteToAsync(connection, cancellationToken));

    /// <summary>
    /// Writes the logs with one binary COPY: no round trip per log, whatever their number. It can run more than once (a
    /// save retried by an execution strategy writes again in the new transaction): the captured rows are encoded once,
    /// the created ones at each write.
    /// </summary>
    public void WriteTo(NpgsqlConnection connection)
    {
        EncodeCaptured();
        _ahead?.GetAwaiter().GetResult();
        using var created = EncodeCreated();
        using var copy = CopyWriter.BeginRaw(Context, connection, _sql.CopyLogs);
        Captured().CopyTo(copy);
        if (created is null)
        {
            copy.Write(CopyRowBuffer.Trailer.Span);
        }
        else
        {
            created.CopyTo(copy);
        }
    }

    /// <inheritdoc cref="WriteTo"/>
    public async Task WriteToAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        EncodeCaptured();
        if (_ahead is not null)
        {
            await _ahead.ConfigureAwait(false);
        }

        using var created = EncodeCreated();
        var copy = await CopyWriter.BeginRawAsync(Context, connection, _sql.CopyLogs, cancellationToken).ConfigureAwait(false);
        await using (copy.ConfigureAwait(false))
        {
            await Captured().CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            if (created is null)
            {
                await copy.WriteAsync(CopyRowBuffer.Trailer, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await created.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Returns the encoded rows' memory to the pool, once the encoding ahead (if still running) is done with it.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _claimed, 1) == 0)
        {
            return; // never encoded: the thread pool, if it starts now, finds the work taken
        }

        if (_ahead is { IsCompleted: false } ahead)
        {
            ahead.ContinueWith(static (_, batch) => ((AuditBatch)batch!).Release(), this, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
            return;
        }

        Release();
    }

    private CopyRowBuffer Captured() => _captured ?? throw new InvalidOperationException(
        "The audit rows of this save were not encoded: the batch was written after it was released, or its encoding failed earlier.");

    private void Release() => Interlocked.Exchange(ref _captured, null)?.Dispose();

    /// <summary>The header and the rows of the captured logs, once: by whichever of the thread pool and the write comes first.</summary>
    private void EncodeCaptured()
    {
        if (Interlocked.Exchange(ref _claimed, 1) != 0)
        {
            return;
        }

        var rows = new CopyRowBuffer(header: true);
        try
        {
            var json = new AuditLinesJson(_sql.LineNames);
            for (var i = 0; i < _logs.Count; i++)
            {
                var log = _logs[i];
                log.FormatAhead();
                if (log.IsCaptured && !log.IsEmpty)
                {
                    EncodeRow(rows, i, json);
                }
            }
        }
        catch
        {
            rows.Dispose();
            throw;
        }

        _captured = rows;
    }

    /// <summary>The rows of the created entities, read now (generated keys and values included), and the trailer; null when none was created.</summary>
    private CopyRowBuffer? EncodeCreated()
    {
        if (_logs.TrueForAll(static log => log.IsCaptured))
        {
            return null;
        }

        var rows = new CopyRowBuffer(header: false);
        try
        {
            var json = new AuditLinesJson(_sql.LineNames);
            for (var i = 0; i < _logs.Count; i++)
            {
                if (!_logs[i].IsCaptured)
                {
                    EncodeRow(rows, i, json);
                }
            }

            rows.End();
            return rows;
        }
        catch
        {
            rows.Dispose();
            throw;
        }
    }

    /// <summary>One row, in the column order of <see cref="AuditSql.CopyLogs"/>.</summary>
    private void EncodeRow(CopyRowBuffer rows, int index, AuditLinesJson json)
    {
        var log = _logs[index];
        rows.StartRow(AuditSql.ColumnCount);
        rows.Uuid(_ids[index]);
        rows.Text(log.Descriptor.EntityName);
        rows.Text(log.Key());
        rows.Text(Name(log.Operation));
        rows.Json(json.Write(log).Span, _sql.LinesAsJsonb);
        rows.Text(_actor?.UserId);
        rows.Text(_actor?.UserName);
        rows.Text(_actor?.IpAddress);
        rows.Text(_actor?.TenantId);
        rows.TimestampTz(_timestamp);
        rows.Uuid(_transactionId);
        rows.Text(_traceId);
    }

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
