using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;
using ServerTools.Infrastructure;

namespace ServerTools.Tracking;

/// <summary>
/// Makes outbox messages pending again (<c>RedeliverTrackedChangesAsync</c>, <c>RedeliverDeadLetteredChangesAsync</c>)
/// without handing one out beside a later change of its entity that a pass holds: a redelivered change is earlier than
/// the changes of its entity that went on without it, and the claim looks for earlier pending changes only. So the
/// redelivery first takes the outbox's advisory lock alone (<see cref="OutboxSql.RedeliveryLock"/>), which every pass
/// takes shared before it claims anything (<see cref="OutboxSql.PassLock"/>): it waits for the passes under way, and no
/// pass starts until it commits.
/// </summary>
internal static class OutboxRedelivery
{
    private const string Savepoint = "servertools_redelivery";

    /// <summary>The pass whose handlers the current flow runs, if any (set by the pass).</summary>
    private static readonly AsyncLocal<Pass?> s_pass = new();

    /// <summary>
    /// Marks the flow of a pass whose session (process id <paramref name="processId"/>) holds its outbox's lock, so that a
    /// handler that redelivers changes of that outbox is refused at once rather than waiting for its own pass. Dispose
    /// when the pass ends: work a handler left running is no longer refused then.
    /// </summary>
    public static IDisposable EnterPass(int processId)
    {
        var pass = new Pass(processId);
        s_pass.Value = pass;
        return pass;
    }

