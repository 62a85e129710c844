using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServerTools.Testing;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// Redeliveries and the passes under way: a redelivered change is not handed out beside a later change of its entity,
/// and waiting for the passes neither stalls the caller nor the dispatchers for longer than it must.
/// </summary>
public sealed class RedeliveryTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    [Fact]
    public Task A_dead_letter_redelivered_while_a_later_change_of_its_entity_is_in_a_pass_is_handed_out_after_that_pass()
        => WithLaterChangeInAPassAsync("r", async pass =>
        {
            // A pass hands out the second change, and is still delivering it when the first is redelivered.
            var redelivery = Task.Run(async () =>
            {
                await using var context = database.Create();
                return await context.RedeliverDeadLetteredChangesAsync();
            });
            await WaitUntilWaitingForAdvisoryLockOrDoneAsync(redelivery);

            // The redelivery waits for that pass, and another pass meanwhile does not hand out the redelivered change beside
            // the one still in the first pass.
            Assert.Equal(0, await pass.Dispatcher.DispatchAsync());
            Assert.False(redelivery.IsCompleted);
            Assert.Equal("DeadLettered", await StateAsync(1));

            Assert.Equal(1, await pass.ReleaseAsync());
            Assert.Equal(1, await redelivery.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, await pass.Dispatcher.DispatchAsync());
            Assert.Equal([2L, 1L], pass.Deliveries.Received.Select(c => c.Sequence));
            Assert.Equal(0, pass.EntityOverlaps);
        });

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Dead_letters_are_redelivered_in_a_transaction_scope_and_no_pass_hands_out_changes_until_it_commits(bool connectionOpenedBefore)
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "t", "DeadLettered");
        await InsertAsync(2, "u", "Pending");
        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        try
        {
            await using var context = database.Create();
            if (connectionOpenedBefore)
            {
                await context.Database.OpenConnectionAsync();
            }

            using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
            {
                Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());

                // The lock is taken in the scope's transaction, not in a statement of its own (also on a connection opened
                // before the scope): a pass outside it, while it is open, hands out nothing, not even another order's change.
                Assert.Equal(0, await OutsideAnyTransaction(dispatcher.DispatchAsync));
                scope.Complete();
            }

            Assert.Equal("Pending", await StateAsync(1));
            Assert.Equal(2, await dispatcher.DispatchAsync());
            Assert.Equal(["t-1", "u-2"], deliveries.Received.Select(c => $"{c.EntityKey}-{c.Sequence}").Order(StringComparer.Ordinal));
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public async Task A_redelivery_in_a_scope_whose_connection_does_not_enlist_is_refused_and_changes_nothing()
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "e", "DeadLettered");
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Enlist = false }.ConnectionString;
            await using var context = Create(connectionString);
            using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
            {
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
                Assert.Contains("does not take part in it (Enlist=false", error.Message, StringComparison.Ordinal);
            }

            Assert.Equal("DeadLettered", await StateAsync(1));
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task A_redelivery_in_the_callers_transaction_wakes_the_dispatchers_of_the_process_when_that_ends(bool scope, bool commit)
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "w", "DeadLettered");
        var deliveries = new Deliveries();
        var log = new RecordingLogger<TrackedChangeDispatcher<TrackingContext>>();
        await using var services = database.Services(
            s => s.AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>()
                .AddSingleton<ILogger<TrackedChangeDispatcher<TrackingContext>>>(log),
            o => o.PollInterval = TimeSpan.FromHours(1));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        using var stop = new CancellationTokenSource();
        Task loop;
        using (new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled))
        {
            loop = Task.Run(() => dispatcher.RunAsync(stop.Token));
        }

        try
        {
            // The loop has made its first pass and waits: for a pulse, or an hour. Then another order's change is written
            // past EF, which wakes no one.
            await WaitForAsync(() => log.Entries.Any(e => e.EventId is 7 or 8 or 15));
            await Task.Delay(200);
            await InsertAsync(2, "x", "Pending");
            await using var context = database.Create();
            if (scope)
            {
                using var ambient = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
                await Task.Delay(200);
                if (commit)
                {
                    ambient.Complete();
                }
            }
            else
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
                await Task.Delay(200);
                if (commit)
                {
                    await transaction.CommitAsync();
                }
                else
                {
                    await transaction.RollbackAsync();
                }
            }

            // Woken when the transaction ended, not at the next poll an hour later: the redelivered change is delivered if it
            // committed, the other order's change either way. (Whether it was also woken before cannot be told here: the
            // wake-up is the process's, and the tests that run beside this one save tracked changes.)
            await WaitForAsync(() => deliveries.Received.Count == (commit ? 2 : 1));
            Assert.Equal(commit ? [1L, 2L] : [2L], deliveries.Received.Select(c => c.Sequence).Order());
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(loop, Task.Delay(TimeSpan.FromSeconds(30)));
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public Task A_redelivery_after_writes_in_the_same_transaction_is_refused_at_once_and_before_them_it_goes_through()
        => WithLaterChangeInAPassAsync("d", async pass =>
        {
            await using (var context = database.Create())
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                await context.Database.ExecuteSqlRawAsync("UPDATE servertools_outbox SET \"LastError\" = 'fixed' WHERE \"Sequence\" = 1");
                var clock = Stopwatch.StartNew();
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "Refused after waiting, not at once.");
                Assert.Contains("holds locks already: it has written or locked rows", error.Message, StringComparison.Ordinal);
                Assert.Contains("Redeliver first in the transaction", error.Message, StringComparison.Ordinal);

                // The transaction goes on, and commits its own change.
                await transaction.CommitAsync();
            }

            Assert.Equal("DeadLettered", await StateAsync(1));

            // Redelivered first, then fixed, in one transaction: it waits for the pass, then both commit.
            var redelivery = Task.Run(async () =>
            {
                await using var context = database.Create();
                await using var transaction = await context.Database.BeginTransactionAsync();
                var count = await context.RedeliverDeadLetteredChangesAsync();
                await context.Database.ExecuteSqlRawAsync("UPDATE servertools_outbox SET \"LastError\" = 'fixed again' WHERE \"Sequence\" = 1");
                await transaction.CommitAsync();
                return count;
            });
            await WaitUntilWaitingForAdvisoryLockOrDoneAsync(redelivery);
            Assert.Equal(1, await pass.ReleaseAsync());
            Assert.Equal(1, await redelivery.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("Pending", await StateAsync(1));
        });

    [Fact]
    public Task A_redelivery_that_waits_longer_than_the_command_timeout_says_so_changes_nothing_and_can_be_tried_again()
        => WithLaterChangeInAPassAsync("s", async pass =>
        {
            await using (var context = database.Create())
            {
                context.Database.SetCommandTimeout(1);
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
                Assert.Contains("waits for the dispatcher passes under way", error.Message, StringComparison.Ordinal);
                Assert.Contains("did not end within the command timeout (1 s)", error.Message, StringComparison.Ordinal);
                Assert.IsType<NpgsqlException>(error.InnerException);
            }

            Assert.Equal("DeadLettered", await StateAsync(1));

            // In the caller's transaction, the timeout leaves that transaction usable: tried again in it once the pass is over.
            await using (var context = database.Create())
            {
                context.Database.SetCommandTimeout(1);
                await using var transaction = await context.Database.BeginTransactionAsync();
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
                Assert.Contains("Nothing was redelivered, and your transaction goes on", error.Message, StringComparison.Ordinal);
                Assert.Equal(1, await pass.ReleaseAsync());
                Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
                await transaction.CommitAsync();
            }

            Assert.Equal("Pending", await StateAsync(1));
        });

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task A_redelivery_in_a_snapshot_transaction_of_a_change_the_waited_for_pass_delivered_says_so_changes_nothing_and_the_transaction_goes_on(bool scope)
        => WithLaterChangeInAPassAsync("v", async pass =>
        {
            var held = await IdAsync(2);

            // A plain TransactionScope is serializable; an EF transaction here repeatable read. Either takes its snapshot at
            // its first statement, before the redelivery waits for the pass that delivers the change it redelivers.
            var redelivery = Task.Run(async () =>
            {
                await using var context = database.Create();
                if (scope)
                {
                    using var ambient = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                    var refused = await Record.ExceptionAsync(() => context.RedeliverTrackedChangesAsync([held]));
                    Assert.Equal(0, await AdvisoryLocksHeldAsync(context));
                    await context.Database.ExecuteSqlRawAsync("UPDATE servertools_outbox SET \"LastError\" = 'went on' WHERE \"Sequence\" = 1");
                    ambient.Complete();
                    return refused;
                }

                await using var transaction = await context.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead);
                var error = await Record.ExceptionAsync(() => context.RedeliverTrackedChangesAsync([held]));

                // The savepoint's rollback let go of the outbox's lock: passes go on while the transaction does.
                Assert.Equal(0, await AdvisoryLocksHeldAsync(context));
                await context.Database.ExecuteSqlRawAsync("UPDATE servertools_outbox SET \"LastError\" = 'went on' WHERE \"Sequence\" = 1");
                await transaction.CommitAsync();
                return error;
            });
            await WaitUntilWaitingForAdvisoryLockOrDoneAsync(redelivery);
            Assert.Equal(1, await pass.ReleaseAsync());

            var error = Assert.IsType<InvalidOperationException>(await redelivery.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("changed after your transaction's snapshot", error.Message, StringComparison.Ordinal);
            Assert.Contains(scope ? "(serializable" : "(repeatable read", error.Message, StringComparison.Ordinal);
            Assert.Contains("Nothing was redelivered, and your transaction goes on", error.Message, StringComparison.Ordinal);
            Assert.Contains("IsolationLevel = IsolationLevel.ReadCommitted", error.Message, StringComparison.Ordinal);
            Assert.Equal(PostgresErrorCodes.SerializationFailure, Assert.IsType<PostgresException>(error.InnerException).SqlState);

            // Nothing was reset: the pass's delivery stands; and the caller's transaction went on and committed.
            Assert.Equal("Delivered", await StateAsync(2));
            Assert.Equal("went on", await ScalarAsync<string>("SELECT \"LastError\" FROM servertools_outbox WHERE \"Sequence\" = 1"));
            Assert.Single(pass.Deliveries.Received);
        });

    [Fact]
    public Task A_redelivery_in_a_scope_queued_behind_one_that_times_out_resets_a_change_no_pass_took_and_it_is_delivered_once()
        => WithLaterChangeInAPassAsync("q", async pass =>
        {
            // A redelivery waits for the held pass until its timeout (a handler's own redelivery, made outside its flow).
            var first = Task.Run(async () =>
            {
                await using var context = database.Create();
                context.Database.SetCommandTimeout(2);
                return await Record.ExceptionAsync(() => context.RedeliverDeadLetteredChangesAsync());
            });
            await WaitUntilWaitingForAdvisoryLockOrDoneAsync(first);

            // Another order's change, saved meanwhile, is taken by no pass: none hands out anything while a redelivery waits.
            var other = await InsertAsync(3, "other", "Pending");
            Assert.Equal(0, await OutsideAnyTransaction(pass.Dispatcher.DispatchAsync));

            // Redelivered in a plain TransactionScope, queued behind the first: reset once the first timed out and the pass ended.
            var second = Task.Run(async () =>
            {
                await using var context = database.Create();
                using var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                var count = await context.RedeliverTrackedChangesAsync([other]);
                scope.Complete();
                return count;
            });
            await database.WaitUntilSeenAsync(
                "SELECT (count(*) >= 2)::int::bigint FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid " +
                "WHERE a.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted",
                TimeSpan.FromSeconds(30),
                "The second redelivery neither ended nor waited for the lock.",
                () => second.IsCompleted);
            Assert.IsType<InvalidOperationException>(await first.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal(1, await pass.ReleaseAsync());
            Assert.Equal(1, await second.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Equal("Pending", await StateAsync(3));
            Assert.Equal("DeadLettered", await StateAsync(1));

            // One delivery, which keeps the due time the redelivery gave (not the change's first), and nothing after it.
            Assert.Equal(1, await OutsideAnyTransaction(pass.Dispatcher.DispatchAsync));
            Assert.Equal("Delivered", await StateAsync(3));
            Assert.Equal(database.Clock.Now.UtcDateTime, await ScalarAsync<DateTime>("SELECT \"NextAttemptAt\" FROM servertools_outbox WHERE \"Sequence\" = 3"));
            Assert.Equal(0, await OutsideAnyTransaction(pass.Dispatcher.DispatchAsync));
            Assert.Equal([2L, 3L], pass.Deliveries.Received.Select(c => c.Sequence));
        });

    [Fact]
    public Task A_server_statement_timeout_is_named_as_such()
        => WithLaterChangeInAPassAsync("m", async pass =>
        {
            var connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Options = "-c statement_timeout=500" }.ConnectionString;
            await using var context = Create(connectionString);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
            Assert.Contains("did not end within the server's statement_timeout", error.Message, StringComparison.Ordinal);
            Assert.Equal("DeadLettered", await StateAsync(1));
        });

    [Fact]
    public async Task A_handler_that_redelivers_changes_of_its_own_outbox_is_refused_at_once()
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "h", "DeadLettered");
        await InsertAsync(2, "k", "Pending");
        Exception? refused = null;
        var clock = new Stopwatch();
        var deliveries = new Deliveries
        {
            Behaviour = async (_, _) =>
            {
                await using var context = database.Create();
                clock.Start();
                refused = await Record.ExceptionAsync(() => context.RedeliverDeadLetteredChangesAsync());
                clock.Stop();
            },
        };
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        try
        {
            Assert.Equal(1, await dispatcher.DispatchAsync());
            var error = Assert.IsType<InvalidOperationException>(refused);
            Assert.Contains("cannot be redelivered from a handler of that outbox's changes", error.Message, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "Refused after waiting, not at once.");
            Assert.Equal("DeadLettered", await StateAsync(1));

            // Outside the pass, the same call goes through.
            await using var context = database.Create();
            Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_second_redelivery_in_the_same_transaction_goes_through_at_once(bool scope)
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "a", "DeadLettered");
        var delivered = await InsertAsync(2, "b", "Delivered");
        try
        {
            await using var context = database.Create();
            if (scope)
            {
                using var ambient = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled);
                Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
                Assert.Equal(1, await context.RedeliverTrackedChangesAsync([delivered]));
                ambient.Complete();
            }
            else
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
                Assert.Equal(1, await context.RedeliverTrackedChangesAsync([delivered]));
                await transaction.CommitAsync();
            }

            Assert.Equal("Pending", await StateAsync(1));
            Assert.Equal("Pending", await StateAsync(2));
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public Task A_redelivery_after_the_transaction_took_a_lock_a_handler_waits_for_is_refused_at_once()
        => WithLaterChangeInAPassAsync("l", async pass =>
        {
            await using var context = database.Create();
            context.Database.SetCommandTimeout(5);
            await using var transaction = await context.Database.BeginTransactionAsync();

            // An application's lock, which a handler of the pass might take too: no row written, no transaction id.
            await context.Database.ExecuteSqlRawAsync("SELECT pg_advisory_xact_lock(4242)");
            var clock = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"Refused after {clock.Elapsed}, not at once.");
            Assert.Contains("or taken a table or advisory lock", error.Message, StringComparison.Ordinal);
            await transaction.RollbackAsync();
        });

    [Fact]
    public Task A_redelivery_cancelled_while_it_waits_leaves_the_callers_transaction_usable()
        => WithLaterChangeInAPassAsync("c", async pass =>
        {
            await using var context = database.Create();
            await using var transaction = await context.Database.BeginTransactionAsync();

            // Cancelled once it waits for the pass (not during an earlier statement, which would abort the transaction).
            using var cancel = new CancellationTokenSource();
            var redelivery = context.RedeliverDeadLetteredChangesAsync(cancel.Token);
            await WaitUntilWaitingForAdvisoryLockOrDoneAsync(redelivery);
            await cancel.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => redelivery);
            await context.Database.ExecuteSqlRawAsync("UPDATE servertools_outbox SET \"LastError\" = 'still usable' WHERE \"Sequence\" = 1");
            await transaction.CommitAsync();
            Assert.Equal("DeadLettered", await StateAsync(1));
        });

    [Fact]
    public Task A_redelivery_whose_connection_breaks_while_it_waits_reports_that_error_and_changes_nothing()
        => WithLaterChangeInAPassAsync("b", async pass =>
        {
            await using (var context = database.Create())
            {
                await using var transaction = await context.Database.BeginTransactionAsync();
                var redelivery = context.RedeliverDeadLetteredChangesAsync();
                await WaitUntilWaitingForAdvisoryLockOrDoneAsync(redelivery);
                await ExecuteAsync(
                    "SELECT pg_terminate_backend(l.pid) FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid " +
                    "WHERE a.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted");

                // The savepoint cannot be rolled back on a broken connection: the caller gets the wait's own error.
                var error = await Record.ExceptionAsync(() => redelivery);
                Assert.True(error is NpgsqlException, $"Expected the wait's error, got {error}");
            }

            Assert.Equal("DeadLettered", await StateAsync(1));
        });

    [Fact]
    public async Task A_handler_that_redelivers_through_another_name_of_the_server_is_refused_at_once()
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "h", "DeadLettered");
        await InsertAsync(2, "k", "Pending");
        var builder = new NpgsqlConnectionStringBuilder(database.ConnectionString);
        builder.Host = builder.Host == "localhost" ? "127.0.0.1" : "localhost";
        Exception? refused = null;
        var deliveries = new Deliveries
        {
            Behaviour = async (_, _) =>
            {
                await using var context = Create(builder.ConnectionString);
                context.Database.SetCommandTimeout(5);
                refused = await Record.ExceptionAsync(() => context.RedeliverDeadLetteredChangesAsync());
            },
        };
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        try
        {
            Assert.Equal(1, await dispatcher.DispatchAsync());
            var error = Assert.IsType<InvalidOperationException>(refused);
            Assert.Contains("cannot be redelivered from a handler of that outbox's changes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public async Task A_handler_that_redelivers_in_another_database_made_from_the_same_template_is_not_refused()
    {
        // Two databases made from one template (a database per tenant): the same oids, the outbox table's too.
        var server = await PostgresServer.GetSharedAsync();
        var template = await server.CreateDatabaseAsync("redelivery_template");
        var templateName = new NpgsqlConnectionStringBuilder(template).Database!;
        await using (var context = Create(template))
        {
            await context.Database.EnsureCreatedAsync();
        }

        NpgsqlConnection.ClearAllPools();
        var tenantA = new NpgsqlConnectionStringBuilder(template) { Database = templateName + "_a" }.ConnectionString;
        var tenantB = new NpgsqlConnectionStringBuilder(template) { Database = templateName + "_b" }.ConnectionString;
        await ExecuteAsync($"CREATE DATABASE \"{templateName}_a\" TEMPLATE \"{templateName}\"");
        await ExecuteAsync($"CREATE DATABASE \"{templateName}_b\" TEMPLATE \"{templateName}\"");
        try
        {
            await InsertAsync(2, "k", "Pending", tenantA);
            await InsertAsync(1, "h", "DeadLettered", tenantB);

            // A handler of tenant A's pass redelivers tenant B's dead letters: nothing there waits for this pass.
            Exception? error = null;
            var redelivered = 0;
            var deliveries = new Deliveries
            {
                Behaviour = async (_, _) =>
                {
                    await using var context = Create(tenantB);
                    context.Database.SetCommandTimeout(5);
                    error = await Record.ExceptionAsync(async () => redelivered = await context.RedeliverDeadLetteredChangesAsync());
                },
            };
            var services = new ServiceCollection();
            services.AddDbContext<TrackingContext>(options => options.UseNpgsql(tenantA).UseServerTools(o => o.TimeProvider = database.Clock));
            services.AddSingleton(deliveries).AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>();
            services.AddTrackedChangeDispatcher<TrackingContext>(options => options.TimeProvider = database.Clock);
            await using var provider = services.BuildServiceProvider(validateScopes: true);

            Assert.Equal(1, await provider.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync());
            Assert.Null(error);
            Assert.Equal(1, redelivered);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{templateName}_a\" WITH (FORCE)");
            await ExecuteAsync($"DROP DATABASE IF EXISTS \"{templateName}_b\" WITH (FORCE)");
            await server.DropDatabaseAsync(template);
        }
    }

    [Fact]
    public async Task A_redelivery_in_a_transaction_that_holds_no_lock_others_could_wait_for_goes_through()
    {
        await ClearOutboxAsync();
        await InsertAsync(1, "i", "DeadLettered");
        try
        {
            // A transaction id, a number from a sequence, rows of a temporary table: no lock another session could wait for
            // (a write undone by a savepoint leaves the id, too).
            await ExecuteAsync("CREATE SEQUENCE IF NOT EXISTS redelivery_numbers");
            await using var context = database.Create();
            await context.Database.OpenConnectionAsync();
            await context.Database.ExecuteSqlRawAsync("CREATE TEMPORARY TABLE redelivery_scratch (n int)");
            await using var transaction = await context.Database.BeginTransactionAsync();
            await context.Database.ExecuteSqlRawAsync("SELECT pg_current_xact_id()");
            await context.Database.ExecuteSqlRawAsync("SELECT nextval('redelivery_numbers')");
            await context.Database.ExecuteSqlRawAsync("INSERT INTO redelivery_scratch VALUES (1)");
            Assert.Equal(1, await context.RedeliverDeadLetteredChangesAsync());
            await transaction.CommitAsync();
            Assert.Equal("Pending", await StateAsync(1));
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public async Task A_dispatcher_and_a_redelivery_on_a_database_without_the_outbox_schema_say_to_add_a_migration()
    {
        var services = new ServiceCollection();
        services.AddDbContext<MissingSchemaContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools());
        services.AddScoped<ITrackedChangeHandler<Consignment>, ConsignmentHandler>();
        services.AddTrackedChangeDispatcher<MissingSchemaContext>();
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetRequiredService<TrackedChangeDispatcher<MissingSchemaContext>>().DispatchAsync());
        Assert.StartsWith("The database has no schema of the table never_created.servertools_outbox,", error.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet ef migrations add AddServerTools", error.Message, StringComparison.Ordinal);
        Assert.Equal(PostgresErrorCodes.InvalidSchemaName, Assert.IsType<PostgresException>(error.InnerException).SqlState);

        // A redelivery on that database says the same.
        await using var scope = provider.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<MissingSchemaContext>();
        var redelivery = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedeliverDeadLetteredChangesAsync());
        Assert.StartsWith("The database has no table never_created.servertools_outbox visible to this connection", redelivery.Message, StringComparison.Ordinal);
        Assert.Contains("No tracked change was redelivered.", redelivery.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_redelivery_with_nothing_to_redeliver_does_not_wait_for_the_passes()
    {
        await ClearOutboxAsync();
        await InsertAsync(2, "n", "Pending");
        await using var pass = new HeldPass(database, sequence: 2);
        try
        {
            await pass.StartAsync();
            await using var context = database.Create();
            context.Database.SetCommandTimeout(5);
            Assert.Equal(0, await context.RedeliverDeadLetteredChangesAsync());
            Assert.Equal(0, await context.RedeliverTrackedChangesAsync([Guid.NewGuid()]));
            Assert.Equal(1, await pass.ReleaseAsync());
        }
        finally
        {
            await pass.EndAsync();
            await ClearOutboxAsync();
        }
    }

    /// <summary>
    /// Runs <paramref name="test"/> with an order's first change dead-lettered and its second in a pass under way, which
    /// its handler holds until released: what a redelivery of the first must not hand out beside.
    /// </summary>
    private async Task WithLaterChangeInAPassAsync(string key, Func<HeldPass, Task> test)
    {
        await ClearOutboxAsync();
        await InsertAsync(1, key, "DeadLettered");
        await InsertAsync(2, key, "Pending");
        await using var pass = new HeldPass(database, sequence: 2);
        try
        {
            await pass.StartAsync();
            await test(pass);
        }
        finally
        {
            await pass.EndAsync();
            await ClearOutboxAsync();
        }
    }

    private TrackingContext Create(string connectionString) => new(
        new DbContextOptionsBuilder<TrackingContext>()
            .UseNpgsql(connectionString)
            .UseServerTools(o => o.TimeProvider = database.Clock)
            .Options);

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Runs <paramref name="action"/> outside the ambient transaction of the caller.</summary>
    private static Task<T> OutsideAnyTransaction<T>(Func<CancellationToken, Task<T>> action)
    {
        using var suppress = new TransactionScope(TransactionScopeOption.Suppress, TransactionScopeAsyncFlowOption.Enabled);
        return Task.Run(() => action(CancellationToken.None));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "Timed out.");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until a session of this test's database waits for an advisory lock, or <paramref name="task"/> ends.</summary>
    private Task WaitUntilWaitingForAdvisoryLockOrDoneAsync(Task task) => database.WaitUntilSeenAsync(
        "SELECT count(*) FROM pg_locks AS l JOIN pg_stat_activity AS a ON a.pid = l.pid " +
        "WHERE a.datname = current_database() AND l.locktype = 'advisory' AND NOT l.granted",
        TimeSpan.FromSeconds(30),
        "The redelivery neither ended nor waited for a lock.",
        () => task.IsCompleted);

    private async Task<string> StateAsync(long sequence)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT \"State\" FROM servertools_outbox WHERE \"Sequence\" = {sequence}", connection);
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many advisory locks the session of <paramref name="context"/> holds.</summary>
    private static async Task<long> AdvisoryLocksHeldAsync(TrackingContext context)
        => await context.Database.SqlQueryRaw<long>("SELECT count(*) AS \"Value\" FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted").SingleAsync();

    private Task<Guid> IdAsync(long sequence) => ScalarAsync<Guid>($"SELECT \"Id\" FROM servertools_outbox WHERE \"Sequence\" = {sequence}");

    /// <summary>Adds a sale order change with sequence <paramref name="i"/> in <paramref name="state"/>, due an hour before the clock.</summary>
    private async Task<Guid> InsertAsync(int i, string key, string state, string? connectionString = null)
    {
        var id = Guid.NewGuid();
        var now = database.Clock.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        var due = $"'{now}+00'::timestamptz - interval '1 hour' + {i} * interval '1 ms'";
        await using var connection = new NpgsqlConnection(connectionString ?? database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt", "Sequence")
            VALUES ('{id}', '{typeof(SaleOrder).FullName}', '{key}', 'Update', '[]', {due}, '{state}', 0, {due}, {i})
            """,
            connection);
        await command.ExecuteNonQueryAsync();
        return id;
    }

    private async Task ClearOutboxAsync()
    {
        await using var context = database.Create();
        await context.Set<OutboxMessage>().ExecuteDeleteAsync();
    }

    /// <summary>
    /// A dispatcher whose handler holds the change with sequence <c>sequence</c> until released: a pass under way. Counts
    /// the times two changes of one entity were in the handler at once.
    /// </summary>
    private sealed class HeldPass : IAsyncDisposable
    {
        private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<string, int> _inHandler = new();
        private readonly ServiceProvider _services;
        private Task<int>? _pass;
        private int _entityOverlaps;

        public HeldPass(TrackingFixture database, long sequence)
        {
            Deliveries = new Deliveries
            {
                Behaviour = async (change, _) =>
                {
                    if (_inHandler.AddOrUpdate(change.EntityKey, 1, static (_, n) => n + 1) > 1)
                    {
                        Interlocked.Increment(ref _entityOverlaps);
                    }

                    try
                    {
                        if (change.Sequence == sequence)
                        {
                            _holding.TrySetResult();
                            await _release.Task;
                        }
                    }
                    finally
                    {
                        _inHandler.AddOrUpdate(change.EntityKey, 0, static (_, n) => n - 1);
                    }
                },
            };
            _services = database.Services(Deliveries);
            Dispatcher = _services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        }

        public Deliveries Deliveries { get; }

        public TrackedChangeDispatcher<TrackingContext> Dispatcher { get; }

        public int EntityOverlaps => Volatile.Read(ref _entityOverlaps);

        /// <summary>Starts the pass, outside any ambient transaction, and waits until its handler holds the change.</summary>
        public async Task StartAsync()
        {
            _pass = OutsideAnyTransaction(Dispatcher.DispatchAsync);
            await Task.WhenAny(_holding.Task, _pass).Unwrap().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.True(_holding.Task.IsCompleted, "The pass ended without holding the change.");
        }

        /// <summary>Lets the handler go on and waits for the pass, if it was started, whatever its outcome.</summary>
        public async Task EndAsync()
        {
            _release.TrySetResult();
            if (_pass is not null)
            {
                await Task.WhenAny(_pass, Task.Delay(TimeSpan.FromSeconds(30)));
            }
        }

        /// <summary>Lets the handler go on; the pass's count of handled changes.</summary>
        public async Task<int> ReleaseAsync()
        {
            _release.TrySetResult();
            return await _pass!.WaitAsync(TimeSpan.FromSeconds(30));
        }

        public async ValueTask DisposeAsync()
        {
            await EndAsync();
            await _services.DisposeAsync();
        }
    }
}

/// <summary>A context whose outbox lives in a schema the database does not have (a default schema, migrations not applied).</summary>
public sealed class MissingSchemaContext(DbContextOptions<MissingSchemaContext> options) : DbContext(options)
{
    public DbSet<Consignment> Consignments => Set<Consignment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasDefaultSchema("never_created");
}
