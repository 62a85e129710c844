using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Infrastructure;

namespace ServerTools.Auditing;

/// <summary>
/// Writes the audit trail of a SaveChanges in the transaction of the change. One instance per context
/// (scoped in EF's internal services).
/// </summary>
/// <remarks>
/// <para>The logs are captured when SaveChanges starts (old values, before EF overwrites them) and written
/// when the new values, generated keys included, are known but the transaction is still open:</para>
/// <list type="bullet">
/// <item>SaveChanges with no transaction of the application's: the save is made to run in a transaction
/// (<see cref="AutoTransactionBehavior.Always"/>) and the logs are written just before EF commits it. A retried
/// save (execution strategy) writes them again in the new transaction, as the failed one rolled back.</item>
/// <item>Inside the application's transaction (<c>BeginTransaction</c> or an ambient <c>TransactionScope</c>):
/// the logs are written right after SaveChanges, in that transaction, and commit or roll back with it.</item>
/// </list>
/// </remarks>
internal sealed class AuditInterceptor : ISaveChangesInterceptor, IDbTransactionInterceptor
{
    private AuditBatch? _batch;
    private AutoTransactionBehavior _previousBehavior;
    private bool _restoreAutoDetect;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Begin(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Begin(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (_batch is { WriteAtCommit: true } batch && ReferenceEquals(eventData.Context, batch.Context))
        {
            batch.Write(transaction);
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (_batch is { WriteAtCommit: true } batch && ReferenceEquals(eventData.Context, batch.Context))
        {
            await batch.WriteAsync(transaction, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        var batch = End(eventData.Context);
        if (batch is { WriteAtCommit: false })
        {
            batch.Write(batch.Context.Database.CurrentTransaction?.GetDbTransaction());
        }

        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var batch = End(eventData.Context);
        if (batch is { WriteAtCommit: false })
        {
            await batch.WriteAsync(batch.Context.Database.CurrentTransaction?.GetDbTransaction(), cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public void SaveChangesFailed(DbContextErrorEventData eventData) => End(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => End(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        End(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>
    /// Captures the logs. Changes must be detected first; EF would detect them again right after this
    /// interceptor, so automatic detection is paused until the save ends and the work is done once.
    /// </summary>
    private void Begin(DbContext? context)
    {
        _batch = null;
        if (context?.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>()?.Options is not { Auditing.Enabled: true } options)
        {
            return;
        }

        var tracker = context.ChangeTracker;
        if (tracker.AutoDetectChangesEnabled)
        {
            tracker.DetectChanges();
            tracker.AutoDetectChangesEnabled = false;
            _restoreAutoDetect = true;
        }

        try
        {
            _batch = AuditBatch.Capture(context, options);
        }
        catch
        {
            // EF does not report a failure of SavingChanges to SaveChangesFailed: restore the context here.
            End(context);
            throw;
        }

        if (_batch is { WriteAtCommit: true })
        {
            _previousBehavior = context.Database.AutoTransactionBehavior;
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
        }
    }

    private AuditBatch? End(DbContext? context)
    {
        var batch = _batch;
        _batch = null;
        if (context is null)
        {
            return batch;
        }

        if (_restoreAutoDetect)
        {
            context.ChangeTracker.AutoDetectChangesEnabled = true;
            _restoreAutoDetect = false;
        }

        if (batch is { WriteAtCommit: true })
        {
            context.Database.AutoTransactionBehavior = _previousBehavior;
        }

        return batch;
    }
}