    /// <summary>Resets <paramref name="messages"/>, as <see cref="OutboxRedelivery"/> explains: in the caller's transaction if it has one, else in one of its own.</summary>
    public static async Task<int> ResetAsync(DbContext context, IQueryable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var sql = OutboxSql.For(context);
        try
        {
            return await ResetAsync(context, sql, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (ServerToolsTables.PostgresError(error) is { } postgres
                                      && ServerToolsTables.Explain(postgres, sql.Fields.Table, "No tracked change was redelivered.") is { } explained)
        {
            throw explained;
        }
    }

    private static async Task<int> ResetAsync(DbContext context, OutboxSql sql, IQueryable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        // Nothing to reset: no lock, so that a job that redelivers now and then does not hold up the passes for nothing.
        if (!await messages.AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        var ambient = Transaction.Current;
        if (context.Database.CurrentTransaction is null && ambient is not null && !TakesPartIn(context))
        {
            throw new InvalidOperationException(
                $"Tracked changes are redelivered inside a TransactionScope, but the connection of {context.GetType().Name} does not take part in it " +
                "(Enlist=false in its connection string), so the redelivery would run outside any transaction, and could hand out a change beside a " +
                "later change of its entity. Redeliver outside the TransactionScope, or let the connection enlist.");
        }

        await context.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await RefuseInOwnPassAsync(context, sql, cancellationToken).ConfigureAwait(false);
            if (context.Database.CurrentTransaction is not null || ambient is not null)
            {
                int count;
                try
                {
                    count = await ResetInCallersTransactionAsync(context, sql, messages, cancellationToken).ConfigureAwait(false);
                }
                catch
                {
                    // Passes that started while it waited handed out nothing.
                    OutboxSignal.Pulse();
                    throw;
                }

                WakeDispatchersWhenEnded(context, ambient);
                return count;
            }

            try
            {
                return await context.Database.CreateExecutionStrategy().ExecuteAsync(
                    (Context: context, Sql: sql, Messages: messages),
                    static async (_, state, cancellationToken) =>
                    {
                        await using var transaction = await state.Context.Database.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellationToken)
                            .ConfigureAwait(false);
                        await LockAsync(state.Context, state.Sql, cancellationToken).ConfigureAwait(false);
                        var count = await UpdateAsync(state.Context, state.Messages, cancellationToken).ConfigureAwait(false);
                        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                        return count;
                    },
                    verifySucceeded: null,
                    cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // Committed or not: passes that started while it waited or held the lock handed out nothing.
                OutboxSignal.Pulse();
            }
        }
        finally
        {
            await context.Database.CloseConnectionAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses a redelivery from a handler of a pass whose session holds the lock of this outbox (the same table, found
    /// by the database the context's connection reaches): it would wait for that pass, which waits for the handler.
    /// </summary>
    private static async Task RefuseInOwnPassAsync(DbContext context, OutboxSql sql, CancellationToken cancellationToken)
    {
        if (s_pass.Value is { Active: true } pass
            && await ScalarAsync(context, sql.PassHoldsLock, cancellationToken, sql.TableName, pass.ProcessId).ConfigureAwait(false) is true)
        {
            throw new InvalidOperationException(
                $"Tracked changes of the outbox of {context.GetType().Name} cannot be redelivered from a handler of that outbox's changes: a redelivery " +
                "waits for the dispatcher passes under way, and this handler's pass does not end before the handler does. Redeliver from outside " +
                "the handlers (a job, an administration endpoint).");
        }
    }

    /// <summary>Takes the outbox's lock alone in the redelivery's own transaction, waiting for the passes under way.</summary>
    private static async Task LockAsync(DbContext context, OutboxSql sql, CancellationToken cancellationToken)
    {
        try
        {
            await ScalarAsync(context, sql.RedeliveryLock, cancellationToken, sql.TableName).ConfigureAwait(false);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested && LimitReached(context, error) is { } limit)
        {
            throw WaitedTooLong(context, limit, goesOn: false, error);
        }
    }

    /// <summary>
    /// Takes the outbox's lock alone in the caller's transaction, waiting for the passes under way, and resets
    /// <paramref name="messages"/>: the lock at once when the transaction holds it already (an earlier redelivery in it);
    /// refused when it holds other locks (a handler of the pass waited for might wait for them). Both inside a savepoint, so
    /// that a timeout, a cancellation, or a change that a snapshot of the caller's isolation level cannot update leaves the
    /// transaction usable, with nothing reset.
    /// </summary>
    private static async Task<int> ResetInCallersTransactionAsync(DbContext context, OutboxSql sql, IQueryable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var held = await ScalarAsync(context, sql.LocksHeld, cancellationToken, sql.TableName).ConfigureAwait(false);
        if (held is "other")
        {
            throw new InvalidOperationException(
                $"Tracked changes are redelivered in a transaction of {context.GetType().Name} that holds locks already: it has written or " +
                "locked rows, or taken a table or advisory lock. The redelivery waits for the dispatcher passes under way, and a handler of " +
                "one of them may wait for those locks: neither would go on until the command timeout. Redeliver first in the transaction, " +
                "before its other changes, or in a transaction of its own.");
        }

        await ScalarAsync(context, $"SAVEPOINT {Savepoint}", cancellationToken).ConfigureAwait(false);
        var waiting = held is not "outbox";
        int count;
        try
        {
            if (waiting)
            {
                await ScalarAsync(context, sql.RedeliveryLock, cancellationToken, sql.TableName).ConfigureAwait(false);
                waiting = false;
            }

            count = await UpdateAsync(context, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error)
        {
            var goesOn = await RestoreAsync(context).ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            if (waiting && LimitReached(context, error) is { } limit)
            {
                throw WaitedTooLong(context, limit, goesOn, error);
            }

            if (goesOn && ServerToolsTables.PostgresError(error) is { SqlState: PostgresErrorCodes.SerializationFailure } conflict)
            {
                throw await ChangedAfterSnapshotAsync(context, conflict).ConfigureAwait(false);
            }

            throw;
        }

        // Not cancelled: once the reset is made, giving up here would leave it applied (or abort the caller's transaction) while
        // the caller is told it was cancelled.
        await ScalarAsync(context, $"RELEASE SAVEPOINT {Savepoint}", CancellationToken.None).ConfigureAwait(false);
        return count;
    }

    private static InvalidOperationException WaitedTooLong(DbContext context, string limit, bool goesOn, Exception error) => new(
        $"The redelivery of tracked changes waits for the dispatcher passes under way over the outbox of {context.GetType().Name} to end, " +
        $"so that no pass hands out a redelivered change beside a later change of its entity, and a pass did not end within {limit}. " +
        "Nothing was redelivered" + (goesOn ? ", and your transaction goes on" : "") + ". A handler of tracked changes that " +
        "takes long keeps its pass under way. Try again, or give the context a longer command timeout (Database.SetCommandTimeout).",
        error);

    /// <summary>
    /// The error for a reset that PostgreSQL refused with 40001 in the caller's transaction (rolled back to the savepoint):
    /// under repeatable read or serializable, the transaction's snapshot is taken at its first statement, before the wait,
    /// and a row that a pass (or another transaction) changed since cannot be updated in it.
    /// </summary>
    private static async Task<InvalidOperationException> ChangedAfterSnapshotAsync(DbContext context, PostgresException conflict)
    {
        var isolation = await ScalarAsync(context, "SHOW transaction_isolation", CancellationToken.None).ConfigureAwait(false) as string;
        return new InvalidOperationException(
            $"The redelivery of tracked changes waited for the dispatcher passes under way over the outbox of {context.GetType().Name}, and some " +
            "of the changes it redelivers were changed after your transaction's snapshot (a pass delivered them or recorded a failure, or " +
            $"another redelivery reset them). Your transaction's isolation level ({isolation ?? "repeatable read or serializable"}; a " +
            "TransactionScope's default is serializable) reads as of its first statement, and PostgreSQL cannot update rows changed after " +
            "that (40001, could not serialize access). Nothing was redelivered, and your transaction goes on; trying again in it fails the " +
            "same way. Redeliver in a transaction of its own (outside yours), or in a read committed one: " +
            "Database.BeginTransaction(IsolationLevel.ReadCommitted), or new TransactionScope(TransactionScopeOption.Required, " +
            "new TransactionOptions { IsolationLevel = IsolationLevel.ReadCommitted }, TransactionScopeAsyncFlowOption.Enabled).",
            conflict);
    }

    /// <summary>
    /// Rolls the caller's transaction back to before the wait, so that it goes on; false when that failed too (the
    /// connection broke with the wait): then the error of the wait is the one to report, and the transaction is lost.
    /// </summary>
    private static async Task<bool> RestoreAsync(DbContext context)
    {
        try
        {
            await ScalarAsync(context, $"ROLLBACK TO SAVEPOINT {Savepoint}", CancellationToken.None).ConfigureAwait(false);
            await ScalarAsync(context, $"RELEASE SAVEPOINT {Savepoint}", CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (Exception error) when (error is NpgsqlException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Which time limit <paramref name="error"/> says was reached, in words, or null when it is another error.</summary>
    private static string? LimitReached(DbContext context, Exception error) => error switch
    {
        NpgsqlException { InnerException: TimeoutException } =>
            $"the command timeout ({context.Database.GetCommandTimeout() ?? (context.Database.GetDbConnection() as NpgsqlConnection)?.CommandTimeout} s)",
        PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable } => "the server's lock_timeout",
        PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => "the server's statement_timeout",
        _ => null,
    };

    private static async Task<int> UpdateAsync(DbContext context, IQueryable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var options = context.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>()?.Options;
        var now = (options?.TimeProvider ?? TimeProvider.System).GetUtcNow().ToUniversalTime();
        return await messages.ExecuteUpdateAsync(
            setters => setters
                .SetProperty(message => message.State, OutboxState.Pending)
                .SetProperty(message => message.Attempts, 0)
                .SetProperty(message => message.NextAttemptAt, now)
                .SetProperty(message => message.HandledBy, message => message.State == OutboxState.Delivered ? null : message.HandledBy)
                .SetProperty(message => message.DeliveredAt, (DateTimeOffset?)null),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The dispatchers of this process are woken when the caller's transaction ends, committed or not: EF's, through
    /// ServerTools' interceptor of the context, or the ambient one. (Woken now, they would find the lock taken and wait
    /// for their poll.)
    /// </summary>
    private static void WakeDispatchersWhenEnded(DbContext context, Transaction? ambient)
    {
        if (context.Database.CurrentTransaction is null && ambient is not null)
        {
            OutboxSignal.PulseWhenCompleted(ambient);
        }
        else if (context.GetInfrastructure().GetService(typeof(SaveChangesInterceptor)) is SaveChangesInterceptor interceptor)
        {
            interceptor.WakeDispatchersOnCommit();
        }
        else
        {
            OutboxSignal.Pulse();
        }
    }

    /// <summary>Whether the context's connection enlists in the ambient transaction: EF enlisted it, or Npgsql does on opening.</summary>
    private static bool TakesPartIn(DbContext context)
        => context.Database.GetEnlistedTransaction() is not null
           || context.Database.GetDbConnection() is not NpgsqlConnection connection
           || new NpgsqlConnectionStringBuilder(connection.ConnectionString).Enlist;

    /// <summary>A statement of the context's open connection and current transaction, with positional parameters; its first value.</summary>
    private static async Task<object?> ScalarAsync(DbContext context, string query, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = OutboxSql.Command(context, query, parameters);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class Pass(int processId) : IDisposable
    {
        /// <summary>The process id of the pass's session, which holds the outbox's lock.</summary>
        public int ProcessId { get; } = processId;

        public bool Active { get; private set; } = true;

        public void Dispose() => Active = false;
    }
}
