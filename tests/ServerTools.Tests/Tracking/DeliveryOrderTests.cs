using System;
using System.Collections.Generic;
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
        // With windows of 5 due changes, fewer than a batch, every pass reads several, and the dispatchers share where the
        // last look stopped.
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

        string[] keys = ["hot"];
        long[] sequences = [1];
        var followers = await ExplainAsync(sql.Followers, types, keys, sequences, 99);
        Assert.Contains("Index Scan using \"IX_servertools_outbox_EntityType_EntityKey_Sequence\"", followers, StringComparison.Ordinal);
        Assert.DoesNotContain("Seq Scan", followers, StringComparison.Ordinal);

        var ids = await context.Set<OutboxMessage>().Where(m => m.EntityKey == "hot").OrderBy(m => m.Sequence).Skip(1).Take(99).Select(m => m.Id).ToArrayAsync();
        var locks = await ExplainAsync(sql.LockFollowers, ids);
        Assert.DoesNotContain("Seq Scan", locks, StringComparison.Ordinal);

        await ClearOutboxAsync();
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
        var passes = new List<int>();
        while (deliveries.Received.Count < 25 && passes.Count < 10)
        {
            passes.Add(await dispatcher.DispatchAsync());
        }

        // A pass reads nine windows of 200 at most: the first pass finds nothing, the second goes on where it stopped and
        // takes a batch from the last window, and the next two take the rest of it.
        Assert.Equal([0, 10, 10, 5], passes);
        Assert.Equal(Enumerable.Range(3002, 25).Select(i => $"other-{i}"), deliveries.Received.Select(c => c.EntityKey));

        // When the retry is due, the order's first change is due later than the 3,000 behind it, so it lies in the last
        // window: found by the second pass, with a batch of the changes that follow it.
        database.Clock.Now += TimeSpan.FromHours(2);
        try
        {
            var first = await dispatcher.DispatchAsync();
            var second = await dispatcher.DispatchAsync();
            Assert.Equal((0, 11), (first, second));
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
    public async Task The_dispatch_loop_reads_on_through_a_long_backlog_without_waiting_for_its_poll_interval()
    {
        await InsertBacklogAsync(waiting: 3000, others: 5);
        var delivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var deliveries = new Deliveries();
        deliveries.Behaviour = (_, _) =>
        {
            if (deliveries.Received.Count == 5)
            {
                delivered.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await using var services = database.Services(deliveries, o =>
        {
            o.BatchSize = 10;
            o.ClaimWindow = 100;
            o.PollInterval = TimeSpan.FromHours(1);
        });
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        using var stop = new CancellationTokenSource();

        // Thirty windows of 100 before the first change that can be delivered, eight a pass after the first: the passes before it
        // find nothing, and the loop runs them back to back instead of waiting an hour after the first.
        var loop = Task.Run(() => dispatcher.RunAsync(stop.Token));
        try
        {
            await delivered.Task.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.Equal(Enumerable.Range(3002, 5).Select(i => $"other-{i}"), deliveries.Received.Select(c => c.EntityKey));
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await loop;
            }
            catch (OperationCanceledException)
            {
                // The loop ends when its token is cancelled, by returning or by the cancelled wait.
            }

            await ClearOutboxAsync();
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
