using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ServerTools.Tracking;

namespace ServerTools;

/// <summary>Registers the delivery of tracked changes.</summary>
public static class TrackedChangeServiceCollectionExtensions
{
    /// <summary>
    /// Registers a <see cref="TrackedChangeDispatcher{TContext}"/> for the outbox of <typeparamref name="TContext"/> and runs
    /// it as a hosted service (<see cref="TrackedChangeDispatcherOptions.Dispatchers"/> loops). Handlers are ordinary
    /// registrations: <c>services.AddScoped&lt;ITrackedChangeHandler&lt;SaleOrder&gt;, NotifyWarehouse&gt;()</c>.
    /// </summary>
    /// <param name="services">The application's services; <typeparamref name="TContext"/> must be registered too (<c>AddDbContext</c>).</param>
    /// <param name="configure">Changes the defaults of <see cref="TrackedChangeDispatcherOptions"/>.</param>
    /// <exception cref="InvalidOperationException">It was called before for <typeparamref name="TContext"/>.</exception>
    public static IServiceCollection AddTrackedChangeDispatcher<TContext>(this IServiceCollection services, Action<TrackedChangeDispatcherOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(static service => service.ServiceType == typeof(TrackedChangeDispatcher<TContext>)))
        {
            throw new InvalidOperationException(
                $"AddTrackedChangeDispatcher<{typeof(TContext).Name}>() was called twice for {typeof(TContext).Name} (or TrackedChangeDispatcher<" +
                $"{typeof(TContext).Name}> was registered before it): one dispatcher runs per context, " +
                "with the options of one call, so the second call's options (Dispatchers, BatchSize, ...) would be ignored. Call it once, and set " +
                "every option in that call's delegate: services.AddTrackedChangeDispatcher<" + typeof(TContext).Name + ">(o => { o.Dispatchers = 4; ... }).");
        }

        var options = new TrackedChangeDispatcherOptions();
        configure?.Invoke(options);
        options.Validate();
        services.AddSingleton(provider => new TrackedChangeDispatcher<TContext>(
            provider.GetRequiredService<IServiceScopeFactory>(),
            options,
            provider.GetService<Microsoft.Extensions.Logging.ILogger<TrackedChangeDispatcher<TContext>>>()));
        services.AddHostedService(provider => new TrackedChangeDispatcherService<TContext>(
            provider.GetRequiredService<TrackedChangeDispatcher<TContext>>(), options.Dispatchers));
        return services;
    }
}

/// <summary>Runs the dispatch loops of one context's outbox for the lifetime of the host.</summary>
internal sealed class TrackedChangeDispatcherService<TContext>(TrackedChangeDispatcher<TContext> dispatcher, int loops) : BackgroundService
    where TContext : DbContext
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
        => Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(() => dispatcher.RunAsync(stoppingToken), CancellationToken.None)));
}

