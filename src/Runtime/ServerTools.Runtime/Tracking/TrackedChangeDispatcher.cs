using System;
using System.Collections.Generic;
using System.Data;
using System.Data.Common;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using ServerTools.Infrastructure;
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
    /// How often an idle dispatcher looks for due changes. A commit of tracked changes by EF Core (SaveChanges, a
    /// transaction of the context, a <c>TransactionScope</c>) in the same process wakes it at once; this interval is how
    /// soon it sees changes committed otherwise (other processes, a transaction the application commits on its own
    /// <c>NpgsqlTransaction</c>), and retries that became due. Default: 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many changes one pass locks and delivers, in one transaction: of each entity type the dispatcher handles, up to
    /// this many entities' earliest pending change, then up to this many of the changes that follow them. Default: 100.
    /// </summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How many dispatch loops the hosted service runs in this process. Default: 1.</summary>
    public int Dispatchers { get; set; } = 1;

    /// <summary>
    /// How many of the entities whose changes one pass took have their changes handed to handlers at the same time, each
    /// delivery on the thread pool: while a slow handler runs, the pass's other entities are delivered beside it (their
    /// deliveries are recorded, and their next changes handed out, when the pass commits, after its slowest delivery). The changes of one entity still go one at a time, in order; the handlers of
    /// a change still run one after another, in registration order; the pass still records every outcome on its own
    /// connection and commits once. Each delivery in flight may hold a connection of its own (a handler's DbContext), so
    /// keep <see cref="Dispatchers"/> times this, plus the passes' own connections, within the connection pool. Default: 1,
    /// one delivery after another.
    /// </summary>
    public int MaxConcurrentDeliveries { get; set; } = 1;

    /// <summary>
    /// What the dispatcher does with the changes of a tracked entity type for which this process registers no
    /// <see cref="ITrackedChangeHandler{T}"/>. Default: <see cref="UnhandledTrackedChanges.Wait"/>, leave them pending for a
    /// dispatcher that has a handler.
    /// </summary>
    public UnhandledTrackedChanges UnhandledChanges { get; set; } = UnhandledTrackedChanges.Wait;

    /// <summary>
    /// How long a change that this dispatcher leaves to others (see <see cref="UnhandledChanges"/>) may be due before it
    /// logs a warning that names its entity type and how many wait; the dispatcher looks this often. Default: 5 minutes.
    /// </summary>
    public TimeSpan UnhandledWarningAfter { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock of due times and backoff. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// How many due changes of one type one statement of a claim reads at most to find the entities' earliest pending ones:
    /// the larger of 1,000 and four batches (tests set it lower). Changes that wait behind an earlier one of their entity,
    /// or that other dispatchers hold, are read and passed over, so this bounds a statement's work (and keeps it within
    /// the command timeout) however long one entity's backlog grows.
    /// </summary>
    internal int ClaimWindow
    {
        get => _claimWindow ?? Math.Max(1000, 4 * BatchSize);
        set => _claimWindow = value;
    }

    private int? _claimWindow;

    /// <summary>
    /// How many waiting changes of one type the warning about types without a handler counts at most (tests set it
    /// lower): beyond it, the warning says "at least", and counting a large backlog costs no more than this.
    /// </summary>
    internal int UnhandledCountLimit { get; set; } = 10_000;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxAttempts, 1, nameof(MaxAttempts));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Dispatchers, 1, nameof(Dispatchers));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentDeliveries, 1, nameof(MaxConcurrentDeliveries));
        ArgumentOutOfRangeException.ThrowIfLessThan(UnhandledCountLimit, 1, nameof(UnhandledCountLimit));
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstRetryDelay, TimeSpan.Zero, nameof(FirstRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, FirstRetryDelay, nameof(MaxRetryDelay));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(UnhandledWarningAfter, TimeSpan.Zero, nameof(UnhandledWarningAfter));
        if (!Enum.IsDefined(UnhandledChanges))
        {
            throw new ArgumentOutOfRangeException(nameof(UnhandledChanges), UnhandledChanges, "Use UnhandledTrackedChanges.Wait or UnhandledTrackedChanges.MarkDelivered.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider, nameof(TimeProvider));
    }
}

/// <summary>What a dispatcher does with the changes of an entity type for which its process registers no handler.</summary>
public enum UnhandledTrackedChanges
{
    /// <summary>
    /// Leave them pending, for a dispatcher of another process (or a later version of this one) that registers a handler of
    /// the type; log a warning when they wait longer than <see cref="TrackedChangeDispatcherOptions.UnhandledWarningAfter"/>.
    /// </summary>
    Wait,

    /// <summary>
    /// Mark them delivered, with a warning that names the type and how many: for a process that is the only one that
    /// dispatches this outbox, whose tracked types without a handler have no subscriber anywhere. (A type that never has
    /// subscribers is better marked <c>[Tracked(Operations = TrackedOperations.None)]</c>: its hooks run and it writes no
    /// outbox rows.)
    /// </summary>
    MarkDelivered,
}

