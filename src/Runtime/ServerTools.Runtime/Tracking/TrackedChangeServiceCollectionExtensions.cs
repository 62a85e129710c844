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
    /// the caller's transaction, if there is one: until that ends). Takes no lock when there is nothing to reset.
    /// </summary>
    /// <returns>How many changes were found and reset.</returns>
    /// <exception cref="InvalidOperationException">
    /// A pass did not end within the command timeout (or the server's lock or statement timeout); it is called from a
    /// handler of this outbox's changes, in a transaction that holds locks already (rows it wrote or locked, a table or
    /// advisory lock), or in a <c>TransactionScope</c> the connection does not enlist in; in a transaction of isolation level
    /// repeatable read or serializable (a <c>TransactionScope</c>'s default), a change to reset was changed after the
    /// transaction's snapshot (by the pass it waited for, say: PostgreSQL's 40001 is the inner exception); or the database
    /// lacks the outbox table. Nothing was reset, and the caller's transaction goes on, except when the database lacks the
    /// outbox table or the connection broke (PostgreSQL has aborted the transaction then).
    /// </exception>
    public static async Task<int> RedeliverTrackedChangesAsync(this DbContext context, IEnumerable<Guid> changeIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(changeIds);
        var ids = changeIds.ToList();
        return await OutboxRedelivery.ResetAsync(context, Infrastructure.ServerToolsTables.Rows<OutboxMessage>(context).Where(message => ids.Contains(message.Id)), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes every dead-lettered change pending again, with its attempts reset (after the cause was fixed); it goes to the
    /// handlers that have not handled it (<see cref="OutboxMessage.HandledBy"/>). Its entity's later changes may have been
    /// delivered meanwhile: it arrives after them (<see cref="TrackedChange{T}.Sequence"/> tells). Waits first for the
    /// dispatcher passes under way to commit, and no pass hands out a change until this commits (in the caller's
    /// transaction, if there is one: until that ends). Takes no lock when there is nothing to reset. In a caller's
    /// transaction of isolation level repeatable read or serializable, the dead letters are those of its snapshot (taken
    /// at its first statement): a change dead-lettered after it is left for the next redelivery.
    /// </summary>
    /// <returns>How many changes were reset.</returns>
    /// <exception cref="InvalidOperationException">
    /// A pass did not end within the command timeout (or the server's lock or statement timeout); it is called from a
    /// handler of this outbox's changes, in a transaction that holds locks already (rows it wrote or locked, a table or
    /// advisory lock), or in a <c>TransactionScope</c> the connection does not enlist in; in a transaction of isolation level
    /// repeatable read or serializable (a <c>TransactionScope</c>'s default), a change to reset was changed after the
    /// transaction's snapshot (by the pass it waited for, say: PostgreSQL's 40001 is the inner exception); or the database
    /// lacks the outbox table. Nothing was reset, and the caller's transaction goes on, except when the database lacks the
    /// outbox table or the connection broke (PostgreSQL has aborted the transaction then).
    /// </exception>
    public static Task<int> RedeliverDeadLetteredChangesAsync(this DbContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return OutboxRedelivery.ResetAsync(context, Infrastructure.ServerToolsTables.Rows<OutboxMessage>(context).Where(message => message.State == OutboxState.DeadLettered), cancellationToken);
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
}
