using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ServerTools.Tests.Tracking;

/// <summary>The changes of one entity, delivered in the order they were committed by several dispatchers, and what that costs the claim.</summary>
public sealed class DeliveryOrderTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    [Theory]
    [InlineData(null)]
    [InlineData(5)]
    public async Task Several_dispatchers_deliver_the_changes_of_each_entity_in_the_order_they_were_committed(int? claimWindow)
    {
        const int Orders = 20, Rounds = 40;
        await ClearOutboxAsync();
        var orders = Enumerable.Range(0, Orders).Select(i => new SaleOrder { Number = $"SO-order-{i}", Total = 0m }).ToList();
        await using (var context = database.Create())
        {
            context.SaleOrders.AddRange(orders);
            await context.SaveChangesAsync();
            for (var round = 1; round <= Rounds; round++)
            {
                foreach (var order in orders)
                {
                    order.Total = round;
                }

                await context.SaveChangesAsync();
            }
        }

        const int Expected = Orders * (Rounds + 1);
        var deliveries = new Deliveries { Behaviour = static async (_, _) => await Task.Yield() };
        // With windows of 5 due changes, fewer than a batch, every pass reads several windows, each in a statement of its own,
        // while the other dispatchers commit between them.
        await using var services = database.Services(deliveries, o =>
        {
            o.BatchSize = 7;
            o.ClaimWindow = claimWindow ?? o.ClaimWindow;
        });
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));

        // Three dispatchers, until every change is delivered: one that finds nothing free goes on while others hold changes.
        async Task WorkAsync()
        {
            while (deliveries.Received.Count < Expected)
            {
                deadline.Token.ThrowIfCancellationRequested();
                if (await dispatcher.DispatchAsync() == 0)
                {
                    await Task.Yield();
                }
            }
        }

        await Task.WhenAll(Task.Run(WorkAsync), Task.Run(WorkAsync), Task.Run(WorkAsync));

        Assert.Equal(0, deliveries.Overlaps);
        var received = deliveries.Received.ToArray();
        Assert.Equal(Expected, received.Select(c => c.ChangeId).Distinct().Count());
        foreach (var entity in received.GroupBy(c => c.EntityKey))
        {
            // Created first, then every update in turn: each one's old total is the total the one before set.
            Assert.Equal(TrackedOperation.Create, entity.First().Operation);
            Assert.Equal(
                Enumerable.Range(0, Rounds).Select(total => total.ToString(CultureInfo.InvariantCulture)),
                entity.Skip(1).Select(c => decimal.Parse(c.Fields.Single(f => f.Field == "Total").OldValue!, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public async Task The_claim_reads_the_outbox_by_its_indexes_among_a_hundred_thousand_pending_changes()
    {
        await ClearOutboxAsync();
        await using var context = database.Create();

        // 100,000 pending changes: 50,000 of sale orders, 20,000 of them of one order, and 50,000 of a type no handler takes.
        await context.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt")
            SELECT gen_random_uuid(), CASE WHEN i <= 50000 THEN {typeof(SaleOrder).FullName} ELSE 'Elsewhere.Unhandled' END,
                   CASE WHEN i <= 20000 THEN 'hot' ELSE i::text END, 'Update', '[]', {database.Clock.Now} - interval '1 hour' + i * interval '1 ms',
                   'Pending', 0, {database.Clock.Now} - interval '1 hour' + i * interval '1 ms'
            FROM generate_series(1, 100000) AS i
            """);
        await context.Database.ExecuteSqlRawAsync("ANALYZE servertools_outbox");
        var sql = ServerTools.Tracking.OutboxSql.For(context);
        string[] types = [typeof(SaleOrder).FullName!];

        // A window of 1,000: the hot order's head and 999 of the 19,999 changes that wait behind it, not all of them.
        var heads = await ExplainAsync(sql.ClaimHeads, types, database.Clock.Now, 100, 1000);
        Assert.Contains("Index Scan using \"IX_servertools_outbox_State_EntityType_NextAttemptAt_Sequence\"", heads, StringComparison.Ordinal);
        Assert.Contains("Scan using \"IX_servertools_outbox_EntityType_EntityKey_Sequence\"", heads, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", heads, StringComparison.Ordinal);
        Assert.Equal(999, Assert.Single(RowsRemovedByFilter(heads)));

        // Read in order and locked one candidate at a time, not joined and sorted as a whole.
        Assert.DoesNotContain("Hash Join", heads, StringComparison.Ordinal);
        Assert.DoesNotContain("Sort", heads, StringComparison.Ordinal);

        string[] keys = ["hot"];
        long[] sequences = [1];
        var followers = await ExplainAsync(sql.Followers, types, keys, sequences, 99);
        Assert.Contains("Index Scan using \"IX_servertools_outbox_EntityType_EntityKey_Sequence\"", followers, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", followers, StringComparison.Ordinal);

        // The warning about types no handler takes: one index lookup per type, and each count stops at its limit (here
        // 1,000 of the 50,000 unhandled changes), not a read of the whole table.
        var waiting = await ExplainAsync(sql.Waiting, nameof(OutboxState.Pending), database.Clock.Now, types, 1000);
        Assert.DoesNotContain("Seq Scan", waiting, StringComparison.Ordinal);
        Assert.Contains("Index Only Scan using \"IX_servertools_outbox_State_EntityType_NextAttemptAt_Sequence\"", waiting, StringComparison.Ordinal);
        // (PostgreSQL 18 prints actual rows with two decimals: rows=1000.00.)
        Assert.Matches(@"Limit  \(cost=[^)]*\) \(actual time=[0-9.]+ rows=1000(\.00)? loops=1\)", waiting);
        Assert.Contains("Recursive Union", waiting, StringComparison.Ordinal);

        var ids = await context.Set<OutboxMessage>().Where(m => m.EntityKey == "hot").OrderBy(m => m.Sequence).Skip(1).Take(99).Select(m => m.Id).ToArrayAsync();
        var locks = await ExplainAsync(sql.LockFollowers, ids);
        Assert.DoesNotContain("Seq Scan", locks, StringComparison.Ordinal);

        await ClearOutboxAsync();
    }

    [Fact]
    public async Task The_claim_locks_each_candidate_by_its_id_when_the_statistics_predate_a_burst_of_changes()
    {
        // An outbox that keeps up is analyzed with (almost) no pending row, so PostgreSQL believes 'Pending' rare
        // until the next ANALYZE, which on a large outbox comes only after 10% of its rows changed. Then a burst of 20,000
        // changes of 20,000 orders arrives. (Autovacuum is off for the test so that its ANALYZE does not come early.)
        await ClearOutboxAsync();
        await using var context = database.Create();
        await context.Database.ExecuteSqlRawAsync("ALTER TABLE servertools_outbox SET (autovacuum_enabled = false)");
        try
        {
            await context.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt")
                SELECT gen_random_uuid(), {typeof(SaleOrder).FullName}, 'delivered-' || i, 'Update', '[]', {database.Clock.Now} - interval '3 hours' + i * interval '1 ms',
                       'Delivered', 1, {database.Clock.Now} - interval '3 hours' + i * interval '1 ms'
                FROM generate_series(1, 100000) AS i
                """);
            await context.Database.ExecuteSqlRawAsync("ANALYZE servertools_outbox");
            await context.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt")
                SELECT gen_random_uuid(), {typeof(SaleOrder).FullName}, 'burst-' || i, 'Update', '[]', {database.Clock.Now} - interval '1 hour' + i * interval '1 ms',
                       'Pending', 0, {database.Clock.Now} - interval '1 hour' + i * interval '1 ms'
                FROM generate_series(1, 20000) AS i
                """);
            var sql = ServerTools.Tracking.OutboxSql.For(context);
            string[] types = [typeof(SaleOrder).FullName!];

            // A batch of 100 heads, the first 100 changes of the window: each should cost a few index pages. Before the
            // lateral lock (55c5af9), the claim and the followers' statement read about 500 pages here.
            var plan = await ExplainAsync(sql.ClaimHeads, types, database.Clock.Now, 100, 1000);
            var pages = Regex.Matches(plan, @"Buffers: shared (?:hit=(\d+))?\s*(?:read=(\d+))?").Select(
                match => (match.Groups[1].Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0)
                         + (match.Groups[2].Success ? int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) : 0)).First();
            Assert.True(pages < 5000, $"The claim read {pages} pages for a batch of 100 heads:\n{plan}");
            Assert.Contains("Index Cond: (\"Id\" = candidate.id)", plan, StringComparison.Ordinal);
        }
        finally
        {
            await context.Database.ExecuteSqlRawAsync("ALTER TABLE servertools_outbox RESET (autovacuum_enabled)");
            await ClearOutboxAsync();
            await context.Database.ExecuteSqlRawAsync("VACUUM ANALYZE servertools_outbox");
        }
    }

    [Fact]
    public async Task Changes_due_behind_a_long_backlog_of_one_entity_whose_first_change_waits_for_a_retry_are_delivered_a_batch_per_pass()
    {
        await InsertBacklogAsync(waiting: 3000, others: 25);
        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries, o =>
        {
            o.BatchSize = 10;
            o.ClaimWindow = 200;
        });
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // Each pass reads windows of 200 until it has a batch: fifteen of changes that wait, then the one with the others.
        var passes = new List<int>();
        for (var pass = 0; pass < 4; pass++)
        {
            passes.Add(await dispatcher.DispatchAsync());
        }

        Assert.Equal([10, 10, 5, 0], passes);
        Assert.Equal(Enumerable.Range(3002, 25).Select(i => $"other-{i}"), deliveries.Received.Select(c => c.EntityKey));

        // When the retry is due, the order's first change, due later than the 3,000 behind it, lies in the last window:
        // found, with a batch of the changes that follow it.
        database.Clock.Now += TimeSpan.FromHours(2);
        try
        {
            Assert.Equal(11, await dispatcher.DispatchAsync());
            Assert.Equal(Enumerable.Repeat("hot", 11), deliveries.Received.Skip(25).Select(c => c.EntityKey));
            Assert.Equal(Enumerable.Range(1, 11), deliveries.Received.Skip(25).Select(c => (int)c.Sequence));
        }
        finally
        {
            database.Clock.Now -= TimeSpan.FromHours(2);
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public async Task A_change_committed_between_two_windows_of_a_pass_does_not_make_it_claim_a_change_twice()
    {
        // hot-1 waits for a retry and hot-2..4 behind it; a-5 and b-6 are heads, b-7 and b-8 follow b-6; c-9 is a head.
        await InsertAsync((1, "hot", true), (2, "hot", false), (3, "hot", false), (4, "hot", false), (5, "a", false), (6, "b", false), (7, "b", false), (8, "b", false), (9, "c", false));
        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries, o =>
        {
            o.BatchSize = 10;
            o.ClaimWindow = 5;
        });
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        // Once the pass's first window is read, another transaction commits a change due before all of them (its due time
        // is its save time, taken before its commit), which moves every later change one place back.
        // (Listeners are process-wide: only this test's database counts, not the other tests' running meanwhile.)
        var inserted = 0;
        var databaseName = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                var text = activity.Tags.Select(tag => tag.Value).FirstOrDefault(value => value?.StartsWith("SELECT claimed.*", StringComparison.Ordinal) == true);
                if (text is not null && !text.Contains(">= ($5, $6)", StringComparison.Ordinal) && activity.Tags.Any(tag => tag.Value == databaseName)
                    && Interlocked.Exchange(ref inserted, 1) == 0)
                {
                    using var connection = new NpgsqlConnection(database.ConnectionString);
                    connection.Open();
                    using var command = new NpgsqlCommand(Insert(100, "z", waiting: false, dueMs: -1000), connection);
                    command.ExecuteNonQuery();
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        try
        {
            Assert.Equal(5, await dispatcher.DispatchAsync());
            Assert.Equal(1, inserted);
            Assert.Equal(["a-5", "b-6", "b-7", "b-8", "c-9"], deliveries.Received.Select(c => $"{c.EntityKey}-{c.Sequence}"));
            Assert.Equal(0, deliveries.Overlaps);
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public async Task A_change_another_transaction_held_during_a_pass_is_delivered_by_the_next_while_new_changes_keep_arriving()
    {
        // hot-1 waits for a retry, hot-2..6 and hot-8..11 wait behind it; x-7 is a head, and so are t12 and t13.
        await InsertAsync(
            (1, "hot", true), (2, "hot", false), (3, "hot", false), (4, "hot", false), (5, "hot", false), (6, "hot", false),
            (7, "x", false), (8, "hot", false), (9, "hot", false), (10, "hot", false), (11, "hot", false), (12, "t12", false), (13, "t13", false));
        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries, o =>
        {
            o.BatchSize = 2;
            o.ClaimWindow = 5;
        });
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();

        try
        {
            // Another transaction (a pass then rolled back, an operator) holds x-7 during the first pass.
            await using (var holder = new NpgsqlConnection(database.ConnectionString))
            {
                await holder.OpenAsync();
                await using var transaction = await holder.BeginTransactionAsync();
                await using (var hold = new NpgsqlCommand("""SELECT 1 FROM servertools_outbox WHERE "EntityKey" = 'x' FOR UPDATE""", holder, transaction))
                {
                    await hold.ExecuteNonQueryAsync();
                }

                Assert.Equal(2, await dispatcher.DispatchAsync());
                await transaction.RollbackAsync();
            }

            // Then two new changes before each pass, a batch's worth: the oldest change that can be handed out goes first.
            await InsertAsync((14, "t14", false), (15, "t15", false));
            Assert.Equal(2, await dispatcher.DispatchAsync());
            Assert.Equal(["t12", "t13", "x", "t14"], deliveries.Received.Select(c => c.EntityKey));
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    [Fact]
    public async Task A_head_another_dispatcher_fails_and_commits_while_a_window_is_read_is_claimed_once()
    {
        const int Waiting = 100_000;
        var now = database.Clock.Now;
        await ClearOutboxAsync();
        await using (var context = database.Create())
        {
            // hot-1 waits for a retry and 100,000 changes behind it (one window, slow to read); then m-2 (a head), p-3 and
            // q-4 (heads), then m-5 and m-6, which follow m-2. Sequences are offset by 100,000.
            await context.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt", "Sequence")
                SELECT gen_random_uuid(), {typeof(SaleOrder).FullName},
                       CASE WHEN i <= {Waiting + 1} THEN 'hot' WHEN i = {Waiting + 2} OR i > {Waiting + 4} THEN 'm' WHEN i = {Waiting + 3} THEN 'p' ELSE 'q' END,
                       'Update', '[]', {now} - interval '1 hour' + i * interval '1 ms', 'Pending', 0,
                       CASE WHEN i = 1 THEN {now} + interval '1 hour' ELSE {now} - interval '1 hour' + i * interval '1 ms' END, i
                FROM generate_series(1, {Waiting + 6}) AS i
                """);
            await context.Database.ExecuteSqlRawAsync("ANALYZE servertools_outbox");
        }

        var deliveries = new Deliveries();
        await using var services = database.Services(deliveries, o =>
        {
            o.BatchSize = 10;
            o.ClaimWindow = Waiting + 1;
        });
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        try
        {
            // Another dispatcher records a failed attempt of m-2 whose retry is due already for this pass (a short first
            // retry delay, a long pass of the other dispatcher, clocks apart): m-2 moves beyond the first window.
            await using var other = new NpgsqlConnection(database.ConnectionString);
            await other.OpenAsync();
            await using var transaction = await other.BeginTransactionAsync();
            await using (var fail = new NpgsqlCommand(
                $"""UPDATE servertools_outbox SET "Attempts" = 1, "LastError" = 'x', "NextAttemptAt" = $1 WHERE "Sequence" = {Waiting + 2}""", other, transaction))
            {
                fail.Parameters.Add(new NpgsqlParameter { Value = now.AddMinutes(-1) });
                Assert.Equal(1, await fail.ExecuteNonQueryAsync());
            }

            // It commits while this pass's first window is being read: after its snapshot, before it reaches m-2.
            var pass = Task.Run(() => dispatcher.DispatchAsync());
            await database.WaitUntilSeenAsync(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE 'SELECT claimed.*%' " +
                "AND query NOT LIKE '%>= ($5, $6)%'",
                TimeSpan.FromSeconds(60),
                "The pass's first claim statement was not seen.");

            await Task.Delay(100);
            await transaction.CommitAsync();

            // m-2 is claimed once, where its retry put it, and its followers after it.
            Assert.Equal(5, await pass);
            Assert.Equal(["p-3", "q-4", "m-2", "m-5", "m-6"], deliveries.Received.Select(c => $"{c.EntityKey}-{c.Sequence - Waiting}"));
        }
        finally
        {
            await ClearOutboxAsync();
        }
    }

    /// <summary>
    /// A statement that adds a pending sale order change with sequence <paramref name="i"/>: due an hour before the clock
    /// plus <paramref name="dueMs"/> (default <paramref name="i"/>) milliseconds, or, <paramref name="waiting"/> for a retry,
    /// an hour after it.
    /// </summary>
    private string Insert(int i, string key, bool waiting, int? dueMs = null)
    {
        var now = database.Clock.Now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        var due = waiting ? $"'{now}+00'::timestamptz + interval '1 hour'" : $"'{now}+00'::timestamptz - interval '1 hour' + {dueMs ?? i} * interval '1 ms'";
        return $"""
            INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt", "Sequence")
            VALUES (gen_random_uuid(), '{typeof(SaleOrder).FullName}', '{key}', 'Update', '[]', {due}, 'Pending', {(waiting ? 1 : 0)}, {due}, {i})
            """;
    }

    private async Task InsertAsync(params (int I, string Key, bool Waiting)[] rows)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        foreach (var (i, key, waiting) in rows)
        {
            await using var command = new NpgsqlCommand(Insert(i, key, waiting), connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    /// <summary>
    /// Replaces the outbox with one sale order's change that waits for a retry an hour away, <paramref name="waiting"/>
    /// later changes of that order behind it that are due, and then one change of each of <paramref name="others"/> other
    /// orders (keys <c>other-3002</c>, ...), due after all of those.
    /// </summary>
    private async Task InsertBacklogAsync(int waiting, int others)
    {
        await ClearOutboxAsync();
        await using var context = database.Create();
        await context.Database.ExecuteSqlAsync(
            $"""
            INSERT INTO servertools_outbox ("Id", "EntityType", "EntityKey", "Operation", "Fields", "Timestamp", "State", "Attempts", "NextAttemptAt", "Sequence")
            SELECT gen_random_uuid(), {typeof(SaleOrder).FullName}, CASE WHEN i <= {waiting + 1} THEN 'hot' ELSE 'other-' || i END, 'Update', '[]',
                   {database.Clock.Now} - interval '1 hour' + i * interval '1 ms', 'Pending', CASE WHEN i = 1 THEN 1 ELSE 0 END,
                   CASE WHEN i = 1 THEN {database.Clock.Now} + interval '1 hour' ELSE {database.Clock.Now} - interval '1 hour' + i * interval '1 ms' END, i
            FROM generate_series(1, {waiting + 1 + others}) AS i
            """);
    }

    /// <summary>The numbers of the plan's "Rows Removed by Filter" lines.</summary>
    private static IEnumerable<int> RowsRemovedByFilter(string plan)
        => Regex.Matches(plan, @"Rows Removed by Filter: (\d+)").Select(match => int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));

    /// <summary>The plan PostgreSQL runs <paramref name="query"/> with, for these parameters (<c>$1</c>, ...).</summary>
    private async Task<string> ExplainAsync(string query, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + query, connection, transaction);
        foreach (var value in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        var lines = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                lines.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        return string.Join('\n', lines);
    }

    private async Task ClearOutboxAsync()
    {
        await using var context = database.Create();
        await context.Set<OutboxMessage>().ExecuteDeleteAsync();
    }
}