/// <summary>
/// Delivers committed tracked changes from the outbox of <typeparamref name="TContext"/> to the application's
/// <see cref="ITrackedChangeHandler{T}"/> services. Each pass locks the due messages with <c>FOR UPDATE SKIP LOCKED</c> in
/// a transaction of its own, so several dispatchers, in one process or many, never hand the same change out twice at
/// the same time; a dispatcher that dies mid-pass leaves its messages pending for the next one. A dispatcher takes only
/// the changes of entity types its process registers a handler for, and the changes of one entity one at a time, in the
/// order they were committed.
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
    private const string FailureSavepoint = "servertools_failure";

    /// <summary>
    /// The explanations <see cref="ReadAsync(TContext, string, object[], Action{DbDataReader}, CancellationToken)"/> raised
    /// for a claim that read a column the outbox lacks (they name the migration that adds it): <see cref="DispatchAsync"/>
    /// lets them through rather than explain their PostgreSQL error again.
    /// </summary>
    private static readonly ConditionalWeakTable<Exception, object?> s_claimRefusals = [];

    private readonly IServiceScopeFactory _scopes;
    private readonly TrackedChangeDispatcherOptions _options;
    private readonly ILogger _logger;
    private readonly Lock _planLock = new();
    private Plan? _plan;
    private long _nextWaitingCheck = DateTimeOffset.MinValue.UtcTicks;

    /// <summary>Since when (UTC ticks of the options' clock) every pass has been refused the outbox's lock; 0 while passes get it.</summary>
    private long _refusedSince;

    /// <summary>When (UTC ticks) a refused pass may warn of the stall again; 0 until the stall's first warning.</summary>
    private long _nextStallWarning;

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
    /// One pass: locks due changes of the entity types this process has handlers for (of each type, up to
    /// <see cref="TrackedChangeDispatcherOptions.BatchSize"/> entities' earliest pending change, then up to as many of the
    /// changes that follow them), delivers each to every handler of its type (each change in a DI scope of its own, the
    /// changes of one entity in order, those of up to <see cref="TrackedChangeDispatcherOptions.MaxConcurrentDeliveries"/>
    /// entities at once), records the outcome and commits. Hands out nothing while a redelivery of tracked
    /// changes of this outbox is under way or waits for the passes under way (<c>RedeliverDeadLetteredChangesAsync</c>).
    /// </summary>
    /// <returns>How many changes the pass handled: delivered, failed, or set aside as unreadable.</returns>
    public async Task<int> DispatchAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetService<TContext>() ?? throw ContextNotRegistered();
        if (WithoutServerTools(scope.ServiceProvider, db) is { } refused)
        {
            throw refused;
        }

        var plan = PlanFor(scope.ServiceProvider);
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            return await strategy.ExecuteAsync(
                (Dispatcher: this, Db: db, Plan: plan),
                static (_, state, cancellationToken) => state.Dispatcher.PassAsync(state.Db, state.Plan, cancellationToken),
                verifySucceeded: null,
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (OutboxRefusal(error) is { } postgres && Explain(postgres, OutboxSql.For(db).Fields.Table) is { } explained)
        {
            throw explained;
        }
    }

    /// <summary>
    /// The explanation of <paramref name="postgres"/>, PostgreSQL's error that failed a pass over the outbox
    /// <paramref name="table"/>: a table, schema or column the database lacks, raised by a statement of the pass, is the
    /// outbox's (<see cref="ServerToolsTables.Explain"/>: which migration to add); raised in a function that a statement
    /// ran (<see cref="ServerToolsTables.RaisingFunction"/>: a trigger of the application's on the outbox), it is that
    /// function's, and the explanation says so. Null for any other error, which passes as PostgreSQL raised it.
    /// </summary>
    private static InvalidOperationException? Explain(Npgsql.PostgresException postgres, string table)
    {
        if (ServerToolsTables.RaisingFunction(postgres) is not { } function)
        {
            return ServerToolsTables.Explain(
                postgres,
                table,
                $"The dispatcher of {typeof(TContext).Name} delivers no tracked change until the database has it, and tries again after its poll interval.");
        }

        return postgres.SqlState is Npgsql.PostgresErrorCodes.UndefinedTable or Npgsql.PostgresErrorCodes.InvalidSchemaName or Npgsql.PostgresErrorCodes.UndefinedColumn
            ? new InvalidOperationException(
                $"PostgreSQL raised {postgres.SqlState} in the function {function}, which a statement of the dispatcher of {typeof(TContext).Name} ran on {table} " +
                "(a trigger on the table, or a function that the table's defaults, rules or policies call): the statement itself, the outbox and " +
                "ServerTools' migrations are not at fault. The inner exception, PostgreSQL's, names the table or column the function lacks (its Where " +
                "and InternalQuery say where): fix the function, or the trigger that runs it. The pass is rolled back and records nothing; the " +
                "dispatcher tries again after its poll interval.",
                postgres)
            : null;
    }

    /// <summary>
    /// PostgreSQL's error in <paramref name="error"/>, a pass's failure, for the explanation of an outbox the database lacks
    /// (or a column of it): bare from the pass's own commands, or inside the explanation ServerTools' command interceptor
    /// raised for the pass's <c>ExecuteUpdate</c>s of the outbox (<see cref="ServerToolsTables.ExplainNonQuery"/>, written for
    /// the application's bulk statements). Null for the claim's own explanation (<see cref="s_claimRefusals"/>), and for
    /// anything that is not PostgreSQL's answer: a network failure (<c>NpgsqlException</c>) or an execution strategy's
    /// <c>RetryLimitExceededException</c> around a transient error, which <see cref="ServerToolsTables.Explain"/> would not
    /// explain anyway, pass as they are.
    /// </summary>
    private static Npgsql.PostgresException? OutboxRefusal(Exception error)
        => s_claimRefusals.TryGetValue(error, out _) ? null : ServerToolsTables.PostgresError(error);

    /// <summary>
    /// Runs passes until <paramref name="cancellationToken"/> is cancelled: again at once after a pass that handled
    /// changes, otherwise after a commit of tracked changes in this process or <see cref="TrackedChangeDispatcherOptions.PollInterval"/>.
    /// A pass that fails (the database is down) is logged and retried after the poll interval.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TContext"/> is not registered in the application's services, or its options do not call
    /// <c>UseServerTools()</c>: mistakes of configuration that no retry mends, so the loop stops at once (a hosted service
    /// then stops the host) instead of failing every pass.
    /// </exception>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (var scope = _scopes.CreateAsyncScope())
        {
            var registered = scope.ServiceProvider.GetService<IServiceProviderIsService>() is { } services
                ? services.IsService(typeof(TContext))
                : scope.ServiceProvider.GetService<TContext>() is not null;
            if (!registered)
            {
                throw ContextNotRegistered();
            }

            if (WithoutServerTools(scope.ServiceProvider, scope.ServiceProvider.GetRequiredService<TContext>()) is { } refused)
            {
                throw refused;
            }
        }

        var failures = new FailedPasses(_logger, _options.TimeProvider);
        while (!cancellationToken.IsCancellationRequested)
        {
            // Taken before the pass, so that a commit while it runs wakes the wait after it.
            var pulse = OutboxSignal.Next();
            int handled;
            var wait = _options.PollInterval;
            try
            {
                handled = await DispatchAsync(cancellationToken).ConfigureAwait(false);
                failures.Succeeded();
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                wait = failures.Failed(exception, _options.PollInterval);
                handled = 0;
            }

            if (handled == 0)
            {
                await OutboxSignal.WaitAsync(pulse, wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The passes of one loop that failed in a row (a database that is down or restarting, or that lacks the outbox until
    /// its migration is applied): each kind of failure (exception type, and PostgreSQL's SQLSTATE) is logged with its
    /// exception the first time in the run; failures of kinds already logged are summed up without the stack at most every
    /// <see cref="RepeatEvery"/>; the loop waits longer after each failed pass of the run (twice the poll interval, four
    /// times, ... up to 32 times, and at most the longer of 30 s and the poll interval). A pass that succeeds after failures
    /// says so, with the run's length and start.
    /// </summary>
    private sealed class FailedPasses(ILogger logger, TimeProvider clock)
    {
        /// <summary>How often a failure that goes on is logged again.</summary>
        public static readonly TimeSpan RepeatEvery = TimeSpan.FromMinutes(5);

        /// <summary>At most this many kinds are remembered in one run; beyond them a new kind is summed up like the others.</summary>
        private const int MaxKinds = 16;

        private readonly HashSet<string> _logged = new(StringComparer.Ordinal);
        private int _count;
        private DateTimeOffset _since;
        private DateTimeOffset _loggedAt;

        /// <summary>Logs <paramref name="exception"/> as the rules above say; returns how long to wait before the next pass.</summary>
        public TimeSpan Failed(Exception exception, TimeSpan pollInterval)
        {
            var now = clock.GetUtcNow();
            if (++_count == 1)
            {
                _since = now;
            }

            var retried = exception is RetryLimitExceededException { InnerException: { } last } ? last : null;
            var postgres = ServerToolsTables.PostgresError(retried ?? exception);
            var kind = exception.GetType().FullName + (retried is null ? "" : " " + retried.GetType().FullName) + (postgres is null ? "" : " " + postgres.SqlState);
            if (_logged.Count < MaxKinds && _logged.Add(kind))
            {
                _loggedAt = now;
                TrackedDispatcherLog.PassFailed(logger, typeof(TContext).Name, exception.GetType().FullName, Cause(retried, postgres), exception);
            }
            else if (now - _loggedAt >= RepeatEvery)
            {
                _loggedAt = now;
                TrackedDispatcherLog.PassStillFails(logger, typeof(TContext).Name, _count, Invariant(_since), exception.GetType().FullName);
            }

            var longest = pollInterval > TimeSpan.FromSeconds(30) ? pollInterval : TimeSpan.FromSeconds(30);
            var wait = pollInterval * (1 << Math.Min(_count - 1, 5));
            return wait < longest ? wait : longest;
        }

        /// <summary>
        /// What failed a pass, beyond its exception's type, for the log: the last try's exception when the execution strategy
        /// retried the pass until its limit (<paramref name="retried"/>, inside EF Core's <c>RetryLimitExceededException</c>),
        /// and PostgreSQL's SQLSTATE (<paramref name="postgres"/>) with the function that raised it, if a function did. Never
        /// PostgreSQL's message, which may quote values. Empty when there is nothing to add.
        /// </summary>
        private static string Cause(Exception? retried, Npgsql.PostgresException? postgres)
        {
            var state = postgres is null ? "" : (retried is null ? "PostgreSQL's " : " ") + postgres.SqlState
                + (ServerToolsTables.RaisingFunction(postgres) is { } function
                    ? $", raised in the function {function}, which a statement of the pass ran, such as a trigger on the outbox table"
                    : "");
            return retried is not null
                ? $" (the execution strategy retried it until its limit; the last try failed with {retried.GetType().FullName}{state})"
                : state.Length > 0 ? $" ({state})" : "";
        }

        /// <summary>A pass succeeded: says so when passes had failed, and starts afresh.</summary>
        public void Succeeded()
        {
            if (_count > 0)
            {
                TrackedDispatcherLog.PassSucceedsAgain(logger, typeof(TContext).Name, _count, Invariant(_since));
                _count = 0;
                _logged.Clear();
            }
        }
    }

    /// <summary>A time as logs show it, the same in every culture (<c>2026-11-22 16:33:56Z</c>).</summary>
    internal static string Invariant(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The error for a context whose options do not call <c>UseServerTools()</c>, or null. EF Core builds a context's model
    /// when anything of the context is first used, its options included, and a model with <c>[TimeWindowed]</c> entities
    /// cannot be built without <c>UseServerTools()</c> (EF Core's error then says to call <c>ToJson()</c>): so the options the
    /// application registered are asked first, and a context whose model fails for want of ServerTools' mapping of
    /// <c>[TimeWindowed]</c> entities while they lack it gets this error, with EF Core's as its inner exception; any other
    /// error of the model is thrown as it is. Options added in the context's <c>OnConfiguring</c> count too.
    /// </summary>
    private static InvalidOperationException? WithoutServerTools(IServiceProvider services, TContext db)
    {
        if (services.GetService<DbContextOptions<TContext>>()?.FindExtension<ServerToolsOptionsExtension>() is not null)
        {
            return null;
        }

        try
        {
            return db.GetService<IDbContextOptions>().FindExtension<ServerToolsOptionsExtension>() is not null ? null : NoServerTools(null);
        }
        catch (InvalidOperationException error) when (IsUnmappedTimeWindows(error))
        {
            // Only this error says that the options lack UseServerTools() (they may add it in OnConfiguring, which ran by now
            // or failed): any other error of the model is the application's own, and is left as it is.
            return NoServerTools(error);
        }
    }

    /// <summary>
    /// Whether <paramref name="error"/> is EF Core's refusal of a model whose <c>[TimeWindowed]</c> entities' collections
    /// (<c>TimeWindows</c>, <c>SpecialDays</c>) no convention of ServerTools mapped: "The complex collection property
    /// 'Store.SpecialDays' must be mapped to a JSON column. Use 'ToJson()' ...".
    /// </summary>
    private static bool IsUnmappedTimeWindows(InvalidOperationException error)
        => error.Message.Contains("must be mapped to a JSON column", StringComparison.Ordinal)
            && (error.Message.Contains("." + nameof(ITimeWindowed.TimeWindows) + "'", StringComparison.Ordinal)
                || error.Message.Contains("." + nameof(ITimeWindowed.SpecialDays) + "'", StringComparison.Ordinal));

    private static InvalidOperationException NoServerTools(Exception? inner) => new(
        $"The tracked change dispatcher of {typeof(TContext).Name} delivers from that context's outbox, but the context's options do not " +
        "call UseServerTools(), which maps the outbox and writes it in every save. Add .UseServerTools() after the database provider's " +
        $"Use...(): services.AddDbContext<{typeof(TContext).Name}>(options => options.UseNpgsql(...).UseServerTools()).",
        inner);

    private static InvalidOperationException ContextNotRegistered() => new(
        $"The tracked change dispatcher of {typeof(TContext).Name} delivers from that context's outbox, but {typeof(TContext).Name} is not " +
        $"registered in the application's services. Register it with services.AddDbContext<{typeof(TContext).Name}>(options => " +
        "options.UseNpgsql(...).UseServerTools()).");

    /// <summary>
    /// Which entity types this dispatcher takes: those its process has a handler for, and with
    /// <see cref="UnhandledTrackedChanges.MarkDelivered"/> every other tracked type too. Found again when an assembly with
    /// tracked types is loaded.
    /// </summary>
    private Plan PlanFor(IServiceProvider services)
    {
        var version = TrackedDescriptors.Version;
        if (Volatile.Read(ref _plan) is { } current && current.Version == version)
        {
            return current;
        }

        lock (_planLock)
        {
            if (_plan is { } again && again.Version == version)
            {
                return again;
            }

            var handled = new List<string>();
            var unhandled = new HashSet<string>(StringComparer.Ordinal);
            foreach (var descriptor in TrackedDescriptors.All.OrderBy(static descriptor => descriptor.EntityName, StringComparer.Ordinal))
            {
                if (descriptor.HasHandlers(services))
                {
                    handled.Add(descriptor.EntityName);
                }
                else
                {
                    unhandled.Add(descriptor.EntityName);
                }
            }

            var markDelivered = _options.UnhandledChanges == UnhandledTrackedChanges.MarkDelivered;
            var plan = new Plan(version, markDelivered ? [.. handled, .. unhandled.Order(StringComparer.Ordinal)] : [.. handled], unhandled);
            var handledNames = handled.Count == 0 ? "no tracked type" : string.Join(", ", handled);
            var unhandledNames = string.Join(", ", unhandled.Order(StringComparer.Ordinal));
            if (unhandled.Count == 0)
            {
                TrackedDispatcherLog.PlanAllHandled(_logger, typeof(TContext).Name, handledNames);
            }
            else if (markDelivered)
            {
                TrackedDispatcherLog.PlanMarkingDelivered(_logger, typeof(TContext).Name, handledNames, unhandledNames);
            }
            else
            {
                TrackedDispatcherLog.PlanWaiting(_logger, typeof(TContext).Name, handledNames, unhandledNames);
            }

            Volatile.Write(ref _plan, plan);
            return plan;
        }
    }

    private async Task<int> PassAsync(TContext db, Plan plan, CancellationToken cancellationToken)
    {
        db.ChangeTracker.Clear();
        var sql = OutboxSql.For(db);
        // Read committed whatever the database's default: the claim's statements rely on its re-checks of rows changed
        // meanwhile, and each statement must see what committed before it, the redelivery that released the lock above all.
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        int processId;
        await using (var passLock = OutboxSql.Command(db, sql.PassLock, sql.TableName))
        {
            // A redelivery under way, or waiting for the passes under way: this pass hands out nothing. The redelivery wakes
            // the dispatchers of its process when it ends; those of other processes find its changes at their next poll.
            if (await passLock.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not int id)
            {
                await WarnOfStallAsync(db, sql, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                TrackedDispatcherLog.PassWaitsForRedelivery(_logger, typeof(TContext).Name);
                return 0;
            }

            processId = id;
            if (Volatile.Read(ref _refusedSince) != 0)
            {
                Interlocked.Exchange(ref _refusedSince, 0);
                Interlocked.Exchange(ref _nextStallWarning, 0);
            }
        }

        // A handler that redelivers changes of this outbox would wait for this pass: refused at once instead.
        using var inPass = OutboxRedelivery.EnterPass(processId);
        var now = _options.TimeProvider.GetUtcNow().ToUniversalTime();
        await WarnOfWaitingAsync(db, sql, plan, now, cancellationToken).ConfigureAwait(false);
        var runs = await ClaimAsync(db, sql, plan, now, cancellationToken).ConfigureAwait(false);
        if (runs.Count == 0)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return 0;
        }

        // Once the first handler has run, what the pass did is recorded and committed whatever happens to the token: a
        // dispatcher asked to stop hands out no more messages, and keeps the deliveries already made (else a restart
        // delivers them again). The messages it did not hand out stay locked until the commit, then due again.
        var deliveries = await DeliverRunsAsync(db, sql, plan, runs, now, cancellationToken).ConfigureAwait(false);
        if (deliveries.Delivered.Count > 0)
        {
            var recorded = await db.Database.ExecuteSqlRawAsync(
                sql.MarkDelivered, [nameof(OutboxState.Delivered), deliveries.Delivered.ToArray(), deliveries.DeliveredAt.ToArray()], CancellationToken.None).ConfigureAwait(false);
            if (recorded != deliveries.Delivered.Count)
            {
                throw new InvalidOperationException(
                    $"The dispatcher delivered {deliveries.Delivered.Count} tracked changes but could record only {recorded} of them in the outbox, whose rows it had " +
                    "locked: the outbox's mapping and its table disagree. The pass is rolled back, so the changes will be delivered again; check the " +
                    "mapping of OutboxMessage in OnModelCreating and the migrations of the outbox table.");
            }
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        foreach (var (type, count) in deliveries.WithoutHandler ?? [])
        {
            TrackedDispatcherLog.MarkedWithoutHandler(_logger, count, type);
        }

        return deliveries.Handled;
    }

    /// <summary>
    /// Hands the changes a pass took to their handlers: the changes of each entity's run in order, one at a time, a run
    /// ending at a change that is not delivered (it holds back the ones after it) or at a follower not due yet; and up to
    /// <see cref="TrackedChangeDispatcherOptions.MaxConcurrentDeliveries"/> runs at once, started in the order of
    /// <paramref name="runs"/>, each delivery on the thread pool when more than one may run. Only the handlers run beside
    /// each other: this flow records each outcome as its delivery ends (a failure, an unreadable row, the handlers that took
    /// a change before a stop), since the pass's context and connection serve one caller at a time, and returns the
    /// deliveries, which the pass records in one statement. Once the dispatcher is asked to stop, no further change is
    /// handed out, and the deliveries under way are awaited and recorded. Should recording fail, the deliveries under way
    /// are awaited before the exception goes on, so that no handler still holds a change when the pass's transaction, and
    /// its locks, end.
    /// </summary>
    private async Task<PassDeliveries> DeliverRunsAsync(
        TContext db, OutboxSql sql, Plan plan, List<List<(OutboxMessage Message, string? Unreadable)>> runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var result = new PassDeliveries();
        var model = db.Model;
        var inFlight = new List<(Task<HandlerRun> Outcome, List<(OutboxMessage Message, string? Unreadable)> Run, int Index)>();

        // Hands out the change at index of run, or ends the run there.
        async Task StartAsync(List<(OutboxMessage Message, string? Unreadable)> run, int index)
        {
            if (index >= run.Count)
            {
                return;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                result.Stopped = true;
                return;
            }

            var (message, unreadable) = run[index];
            if (index > 0 && message.NextAttemptAt > now)
            {
                return;
            }

            if (unreadable is not null)
            {
                result.Handled++;
                await UnreadableAsync(db, sql, message, unreadable).ConfigureAwait(false);
                return;
            }

            var outcome = _options.MaxConcurrentDeliveries == 1
                ? DeliverAsync(message, model, cancellationToken)
                : Task.Run(() => DeliverAsync(message, model, cancellationToken), CancellationToken.None);
            inFlight.Add((outcome, run, index));
        }

        var next = 0;
        try
        {
            while (true)
            {
                while (!result.Stopped && next < runs.Count && inFlight.Count < _options.MaxConcurrentDeliveries)
                {
                    await StartAsync(runs[next++], 0).ConfigureAwait(false);
                }

                if (inFlight.Count == 0)
                {
                    return result;
                }

                var ended = inFlight.Count == 1
                    ? inFlight[0].Outcome
                    : await Task.WhenAny(inFlight.Select(static delivery => delivery.Outcome)).ConfigureAwait(false);
                var at = inFlight.FindIndex(delivery => delivery.Outcome == ended);
                var (_, run, index) = inFlight[at];
                inFlight.RemoveAt(at);
                var outcome = await ended.ConfigureAwait(false);
                if (await RecordAsync(db, sql, plan, run[index].Message, outcome, result).ConfigureAwait(false) && !result.Stopped)
                {
                    // The entity's next change keeps its place, ahead of the runs not started yet.
                    await StartAsync(run, index + 1).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (inFlight.Count > 0)
            {
                await Task.WhenAll(inFlight.Select(static delivery => (Task)delivery.Outcome)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Records how the delivery of <paramref name="message"/> went, in the pass's transaction or in <paramref name="result"/>;
    /// returns whether the next change of its entity may follow (it was delivered).
    /// </summary>
    private async Task<bool> RecordAsync(TContext db, OutboxSql sql, Plan plan, OutboxMessage message, HandlerRun outcome, PassDeliveries result)
    {
        if (outcome.Stopped)
        {
            // A handler that threw before the stop failed all the same: its attempt counts, with its error.
            result.Stopped = true;
            if (outcome.Failures.Count > 0)
            {
                result.Handled++;
                await FailedAsync(db, sql, message, outcome).ConfigureAwait(false);
            }
            else if (outcome.Handled.Count > 0)
            {
                await RecordHandledAsync(db, message, outcome.Handled).ConfigureAwait(false);
            }

            return false;
        }

        result.Handled++;
        if (outcome.Failures.Count > 0)
        {
            await FailedAsync(db, sql, message, outcome).ConfigureAwait(false);
            return false;
        }

        result.Delivered.Add(message.Id);
        result.DeliveredAt.Add(_options.TimeProvider.GetUtcNow().ToUniversalTime());
        if (outcome.Handled.Count == 0 && message.HandledBy is not { Count: > 0 } && plan.Unhandled.Contains(message.EntityType))
        {
            result.WithoutHandler ??= new Dictionary<string, int>(StringComparer.Ordinal);
            result.WithoutHandler[message.EntityType] = result.WithoutHandler.GetValueOrDefault(message.EntityType) + 1;
        }

        return true;
    }

    /// <summary>
    /// Warns when every pass of this dispatcher has been refused the outbox's lock for longer than the larger of 30 seconds
    /// and three poll intervals, once per stall and again every 5 minutes (or that threshold, if longer) while it lasts,
    /// naming the sessions that hold the lock or wait for it: a redelivery's transaction that stays open, a redelivery that
    /// waits for a slow pass, or another role that takes the key (PostgreSQL's advisory locks have no privileges).
    /// </summary>
    private async Task WarnOfStallAsync(TContext db, OutboxSql sql, CancellationToken cancellationToken)
    {
        var now = _options.TimeProvider.GetUtcNow().UtcTicks;
        Interlocked.CompareExchange(ref _refusedSince, now, 0);
        var since = Interlocked.Read(ref _refusedSince);
        var threshold = Math.Max(TimeSpan.FromSeconds(30).Ticks, 3 * _options.PollInterval.Ticks);
        var due = Interlocked.Read(ref _nextStallWarning);
        if (now - since < threshold || now < due
            || Interlocked.CompareExchange(ref _nextStallWarning, now + Math.Max(TimeSpan.FromMinutes(5).Ticks, threshold), due) != due)
        {
            return;
        }

        var sessions = new List<string>();
        await using (var command = OutboxSql.Command(db, sql.LockSessions, sql.TableName))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                sessions.Add(DescribeLockSession(reader));
            }
        }

        if (sessions.Count > 0)
        {
            TrackedDispatcherLog.PassesStalled(_logger, typeof(TContext).Name, (int)TimeSpan.FromTicks(now - since).TotalSeconds, string.Join("; ", sessions));
        }
    }

    /// <summary>
    /// A row of <see cref="OutboxSql.LockSessions"/> in words: who, and what it does with the lock; never what it runs. The
    /// role's name may hold control characters (PostgreSQL cleans the application's name itself), so both are made
    /// <see cref="LogText.Printable"/>.
    /// </summary>
    private static string DescribeLockSession(DbDataReader reader)
    {
        var what = (reader.GetBoolean(4) ? "holds it" : "waits for it") + (reader.GetBoolean(5) ? " alone" : " shared");
        if (reader.IsDBNull(0))
        {
            return $"a prepared transaction (pg_prepared_xacts) {what}";
        }

        string Text(int ordinal) => reader.IsDBNull(ordinal) ? "not visible to this role" : LogText.Printable(reader.GetString(ordinal));
        var open = reader.IsDBNull(6) ? "not visible to this role" : FormattableString.Invariant($"{reader.GetDouble(6):0} s");
        return FormattableString.Invariant(
            $"pid {reader.GetInt32(0)} (role {Text(1)}, application '{Text(2)}', state {Text(3)}, transaction open for {open}) {what}");
    }

    /// <summary>
    /// Locks the messages of this pass, grouped by entity, each group in order: the earliest pending change of each entity
    /// that is due and held by no other dispatcher, up to a batch of each type (<see cref="ClaimHeadsAsync"/>), then
    /// up to a batch of those entities' later pending changes (<see cref="OutboxSql.Followers"/>, locked with
    /// <see cref="OutboxSql.LockFollowers"/>), each entity's up to the first that the lock skipped, so a backlog of one
    /// entity's changes drains a batch per pass. Groups in the order their first change became due.
    /// </summary>
    private async Task<List<List<(OutboxMessage Message, string? Unreadable)>>> ClaimAsync(
        TContext db, OutboxSql sql, Plan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (plan.Claimed.Length == 0)
        {
            return [];
        }

        var (heads, followed) = await ClaimHeadsAsync(db, sql, plan, now, cancellationToken).ConfigureAwait(false);
        heads.Sort(static (left, right) => left.Message.NextAttemptAt != right.Message.NextAttemptAt
            ? left.Message.NextAttemptAt.CompareTo(right.Message.NextAttemptAt)
            : left.Message.Sequence.CompareTo(right.Message.Sequence));
        var runs = new List<List<(OutboxMessage Message, string? Unreadable)>>(heads.Count);
        var byEntity = new Dictionary<(string Type, string Key), List<(OutboxMessage Message, string? Unreadable)>>(heads.Count);
        foreach (var head in heads)
        {
            List<(OutboxMessage Message, string? Unreadable)> run = [head];
            runs.Add(run);
            byEntity[(head.Message.EntityType, head.Message.EntityKey)] = run;
        }

        var leaders = heads.Where(head => followed.Contains(head.Message.Id)).ToList();
        if (leaders.Count == 0)
        {
            return runs;
        }

        var candidates = new List<(Guid Id, string Type, string Key)>();
        await using (var command = OutboxSql.Command(
            db,
            sql.Followers,
            [
                leaders.Select(static head => head.Message.EntityType).ToArray(),
                leaders.Select(static head => head.Message.EntityKey).ToArray(),
                leaders.Select(static head => head.Message.Sequence).ToArray(),
                _options.BatchSize,
            ]))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                candidates.Add((reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        if (candidates.Count == 0)
        {
            return runs;
        }

        var locked = (await ReadAsync(db, sql, sql.LockFollowers, [candidates.Select(static candidate => candidate.Id).ToArray()], cancellationToken)
            .ConfigureAwait(false)).ToDictionary(static follower => follower.Message.Id);

        // A follower the lock skipped is held by another transaction (a redelivery, an update of the application's), or is
        // no longer pending: its entity's run ends before it, so no later change of the entity overtakes it.
        var cut = new HashSet<(string Type, string Key)>();
        foreach (var (id, type, key) in candidates)
        {
            if (cut.Contains((type, key)))
            {
                continue;
            }

            if (locked.TryGetValue(id, out var follower))
            {
                byEntity[(type, key)].Add(follower);
            }
            else
            {
                cut.Add((type, key));
            }
        }

        return runs;
    }

    /// <summary>
    /// Locks the earliest pending change of up to a batch of entities of each type, oldest first, reading the due changes
    /// of each type a window at a time (<see cref="TrackedChangeDispatcherOptions.ClaimWindow"/>): the first window of every
    /// type in one statement (<see cref="OutboxSql.ClaimHeads"/>), then, for a type whose window held fewer heads than a
    /// batch and whose due changes go on, the following windows one statement each (<see cref="OutboxSql.ClaimHeadsAfter"/>)
    /// until it has a batch or has read them all. So no statement reads more than a window, however long the backlog
    /// behind one entity whose head waits for a retry; a pass still reads as far as it must.
    /// </summary>
    private async Task<(List<(OutboxMessage Message, string? Unreadable)> Heads, HashSet<Guid> Followed)> ClaimHeadsAsync(
        TContext db, OutboxSql sql, Plan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var heads = new List<(OutboxMessage Message, string? Unreadable)>();
        var claimed = new HashSet<Guid>();
        var followed = new HashSet<Guid>();
        var ends = await ClaimWindowAsync(db, sql, sql.ClaimHeads, [plan.Claimed, now, _options.BatchSize, _options.ClaimWindow], heads, claimed, followed, cancellationToken)
            .ConfigureAwait(false);
        foreach (var (type, end) in ends)
        {
            var remaining = _options.BatchSize - heads.Count(head => head.Message.EntityType == type);
            var start = end;
            while (remaining > 0)
            {
                var before = heads.Count;
                var next = await ClaimWindowAsync(
                    db, sql, sql.ClaimHeadsAfter, [new[] { type }, now, remaining, _options.ClaimWindow, start.Next, start.Sequence], heads, claimed, followed, cancellationToken)
                    .ConfigureAwait(false);
                remaining -= heads.Count - before;
                if (!next.TryGetValue(type, out start))
                {
                    break;
                }
            }
        }

        return (heads, followed);
    }

    /// <summary>
    /// Runs <see cref="OutboxSql.ClaimHeads"/> or <see cref="OutboxSql.ClaimHeadsAfter"/>: adds the heads it locked to
    /// <paramref name="heads"/> and their ids to <paramref name="claimed"/> (and to <paramref name="followed"/> the ids of
    /// those that later changes of their entity follow), and returns, of each type whose window gave fewer than a batch and
    /// whose due changes go on beyond it, where the next window starts.
    /// </summary>
    private static async Task<Dictionary<string, (DateTimeOffset Next, long Sequence)>> ClaimWindowAsync(
        TContext db,
        OutboxSql sql,
        string query,
        object[] parameters,
        List<(OutboxMessage Message, string? Unreadable)> heads,
        HashSet<Guid> claimed,
        HashSet<Guid> followed,
        CancellationToken cancellationToken)
    {
        var ends = new Dictionary<string, (DateTimeOffset Next, long Sequence)>(StringComparer.Ordinal);
        await ReadAsync(db, query, parameters, reader =>
        {
            if (reader.IsDBNull(0))
            {
                ends[reader.GetString(1)] = (reader.GetFieldValue<DateTimeOffset>(10), reader.GetInt64(11));
            }
            else if (claimed.Add(reader.GetGuid(0)))
            {
                // (Each head once, as a guard: a row is locked only where a window reads it, and windows do not overlap.)
                var head = OutboxReader.Read(reader, sql.FieldNames);
                heads.Add(head);
                if (reader.GetBoolean(OutboxSql.FollowedColumn))
                {
                    followed.Add(head.Message.Id);
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return ends;
    }

    /// <summary>Runs one of the claiming queries in the pass's transaction and reads its rows (<see cref="OutboxReader"/>).</summary>
    private static async Task<List<(OutboxMessage Message, string? Unreadable)>> ReadAsync(
        TContext db, OutboxSql sql, string query, object[] parameters, CancellationToken cancellationToken)
    {
        var rows = new List<(OutboxMessage Message, string? Unreadable)>();
        await ReadAsync(db, query, parameters, reader => rows.Add(OutboxReader.Read(reader, sql.FieldNames)), cancellationToken).ConfigureAwait(false);
        return rows;
    }

    /// <summary>Runs one of the claiming queries in the pass's transaction and hands each row to <paramref name="read"/>.</summary>
    private static async Task ReadAsync(TContext db, string query, object[] parameters, Action<DbDataReader> read, CancellationToken cancellationToken)
    {
        await using var command = OutboxSql.Command(db, query, parameters);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                read(reader);
            }
        }
        catch (Npgsql.PostgresException exception) when (exception.SqlState == Npgsql.PostgresErrorCodes.UndefinedColumn
            && ServerToolsTables.RaisingFunction(exception) is null)
        {
            // A column a function lacks (one that a row-level security policy on the outbox calls) is the function's: the
            // pass's explanation (Explain) says so.
            var explained = ClaimLacksColumn(OutboxSql.For(db), exception);
            s_claimRefusals.AddOrUpdate(explained, null);
            throw explained;
        }
    }

    /// <summary>
    /// The explanation of <paramref name="exception"/>, PostgreSQL's 42703 for a claiming query: the outbox lacks a column
    /// the query reads. One that the migration <c>OutboxDeliveryOrder</c> added (<c>Sequence</c>, <c>HandledBy</c>) names
    /// that migration; another one, which the table had before it (dropped or renamed by hand, or its migration not
    /// applied), is named with its property and what to do.
    /// </summary>
    private static InvalidOperationException ClaimLacksColumn(OutboxSql sql, Npgsql.PostgresException exception)
    {
        var table = sql.Fields.Table;
        var context = typeof(TContext).Name;
        var message = UndefinedColumns.Parse(exception.MessageText) is ({ } column, _, _)
            ? sql.AddedByDeliveryOrder(column)
                ? $"The outbox table {table} of {context} has no column {column}, which this version of ServerTools reads: the migration " +
                  "OutboxDeliveryOrder adds it. Add that migration (dotnet ef migrations add OutboxDeliveryOrder) and apply it: it adds the columns " +
                  "Sequence and HandledBy and the indexes the dispatchers use (see docs/tracking.md, upgrading)."
                : sql.Properties.TryGetValue(column, out var property)
                    ? $"The outbox table {table} of {context} has no column {column}, which this version of ServerTools reads: the model maps it " +
                      $"for {nameof(OutboxMessage)}.{property}. The dispatcher delivers no tracked change until the table has it. The migration that " +
                      "creates the outbox (AddServerTools) is not applied, or the column was dropped or renamed by hand since: apply the context's " +
                      "migrations (dotnet ef database update), and if they are all applied, give the table the column as the model maps it " +
                      "(rename it back, or add it in a migration of yours)."
                    : null
            : null;
        return new InvalidOperationException(
            message ?? $"The outbox table {table} of {context} lacks a column this version of ServerTools reads ({exception.MessageText}). Compare " +
                       $"the table with the model's mapping of {nameof(OutboxMessage)} and apply the context's migrations (dotnet ef database update).",
            exception);
    }

    /// <summary>
    /// Logs, at most once per <see cref="TrackedChangeDispatcherOptions.UnhandledWarningAfter"/>, the entity types whose
    /// changes this dispatcher does not take and that have been due that long: how many wait, never what they hold.
    /// </summary>
    private async Task WarnOfWaitingAsync(TContext db, OutboxSql sql, Plan plan, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var due = Interlocked.Read(ref _nextWaitingCheck);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref _nextWaitingCheck, (now + _options.UnhandledWarningAfter).UtcTicks, due) != due)
        {
            return;
        }

        var limit = _options.UnhandledCountLimit;
        await using var command = OutboxSql.Command(db, sql.Waiting, nameof(OutboxState.Pending), now - _options.UnhandledWarningAfter, plan.Claimed, limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var stored = reader.GetString(0);
            var count = reader.GetInt32(1);
            var oldest = Invariant(reader.GetFieldValue<DateTimeOffset>(2));
            var known = TrackedDescriptors.TryGet(stored, out _);
            var type = LogText.Printable(stored);
            if (count < limit)
            {
                if (known)
                {
                    TrackedDispatcherLog.WaitingWithoutHandler(_logger, count, type, oldest, typeof(TContext).Name);
                }
                else
                {
                    TrackedDispatcherLog.WaitingUnknownType(_logger, count, type, oldest);
                }
            }
            else if (known)
            {
                TrackedDispatcherLog.ManyWaitingWithoutHandler(_logger, count, type, oldest, typeof(TContext).Name);
            }
            else
            {
                TrackedDispatcherLog.ManyWaitingUnknownType(_logger, count, type, oldest);
            }
        }
    }

    /// <summary>
    /// Hands <paramref name="message"/> to every handler of its type that has not handled it yet. A failure to create the
    /// handlers (their DI registration) counts as a failure of them all. A failure to dispose of their DI scope afterwards is
    /// logged and changes nothing: the handlers' outcomes stand.
    /// </summary>
    private async Task<HandlerRun> DeliverAsync(OutboxMessage message, IModel model, CancellationToken cancellationToken)
    {
        if (!TrackedDescriptors.TryGet(message.EntityType, out var descriptor))
        {
            // Not claimed unless a descriptor of the type is registered: only a type registered since the claim's plan lacks one.
            var missing = new HandlerRun();
            missing.Failures.Add(("(none)", new InvalidOperationException(
                $"No [Tracked] entity type named '{message.EntityType}' is loaded in this process, so its change cannot be delivered.")));
            return missing;
        }

        var scope = _scopes.CreateAsyncScope();
        HandlerRun run;
        try
        {
            run = await descriptor.DeliverAsync(scope.ServiceProvider, message, model, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run = new HandlerRun { Stopped = true };
        }
        catch (Exception exception)
        {
            run = new HandlerRun();
            run.Failures.Add(($"the handlers of {message.EntityType} (creating them)", exception));
        }

        try
        {
            await scope.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            TrackedDispatcherLog.ScopeDisposalFailed(_logger, message.Id, message.EntityType, exception.GetType().FullName);
        }

        return run;
    }

    /// <summary>
    /// Records a failed delivery: one more attempt, which handlers threw what, which handled it (they are skipped next
    /// time), then a retry after the backoff, or the dead letters.
    /// </summary>
    private Task FailedAsync(TContext db, OutboxSql sql, OutboxMessage message, HandlerRun outcome)
    {
        var error = string.Join('\n', outcome.Failures.Select(static failure => $"{failure.Handler}: {failure.Exception.GetType().FullName}: {failure.Exception.Message}"));
        var summary = string.Join(", ", outcome.Failures.Select(static failure => $"{failure.Handler} threw {failure.Exception.GetType().FullName}"));
        return RecordFailureAsync(db, sql, message, error, summary, [.. message.HandledBy ?? [], .. outcome.Handled]);
    }

    /// <summary>A message whose content cannot be read: a failed attempt that no handler saw, with the reason (never a field's value).</summary>
    private Task UnreadableAsync(TContext db, OutboxSql sql, OutboxMessage message, string reason)
    {
        TrackedDispatcherLog.Unreadable(_logger, message.Id, LogText.Printable(message.EntityType), message.Attempts + 1, LogText.Printable(reason));
        return RecordFailureAsync(
            db, sql, message, $"ServerTools could not read this change, so no handler received it: {reason}.", "an unreadable row", message.HandledBy ?? []);
    }

    /// <summary>
    /// Writes a failed attempt in a savepoint of the pass: when the database refuses <paramref name="error"/> (a constraint
    /// or an encoding of the application's), the attempt is written again with <paramref name="summary"/> (handler and
    /// exception types) in its place, so the change is still counted, retried and dead-lettered, and the pass keeps its
    /// other deliveries. An outbox that lacks the table or a column the statement writes (such as <c>LastError</c>, in a table
    /// made by hand) refuses any text: that fails the pass, and <see cref="DispatchAsync"/> explains it.
    /// </summary>
    private async Task RecordFailureAsync(TContext db, OutboxSql sql, OutboxMessage message, string error, string summary, List<string> handledBy)
    {
        var attempts = message.Attempts + 1;
        var maxLength = Math.Min(MaxErrorLength, sql.LastErrorMaxLength ?? MaxErrorLength);
        var deadLettered = attempts >= _options.MaxAttempts;
        var state = deadLettered ? OutboxState.DeadLettered : OutboxState.Pending;
        var next = deadLettered ? message.NextAttemptAt : _options.TimeProvider.GetUtcNow().ToUniversalTime() + RetryDelay(attempts);
        List<string>? handled = handledBy.Count == 0 ? null : handledBy;
        Task<int> WriteAsync(string lastError) => db.Set<OutboxMessage>().Where(m => m.Id == message.Id).ExecuteUpdateAsync(
            setters => setters
                .SetProperty(m => m.Attempts, attempts)
                .SetProperty(m => m.LastError, lastError)
                .SetProperty(m => m.State, state)
                .SetProperty(m => m.NextAttemptAt, next)
                .SetProperty(m => m.HandledBy, handled),
            CancellationToken.None);

        var transaction = db.Database.CurrentTransaction!;
        await transaction.CreateSavepointAsync(FailureSavepoint, CancellationToken.None).ConfigureAwait(false);
        try
        {
            await WriteAsync(Storable(error, maxLength)).ConfigureAwait(false);
        }
        catch (Exception refused) when (OutboxRefusal(refused) is not { SqlState: Npgsql.PostgresErrorCodes.UndefinedTable or Npgsql.PostgresErrorCodes.InvalidSchemaName or Npgsql.PostgresErrorCodes.UndefinedColumn })
        {
            await transaction.RollbackToSavepointAsync(FailureSavepoint, CancellationToken.None).ConfigureAwait(false);
            var reason = refused is Npgsql.PostgresException { SqlState: var code } ? $"{refused.GetType().FullName} {code}" : refused.GetType().FullName;
            TrackedDispatcherLog.ErrorNotStored(_logger, message.Id, message.EntityType, reason);
            await WriteAsync(Storable($"The text of this failure could not be stored ({reason}); what failed: {summary}.", maxLength)).ConfigureAwait(false);
        }

        await transaction.ReleaseSavepointAsync(FailureSavepoint, CancellationToken.None).ConfigureAwait(false);
        if (deadLettered)
        {
            TrackedDispatcherLog.DeadLettered(_logger, message.Id, message.EntityType, attempts, summary);
        }
        else
        {
            TrackedDispatcherLog.DeliveryFailed(_logger, message.Id, message.EntityType, attempts, summary);
        }
    }

    /// <summary>
    /// <paramref name="text"/> as a PostgreSQL text column takes it: each NUL (which text cannot hold) and each lone
    /// surrogate (which has no UTF-8 form) replaced by U+FFFD, cut to <paramref name="maxLength"/> UTF-16 units without
    /// splitting a surrogate pair.
    /// </summary>
    private static string Storable(string text, int maxLength)
    {
        var length = Math.Min(text.Length, maxLength);
        if (length > 0 && length < text.Length && char.IsHighSurrogate(text[length - 1]) && char.IsLowSurrogate(text[length]))
        {
            length--;
        }

        return string.Create(length, text, static (span, text) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < span.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    span[i] = c;
                    span[++i] = text[i];
                    continue;
                }

                span[i] = c == '\0' || char.IsSurrogate(c) ? '\uFFFD' : c;
            }
        });
    }

    /// <summary>The handlers that handled a change before the dispatcher stopped: kept, so they are not handed it again; no attempt is counted.</summary>
    private static async Task RecordHandledAsync(TContext db, OutboxMessage message, List<string> handled)
    {
        List<string> handledBy = [.. message.HandledBy ?? [], .. handled];
        await db.Set<OutboxMessage>().Where(m => m.Id == message.Id)
            .ExecuteUpdateAsync(setters => setters.SetProperty(m => m.HandledBy, handledBy), CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>The wait after the <paramref name="attempts"/>-th failure: doubling from the first delay, capped.</summary>
    private TimeSpan RetryDelay(int attempts)
    {
        var factor = Math.Pow(2, Math.Min(attempts - 1, 30));
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.FirstRetryDelay.Ticks * factor, _options.MaxRetryDelay.Ticks));
        return delay;
    }

    /// <summary>
    /// The entity types a dispatcher claims (<see cref="Claimed"/>), and those its process has no handler for
    /// (<see cref="Unhandled"/>), as of a <see cref="TrackedDescriptors.Version"/>.
    /// </summary>
    private sealed record Plan(int Version, string[] Claimed, HashSet<string> Unhandled);

    /// <summary>
    /// What the deliveries of a pass came to: how many changes it handled, the changes delivered with the time of each, how
    /// many of those of each type without a handler were marked delivered, and whether it stopped.
    /// </summary>
    private sealed class PassDeliveries
    {
        public int Handled { get; set; }

        public List<Guid> Delivered { get; } = [];

        public List<DateTimeOffset> DeliveredAt { get; } = [];

        public Dictionary<string, int>? WithoutHandler { get; set; }

        public bool Stopped { get; set; }
    }
}

/// <summary>
/// What the dispatcher logs: change ids, entity types, handler types, counts and exception types, never field values, and
/// never the message of a handler's exception (it may hold personal data; it is kept in <see cref="OutboxMessage.LastError"/>).
/// </summary>
internal static partial class TrackedDispatcherLog
{
    [LoggerMessage(1, LogLevel.Warning, "Delivery of tracked change {ChangeId} ({EntityType}) failed on attempt {Attempt}: {Failures}; it will be retried.")]
    public static partial void DeliveryFailed(ILogger logger, Guid changeId, string entityType, int attempt, string failures);

    [LoggerMessage(2, LogLevel.Error, "Tracked change {ChangeId} ({EntityType}) was dead-lettered after {Attempt} failed deliveries, the last: {Failures}. Redeliver it with RedeliverTrackedChangesAsync.")]
    public static partial void DeadLettered(ILogger logger, Guid changeId, string entityType, int attempt, string failures);

    [LoggerMessage(3, LogLevel.Error, "A dispatch pass over the outbox of {Context} failed with {ExceptionType}{Cause}; it will be tried again.")]
    public static partial void PassFailed(ILogger logger, string context, string? exceptionType, string cause, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "Tracked change {ChangeId} ({EntityType}) could not be read, so no handler received it (attempt {Attempt}): {Reason}.")]
    public static partial void Unreadable(ILogger logger, Guid changeId, string entityType, int attempt, string reason);

    [LoggerMessage(5, LogLevel.Warning,
        "{Count} tracked changes of {EntityType} have waited since {Oldest} or earlier, and the dispatcher of {Context} in this process has no handler " +
        "of that type, so it leaves them to a dispatcher that has one. Register the ITrackedChangeHandler in every process that runs this dispatcher; " +
        "for a type without subscribers, set Operations = TrackedOperations.None on its [Tracked] (the class's, or each tracked property's), or UnhandledChanges = MarkDelivered where this process dispatches alone.")]
    public static partial void WaitingWithoutHandler(ILogger logger, int count, string entityType, string oldest, string context);

    [LoggerMessage(6, LogLevel.Warning,
        "{Count} tracked changes of {EntityType} have waited since {Oldest} or earlier, and no [Tracked] type of that name is loaded in this process. " +
        "Run a dispatcher where the entity's assembly is loaded; if the type was renamed or removed, delete or redirect those outbox rows.")]
    public static partial void WaitingUnknownType(ILogger logger, int count, string entityType, string oldest);

    [LoggerMessage(7, LogLevel.Information,
        "The dispatcher of {Context} delivers the tracked changes of {HandledTypes}; it leaves those of {UnhandledTypes}, which this process has no handler for, to other dispatchers.")]
    public static partial void PlanWaiting(ILogger logger, string context, string handledTypes, string unhandledTypes);

    [LoggerMessage(15, LogLevel.Information, "The dispatcher of {Context} delivers the tracked changes of {HandledTypes}: this process has a handler for every tracked type.")]
    public static partial void PlanAllHandled(ILogger logger, string context, string handledTypes);

    [LoggerMessage(8, LogLevel.Information,
        "The dispatcher of {Context} delivers the tracked changes of {HandledTypes}; it marks those of {UnhandledTypes}, which this process has no handler for, delivered (UnhandledChanges = MarkDelivered).")]
    public static partial void PlanMarkingDelivered(ILogger logger, string context, string handledTypes, string unhandledTypes);

    [LoggerMessage(9, LogLevel.Warning, "{Count} tracked changes of {EntityType} were marked delivered without a handler (UnhandledChanges = MarkDelivered).")]
    public static partial void MarkedWithoutHandler(ILogger logger, int count, string entityType);

    [LoggerMessage(10, LogLevel.Warning,
        "Disposing the DI scope in which tracked change {ChangeId} ({EntityType}) was handed to its handlers threw {ExceptionType}. The handlers' " +
        "outcomes stand: a handler that took the change is not handed it again. Fix the Dispose or DisposeAsync of the scoped service that threw.")]
    public static partial void ScopeDisposalFailed(ILogger logger, Guid changeId, string entityType, string? exceptionType);

    [LoggerMessage(11, LogLevel.Warning,
        "The database refused the error text of the failed delivery of tracked change {ChangeId} ({EntityType}) with {Reason}; the attempt is recorded " +
        "with the types of the handlers and exceptions in its LastError instead. Check the constraints and the encoding of the outbox's LastError column.")]
    public static partial void ErrorNotStored(ILogger logger, Guid changeId, string entityType, string? reason);

    [LoggerMessage(12, LogLevel.Debug, "A dispatch pass over the outbox of {Context} handed out nothing: a redelivery of tracked changes is under way or waits for the passes under way.")]
    public static partial void PassWaitsForRedelivery(ILogger logger, string context);

    [LoggerMessage(16, LogLevel.Warning,
        "The dispatch passes over the outbox of {Context} have handed out nothing for {Seconds} s: other sessions hold the outbox's advisory lock " +
        "or wait for it alone: {Sessions}. A redelivery of tracked changes holds it alone until its transaction ends (a transaction that stays " +
        "open after a redelivery stops every dispatcher) and waits for it alone while a pass is under way (a slow handler); any role that may " +
        "connect to the database can take it too. End that transaction (or pg_terminate_backend(pid)), commit soon after a redelivery, and " +
        "keep other roles from the database (docs/tracking.md).")]
    public static partial void PassesStalled(ILogger logger, string context, int seconds, string sessions);

    [LoggerMessage(13, LogLevel.Warning,
        "At least {Count} tracked changes of {EntityType} have waited since {Oldest} or earlier, and the dispatcher of {Context} in this process has no " +
        "handler of that type, so it leaves them to a dispatcher that has one. Register the ITrackedChangeHandler in every process that runs this " +
        "dispatcher; for a type without subscribers, set Operations = TrackedOperations.None on its [Tracked] (the class's, or each tracked property's), or UnhandledChanges = MarkDelivered where this " +
        "process dispatches alone.")]
    public static partial void ManyWaitingWithoutHandler(ILogger logger, int count, string entityType, string oldest, string context);

    [LoggerMessage(14, LogLevel.Warning,
        "At least {Count} tracked changes of {EntityType} have waited since {Oldest} or earlier, and no [Tracked] type of that name is loaded in this " +
        "process. Run a dispatcher where the entity's assembly is loaded; if the type was renamed or removed, delete or redirect those outbox rows.")]
    public static partial void ManyWaitingUnknownType(ILogger logger, int count, string entityType, string oldest);

    [LoggerMessage(17, LogLevel.Error,
        "Dispatch passes over the outbox of {Context} have failed {Count} times in a row since {Since}, the last with {ExceptionType}, " +
        "as logged before; the dispatcher goes on trying, less often.")]
    public static partial void PassStillFails(ILogger logger, string context, int count, string since, string? exceptionType);

    [LoggerMessage(18, LogLevel.Information, "Dispatch passes over the outbox of {Context} succeed again, after {Count} failed since {Since}.")]
    public static partial void PassSucceedsAgain(ILogger logger, string context, int count, string since);
}
