using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServerTools.Tracking;

namespace ServerTools;

/// <summary>Settings of the dispatchers that deliver tracked changes from the outbox (<see cref="TrackedChangeDispatcher{TContext}"/>).</summary>
public sealed class TrackedChangeDispatcherOptions
{
    /// <summary>How many deliveries of one change are tried before it is dead-lettered. Default: 10.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>The wait before the first retry; each further retry waits twice as long, up to <see cref="MaxRetryDelay"/>. Default: 5 seconds.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between two retries. Default: 10 minutes.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How often an idle dispatcher looks for due changes. Saves in the same process wake it at once; this interval is
    /// how soon it sees changes committed by other processes, and retries that became due. Default: 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many changes one pass locks and delivers, in one transaction. Default: 100.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How many dispatch loops the hosted service runs in this process. Default: 1.</summary>
    public int Dispatchers { get; set; } = 1;

    /// <summary>The clock of due times and backoff. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Dispatchers, 1, nameof(Dispatchers));
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstRetryDelay, TimeSpan.Zero, nameof(FirstRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, FirstRetryDelay, nameof(MaxRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}

/// <summary>
/// Delivers committed tracked changes from the outbox of <typeparamref name="TContext"/> to the application's
/// <see cref="ITrackedChangeHandler{T}"/> services. Each pass locks the due messages with <c>FOR UPDATE SKIP LOCKED</c> in
/// a transaction of its own, so several dispatchers, in one process or many, never hand the same change out twice at
/// the same time; a dispatcher that dies mid-pass leaves its messages pending for the next one.
/// </summary>
/// <remarks>
/// Register it with <see cref="TrackedChangeServiceCollectionExtensions.AddTrackedChangeDispatcher{TContext}"/>, which also
/// runs it as a hosted service; call <see cref="DispatchAsync"/> yourself to deliver from a job or a test.
/// </remarks>
/// <typeparam name="TContext">The context whose outbox is delivered; it must use <c>UseServerTools()</c> and be registered in DI.</typeparam>
public sealed class TrackedChangeDispatcher<TContext>
    where TContext : DbContext
{
    private const int MaxErrorLength = 2000;
    private readonly IServiceScopeFactory _scopes;
    private readonly TrackedChangeDispatcherOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a dispatcher. DI does this for you.</summary>
    public TrackedChangeDispatcher(IServiceScopeFactory scopes, TrackedChangeDispatcherOptions options, ILogger<TrackedChangeDispatcher<TContext>>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _scopes = scopes;
        _options = options;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// One pass: locks up to <see cref="TrackedChangeDispatcherOptions.BatchSize"/> due changes, delivers each to every
    /// handler of its type (each change in a DI scope of its own), records the outcome and commits.
    /// </summary>
    /// <returns>How many changes the pass handled, delivered or failed.</returns>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TContext>();
        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync(
            (Dispatcher: this, Db: db),
            static (_, state, cancellationToken) => state.Dispatcher.PassAsync(state.Db, cancellationToken),
            verifySucceeded: null,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs passes until <paramref name="cancellationToken"/> is cancelled: again at once after a full batch, otherwise
    /// after a commit of tracked changes in this process or <see cref="TrackedChangeDispatcherOptions.PollInterval"/>.
    /// A pass that fails (the database is down) is logged and retried after the poll interval.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            int handled;
            try
            {
                handled = await DispatchAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                TrackedDispatcherLog.PassFailed(_logger, typeof(TContext).Name, exception.GetType().FullName, exception);
                handled = 0;
            }

            if (handled < _options.BatchSize)
            {
                await OutboxSignal.WaitAsync(_options.PollInterval, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<int> PassAsync(TContext db, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var sql = OutboxSql.For(db);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = _options.TimeProvider.GetUtcNow().ToUniversalTime();
        // Lock first, then load the locked rows: EF Core 10.0 cannot materialize a JSON complex collection from FromSql.
        var ids = await db.Database
            .SqlQueryRaw<Guid>(sql.LockDue, nameof(OutboxState.Pending), now, _options.BatchSize)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        // Untracked, and not saved through the change tracker: the deliveries of the pass are recorded by one statement, a
        // failure (rare) by one of its own, so neither depends on what a tracked save would check (row versions).
        var due = await db.Set<OutboxMessage>().AsNoTracking().Where(message => ids.Contains(message.Id))
            .OrderBy(message => message.NextAttemptAt).ThenBy(message => message.Id)
            .ToListAsync(cancellationToken).ConfigureAwait(false);
        // Once the first handler has run, what the pass did is recorded and committed whatever happens to the token: a
        // dispatcher asked to stop hands out no more messages, and keeps the deliveries already made (else a restart
        // delivers them again). The messages it did not hand out stay locked until the commit, then due again.
        var delivered = new List<Guid>(due.Count);
        var deliveredAt = new List<DateTimeOffset>(due.Count);
        var handled = 0;
        foreach (var message in due)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            var (stopped, failure) = await DeliverAsync(message, cancellationToken).ConfigureAwait(false);
            if (stopped)
            {
                break;
            }

            handled++;
            if (failure is not null)
            {
                await FailedAsync(db, message, failure, CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                delivered.Add(message.Id);
                deliveredAt.Add(_options.TimeProvider.GetUtcNow().ToUniversalTime());
            }
        }

        if (delivered.Count > 0)
        {
            var recorded = await db.Database.ExecuteSqlRawAsync(
                sql.MarkDelivered, [nameof(OutboxState.Delivered), delivered.ToArray(), deliveredAt.ToArray()], CancellationToken.None).ConfigureAwait(false);
            if (recorded != delivered.Count)
            {
                throw new InvalidOperationException(
                    $"The dispatcher delivered {delivered.Count} tracked changes but could record only {recorded} of them in the outbox, whose rows it had " +
                    "locked: the outbox's mapping and its table disagree. The pass is rolled back, so the changes will be delivered again; check the " +
                    "mapping of OutboxMessage in OnModelCreating and the migrations of the outbox table.");
            }
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return handled;
    }

    /// <summary>
    /// Hands <paramref name="message"/> to every handler of its type: no failure when all took it, else the failure; stopped
    /// when a handler gave up because the dispatcher is stopping (the message is then neither delivered nor failed).
    /// </summary>
    private async Task<(bool Stopped, Exception? Failure)> DeliverAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        try
        {
            if (!TrackedDescriptors.TryGet(message.EntityType, out var descriptor))
            {
                throw new InvalidOperationException(
                    $"No [Tracked] entity type named '{message.EntityType}' is loaded in this process, so its change cannot be delivered. " +
                    "Run the dispatcher in a process that references the assembly of that entity.");
            }

            await using var scope = _scopes.CreateAsyncScope();
            await descriptor.DeliverAsync(scope.ServiceProvider, message, cancellationToken).ConfigureAwait(false);
            return (false, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (true, null);
        }
        catch (Exception exception)
        {
            return (false, exception);
        }
    }

    /// <summary>Records a failed delivery: one more attempt and the error, then a retry after the backoff, or the dead letters.</summary>
    private async Task FailedAsync(TContext db, OutboxMessage message, Exception exception, CancellationToken cancellationToken)
    {
        var attempts = message.Attempts + 1;
        var error = $"{exception.GetType().FullName}: {exception.Message}";
        error = error.Length > MaxErrorLength ? error[..MaxErrorLength] : error;
        var deadLettered = attempts >= _options.MaxAttempts;
        var state = deadLettered ? OutboxState.DeadLettered : OutboxState.Pending;
        var next = deadLettered ? message.NextAttemptAt : _options.TimeProvider.GetUtcNow().ToUniversalTime() + RetryDelay(attempts);
        await db.Set<OutboxMessage>().Where(m => m.Id == message.Id).ExecuteUpdateAsync(
            setters => setters
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.LastError, error)
                .SetProperty(m => m.State, state)
                .SetProperty(m => m.NextAttemptAt, next),
            cancellationToken).ConfigureAwait(false);
        if (deadLettered)
        {
            TrackedDispatcherLog.DeadLettered(_logger, message.Id, message.EntityType, attempts, exception.GetType().FullName);
        }
        else
        {
            TrackedDispatcherLog.DeliveryFailed(_logger, message.Id, message.EntityType, attempts, exception.GetType().FullName);
        }
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: doubling from the first delay, capped.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.FirstRetryDelay.Ticks * factor, _options.MaxRetryDelay.Ticks));
        return delay;
    }
}

/// <summary>
/// What the dispatcher logs: change ids, entity types, counts and exception types, never field values, and never the
/// message of a handler's exception (it may hold personal data; it is kept in <see cref="OutboxMessage.LastError"/>).
/// </summary>
internal static partial class TrackedDispatcherLog
{
    [LoggerMessage(1, LogLevel.Warning, "Delivery of tracked change {ChangeId} ({EntityType}) failed on attempt {Attempt} with {ExceptionType}; it will be retried.")]
    public static partial void DeliveryFailed(ILogger logger, Guid changeId, string entityType, int attempt, string? exceptionType);

    [LoggerMessage(2, LogLevel.Error, "Tracked change {ChangeId} ({EntityType}) was dead-lettered after {Attempt} failed deliveries, the last with {ExceptionType}. Redeliver it with RedeliverTrackedChangesAsync.")]
    public static partial void DeadLettered(ILogger logger, Guid changeId, string entityType, int attempt, string? exceptionType);

    [LoggerMessage(3, LogLevel.Error, "A dispatch pass over the outbox of {Context} failed with {ExceptionType}; it will be tried again.")]
    public static partial void PassFailed(ILogger logger, string context, string? exceptionType, Exception exception);
}
