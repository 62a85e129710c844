using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>The audit logs of one SaveChanges (or one query's reads): captured at its first statement, written with one binary COPY while its transaction is open.</summary>
internal sealed class AuditBatch : CopyBatch
{
    private readonly List<PendingLog> _logs;
    private readonly AuditActor? _actor;
    private readonly DateTimeOffset _timestamp;
    private readonly Guid _transactionId;
    private readonly string? _traceId;

    private readonly Guid[] _ids;
    private readonly AuditSql _sql;

    /// <summary>
    /// The join entities of many-to-many links whose statements affected no row (see <see cref="Drop"/>): replaced, never
    /// changed, so that the encoding ahead reads a set no other thread writes.
    /// </summary>
    private HashSet<object>? _droppedJoins;

    private AuditBatch(DbContext context, List<PendingLog> logs, AuditActor? actor, DateTimeOffset timestamp)
        : base(context)
    {
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

    /// <summary>
    /// Captures the logs of the pending changes, or returns null when nothing audited changed or the actor is excluded.
    /// <paramref name="storedOwned"/> holds the stored values of owned entities that deleted entities the context did not
    /// load do not hold (see <see cref="StoredOriginals.LoadAsync"/>).
    /// </summary>
    public static AuditBatch? Capture(DbContext context, ServerToolsOptions options, Dictionary<(object Entity, IProperty Property), object?>? storedOwned = null)
    {
        List<PendingLog>? logs = null;
        var owned = new OwnedChanges(storedOwned);
        var links = new LinkChanges();
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

            links.Add(entry, op);

            if ((!entry.Metadata.IsOwned() || IsLoggedApart(entry.Metadata))
                && AuditDescriptors.TryGet(entry.Metadata.ClrType, out var descriptor)
                && (descriptor.Operations & Flag(op)) != 0)
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

        // Links last: they go into the logs above, or into updates of their own for entities that are otherwise unchanged.
        logs = links.AttachTo(context, logs, owned);
        return logs is null ? null : Create(context, options, logs);
    }

    /// <summary>
    /// Whether an owned entity type is logged as an entity of its own (when it is <c>[Audited]</c>) rather than in its
    /// owner's log: an element of an owned collection (<c>OwnsMany</c>), which the owner's fields cannot name, or an owned
    /// reference whose owner's log does not flatten it (the owner is not audited, or the owned class is <c>[Audited]</c>
    /// and so not a value object of it). Decided once per entity type.
    /// </summary>
    private static bool IsLoggedApart(IEntityType owned)
        => owned.GetOrAddRuntimeAnnotationValue(
            "ServerTools:AuditLoggedApart",
            static type =>
            {
                if (type!.FindOwnership() is not { PrincipalToDependent: { IsCollection: false } navigation } ownership
                    || !AuditDescriptors.TryGet(ownership.PrincipalEntityType.ClrType, out var owner))
                {
                    return true;
                }

                var prefix = navigation.Name + ".";
                foreach (var field in owner.Fields)
                {
                    if (field.Name.StartsWith(prefix, StringComparison.Ordinal))
                    {
                        return false;
                    }
                }

                return true;
            },
            owned);

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

    /// <inheritdoc />
    protected override string CopySql => _sql.CopyLogs;

    /// <inheritdoc />
    protected override CopyJsonColumn JsonColumn => _sql.Lines;

    /// <inheritdoc />
    protected override bool HasCreated => !_logs.TrueForAll(static log => log.IsCaptured);

    /// <inheritdoc />
    protected override int RowCount => _logs.Count;

    /// <inheritdoc />
    protected override object? EntityOf(int index) => _logs[index].Entity;

    /// <summary>
    /// Leaves out the logs of <paramref name="entries"/>, and the links of those that are join entities of many-to-many
    /// navigations from the logs of the entities at their ends: their statements affected no row.
    /// </summary>
    public override void Drop(IReadOnlyList<EntityEntry> entries)
    {
        base.Drop(entries);
        HashSet<object>? joins = null;
        foreach (var entry in entries)
        {
            if (LinkChanges.IsJoin(entry.Metadata))
            {
                (joins ??= new HashSet<object>(_droppedJoins ?? [], ReferenceEqualityComparer.Instance)).Add(entry.Entity);
            }
        }

        if (joins is not null)
        {
            Volatile.Write(ref _droppedJoins, joins);
            EncodeAgain();
        }
    }

    /// <summary>The rows of the captured logs, and the values of created entities taken at its first statement, formatted.</summary>
    protected override void EncodeCaptured(CopyRowBuffer rows)
    {
        var json = new AuditLinesJson(_sql.LineNames);
        var droppedJoins = Volatile.Read(ref _droppedJoins);
        for (var i = 0; i < _logs.Count; i++)
        {
            var log = _logs[i];
            if (droppedJoins is not null)
            {
                log.DropLinks(droppedJoins);
            }

            log.FormatAhead();
            if (log.IsCaptured && !log.IsEmpty && !IsDropped(i))
            {
                EncodeRow(rows, i, json);
            }
        }
    }

    /// <summary>The rows of the created entities, read now (generated keys and values included), and of the updates whose new values the database computed.</summary>
    protected override void EncodeCreated(CopyRowBuffer rows)
    {
        var json = new AuditLinesJson(_sql.LineNames);
        for (var i = 0; i < _logs.Count; i++)
        {
            if (!_logs[i].IsCaptured && !IsDropped(i) && _logs[i].ReadAtWrite())
            {
                EncodeRow(rows, i, json);
            }
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
        rows.Json(json.Write(log).Span, _sql.Lines.IsJsonb);
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