/// <summary>Reading and redelivering the outbox of tracked changes.</summary>
public static class TrackedChangeDbContextExtensions
{
    /// <summary>
    /// Makes the changes with ids <paramref name="changeIds"/> pending again, whatever their state, with their attempts
    /// reset; the dispatchers deliver them at their next pass. A delivered change is replayed to every handler of its
    /// type; a dead-lettered or pending one goes to the handlers that have not handled it (<see cref="OutboxMessage.HandledBy"/>).
    /// Waits first for the dispatcher passes under way to commit, and no pass hands out a change until this commits (in
    /// the caller's transaction, if there is one: until that ends).
    /// </summary>
    /// <returns>How many changes were found and reset.</returns>
    /// <exception cref="InvalidOperationException">A pass did not end within the command timeout; nothing was reset.</exception>
    public static async Task<int> RedeliverTrackedChangesAsync(this DbContext context, IEnumerable<Guid> changeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(changeIds);
        var ids = changeIds.ToList();
        return await Reset(context, Infrastructure.ServerToolsTables.Rows<OutboxMessage>(context).Where(message => ids.Contains(message.Id)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes every dead-lettered change pending again, with its attempts reset (after the cause was fixed); it goes to the
    /// handlers that have not handled it (<see cref="OutboxMessage.HandledBy"/>). Its entity's later changes may have been
    /// delivered meanwhile: it arrives after them (<see cref="TrackedChange{T}.Sequence"/> tells). Waits first for the
    /// dispatcher passes under way to commit, and no pass hands out a change until this commits (in the caller's
    /// transaction, if there is one: until that ends).
    /// </summary>
    /// <returns>How many changes were reset.</returns>
    /// <exception cref="InvalidOperationException">A pass did not end within the command timeout; nothing was reset.</exception>
    public static Task<int> RedeliverDeadLetteredChangesAsync(this DbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Reset(context, Infrastructure.ServerToolsTables.Rows<OutboxMessage>(context).Where(message => message.State == OutboxState.DeadLettered), cancellationToken);
    }

    /// <summary>
    /// Deletes the delivered changes saved before <paramref name="olderThan"/> (<see cref="OutboxMessage.Timestamp"/>), in
    /// batches of <paramref name="batchSize"/>, each in its own short statement. Pending and dead-lettered changes stay,
    /// whatever their age. Run it from a job: nothing deletes delivered changes otherwise.
    /// </summary>
    /// <returns>The number of changes deleted.</returns>
    public static Task<int> PurgeDeliveredChangesAsync(this DbContext context, DateTimeOffset olderThan, int batchSize = 5000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Infrastructure.BatchedDelete.RunAsync<OutboxMessage>(
            context, message => message.State == OutboxState.Delivered && message.Timestamp < olderThan, batchSize, cancellationToken);
    }

    /// <summary>
    /// Makes <paramref name="messages"/> pending again, in a transaction that first takes the outbox's advisory lock alone
    /// (<see cref="OutboxSql.RedeliveryLock"/>): it waits for the dispatcher passes under way, and no pass starts until it
    /// commits. Otherwise a redelivered change, earlier than a change of its entity that a pass holds, could be handed out by
    /// another pass at the same time as that one. In the caller's transaction when there is one (the context's, or a
    /// <see cref="System.Transactions.TransactionScope"/>), which then holds the lock until it ends.
    /// </summary>
    private static async Task<int> Reset(DbContext context, IQueryable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        var sql = OutboxSql.For(context);
        int reset;
        if (context.Database.CurrentTransaction is not null || System.Transactions.Transaction.Current is not null)
        {
            reset = await LockAndResetAsync(context, sql, messages, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            reset = await context.Database.CreateExecutionStrategy().ExecuteAsync(
                (Context: context, Sql: sql, Messages: messages),
                static async (_, state, cancellationToken) =>
                {
                    await using var transaction = await state.Context.Database.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                    var count = await LockAndResetAsync(state.Context, state.Sql, state.Messages, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    return count;
                },
                verifySucceeded: null,
                cancellationToken).ConfigureAwait(false);
        }

        if (reset > 0)
        {
            OutboxSignal.Pulse();
        }

        return reset;
    }

    private static async Task<int> LockAndResetAsync(DbContext context, OutboxSql sql, IQueryable<OutboxMessage> messages, CancellationToken cancellationToken)
    {
        try
        {
            await context.Database.ExecuteSqlRawAsync(sql.RedeliveryLock, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (!cancellationToken.IsCancellationRequested
                                      && error is Npgsql.NpgsqlException { InnerException: TimeoutException }
                                          or Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.QueryCanceled or Npgsql.PostgresErrorCodes.LockNotAvailable })
        {
            var limit = error is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.LockNotAvailable }
                ? "the server's lock_timeout"
                : $"the command timeout ({context.Database.GetCommandTimeout() ?? (context.Database.GetDbConnection() as Npgsql.NpgsqlConnection)?.CommandTimeout} s)";
            throw new InvalidOperationException(
                $"The redelivery of tracked changes waits for the dispatcher passes under way over the outbox of {context.GetType().Name} to end, " +
                $"so that no pass hands out a redelivered change beside a later change of its entity, and a pass did not end within {limit}. " +
                "Nothing was redelivered. A handler of tracked changes that takes long keeps its pass under way; a redelivery called from such a " +
                "handler waits for its own pass. Try again, redeliver from outside the handlers (a job, an administration endpoint), or give " +
                "the context a longer command timeout (Database.SetCommandTimeout).",
                error);
        }

        var options = Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Infrastructure.IDbContextOptions>(context)
            .FindExtension<Infrastructure.ServerToolsOptionsExtension>()?.Options;
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
}
