using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>
/// Notes every entity of a type audited with <see cref="AuditOperations.Read"/> as EF creates it from a query's
/// rows. EF keeps materialization interceptors in its compiled queries, so this one is a stateless singleton:
/// the reads are kept by the context's own <see cref="AuditReadRecorder"/>.
/// </summary>
internal sealed class AuditReadMaterializer : IMaterializationInterceptor
{
    private const string AnnotationName = "ServerTools:AuditReads";

    public object InitializedInstance(MaterializationInterceptionData materializationData, object entity)
    {
        var entityType = materializationData.EntityType;
        if (DescriptorOfReads(entityType) is { } descriptor)
        {
            materializationData.Context.GetService<AuditReadRecorder>().Record(entityType, descriptor, materializationData);
        }

        return entity;
    }

    /// <summary>
    /// Whether entities of <paramref name="entityType"/> are noted here; EF Core's interception is compiled into the
    /// materializers of these types only (<see cref="SelectiveMaterializerSource"/>).
    /// </summary>
    public static bool ActsOn(IEntityType entityType) => DescriptorOfReads(entityType) is not null;

    /// <summary>The descriptor of an entity type whose reads are logged, or null; decided once per entity type of a model.</summary>
    private static AuditDescriptor? DescriptorOfReads(IEntityType entityType)
        => entityType.GetOrAddRuntimeAnnotationValue(
            AnnotationName,
            static type => AuditDescriptors.TryGet(type!.ClrType, out var descriptor) && (descriptor.Operations & AuditOperations.Read) != 0
                ? new ReadsOf(descriptor)
                : new ReadsOf(null),
            entityType).Descriptor;

    private sealed record ReadsOf(AuditDescriptor? Descriptor);
}

/// <summary>
/// The reads of one context's current query, written as <see cref="AuditOperation.Read"/> logs when the query's
/// data reader closes: once per entity per query, in the query's transaction, in one round trip. One instance
/// per context (scoped in EF's internal services).
/// </summary>
/// <remarks>
/// <para>An entity that a tracking query finds already tracked is not created again, so it is not logged again by that
/// context; a query that projects (<c>Select(p =&gt; p.Name)</c>) creates no entity and logs nothing.</para>
/// <para>A query that fails or is canceled after some rows, inside a transaction, has aborted it: its reads cannot be
/// written there and would roll back with it, so they are dropped and the query's own error reaches the application.
/// A context disposed while a query's reader is still open (its enumerator was not disposed) drops
/// that query's reads: EF closes no reader then, pooled or not, and a pooled context's next lease starts afresh.</para>
/// </remarks>
internal sealed class AuditReadRecorder(IDbContextOptions contextOptions) : IDbCommandInterceptor, IResettableService
{
    private readonly ServerToolsOptions? _options = contextOptions.FindExtension<ServerToolsOptionsExtension>()?.Options;
    private readonly HashSet<(AuditDescriptor Descriptor, string Key)> _seen = [];
    private List<PendingLog>? _reads;
    private DbContext? _context;

    /// <summary>
    /// Set while ServerTools runs a query of its own that creates entities (<see cref="DatabaseCascades"/>): what it reads is
    /// no read of the application's, and is not logged.
    /// </summary>
    public bool Paused { get; set; }

    public void Record(IEntityType entityType, AuditDescriptor descriptor, MaterializationInterceptionData data)
    {
        if (Paused || _options is not { Auditing.Enabled: true })
        {
            return;
        }

        var key = Key(entityType, descriptor, data);
        if (_seen.Add((descriptor, key)))
        {
            (_reads ??= []).Add(PendingLog.Read(descriptor, key));
            _context = data.Context;
        }
    }

    public InterceptionResult DataReaderClosing(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (Take() is { } batch)
        {
            using (batch)
            {
                // The reader must be closed before the connection runs another command; EF's own Close is then a no-op.
                eventData.DataReader.Close();
                try
                {
                    batch.Write(command.Transaction);
                }
                catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.InFailedSqlTransaction)
                {
                    // The query failed in its transaction (see the remarks): its own error is the one to raise.
                }
            }
        }

        return result;
    }

    public async ValueTask<InterceptionResult> DataReaderClosingAsync(DbCommand command, DataReaderClosingEventData eventData, InterceptionResult result)
    {
        if (Take() is { } batch)
        {
            using (batch)
            {
                await eventData.DataReader.CloseAsync().ConfigureAwait(false);
                try
                {
                    await batch.WriteAsync(command.Transaction, CancellationToken.None).ConfigureAwait(false);
                }
                catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.InFailedSqlTransaction)
                {
                    // The query failed in its transaction (see the remarks): its own error is the one to raise.
                }
            }
        }

        return result;
    }

    /// <summary>A pooled context goes back to the pool: the reads of a query whose reader was left open are dropped (see the remarks).</summary>
    public void ResetState()
    {
        _reads = null;
        _context = null;
        _seen.Clear();
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }

    /// <summary>The pending reads as a batch, and a fresh start for the next query.</summary>
    private AuditBatch? Take()
    {
        var reads = _reads;
        var context = _context;
        ResetState();
        return reads is null || context is null ? null : AuditBatch.ForReads(context, _options!, reads);
    }

    /// <summary>The key text of the entity being created, read from the query's row (shadow key properties included).</summary>
    private static string Key(IEntityType entityType, AuditDescriptor descriptor, MaterializationInterceptionData data)
    {
        var key = AuditFieldMap.For(entityType, descriptor).Key;
        var parts = new object?[key.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = data.GetPropertyValue(key[i]);
        }

        return AuditKey.Of(key, parts);
    }
}
