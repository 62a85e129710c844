using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// One pass that hands the changes of several entities to their handlers at the same time
/// (<see cref="TrackedChangeDispatcherOptions.MaxConcurrentDeliveries"/>): handlers wait on gates that the tests open, so
/// what runs beside what is decided by the tests, not by timing. Tests of one class run one at a time, so each clears the outbox.
/// </summary>
public sealed class ConcurrentDeliveryTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    /// <summary>How long a test waits for something that must happen before it calls it a failure (never reached when the dispatcher is right).</summary>
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Up_to_the_limit_of_entities_are_handed_to_their_handlers_at_the_same_time_and_no_more()
    {
        var keys = await CreateOrdersAsync(5);
        var inFlight = new InFlight();
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = inFlight.Recording(_ => open.Task);
        await using var services = database.Services(deliveries, o => o.MaxConcurrentDeliveries = 3);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        var pass = Task.Run(() => dispatcher.DispatchAsync());
        try
        {
            await ReachedAsync(inFlight.WhenRunning(3), "Three entities' handlers running at once");

            // The three that run are the first three the pass took; the other two wait for a free place.
            Assert.Equal(keys.Take(3).Order(StringComparer.Ordinal), deliveries.Received.Select(c => c.EntityKey).Order(StringComparer.Ordinal));
        }
        finally
        {
            open.TrySetResult();
            await Task.WhenAny(pass);
        }

        Assert.Equal(5, await pass);
        Assert.Equal(3, inFlight.MostAtOnce);
        Assert.Equal(5, await DeliveredAtTheFirstAttemptAsync());
    }

    [Fact]
    public async Task A_handler_that_blocks_holds_back_its_own_entity_only_and_the_other_entities_of_the_pass_are_delivered_beside_it()
    {
        var keys = await CreateOrdersAsync(5);
        var slow = keys[0];
        await UpdateAsync(slow);
        var inFlight = new InFlight();
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = inFlight.Recording(change => change.EntityKey == slow ? open.Task : Task.CompletedTask);
        await using var services = database.Services(deliveries, o => o.MaxConcurrentDeliveries = 2);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        var pass = Task.Run(() => dispatcher.DispatchAsync());
        try
        {
            // The first entity's handler blocks (a slow call); the four after it go through the other place meanwhile.
            await ReachedAsync(inFlight.WhenEntered(1, new HashSet<string> { slow }), "The first entity's change handed out");
            await ReachedAsync(inFlight.WhenExited(4), "The four other entities' changes delivered while the first one's handler blocks");
            Assert.Equal([slow], inFlight.Running);
            Assert.Equal(keys.Order(StringComparer.Ordinal), deliveries.Received.Select(c => c.EntityKey).Order(StringComparer.Ordinal));
        }
        finally
        {
            open.TrySetResult();
            await Task.WhenAny(pass);
        }

        // The blocked entity's next change followed it once it was delivered, in the same pass.
        Assert.Equal(6, await pass);
        Assert.Equal([TrackedOperation.Create, TrackedOperation.Update], deliveries.Received.Where(c => c.EntityKey == slow).Select(c => c.Operation));
        Assert.Equal(6, await DeliveredAtTheFirstAttemptAsync());
    }

    [Fact]
    public async Task The_changes_of_one_entity_are_handed_out_one_at_a_time_in_order_while_other_entities_run_beside_them()
    {
        var keys = await CreateOrdersAsync(4);
        var ordered = keys[0];
        for (var i = 1; i <= 3; i++)
        {
            await UpdateAsync(ordered, i);
        }

        var inFlight = new InFlight();
        var deliveries = inFlight.Recording(async change =>
        {
            // The first change of each entity waits until all four run at once, so a next change of the first entity
            // handed out too early would run beside its first.
            if (change.Operation == TrackedOperation.Create)
            {
                await inFlight.WhenRunning(keys.Count).WaitAsync(s_patience);
            }

            await Task.Yield();
        });
        await using var services = database.Services(deliveries, o => o.MaxConcurrentDeliveries = 50);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(7, await Task.Run(() => dispatcher.DispatchAsync()));

        Assert.Equal(0, inFlight.EntityOverlaps);
        Assert.True(inFlight.MostAtOnce >= keys.Count, "The four entities' first changes ran at once.");
        var changes = deliveries.Received.Where(c => c.EntityKey == ordered).ToList();
        Assert.Equal(["0", "1", "2", "3"], changes.Select(c => c.Fields.Single(f => f.Field == nameof(SaleOrder.Total)).NewValue));
        Assert.Equal(changes.Select(c => c.Sequence).Order(), changes.Select(c => c.Sequence));
        Assert.Equal(7, await DeliveredAtTheFirstAttemptAsync());
    }

    [Fact]
    public async Task By_default_a_pass_hands_out_one_change_at_a_time_and_a_blocked_handler_holds_back_the_rest()
    {
        Assert.Equal(1, new TrackedChangeDispatcherOptions().MaxConcurrentDeliveries);
        var keys = await CreateOrdersAsync(4);
        var inFlight = new InFlight();
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = inFlight.Recording(change => change.EntityKey == keys[0] ? open.Task : Task.CompletedTask);
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        var pass = Task.Run(() => dispatcher.DispatchAsync());
        try
        {
            await ReachedAsync(inFlight.WhenEntered(1), "The first change handed out");
        }
        finally
        {
            open.TrySetResult();
            await Task.WhenAny(pass);
        }

        Assert.Equal(4, await pass);
        Assert.Equal(1, inFlight.MostAtOnce);
        Assert.Equal(keys.SelectMany(key => new[] { "+" + key, "-" + key }), inFlight.Events);
    }

    [Fact]
    public async Task A_handler_that_fails_beside_others_is_recorded_as_a_failed_attempt_with_its_error_and_the_others_are_delivered()
    {
        var keys = await CreateOrdersAsync(3);
        var failing = keys[0];
        await UpdateAsync(failing);
        var inFlight = new InFlight();
        var deliveries = inFlight.Recording(async change =>
        {
            await inFlight.WhenRunning(3).WaitAsync(s_patience);
            if (change.EntityKey == failing)
            {
                throw new TimeoutException("warehouse down");
            }
        });
        await using var services = database.Services(
            services => services.AddSingleton(deliveries)
                .AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>()
                .AddScoped<ITrackedChangeHandler<SaleOrder>, IgnoringHandler<SaleOrder>>(),
            o => (o.MaxConcurrentDeliveries, o.FirstRetryDelay) = (3, TimeSpan.FromMinutes(1)));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // The failure, and the two deliveries beside it; the failed change holds back its entity's next one.
        Assert.Equal(3, await Task.Run(() => dispatcher.DispatchAsync()));
        Assert.Equal(3, inFlight.MostAtOnce);
        await using (var check = database.Create())
        {
            var messages = await check.Set<OutboxMessage>().ToListAsync();
            var failed = messages.Single(m => m.EntityKey == failing && m.Operation == TrackedOperation.Create);
            Assert.Equal((OutboxState.Pending, 1, database.Clock.Now + TimeSpan.FromMinutes(1)), (failed.State, failed.Attempts, failed.NextAttemptAt));
            Assert.Equal("ServerTools.Tests.Tracking.RecordingHandler: System.TimeoutException: warehouse down", failed.LastError);
            Assert.Equal(["ServerTools.Tests.Tracking.IgnoringHandler`1[ServerTools.Tests.Tracking.SaleOrder]"], failed.HandledBy);
            var held = messages.Single(m => m.EntityKey == failing && m.Operation == TrackedOperation.Update);
            Assert.Equal((OutboxState.Pending, 0), (held.State, held.Attempts));
            Assert.All(messages.Where(m => m.EntityKey != failing), m => Assert.Equal((OutboxState.Delivered, 1, null, null), (m.State, m.Attempts, m.LastError, m.HandledBy)));
        }

        // Its retry, then the change it held back.
        deliveries.Behaviour = null;
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(2, await dispatcher.DispatchAsync());
        await using (var check = database.Create())
        {
            var messages = await check.Set<OutboxMessage>().Where(m => m.EntityKey == failing).OrderBy(m => m.Sequence).ToListAsync();
            Assert.Equal([(OutboxState.Delivered, 2), (OutboxState.Delivered, 1)], messages.Select(m => (m.State, m.Attempts)));
        }

        Assert.Equal([TrackedOperation.Create, TrackedOperation.Create, TrackedOperation.Update], deliveries.Received.Where(c => c.EntityKey == failing).Select(c => c.Operation));
    }

    [Fact]
    public async Task A_dispatcher_asked_to_stop_while_deliveries_run_side_by_side_records_each_outcome_and_hands_out_no_more()
    {
        var keys = await CreateOrdersAsync(5);
        var (givesUp, finishes, fails) = (keys[0], keys[1], keys[2]);
        using var stop = new CancellationTokenSource();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new InFlight();
        var deliveries = new Deliveries();
        deliveries.Behaviour = async (change, token) =>
        {
            inFlight.Enter(change.EntityKey);
            try
            {
                // Three run when the host stops: one gives up on the token, one finishes, one throws.
                await stopped.Task.WaitAsync(s_patience, CancellationToken.None);
                if (change.EntityKey == givesUp)
                {
                    token.ThrowIfCancellationRequested();
                }
                else if (change.EntityKey == fails)
                {
                    throw new InvalidOperationException("refused while stopping");
                }
            }
            finally
            {
                inFlight.Exit(change.EntityKey);
            }
        };
        await using var services = database.Services(deliveries, o => (o.MaxConcurrentDeliveries, o.FirstRetryDelay) = (3, TimeSpan.FromMinutes(1)));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        var pass = Task.Run(() => dispatcher.DispatchAsync(stop.Token));
        try
        {
            await ReachedAsync(inFlight.WhenRunning(3), "Three entities' handlers running at once");
            await stop.CancelAsync();
        }
        finally
        {
            stopped.TrySetResult();
            await Task.WhenAny(pass);
        }

        // The delivery that finished and the failure are handled; the one that gave up and the two never started are not.
        Assert.Equal(2, await pass);
        Assert.Equal(keys.Take(3).Order(StringComparer.Ordinal), deliveries.Received.Select(c => c.EntityKey).Order(StringComparer.Ordinal));
        await using (var check = database.Create())
        {
            var messages = await check.Set<OutboxMessage>().ToDictionaryAsync(m => m.EntityKey);
            Assert.Equal((OutboxState.Delivered, 1), (messages[finishes].State, messages[finishes].Attempts));
            Assert.Equal((OutboxState.Pending, 1), (messages[fails].State, messages[fails].Attempts));
            Assert.Equal("ServerTools.Tests.Tracking.RecordingHandler: System.InvalidOperationException: refused while stopping", messages[fails].LastError);
            Assert.All(new[] { givesUp, keys[3], keys[4] }, key => Assert.Equal((OutboxState.Pending, 0, null), (messages[key].State, messages[key].Attempts, messages[key].LastError)));
        }

        // The next pass delivers the rest, and only the rest (the failure waits for its retry).
        deliveries.Behaviour = null;
        Assert.Equal(3, await dispatcher.DispatchAsync());
        Assert.Equal(new[] { givesUp, keys[3], keys[4] }.Order(StringComparer.Ordinal), deliveries.Received.Skip(3).Select(c => c.EntityKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_handler_on_the_thread_pool_that_redelivers_changes_of_its_own_outbox_is_refused_at_once()
    {
        var keys = await CreateOrdersAsync(4);
        Guid deadLettered;
        await using (var context = database.Create())
        {
            var dead = await context.Set<OutboxMessage>().SingleAsync(m => m.EntityKey == keys[3]);
            dead.State = OutboxState.DeadLettered;
            await context.SaveChangesAsync();
            deadLettered = dead.Id;
        }

        var inFlight = new InFlight();
        var refusals = new System.Collections.Concurrent.ConcurrentDictionary<string, Exception?>();
        var deliveries = inFlight.Recording(async change =>
        {
            // All three run at once on the thread pool; two ask for a redelivery of all dead letters, one for a change by id.
            await inFlight.WhenRunning(3).WaitAsync(s_patience);
            await using var context = database.Create();

            // Were the guard to miss the pass (its flag not flowing into the delivery), the redelivery would wait for the
            // pass, which waits for this handler, until this timeout ends it with another error.
            context.Database.SetCommandTimeout(5);
            refusals[change.EntityKey] = await Record.ExceptionAsync(() => change.EntityKey == keys[0]
                ? context.RedeliverTrackedChangesAsync([deadLettered])
                : context.RedeliverDeadLetteredChangesAsync());
        });
        await using var services = database.Services(deliveries, o => o.MaxConcurrentDeliveries = 3);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        Assert.Equal(3, await Task.Run(() => dispatcher.DispatchAsync()));
        Assert.Equal(3, inFlight.MostAtOnce);
        Assert.Equal(keys.Take(3).Order(StringComparer.Ordinal), refusals.Keys.Order(StringComparer.Ordinal));
        Assert.All(refusals.Values, refused =>
        {
            var error = Assert.IsType<InvalidOperationException>(refused);
            Assert.Contains("cannot be redelivered from a handler of that outbox's changes", error.Message, StringComparison.Ordinal);
        });
        Assert.Equal(3, await DeliveredAtTheFirstAttemptAsync());
        await using (var check = database.Create())
        {
            Assert.Equal(OutboxState.DeadLettered, (await check.Set<OutboxMessage>().SingleAsync(m => m.Id == deadLettered)).State);

            // Outside the pass, the same call goes through.
            Assert.Equal(1, await check.RedeliverDeadLetteredChangesAsync());
        }
    }

    [Fact]
    public async Task A_pass_whose_recording_fails_waits_for_the_deliveries_under_way_then_fails_and_commits_nothing()
    {
        var keys = await CreateOrdersAsync(4);
        var (blocked, delivered, failed, refused) = (keys[0], keys[1], keys[2], keys[3]);
        Dictionary<string, Guid> ids;
        List<string> before;
        await using (var context = database.Create())
        {
            ids = await context.Set<OutboxMessage>().ToDictionaryAsync(m => m.EntityKey, m => m.Id);
            before = await OutboxRowsAsync(context);
        }

        var watch = new RecordingWatch(ids[failed], ids[refused]);
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var inFlight = new InFlight();
        var deliveries = inFlight.Recording(async change =>
        {
            // One handler blocks; beside it one change is delivered, and two fail: the first failure is recorded, the
            // second only once the first is, so the pass has written something before its recording fails.
            if (change.EntityKey == blocked)
            {
                await open.Task;
                return;
            }

            await inFlight.WhenEntered(1, new HashSet<string> { blocked }).WaitAsync(s_patience);
            if (change.EntityKey == refused)
            {
                await watch.Recorded.WaitAsync(s_patience);
            }

            if (change.EntityKey != delivered)
            {
                throw new TimeoutException("warehouse down");
            }
        });
        await using var services = database.Services(
            services => services.AddSingleton(deliveries)
                .AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>()
                .ConfigureDbContext<TrackingContext>(options => options.AddInterceptors(watch)),
            o => (o.MaxConcurrentDeliveries, o.FirstRetryDelay) = (4, TimeSpan.FromMinutes(1)));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // A rule of the database's that a failed attempt of one change breaks, whatever its error text (the dispatcher's
        // fallback text included): recording that failure fails, as it would on a connection lost mid-pass.
        var rule = "ALTER TABLE servertools_outbox ADD CONSTRAINT no_failed_attempt CHECK (\"Id\" <> '" + ids[refused] + "' OR \"Attempts\" = 0)";
        await using (var context = database.Create())
        {
            await context.Database.ExecuteSqlRawAsync(rule);
        }

        Task<int> pass;
        try
        {
            pass = Task.Run(() => dispatcher.DispatchAsync());
            try
            {
                await ReachedAsync(watch.Refused, "The database refusing the record of the second failure");

                // A pass that did not wait for the blocked delivery would now roll back and end at once: it is given a second
                // to do so, and must still be waiting, its transaction (and the blocked change's lock) open.
                await Task.WhenAny(pass, Task.Delay(TimeSpan.FromSeconds(1)));
                Assert.False(pass.IsCompleted, "The pass ended while a handler still held one of its changes.");
                Assert.Equal([blocked], inFlight.Running);
            }
            finally
            {
                open.TrySetResult();
                await Task.WhenAny(pass);
            }
        }
        finally
        {
            await using var context = database.Create();
            await context.Database.ExecuteSqlRawAsync("ALTER TABLE servertools_outbox DROP CONSTRAINT no_failed_attempt");
        }

        // Once the blocked handler is done, the pass fails with the database's error, and has committed nothing: the
        // recorded failure is rolled back, the delivery beside it not recorded (all four are delivered again).
        var error = await Assert.ThrowsAsync<PostgresException>(() => pass);
        Assert.Equal((PostgresErrorCodes.CheckViolation, "no_failed_attempt"), (error.SqlState, error.ConstraintName));
        Assert.Equal(keys.Order(StringComparer.Ordinal), deliveries.Received.Select(c => c.EntityKey).Order(StringComparer.Ordinal));
        await using (var check = database.Create())
        {
            Assert.Equal(before, await OutboxRowsAsync(check));
        }
    }

    [Fact]
    public void A_limit_below_one_is_refused_with_the_option_s_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => database.Services(new Deliveries(), o => o.MaxConcurrentDeliveries = 0));
        Assert.Equal(nameof(TrackedChangeDispatcherOptions.MaxConcurrentDeliveries), error.ParamName);
    }

    /// <summary>Every outbox row's delivery state, one line each, in order: what a pass changes when it commits.</summary>
    private static async Task<List<string>> OutboxRowsAsync(TrackingContext context)
        => (await context.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Sequence).ToListAsync())
            .Select(m => $"{m.EntityKey} {m.State} {m.Attempts} {m.NextAttemptAt:O} {m.DeliveredAt:O} [{m.LastError}] [{string.Join(", ", m.HandledBy ?? [])}]")
            .ToList();

    private async Task<int> DeliveredAtTheFirstAttemptAsync()
    {
        await using var check = database.Create();
        return await check.Set<OutboxMessage>().CountAsync(m => m.State == OutboxState.Delivered && m.Attempts == 1);
    }

    private static async Task ReachedAsync(Task condition, string what)
    {
        try
        {
            await condition.WaitAsync(s_patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{what} did not happen within {s_patience.TotalSeconds} s.");
        }
    }

    /// <summary>Clears the outbox, then saves <paramref name="count"/> orders one after another; returns their keys, in that order.</summary>
    private async Task<List<string>> CreateOrdersAsync(int count)
    {
        await using (var context = database.Create())
        {
            await context.Set<OutboxMessage>().ExecuteDeleteAsync();
        }

        var keys = new List<string>();
        for (var i = 0; i < count; i++)
        {
            await using var context = database.Create();
            var order = new SaleOrder { Number = $"SO-side-{i}", Total = 0m };
            context.SaleOrders.Add(order);
            await context.SaveChangesAsync();
            keys.Add(order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return keys;
    }

    private async Task UpdateAsync(string key, decimal total = 1m)
    {
        await using var context = database.Create();
        var id = int.Parse(key, System.Globalization.CultureInfo.InvariantCulture);
        (await context.SaleOrders.SingleAsync(o => o.Id == id)).Total = total;
        await context.SaveChangesAsync();
    }

    /// <summary>
    /// Watches the statements of the pass's context: <see cref="Recorded"/> completes once a statement about the change
    /// <c>recorded</c> has run, <see cref="Refused"/> once one about the change <c>refused</c> has failed.
    /// </summary>
    private sealed class RecordingWatch(Guid recorded, Guid refused) : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _recorded = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _refused = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Recorded => _recorded.Task;

        public Task Refused => _refused.Task;

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
        {
            if (Names(command, recorded))
            {
                _recorded.TrySetResult();
            }

            return ValueTask.FromResult(result);
        }

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            if (Names(command, refused))
            {
                _refused.TrySetResult();
            }

            return Task.CompletedTask;
        }

        private static bool Names(DbCommand command, Guid id) => command.Parameters.Cast<DbParameter>().Any(parameter => parameter.Value is Guid value && value == id);
    }
}

