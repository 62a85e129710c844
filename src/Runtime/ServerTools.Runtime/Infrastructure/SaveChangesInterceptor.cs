using System.Collections.Generic;
using System.Data.Common;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Auditing;
using ServerTools.FuzzySearch;
using ServerTools.Rules.Data;
using ServerTools.Rules.Storage;
using ServerTools.TimeWindows;
using ServerTools.Tracking;

namespace ServerTools.Infrastructure;

/// <summary>
/// What ServerTools does in a SaveChanges: runs the <c>On{X}Changed</c> hooks of <see cref="TrackedAttribute">[Tracked]</see>
/// entities, checks the schedules of <see cref="TimeWindowedAttribute">[TimeWindowed]</see> ones (and stores the columns
/// <c>WhereOpenAt</c> reads), then writes the audit trail and the outbox of tracked changes in the transaction of the change. One
/// instance per context (scoped in EF's internal services).
/// </summary>
/// <remarks>
/// <para>When SaveChanges starts, changes are detected and the hooks run (and what they changed is detected). The
/// audit logs and tracked changes are captured (old values, before EF overwrites them) when EF sends the save's first
/// statement: by then every SaveChanges interceptor has run, EF has detected what they changed, and EF has applied the
/// deletes it cascades during the save (<see cref="CascadeTiming.OnSaveChanges"/>). They are written when the new
/// values, generated keys included, are known but the transaction is still open:</para>
/// <list type="bullet">
/// <item>SaveChanges with no transaction of the application's: the save is made to run in a transaction
/// (<see cref="AutoTransactionBehavior.Always"/>) and the rows are written just before EF commits it. A save an
/// execution strategy retries captures them again at the first statement of each attempt and writes them in its
/// transaction: the failed attempt's rolled back, and nothing of its capture is kept.</item>
/// <item>Inside the application's transaction (<c>BeginTransaction</c> or an ambient <c>TransactionScope</c>):
/// the rows are written right after SaveChanges, in that transaction, and commit or roll back with it.</item>
/// </list>
/// <para>After a commit that carried tracked changes, the dispatchers of this process are woken up.</para>
/// <para>A query or a save that fails because one of ServerTools' tables (<see cref="ServerToolsTables"/>) or a <c>[TimeWindowed]</c>
/// entity's table (<see cref="TimeWindowColumnErrors"/>) lacks a column ServerTools maps on it is explained once EF Core has
/// cleaned up after the failed command.</para>
/// </remarks>
internal sealed class SaveChangesInterceptor(UnloadedEntries unloaded) : ISaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor, IResettableService
{
    private SaveWork? _work;

    /// <summary>Puts back what the loading of cascaded dependents changed for a principal that a later interceptor stops deleting, until the save's first statement.</summary>
    private CascadeUndo? _cascadeUndo;

    /// <summary>The context whose SaveChangesFailed and SavedChanges events this instance listens to (a pooled context's are cleared with its state).</summary>
    private DbContext? _listening;

    /// <summary>Whether the context has SaveChanges interceptors besides this one (found once: a context's interceptors do not change).</summary>
    private bool? _othersInterceptSaves;

    /// <summary>Automatic change detection was left off by <see cref="BeginAsync"/> for the rest of the save; <see cref="End"/> turns it back on.</summary>
    private bool _restoreAutoDetect;
    private AutoTransactionBehavior _previousBehavior;
    private bool _wakeDispatchersOnCommit;
    private bool _dataRulesChanged;
    private List<string>? _addedRuleIds;

    /// <summary>The stored violations the save writes itself (see <see cref="StoredViolationWrites"/>).</summary>
    private StoredViolationWrites? _violations;

    /// <summary>
    /// Whether <see cref="_violations"/> were written: they are in the database (or in the application's transaction), like
    /// EF Core's own entries once its statements ran, and are settled as EF settles those (<see cref="SettleViolations"/>),
    /// never given back as unsaved.
    /// </summary>
    private bool _violationsWritten;

