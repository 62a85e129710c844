using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using ServerTools.Tests.Auditing;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Tracking;

/// <summary>
/// The outbox as an application may map it in OnModelCreating (another schema, table, columns, JSON names, and
/// <c>jsonb</c>), written by the synchronous SaveChanges with updates, deletes and creations in one COPY, and delivered
/// from there.
/// </summary>
public sealed class TrackingMappingTests(TrackingMappingTests.Database database) : IClassFixture<TrackingMappingTests.Database>
{
    public sealed class Database() : SchemaFixture<RenamedOutboxContext>(options => new(options));

    [Fact]
    public async Task Messages_of_every_operation_go_where_the_model_maps_them_and_are_delivered_from_there()
    {
        int kept, changed, removed, added;
        using (var context = database.Create())
        {
            var keep = new SaleOrder { Number = "SO-kept", Total = 10.00m };
            var change = new SaleOrder { Number = "SO-changed", Total = 20.00m };
            var remove = new SaleOrder { Number = "SO-removed", Total = 30.00m, Note = "gone" };
            context.SaleOrders.AddRange(keep, change, remove);
            context.SaveChanges();
            context.Database.ExecuteSqlRaw("""DELETE FROM events.change_outbox""");

            // One save, one COPY: an update and a delete (encoded ahead) and a creation (encoded at the write).
            change.Total = 25.50m;
            change.State = OrderState.Confirmed;
            context.SaleOrders.Remove(remove);
            var add = new SaleOrder { Number = "SO-added", Total = 5m };
            context.SaleOrders.Add(add);
            context.SaveChanges();
            (kept, changed, removed, added) = (keep.Id, change.Id, remove.Id, add.Id);
        }

        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT entity_key, operation, changes::text, pg_typeof(changes)::text, state, attempts
            FROM events.change_outbox ORDER BY operation, entity_key
            """,
            connection);
        var rows = new List<(string Key, string Operation, string Changes, string Type, string State, int Attempts)>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
            }
        }

        Assert.Equal(
            [(Text(added), "Create"), (Text(removed), "Delete"), (Text(changed), "Update")],
            rows.Select(r => (r.Key, r.Operation)));
        Assert.All(rows, r => Assert.Equal(("jsonb", "Pending", 0), (r.Type, r.State, r.Attempts)));
        Assert.Equal(
            """[{"new": "Confirmed", "old": "Draft", "field": "State"}, {"new": "25.50", "old": "20.00", "field": "Total"}, {"new": "2026-11-21T12:00:00.0000000+00:00", "field": "StateChangedAt"}]""",
            rows[2].Changes);
        Assert.Equal(
            $$"""[{"new": "{{Text(added)}}", "field": "Id"}, {"new": "SO-added", "field": "Number"}, {"new": "Draft", "field": "State"}, {"new": "5", "field": "Total"}, {"field": "StateChangedAt"}, {"field": "Note"}]""",
            rows[0].Changes);
        Assert.Contains("""{"old": "gone", "field": "Note"}""", rows[1].Changes, StringComparison.Ordinal);
        Assert.DoesNotContain(Text(kept), rows.Select(r => r.Key));

        var deliveries = new Deliveries();
        await using var services = Services(deliveries);
        Assert.Equal(3, await services.GetRequiredService<TrackedChangeDispatcher<RenamedOutboxContext>>().DispatchAsync());
        var update = Assert.Single(deliveries.Received, c => c.Operation == TrackedOperation.Update);
        Assert.True(update.TryGet(SaleOrder.TrackedFields.Total, out var before, out var after));
        Assert.Equal((20.00m, 25.50m), (before, after));
        var delete = Assert.Single(deliveries.Received, c => c.Operation == TrackedOperation.Delete);
        Assert.True(delete.TryGet(SaleOrder.TrackedFields.Note, out var note, out var none));
        Assert.Equal(("gone", null), (note, none));
        using var check = database.Create();
        Assert.All(check.Set<OutboxMessage>().ToList(), m => Assert.Equal((OutboxState.Delivered, 1, true), (m.State, m.Attempts, m.DeliveredAt is not null)));
    }

    [Fact]
    public async Task A_handler_error_longer_than_the_mapped_length_of_LastError_is_cut_to_it()
    {
        await using (var context = database.Create())
        {
            await context.Set<OutboxMessage>().ExecuteDeleteAsync();
            context.SaleOrders.Add(new SaleOrder { Number = "SO-long-error", Total = 1m });
            await context.SaveChangesAsync();
        }

        var deliveries = new Deliveries { Behaviour = (_, _) => throw new InvalidOperationException(new string('x', 500)) };
        await using var services = Services(deliveries);

        Assert.Equal(1, await services.GetRequiredService<TrackedChangeDispatcher<RenamedOutboxContext>>().DispatchAsync());

        await using var check = database.Create();
        var message = await check.Set<OutboxMessage>().SingleAsync();
        Assert.Equal((OutboxState.Pending, 1), (message.State, message.Attempts));
        const string Prefix = "ServerTools.Tests.Tracking.RecordingHandler: System.InvalidOperationException: ";
        Assert.Equal(Prefix + new string('x', 200 - Prefix.Length), message.LastError);
    }

    [Fact]
    public void A_database_whose_column_is_json_where_the_model_says_jsonb_fails_the_save_with_what_to_do()
    {
        using var context = database.Create();
        var order = new SaleOrder { Number = "SO-json-column", Total = 1m };
        context.SaleOrders.Add(order);
        context.SaveChanges();
        context.Database.ExecuteSqlRaw("""ALTER TABLE events.change_outbox ALTER COLUMN changes TYPE json USING changes::json""");
        try
        {
            order.Total = 2m;
            var error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
            Assert.StartsWith("The model maps column 'changes' of events.change_outbox as jsonb, but the database's column is json,", error.Message, StringComparison.Ordinal);
            Assert.Contains(
                """modelBuilder.Entity<OutboxMessage>().ComplexCollection(m => m.Fields, f => f.ToJson("changes").HasColumnType("json"))""",
                error.Message,
                StringComparison.Ordinal);
        }
        finally
        {
            context.Database.ExecuteSqlRaw("""ALTER TABLE events.change_outbox ALTER COLUMN changes TYPE jsonb USING changes::jsonb""");
        }

        using var check = database.Create();
        Assert.Equal(1m, check.SaleOrders.Single(o => o.Id == order.Id).Total);
    }

    [Fact]
    public async Task A_pass_records_each_delivery_at_its_own_time_and_a_failure_with_its_retry()
    {
        string failing;
        using (var context = database.Create())
        {
            var orders = new[] { new SaleOrder { Number = "SO-pass-1" }, new SaleOrder { Number = "SO-pass-2" }, new SaleOrder { Number = "SO-pass-3" } };
            context.SaleOrders.AddRange(orders);
            context.SaveChanges();
            context.Database.ExecuteSqlRaw("""DELETE FROM events.change_outbox WHERE entity_key <> ALL({0})""", [orders.Select(o => Text(o.Id)).ToArray()]);
            failing = Text(orders[1].Id);
        }

        // Whole seconds, as the column keeps microseconds; a day ahead, so the messages are due. Each delivery takes a second.
        var clock = new FixedClock(new DateTimeOffset(DateTime.UtcNow.Date.AddDays(1), TimeSpan.Zero));
        var start = clock.Now;
        var deliveries = new Deliveries
        {
            Behaviour = (change, _) =>
            {
                clock.Now += TimeSpan.FromSeconds(1);
                return change.EntityKey == failing ? throw new TimeoutException("down") : Task.CompletedTask;
            },
        };
        await using var services = Services(deliveries, clock);
        Assert.Equal(3, await services.GetRequiredService<TrackedChangeDispatcher<RenamedOutboxContext>>().DispatchAsync());

        using var check = database.Create();
        var messages = check.Set<OutboxMessage>().ToDictionary(m => m.EntityKey);
        var received = deliveries.Received.ToArray();
        Assert.Equal(3, received.Length);
        for (var i = 0; i < received.Length; i++)
        {
            var message = messages[received[i].EntityKey];
            var handled = start.AddSeconds(i + 1);
            Assert.Equal(
                received[i].EntityKey == failing
                    ? (OutboxState.Pending, 1, null, handled.AddSeconds(5), "ServerTools.Tests.Tracking.RecordingHandler: System.TimeoutException: down")
                    : (OutboxState.Delivered, 1, handled, message.Timestamp, null),
                (message.State, message.Attempts, message.DeliveredAt, message.NextAttemptAt, message.LastError));
        }
    }

    [Fact]
    public void An_outbox_without_DeliveredAt_is_written_and_recorded_without_it()
    {
        using var context = new NoDeliveredAtContext(
            new DbContextOptionsBuilder<NoDeliveredAtContext>().UseNpgsql("Host=127.0.0.1;Database=never_opened").UseServerTools().Options);
        var sql = ServerTools.Tracking.OutboxSql.For(context);

        Assert.Equal(
            """UPDATE servertools_outbox AS message SET "State" = {0}, "Attempts" = message."Attempts" + 1, "HandledBy" = NULL FROM unnest({1}, {2}) AS delivered(id, at) WHERE message."Id" = delivered.id""",
            sql.MarkDelivered);
        Assert.DoesNotContain("DeliveredAt", sql.CopyMessages, StringComparison.Ordinal);
    }

    [Fact]
    public void An_outbox_state_stored_as_a_number_is_refused_with_what_to_do()
    {
        using var context = new NumericStateContext(
            new DbContextOptionsBuilder<NumericStateContext>().UseNpgsql("Host=127.0.0.1;Database=never_opened").UseServerTools().Options);

        var error = Assert.Throws<InvalidOperationException>(() => ServerTools.Tracking.OutboxSql.For(context));
        Assert.Equal(
            "'OutboxMessage.State' is stored as Int32 in servertools_outbox, but ServerTools writes and queries it as the member's name (text), " +
            "as UseServerTools() maps it. Remove the conversion of OutboxMessage.State from OnModelCreating.",
            error.Message);
    }

    [Fact]
    public void An_audit_operation_stored_as_a_number_is_refused_with_what_to_do()
    {
        using var context = new NumericStateContext(
            new DbContextOptionsBuilder<NumericStateContext>().UseNpgsql("Host=127.0.0.1;Database=never_opened").UseServerTools().Options);

        var error = Assert.Throws<InvalidOperationException>(() => ServerTools.Auditing.AuditSql.For(context));
        Assert.StartsWith("'AuditLog.Operation' is stored as Int32 in servertools_audit_log,", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A context that stores the outbox's state and the audit trail's operation as numbers.</summary>
    private sealed class NumericStateContext(DbContextOptions<NumericStateContext> options) : DbContext(options)
    {
        public DbSet<SaleOrder> SaleOrders => Set<SaleOrder>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<OutboxMessage>().Property(m => m.State).HasConversion<int>();
            modelBuilder.Entity<AuditLog>().Property(l => l.Operation).HasConversion<int>();
        }
    }

    /// <summary>A context whose outbox leaves <see cref="OutboxMessage.DeliveredAt"/> unmapped.</summary>
    /// <summary>
    /// A dispatcher started before its database has the outbox (the migration not applied yet) logs the failure with its
    /// exception once, not at every poll; waits longer after each failed pass; says again, without the stack, when it
    /// still fails five minutes later; and says when passes succeed again.
    /// </summary>
    [Fact]
    public async Task A_pass_that_keeps_failing_is_logged_once_then_rarely_and_its_end_is_logged()
    {
        var clock = new FixedClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        var log = new RecordingLogger<TrackedChangeDispatcher<RenamedOutboxContext>>();
        var collection = new ServiceCollection();
        collection.AddDbContext<RenamedOutboxContext>(options => options.UseNpgsql(database.ConnectionString).UseServerTools());
        collection.AddSingleton<ILogger<TrackedChangeDispatcher<RenamedOutboxContext>>>(log);
        collection.AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>().AddSingleton(new Deliveries());
        collection.AddTrackedChangeDispatcher<RenamedOutboxContext>(options => (options.TimeProvider, options.PollInterval) = (clock, TimeSpan.FromMilliseconds(10)));
        await using var services = collection.BuildServiceProvider(validateScopes: true);
        await using (var context = database.Create())
        {
            await context.Database.ExecuteSqlRawAsync("ALTER TABLE events.change_outbox RENAME TO change_outbox_not_yet");
        }

        using var stop = new CancellationTokenSource();
        var loop = Task.Run(() => services.GetRequiredService<TrackedChangeDispatcher<RenamedOutboxContext>>().RunAsync(stop.Token));
        try
        {
            // About 1.5 s: at one pass per poll interval, a hundred failed passes; waiting longer after each, a few.
            await Task.Delay(1500);
            var failed = Assert.Single(log.Entries, e => e.EventId == 3 || e.Level >= LogLevel.Warning);
            Assert.Equal(LogLevel.Error, failed.Level);
            Assert.DoesNotContain(log.Entries, e => e.EventId == 17);

            clock.Now += TimeSpan.FromMinutes(6);
            await WaitForAsync(() => log.Entries.Any(e => e.EventId == 17));
            var again = Assert.Single(log.Entries, e => e.EventId == 17).Message;
            Assert.StartsWith("Dispatch passes over the outbox of RenamedOutboxContext have failed ", again, StringComparison.Ordinal);
            Assert.Contains(" times in a row since 2026-11-22 09:00:00Z, the last with System.InvalidOperationException, as logged before;", again, StringComparison.Ordinal);

            await using (var context = database.Create())
            {
                await context.Database.ExecuteSqlRawAsync("ALTER TABLE events.change_outbox_not_yet RENAME TO change_outbox");
            }

            // At most 30 s (the longest wait), usually well under a second.
            await WaitForAsync(() => log.Entries.Any(e => e.EventId == 18), TimeSpan.FromSeconds(40));
            Assert.StartsWith("Dispatch passes over the outbox of RenamedOutboxContext succeed again, after ", Assert.Single(log.Entries, e => e.EventId == 18).Message, StringComparison.Ordinal);
            Assert.Single(log.Entries, e => e.EventId == 3);
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
                // Stopped in a pass or a wait.
            }

            await using var context = database.Create();
            await context.Database.ExecuteSqlRawAsync(
                "DO $$ BEGIN IF to_regclass('events.change_outbox_not_yet') IS NOT NULL THEN ALTER TABLE events.change_outbox_not_yet RENAME TO change_outbox; END IF; END $$");
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        var until = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "The dispatcher did not log what was awaited in time.");
            await Task.Delay(20);
        }
    }

    private sealed class NoDeliveredAtContext(DbContextOptions<NoDeliveredAtContext> options) : DbContext(options)
    {
        public DbSet<SaleOrder> SaleOrders => Set<SaleOrder>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<OutboxMessage>().Ignore(m => m.DeliveredAt);
    }

    private ServiceProvider Services(Deliveries deliveries, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddDbContext<RenamedOutboxContext>(options => options.UseNpgsql(database.ConnectionString).UseServerTools());
        services.AddSingleton(deliveries);
        services.AddScoped<ITrackedChangeHandler<SaleOrder>, RecordingHandler>();
        services.AddTrackedChangeDispatcher<RenamedOutboxContext>(options => options.TimeProvider = clock ?? TimeProvider.System);
        return services.BuildServiceProvider(validateScopes: true);
    }

    private static string Text(int id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A context that maps the outbox its own way, as docs/tracking.md shows.</summary>
public sealed class RenamedOutboxContext(DbContextOptions<RenamedOutboxContext> options) : DbContext(options)
{
    public DbSet<SaleOrder> SaleOrders => Set<SaleOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("change_outbox", "events");
            outbox.Property(m => m.Id).HasColumnName("message_id");

            // A row version an application may add (PostgreSQL's xmin): the dispatcher's updates must not depend on it.
            outbox.Property<uint>("Version").IsRowVersion();
            outbox.Property(m => m.EntityKey).HasColumnName("entity_key");
            outbox.Property(m => m.Operation).HasColumnName("operation");
            outbox.Property(m => m.State).HasColumnName("state");
            outbox.Property(m => m.Attempts).HasColumnName("attempts");
            outbox.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at");
            outbox.Property(m => m.DeliveredAt).HasColumnName("delivered_at");
            outbox.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(200);
            outbox.ComplexCollection(m => m.Fields, fields =>
            {
                // jsonb rather than ServerTools' json: the writer follows the model's column type.
                fields.ToJson("changes").HasColumnType("jsonb");
                fields.Property(f => f.Field).HasJsonPropertyName("field");
                fields.Property(f => f.OldValue).HasJsonPropertyName("old");
                fields.Property(f => f.NewValue).HasJsonPropertyName("new");
            });
        });
}