/// <summary>
/// The deliveries under way: how many run, which entities', how many ran at most at once, how often two of one entity
/// overlapped, and the order in which they started (<c>+key</c>) and ended (<c>-key</c>).
/// </summary>
internal sealed class InFlight
{
    private readonly Lock _lock = new();
    private readonly List<string> _running = [];
    private readonly List<string> _events = [];
    private readonly List<(Func<bool> Reached, TaskCompletionSource Signal)> _waits = [];

    public int MostAtOnce { get; private set; }

    public int EntityOverlaps { get; private set; }

    public string[] Running
    {
        get
        {
            lock (_lock)
            {
                return [.. _running];
            }
        }
    }

    public string[] Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>A <see cref="Deliveries"/> whose handler enters, runs <paramref name="behaviour"/>, and leaves.</summary>
    public Deliveries Recording(Func<TrackedChange<SaleOrder>, Task> behaviour)
        => new()
        {
            Behaviour = async (change, _) =>
            {
                Enter(change.EntityKey);
                try
                {
                    await behaviour(change);
                }
                finally
                {
                    Exit(change.EntityKey);
                }
            },
        };

    public void Enter(string key)
    {
        lock (_lock)
        {
            if (_running.Contains(key))
            {
                EntityOverlaps++;
            }

            _running.Add(key);
            _events.Add("+" + key);
            MostAtOnce = Math.Max(MostAtOnce, _running.Count);
            Signal();
        }
    }

    public void Exit(string key)
    {
        lock (_lock)
        {
            _running.Remove(key);
            _events.Add("-" + key);
            Signal();
        }
    }

    /// <summary>
    /// Completes once <paramref name="count"/> deliveries have run at the same time (also when some have ended since: a
    /// handler that waits for this after it entered may ask after the others left).
    /// </summary>
    public Task WhenRunning(int count) => When(() => MostAtOnce >= count);

    /// <summary>Completes once <paramref name="count"/> deliveries (of <paramref name="keys"/>' entities, if given) have started.</summary>
    public Task WhenEntered(int count, IReadOnlySet<string>? keys = null)
        => When(() => _events.Count(e => e[0] == '+' && (keys is null || keys.Contains(e[1..]))) >= count);

    /// <summary>Completes once <paramref name="count"/> deliveries have ended.</summary>
    public Task WhenExited(int count) => When(() => _events.Count(e => e[0] == '-') >= count);

    private Task When(Func<bool> reached)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _waits.Add((reached, signal));
            Signal();
        }

        return signal.Task;
    }

    private void Signal()
    {
        foreach (var wait in _waits.Where(wait => wait.Reached()).ToList())
        {
            _waits.Remove(wait);
            wait.Signal.TrySetResult();
        }
    }
}