    /// <summary>Whether <see cref="BeginAsync"/> made the save run in a transaction, for <see cref="End"/> to undo.</summary>
    private bool _transactionForced;

    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        BeginAsync(eventData.Context, async: false, default).GetAwaiter().GetResult();
        if (_addedRuleIds is not null)
        {
            CheckRuleIdsAsync(eventData.Context!, async: false, default).GetAwaiter().GetResult();
        }

        return result;
    }

    public async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await BeginAsync(eventData.Context, async: true, cancellationToken).ConfigureAwait(false);
        if (_addedRuleIds is not null)
        {
            await CheckRuleIdsAsync(eventData.Context!, async: true, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Refuses new data rules whose ids are stored already (see <see cref="DataRuleBatch"/>); a refusal restores the context as a failure in Begin does.</summary>
    private async Task CheckRuleIdsAsync(DbContext context, bool async, CancellationToken cancellationToken)
    {
        var ids = _addedRuleIds!;
        _addedRuleIds = null;
        try
        {
            await DataRuleBatch.RefuseTakenIdsAsync(context, ids, async, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Abandon(context);
            throw;
        }
    }

    public InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (WorkToWrite(eventData) is { } work)
        {
            work.Write(transaction);
            _wakeDispatchersOnCommit |= work.Tracked is not null;
        }

        return result;
    }

    public async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (WorkToWrite(eventData) is { } work)
        {
            await work.WriteAsync(transaction, cancellationToken).ConfigureAwait(false);
            _wakeDispatchersOnCommit |= work.Tracked is not null;
        }

        return result;
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        SaveCommand(eventData);
        WriteViolationsAsync(command, eventData, async: false, default).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        SaveCommand(eventData);
        await WriteViolationsAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        SaveCommand(eventData);
        WriteViolationsAsync(command, eventData, async: false, default).GetAwaiter().GetResult();
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        SaveCommand(eventData);
        await WriteViolationsAsync(command, eventData, async: true, cancellationToken).ConfigureAwait(false);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        DefinitionsWritten(command, eventData);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        DefinitionsWritten(command, eventData);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => ExplainOrRememberFailedCommand(command, eventData);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ExplainOrRememberFailedCommand(command, eventData);
        return Task.CompletedTask;
    }

    /// <summary>
    /// A command of a context failed (a migration's is left alone: the migration is what adds what is missing).
    /// <list type="bullet">
    /// <item>An <c>ExecuteUpdate</c>'s or an <c>ExecuteDelete</c>'s (synchronous or not): its explanation is thrown here,
    /// when PostgreSQL's error is pg_trgm missing under a fuzzy search in its filter (<see cref="TrigramErrors.Explain"/>), or
    /// about a table of ServerTools' the database lacks, or a column ServerTools maps on one
    /// (<see cref="ServerToolsTables.ExplainNonQuery"/>), or on a <c>[TimeWindowed]</c> entity's table (<see cref="TimeWindowColumnErrors.ExplainNonQuery"/>).
    /// EF Core reports their failure to no later event (EF Core 10 defines <c>NonQueryOperationFailed</c> but does not
    /// write it for them), and runs a non-query command's clean-up (disposing it, closing the connection it opened) in a
    /// <c>finally</c>, which the exception thrown here passes through.</item>
    /// <item>A query's or a save's: its text is kept with PostgreSQL's error when that may be a column ServerTools maps on one
    /// of its tables or a <c>[TimeWindowed]</c> entity's table (<see cref="UndefinedColumns.RememberFailedCommand"/>), for the
    /// explanation, raised later: as EF Core reports the failed query (<see cref="EfCoreEvents"/>) or the failed save
    /// (<see cref="OnSaveChangesFailed"/>). Nothing is thrown here: EF Core calls this for a query before it disposes the
    /// command and closes the connection it opened, which an exception from here would skip.</item>
    /// </list>
    /// </summary>
    private static void ExplainOrRememberFailedCommand(DbCommand command, CommandErrorEventData eventData)
    {
        if (eventData.Context is not { } context || eventData.CommandSource == CommandSource.Migrations)
        {
            return;
        }

        if (eventData.CommandSource is CommandSource.ExecuteUpdate or CommandSource.ExecuteDelete)
        {
            if ((TrigramErrors.Explain(eventData.Exception)
                ?? ServerToolsTables.ExplainNonQuery(eventData.Exception, context.GetType(), command.CommandText)
                ?? TimeWindowColumnErrors.ExplainNonQuery(eventData.Exception, context.GetType(), command.CommandText)) is { } explained)
            {
                throw explained;
            }

            return;
        }

        UndefinedColumns.RememberFailedCommand(eventData.Exception, context.GetType(), command.CommandText);
    }

    private void DefinitionsWritten(DbCommand command, CommandExecutedEventData eventData)
    {
        if (eventData.Context is { } context && DataRuleBatch.MayWriteDefinitions(context, eventData.CommandSource, command.CommandText))
        {
            DataRulesWritten(context);
        }
    }

    /// <summary>
    /// Data rules written past SaveChanges through <paramref name="context"/> (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>,
    /// <c>RefreshDataRules</c> after SQL) are read again as after a save of them: at once, and again when the transaction
    /// commits.
    /// </summary>
    public void DataRulesWritten(DbContext context)
    {
        DataRuleBatch.InvalidateWhenCompleted(context);
        _dataRulesChanged = true;
        Saved(context);
    }

    /// <summary>The stored violations are written before the save's first statement, in its transaction (again when a retry runs it in a new one).</summary>
    private Task WriteViolationsAsync(DbCommand command, CommandEventData eventData, bool async, CancellationToken cancellationToken)
        => eventData.CommandSource == CommandSource.SaveChanges && _violations is { } violations && ReferenceEquals(eventData.Context, violations.Context) && command.Connection is { } connection
            ? violations.WriteAsync(connection, command.Transaction, async, cancellationToken)
            : Task.CompletedTask;

    /// <summary>
    /// After the save: the stored violations are written now when EF Core wrote nothing else (so no statement of its
    /// wrote them); SaveChanges counts them. The context's SavedChanges event, raised next, settles them
    /// (<see cref="OnSavedChanges"/>).
    /// </summary>
    private async Task<int> ViolationsSavedAsync(int result, bool async, CancellationToken cancellationToken)
    {
        if (_violations is not { } violations)
        {
            return result;
        }

        try
        {
            if (violations.Pending)
            {
                var transaction = violations.Context.Database.CurrentTransaction?.GetDbTransaction();
                if (async)
                {
                    await CopyWriter.RunAsync(violations.Context, transaction, connection => violations.WriteAsync(connection, transaction, async: true, cancellationToken)).ConfigureAwait(false);
                }
                else
                {
                    CopyWriter.Run(violations.Context, transaction, connection => violations.WriteAsync(connection, transaction, async: false, default).GetAwaiter().GetResult());
                }
            }
        }
        catch
        {
            _violations = null;
            violations.Restore();
            throw;
        }

        _violationsWritten = true;
        return result + violations.Written;
    }

    /// <summary>
    /// The context's own SavedChanges event, which EF raises after the SaveChanges interceptors with the
    /// <c>acceptAllChangesOnSuccess</c> that SaveChanges was called with (no interceptor is told it): the stored violations
    /// the save wrote are tracked as saved when it accepts its changes, as EF Core's entries are; when it does not, they are
    /// left to be saved, as EF Core's entries are, for <c>ChangeTracker.AcceptAllChanges()</c> or for the same save run
    /// again (see <see cref="StoredViolationWrites.Hold"/>).
    /// </summary>
    private void OnSavedChanges(object? sender, SavedChangesEventArgs args)
    {
        if (_violations is { } violations && ReferenceEquals(sender, violations.Context))
        {
            SettleViolations(args.AcceptAllChangesOnSuccess);
        }
    }

    /// <summary>
    /// The written stored violations tracked as EF Core tracks its own entries after their statements ran: saved when the
    /// save accepts its changes, held for <c>AcceptAllChanges()</c> or a run again when it does not
    /// (<see cref="StoredViolationWrites.Hold"/>). Also when something after the write fails (an application's
    /// SaveChanges interceptor or SavedChanges handler that throws, a cancellation): EF has accepted its entries by then.
    /// </summary>
    private void SettleViolations(bool acceptAllChangesOnSuccess)
    {
        var violations = _violations!;
        _violations = null;
        _violationsWritten = false;
        if (acceptAllChangesOnSuccess)
        {
            violations.Accept();
        }
        else
        {
            violations.Hold();
        }
    }

    /// <summary>
    /// Stored violations that did not reach the database are given back as they were; written ones are left for the
    /// context's SavedChanges or SaveChangesFailed event, which says whether the save accepts its changes
    /// (<see cref="SettleViolations"/>).
    /// </summary>
    private void RestoreUnwrittenViolations()
    {
        if (!_violationsWritten)
        {
            _violations?.Restore();
            _violations = null;
        }
    }

    /// <summary>
    /// The save's first statement captures its rows (see the remarks), and so does the first statement of each attempt an
    /// execution strategy retries, in a new transaction. The transaction the save's own statements run in is the one its
    /// rows are written in: a transaction of the application's that runs no statement of the save never carries them.
    /// </summary>
    private void SaveCommand(CommandEventData eventData)
    {
        if (eventData.CommandSource == CommandSource.SaveChanges && _cascadeUndo is { } undo)
        {
            // EF Core has decided what the save writes, after every SaveChanges interceptor: the cascaded dependents stay as they are.
            _cascadeUndo = null;
            undo.Stop();
        }

        if (eventData.CommandSource != CommandSource.SaveChanges || _work is not { } work || !ReferenceEquals(eventData.Context, work.Context))
        {
            return;
        }

        work.Capture(work.WriteAtCommit ? work.Context.Database.CurrentTransaction?.TransactionId : null);
    }

    /// <summary>
    /// The work to write before a transaction commits: only the save's own transaction carries its rows (known by EF's
    /// id: Npgsql reuses its transaction objects). Another transaction's commit means the save ended without its own, in
    /// a way no callback reported (an application's SavingChanges interceptor that threw after this one): its work is
    /// dropped and the context gets its settings back.
    /// </summary>
    private SaveWork? WorkToWrite(TransactionEventData eventData)
    {
        if (_work is not { WriteAtCommit: true } work || !ReferenceEquals(eventData.Context, work.Context))
        {
            return null;
        }

        if (work.TransactionId == eventData.TransactionId)
        {
            return work;
        }

        End(eventData.Context)?.Release();
        return null;
    }

    public InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
    {
        NotSaved(eventData);
        return result;
    }

    public ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
    {
        NotSaved(eventData);
        return ValueTask.FromResult(result);
    }

    /// <summary>
    /// Entries whose statement affected no row: a concurrency conflict. EF calls every SaveChanges interceptor in turn
    /// with the result of the ones before it, so whether an application's interceptor suppresses the conflict is not
    /// known here. If none does, the save fails and its work is dropped whole (<see cref="OnSaveChangesFailed"/>); if one
    /// does, the save goes on and ends as usual, and the database holds nothing of these entries: their audit logs and
    /// outbox messages are left out now, either way.
    /// </summary>
    private void NotSaved(ConcurrencyExceptionEventData eventData)
    {
        if (_work is { } work && ReferenceEquals(eventData.Context, work.Context))
        {
            work.Drop(eventData.Entries);
        }
    }

    /// <summary>
    /// The context's own SaveChangesFailed event, which EF raises for a <see cref="DbUpdateConcurrencyException"/> too,
    /// where it calls no interceptor (dotnet/efcore#32750). A conflict an interceptor suppresses raises nothing: the save
    /// goes on, and ends as usual, without the rows of the entries in conflict (<see cref="NotSaved"/>).
    /// </summary>
    private void OnSaveChangesFailed(object? sender, SaveChangesFailedEventArgs args)
    {
        if (_violationsWritten && _violations is { } violations && ReferenceEquals(sender, violations.Context))
        {
            SettleViolations(args.AcceptAllChangesOnSuccess);
        }

        Abandon(sender as DbContext);

        // Last of the save's failure callbacks (see BeginAsync), after EF Core closed the connection and rolled back its
        // transaction: what the caller catches is EF Core's DbUpdateException, with the explanation as its inner exception.
        if (sender is DbContext context
            && (ServerToolsTables.ExplainSave(args.Exception, context.GetType()) ?? TimeWindowColumnErrors.ExplainSave(args.Exception, context.GetType())) is { } explained)
        {
            throw explained;
        }
    }

    /// <summary>A pooled context goes back to the pool: nothing of its last save may reach the next lease.</summary>
    public void ResetState()
    {
        _work?.Release();
        _work = null;
        _listening = null;
        _wakeDispatchersOnCommit = false;
        _dataRulesChanged = false;
        _addedRuleIds = null;
        _violations = null;
        _violationsWritten = false;
        _transactionForced = false;
        _restoreAutoDetect = false;
    }

    public Task ResetStateAsync(CancellationToken cancellationToken = default)
    {
        ResetState();
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Committed();

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Committed();
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => RolledBack();

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        RolledBack();
        return Task.CompletedTask;
    }

    public int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        unloaded.Saved();
        Saved(eventData.Context);
        result = ViolationsSavedAsync(result, async: false, default).GetAwaiter().GetResult();
        var work = End(eventData.Context);
        try
        {
            if (work is not null && WritesAfterSave(work))
            {
                work.Write(work.Context.Database.CurrentTransaction?.GetDbTransaction());
                WakeDispatchersOnCommit(work);
            }
        }
        finally
        {
            work?.Release();
        }

        return result;
    }

    public async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        unloaded.Saved();
        Saved(eventData.Context);
        result = await ViolationsSavedAsync(result, async: true, cancellationToken).ConfigureAwait(false);
        var work = End(eventData.Context);
        try
        {
            if (work is not null && WritesAfterSave(work))
            {
                await work.WriteAsync(work.Context.Database.CurrentTransaction?.GetDbTransaction(), cancellationToken).ConfigureAwait(false);
                WakeDispatchersOnCommit(work);
            }
        }
        finally
        {
            work?.Release();
        }

        return result;
    }

    /// <summary>
    /// Whether the save's rows are written now, after its statements, in the transaction that is still open: the
    /// application's (<see cref="SaveWork.WriteAtCommit"/> false), or one that began after ServerTools' SavingChanges, so
    /// that EF ran the save in it and left it open (an application's SavingChanges interceptor that begins a unit of work
    /// when none is open, which EF runs after this one): the save's statements ran in it (<see cref="SaveWork.TransactionId"/>)
    /// and no commit of EF's wrote the rows. A transaction EF created for the save is committed, and the rows written in
    /// it, before SavedChanges.
    /// </summary>
    private static bool WritesAfterSave(SaveWork work)
        => !work.WriteAtCommit
            || (work.TransactionId is { } ran && work.Context.Database.CurrentTransaction?.TransactionId == ran);

    public void SaveChangesFailed(DbContextErrorEventData eventData) => Abandon(eventData.Context);

    public Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    public void SaveChangesCanceled(DbContextEventData eventData) => Abandon(eventData.Context);

    public Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
    {
        Abandon(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>A save that did not happen: its work is dropped, the context gets its settings back, the data rules stay as they were.</summary>
    private void Abandon(DbContext? context)
    {
        _dataRulesChanged = false;
        RestoreUnwrittenViolations();
        End(context)?.Release();
    }

    /// <summary>
    /// After tracked changes were written inside the application's transaction: the dispatchers of this process are woken
    /// when it commits, by EF (<see cref="Committed"/>) or, in a <c>TransactionScope</c> EF has no transaction of, by the
    /// ambient transaction's completion.
    /// </summary>
    private void WakeDispatchersOnCommit(SaveWork work)
    {
        if (work.Tracked is null)
        {
            return;
        }

        if (work.Context.Database.CurrentTransaction is null && System.Transactions.Transaction.Current is { } ambient)
        {
            OutboxSignal.PulseWhenCommitted(ambient);
        }
        else
        {
            _wakeDispatchersOnCommit = true;
        }
    }

    /// <summary>Wakes the dispatchers of this process when the context's current transaction ends (a redelivery in it).</summary>
    public void WakeDispatchersOnCommit() => _wakeDispatchersOnCommit = true;

    private void RolledBack()
    {
        // Passes that found the outbox's lock taken by a redelivery in this transaction wait for a wake-up as well.
        if (_wakeDispatchersOnCommit)
        {
            OutboxSignal.Pulse();
        }

        _wakeDispatchersOnCommit = false;
        _dataRulesChanged = false;
    }

    /// <summary>
    /// After a save that changed data rules: the engines of this process read them again. Inside the application's
    /// transaction they are read again once more when it commits, since until then other connections see the old rows.
    /// </summary>
    private void Saved(DbContext? context)
    {
        if (_dataRulesChanged)
        {
            DataRuleStore.Invalidate();
            _dataRulesChanged = context?.Database.CurrentTransaction is not null || System.Transactions.Transaction.Current is not null;
        }
    }

    private void Committed()
    {
        if (_dataRulesChanged)
        {
            _dataRulesChanged = false;
            DataRuleStore.Invalidate();
        }

        if (_wakeDispatchersOnCommit)
        {
            _wakeDispatchersOnCommit = false;
            OutboxSignal.Pulse();
        }
    }

    /// <summary>
    /// Reads the stored values of entities the context did not load (<see cref="UnloadedEntries"/>, <see cref="StoredOriginals"/>), loads
    /// the logged dependents the database's cascades of the save's deletes would delete or change unseen (<see cref="DatabaseCascades"/>), runs the hooks,
    /// prepares the time-window columns, checks new data rules, and sets up the work that the save's first statement
    /// captures. Changes must be detected first; automatic detection is paused while this runs. It is back on before EF's
    /// own detection after the SaveChanges interceptors when there are others, so that what a later interceptor changes
    /// is saved; with none, it stays off until the save ends, as that detection would find nothing new.
    /// </summary>
    private async Task BeginAsync(DbContext? context, bool async, CancellationToken cancellationToken)
    {
        // What a save that ended without telling (an application's SavingChanges interceptor that threw) left behind.
        End(context)?.Release();
        _addedRuleIds = null;
        if (_violationsWritten)
        {
            // Written by a save whose SavedChanges event has not come yet: this save runs inside it (an application's
            // SavedChanges interceptor or handler that saves again). Its rows are in the database.
            SettleViolations(acceptAllChangesOnSuccess: true);
        }

        RestoreUnwrittenViolations();
        if (context?.GetService<IDbContextOptions>() is not { } contextOptions
            || contextOptions.FindExtension<ServerToolsOptionsExtension>()?.Options is not { } options)
        {
            return;
        }

        var timeWindows = TimeWindowBatch.Uses(context.Model);
        var dataRules = context.Model.FindEntityType(typeof(ExceptionRuleDefinition)) is not null;
        if (!(options.Auditing.Enabled || options.Tracking.Enabled || timeWindows || dataRules))
        {
            return;
        }

        if (!ReferenceEquals(_listening, context))
        {
            context.SaveChangesFailed += OnSaveChangesFailed;
            context.SavedChanges += OnSavedChanges;
            _listening = context;
        }
        else
        {
            // OnSaveChangesFailed may replace the save's error (a table of ServerTools' or a time-windowed one without a column
            // ServerTools maps): it comes after the handlers the application added since, which would not run after it threw.
            context.SaveChangesFailed -= OnSaveChangesFailed;
            context.SaveChangesFailed += OnSaveChangesFailed;
        }

        var tracker = context.ChangeTracker;
        var autoDetect = tracker.AutoDetectChangesEnabled;
        if (autoDetect)
        {
            tracker.DetectChanges();
            tracker.AutoDetectChangesEnabled = false;
        }

        var keepDetectionOff = false;
        try
        {
            Dictionary<(object, IProperty), object?>? storedOwned = null;
            if ((options.Auditing.Enabled || options.Tracking.Enabled) && unloaded.ToRead(context) is { } toRead)
            {
                storedOwned = await StoredOriginals.LoadAsync(context, toRead, options, async, cancellationToken).ConfigureAwait(false);
            }

            List<EntityEntry>? cascadeDeleted = null;
            if ((options.Auditing.Enabled || options.Tracking.Enabled) && options.LoadCascadedDependents)
            {
                // Before the hooks: a dependent whose foreign key the cascade sets to null is changed like any other. The
                // modified entries the cascades applied early deleted get their hooks run, as they would without them.
                cascadeDeleted = options.Tracking.Enabled ? [] : null;
                _cascadeUndo = await DatabaseCascades.LoadAsync(context, options, cascadeDeleted, async, cancellationToken).ConfigureAwait(false);
            }

            if (options.Tracking.Enabled && TrackedBatch.RunHooks(context, cascadeDeleted))
            {
                tracker.DetectChanges();
            }

            if (timeWindows)
            {
                TimeWindowBatch.Prepare(context);
            }

            _dataRulesChanged = dataRules && DataRuleBatch.Validate(context, out _addedRuleIds);

            if ((options.Auditing.Enabled || options.Tracking.Enabled) && MayWrite(context, options))
            {
                var writeAtCommit = context.Database.CurrentTransaction is null && System.Transactions.Transaction.Current is null;
                _work = new SaveWork(context, options, writeAtCommit, storedOwned);
            }

            _violations = StoredViolationWrites.Take(context);

            // EF detects changes again after the SaveChanges interceptors, for what a later one changed. With no other
            // interceptor nothing can have changed since this detection, and EF's second pass over every entry (which
            // boxes each value it compares) is skipped: detection comes back on when the save ends.
            keepDetectionOff = autoDetect && !OthersInterceptSaves(context);
        }
        catch
        {
            // EF does not report a failure of SavingChanges to SaveChangesFailed: restore the context here.
            Abandon(context);
            throw;
        }
        finally
        {
            if (!keepDetectionOff)
            {
                tracker.AutoDetectChangesEnabled = autoDetect;
            }
        }

        _restoreAutoDetect = keepDetectionOff;
        if (_work is { WriteAtCommit: true }
            || (_violations is not null && context.Database.CurrentTransaction is null && System.Transactions.Transaction.Current is null))
        {
            // The rows ServerTools writes commit with the save's own, in one transaction, also when EF would send one statement.
            _previousBehavior = context.Database.AutoTransactionBehavior;
            context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
            _transactionForced = true;
        }
    }

    /// <summary>
    /// True when the save may write audit logs or outbox messages: an audited or tracked entity (or an owned one, logged
    /// with its owner, or a link of a many-to-many navigation an audited class may declare) is added, modified or
    /// deleted; or EF cascades deletes during the save, which may reach one; or the application has SaveChanges
    /// interceptors of its own, which EF runs after this one and which may change one.
    /// </summary>
    private bool MayWrite(DbContext context, ServerToolsOptions options)
    {
        if (OthersInterceptSaves(context))
        {
            return true;
        }

        var tracker = context.ChangeTracker;
        var cascadesInSave = tracker.CascadeDeleteTiming == CascadeTiming.OnSaveChanges || tracker.DeleteOrphansTiming == CascadeTiming.OnSaveChanges;
        foreach (var entry in tracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted))
            {
                continue;
            }

            var type = entry.Metadata.ClrType;
            if (cascadesInSave
                || (options.Auditing.Enabled && (entry.Metadata.IsOwned() || AuditDescriptors.TryGet(type, out _) || LinkChanges.IsJoin(entry.Metadata)))
                || (options.Tracking.Enabled && TrackedDescriptors.TryGet(type, out _)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Whether EF runs SaveChanges interceptors besides this one: the application's (<c>AddInterceptors</c>) or another
    /// extension's. EF aggregates them; this one alone is returned as itself.
    /// </summary>
    private bool OthersInterceptSaves(DbContext context)
        => _othersInterceptSaves ??= !ReferenceEquals(context.GetService<IInterceptors>().Aggregate<ISaveChangesInterceptor>(), this);

    private SaveWork? End(DbContext? context)
    {
        var work = _work;
        _work = null;
        _cascadeUndo?.Stop();
        _cascadeUndo = null;
        if (context is null)
        {
            return work;
        }

        if (_restoreAutoDetect)
        {
            _restoreAutoDetect = false;
            context.ChangeTracker.AutoDetectChangesEnabled = true;
        }

        if (_transactionForced)
        {
            _transactionForced = false;
            context.Database.AutoTransactionBehavior = _previousBehavior;
        }

        return work;
    }

    /// <summary>
    /// The rows one save writes, captured at its first statement. <see cref="WriteAtCommit"/> is true when the save runs in
    /// a transaction EF creates, so they are written just before EF commits it; false inside the application's
    /// transaction, right after the save.
    /// </summary>
    private sealed class SaveWork(DbContext context, ServerToolsOptions options, bool writeAtCommit, Dictionary<(object, IProperty), object?>? storedOwned)
    {
        private bool _captured;

        public DbContext Context { get; } = context;

        public bool WriteAtCommit { get; } = writeAtCommit;

        public AuditBatch? Audit { get; private set; }

        public TrackedBatch? Tracked { get; private set; }

        /// <summary>
        /// Captures the logs and changes from the entries as EF is about to save them, at the first statement of each
        /// attempt (<paramref name="attempt"/>: EF's id of the transaction the save runs in when EF creates it, null in the
        /// application's transaction, where a save makes one attempt). An execution strategy's retry runs the statements
        /// again in a new transaction, after the failed one rolled back: what the retry writes is captured again (the
        /// entries the application's suppressed conflicts leave out, values changed since, the time), and nothing of the
        /// failed attempt's capture is kept. EF has detected changes already, so the entries are read without detection.
        /// </summary>
        public void Capture(System.Guid? attempt)
        {
            if (_captured && attempt == TransactionId)
            {
                return;
            }

            // A capture replaced is released first: a failure fails the statement, and a retry by the execution strategy
            // captures again rather than save without its rows, or with the failed attempt's.
            Release();
            (Audit, Tracked, TransactionId, _captured) = (null, null, null, false);
            var tracker = Context.ChangeTracker;
            var autoDetect = tracker.AutoDetectChangesEnabled;
            tracker.AutoDetectChangesEnabled = false;
            AuditBatch? audit = null;
            TrackedBatch? tracked = null;
            try
            {
                audit = options.Auditing.Enabled ? AuditBatch.Capture(Context, options, storedOwned) : null;
                tracked = options.Tracking.Enabled ? TrackedBatch.Capture(Context, options) : null;
                audit?.EncodeAhead();
                tracked?.EncodeAhead();
                (Audit, Tracked, TransactionId, _captured) = (audit, tracked, attempt, true);
            }
            catch
            {
                audit?.Dispose();
                tracked?.Dispose();
                throw;
            }
            finally
            {
                tracker.AutoDetectChangesEnabled = autoDetect;
            }
        }

        /// <summary>With <see cref="WriteAtCommit"/>: EF's id of the transaction of the attempt captured last, the only one the rows are written in.</summary>
        public System.Guid? TransactionId { get; private set; }

        /// <summary>Leaves out the rows of entries whose statement affected no row (<see cref="NotSaved"/>).</summary>
        public void Drop(IReadOnlyList<EntityEntry> entries)
        {
            Audit?.Drop(entries);
            Tracked?.Drop(entries);
        }

        /// <summary>Once the save is over (written, failed or canceled): the encoded rows' memory goes back to the pool.</summary>
        public void Release()
        {
            Audit?.Dispose();
            Tracked?.Dispose();
        }

        public void Write(DbTransaction? transaction)
        {
            if (Audit is null && Tracked is null)
            {
                return;
            }

            CopyWriter.Run(Context, transaction, connection =>
            {
                Audit?.WriteTo(connection);
                Tracked?.WriteTo(connection);
            });
        }

        public async Task WriteAsync(DbTransaction? transaction, CancellationToken cancellationToken)
        {
            if (Audit is null && Tracked is null)
            {
                return;
            }

            await CopyWriter.RunAsync(Context, transaction, async connection =>
            {
                if (Audit is not null)
                {
                    await Audit.WriteToAsync(connection, cancellationToken).ConfigureAwait(false);
                }

                if (Tracked is not null)
                {
                    await Tracked.WriteToAsync(connection, cancellationToken).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
    }
}
