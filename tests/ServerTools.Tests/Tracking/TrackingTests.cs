using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Tracking;

/// <summary>Hooks in SaveChanges and the outbox they feed, on PostgreSQL. Tests of one class run one at a time, so each may clear the outbox.</summary>
public sealed class TrackingTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    [Fact]
    public async Task Hooks_fire_once_per_changed_field_in_property_order_and_their_edits_are_saved()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-hooks");
        await using (var context = database.Create())
        {
            var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
            order.Note = "rush";
            order.Total = 99.5m;
            order.State = OrderState.Confirmed;
            await context.SaveChangesAsync();
            Assert.Equal(["State Draft -> Confirmed", "Total 10.00 -> 99.5", "Note  -> rush"], order.HookCalls);

            order.HookCalls.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(order.HookCalls);
        }

        await using var check = database.Create();
        var saved = await check.SaleOrders.SingleAsync(o => o.Id == id);
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero), saved.StateChangedAt);
        var message = Assert.Single(await Messages(check, id, TrackedOperation.Update));
        Assert.Equal(
            ["State", "Total", "StateChangedAt", "Note"],
            message.Fields.Select(f => f.Field));
        Assert.Equal(("Draft", "Confirmed"), (message.Fields[0].OldValue, message.Fields[0].NewValue));
        Assert.Equal((null, "2026-11-21T12:00:00.0000000+00:00"), (message.Fields[2].OldValue, message.Fields[2].NewValue));
    }

    [Fact]
    public async Task A_save_in_a_transaction_an_application_interceptor_begins_writes_its_outbox_messages_in_it()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-unit-of-work");
        await using (var context = new TrackingContext(
            new DbContextOptionsBuilder<TrackingContext>()
                .UseNpgsql(database.ConnectionString)
                .UseServerTools(options => options.TimeProvider = database.Clock)
                .AddInterceptors(new BeginUnitOfWork())
                .Options))
        {
            (await context.SaleOrders.SingleAsync(o => o.Id == id)).State = OrderState.Confirmed;
            await context.SaveChangesAsync();
            await using (var outside = database.Create())
            {
                Assert.Empty(await Messages(outside, id, TrackedOperation.Update));
            }

            await context.Database.CommitTransactionAsync();
        }

        await using var check = database.Create();
        var message = Assert.Single(await Messages(check, id, TrackedOperation.Update));
        Assert.Contains(message.Fields, f => f is { Field: "State", OldValue: "Draft", NewValue: "Confirmed" });
    }

    [Fact]
    public async Task A_derived_class_is_tracked_through_its_tracked_base_class_and_base_class_hooks_run_for_it()
    {
        await ClearOutboxAsync();
        var van = new Van { Plate = "VAN-1", Seats = 8 };
        var truck = new Truck { Plate = "TRK-1", Axles = 2 };
        await using (var context = database.Create())
        {
            context.AddRange(van, truck);
            await context.SaveChangesAsync();
            Assert.Empty(van.HookCalls);

            van.Plate = "VAN-2";
            van.Seats = 9;
            truck.Plate = "TRK-2";
            truck.Axles = 3;
            await context.SaveChangesAsync();
        }

        // The van has the vehicle's fields and hook; the truck its own fields, with the vehicle's hook for Plate first.
        Assert.Equal(["Vehicle.Plate VAN-1 -> VAN-2"], van.HookCalls);
        Assert.Equal(["Vehicle.Plate TRK-1 -> TRK-2", "Truck.Plate TRK-1 -> TRK-2", "Truck.Axles 2 -> 3"], truck.HookCalls);

        await using var check = database.Create();
        var messages = await check.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.EntityType).ToListAsync();
        Assert.Equal(
            [(typeof(Truck).FullName!, Key(truck.Id), "Plate TRK-1 -> TRK-2; Axles 2 -> 3"), (typeof(Vehicle).FullName!, Key(van.Id), "Plate VAN-1 -> VAN-2")],
            messages.Select(m => (m.EntityType, m.EntityKey, string.Join("; ", m.Fields.Select(f => $"{f.Field} {f.OldValue} -> {f.NewValue}")))));

        static string Key(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_concurrency_conflict_gives_the_context_back_as_it_was_and_leaves_nothing_for_a_later_commit()
    {
        await ClearOutboxAsync();
        var id = await CreateParcelAsync("P-conflict");
        await using var context = database.Create();
        var parcel = await context.Parcels.SingleAsync(p => p.Id == id);
        await BumpVersionAsync(id);
        parcel.Weight = 2m;

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());

        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
        Assert.Equal(AutoTransactionBehavior.WhenNeeded, context.Database.AutoTransactionBehavior);
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await transaction.CommitAsync();
        }

        Assert.Empty(await ParcelMessagesAsync(id));

        // EF Core's retry: take the database's values, change one more field, save again.
        var entry = context.Entry(parcel);
        entry.OriginalValues.SetValues((await entry.GetDatabaseValuesAsync())!);
        parcel.Code = "P-conflict-2";
        await context.SaveChangesAsync();

        await using var check = database.Create();
        var saved = await check.Parcels.SingleAsync(p => p.Id == id);
        Assert.Equal(("P-conflict-2", 2m), (saved.Code, saved.Weight));
        var message = Assert.Single(await ParcelMessagesAsync(id));
        Assert.Equal(["Code", "Weight", "Version"], message.Fields.Select(f => f.Field));
        Assert.Equal(
            [AuditOperation.Create, AuditOperation.Update],
            await check.AuditTrailByKey<Parcel>(id).Select(l => l.Operation).ToListAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_conflict_an_interceptor_suppresses_lets_the_save_write_its_rows_but_none_of_the_entity_in_conflict_also_when_it_is_retried(bool killFirstCommit)
    {
        var id = await CreateParcelAsync("P-suppress-" + killFirstCommit);
        var builder = new DbContextOptionsBuilder<TrackingContext>()
            .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]))
            .UseServerTools()
            .AddInterceptors(new SuppressConcurrencyConflicts());
        if (killFirstCommit)
        {
            builder.AddInterceptors(new KillConnectionAtFirstCommit(database.ConnectionString));
        }

        await using var context = new TrackingContext(builder.Options);
        var parcel = await context.Parcels.SingleAsync(p => p.Id == id);
        await BumpVersionAsync(id);
        parcel.Weight = 7m;
        var added = new Parcel { Code = "P-added-" + killFirstCommit, Weight = 1m };
        context.Parcels.Add(added);

        await context.SaveChangesAsync();

        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create], await check.AuditTrailByKey<Parcel>(added.Id).Select(l => l.Operation).ToListAsync());
        Assert.Single(await ParcelMessagesAsync(added.Id, TrackedOperation.Create));

        // The update whose statement affected no row changed nothing: neither logged nor delivered.
        Assert.Equal([AuditOperation.Create], await check.AuditTrailByKey<Parcel>(id).Select(l => l.Operation).ToListAsync());
        Assert.Empty(await ParcelMessagesAsync(id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delete_whose_conflict_was_suppressed_in_an_attempt_that_failed_is_delivered_when_the_retry_deletes_the_row(bool async)
    {
        var code = "P-restored-" + async;
        var id = await CreateParcelAsync(code);
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString, async () =>
        {
            // The other user undoes the delete: the parcel is back, under its key.
            await using var restore = database.Create();
            restore.Parcels.Add(new Parcel { Id = id, Code = code, Weight = 1m });
            await restore.SaveChangesAsync();
        });
        await using var context = new TrackingContext(
            new DbContextOptionsBuilder<TrackingContext>()
                .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]))
                .UseServerTools()
                .AddInterceptors(new SuppressConcurrencyConflicts(), killer)
                .Options);
        var parcel = await context.Parcels.SingleAsync(p => p.Id == id);
        await using (var other = database.Create())
        {
            other.Parcels.Remove(await other.Parcels.SingleAsync(p => p.Id == id));
            await other.SaveChangesAsync();
        }

        // The first attempt deletes a row that is gone (its conflict is suppressed) and loses its connection at the
        // commit; the execution strategy's retry deletes the restored row: its delete is delivered and logged.
        context.Parcels.Remove(parcel);
        if (async)
        {
            await context.SaveChangesAsync();
        }
        else
        {
            context.SaveChanges();
        }

        Assert.Equal(2, killer.Commits);
        await using var check = database.Create();
        Assert.False(await check.Parcels.AnyAsync(p => p.Id == id));
        Assert.Equal(2, (await ParcelMessagesAsync(id, TrackedOperation.Delete)).Count);
        Assert.Equal(
            [AuditOperation.Create, AuditOperation.Delete, AuditOperation.Create, AuditOperation.Delete],
            await check.AuditTrailByKey<Parcel>(id).Select(l => l.Operation).ToListAsync());
    }

    [Fact]
    public async Task A_save_an_application_interceptor_rejects_writes_nothing_at_a_later_commit_of_the_context()
    {
        await ClearOutboxAsync();
        var id = await CreateParcelAsync("P-reject");
        var options = new DbContextOptionsBuilder<TrackingContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new RejectEverySave()).Options;
        await using var context = new TrackingContext(options);
        var parcel = await context.Parcels.SingleAsync(p => p.Id == id);
        parcel.Weight = 5m;
        await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());

        // The application drops the rejected change and works in a transaction of its own.
        context.ChangeTracker.Clear();
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            await context.Database.ExecuteSqlAsync($"SELECT 1");
            await transaction.CommitAsync();
        }

        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
        Assert.Equal(AutoTransactionBehavior.WhenNeeded, context.Database.AutoTransactionBehavior);
        Assert.Empty(await ParcelMessagesAsync(id));
        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create], await check.AuditTrailByKey<Parcel>(id).Select(l => l.Operation).ToListAsync());
    }

    /// <summary>An application's interceptor, after ServerTools', that lets the last writer win.</summary>
    private sealed class SuppressConcurrencyConflicts : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult ThrowingConcurrencyException(
            Microsoft.EntityFrameworkCore.Diagnostics.ConcurrencyExceptionEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult result)
            => Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult.Suppress();

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult> ThrowingConcurrencyExceptionAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.ConcurrencyExceptionEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult result,
            CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult.Suppress());
    }

    /// <summary>An application's validation interceptor, after ServerTools', that refuses every save.</summary>
    private sealed class RejectEverySave : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("The application's validation refused the save.");
    }

    [Fact]
    public async Task A_pooled_context_whose_save_hit_a_concurrency_conflict_carries_nothing_to_its_next_lease()
    {
        await ClearOutboxAsync();
        var id = await CreateParcelAsync("P-pool");
        var options = new DbContextOptionsBuilder<TrackingContext>().UseNpgsql(database.ConnectionString).UseServerTools().Options;
        var pool = new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<TrackingContext>(options, poolSize: 1);
        TrackingContext first;
        await using (first = await pool.CreateDbContextAsync())
        {
            var parcel = await first.Parcels.SingleAsync(p => p.Id == id);
            await BumpVersionAsync(id);
            parcel.Weight = 3m;
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => first.SaveChangesAsync());
        }

        await using (var second = await pool.CreateDbContextAsync())
        {
            Assert.Same(first, second);
            await using var transaction = await second.Database.BeginTransactionAsync();
            Assert.Equal(1, await second.Parcels.CountAsync(p => p.Id == id));
            await transaction.CommitAsync();
        }

        Assert.Empty(await ParcelMessagesAsync(id));
        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create], await check.AuditTrailByKey<Parcel>(id).Select(l => l.Operation).ToListAsync());
    }

    [Fact]
    public async Task A_throwing_hook_aborts_the_save_and_leaves_neither_the_change_nor_outbox_rows()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-boom");
        await using (var context = database.Create())
        {
            var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
            order.State = OrderState.Shipped;
            order.Note = "boom";
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
            Assert.Equal("The note hook refused 'boom'.", error.Message);
        }

        await using var check = database.Create();
        Assert.Equal(OrderState.Draft, (await check.SaleOrders.SingleAsync(o => o.Id == id)).State);
        Assert.Empty(await Messages(check, id, TrackedOperation.Update));
    }

    [Fact]
    public async Task A_rolled_back_transaction_leaves_no_outbox_rows_and_a_committed_one_leaves_one()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-tx");
        await using (var context = database.Create())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
            order.Total = 1m;
            await context.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using (var check = database.Create())
        {
            Assert.Empty(await Messages(check, id, TrackedOperation.Update));
        }

        await using (var context = database.Create())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
            order.Total = 2m;
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var after = database.Create();
        var message = Assert.Single(await Messages(after, id, TrackedOperation.Update));
        Assert.Equal([new TrackedFieldChange("Total", "10.00", "2")], message.Fields);
    }

    [Fact]
    public async Task Creation_and_deletion_are_changes_when_the_attribute_opts_in_and_only_tracked_fields_count()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-life");
        await using (var context = database.Create())
        {
            context.SaleOrders.Remove(await context.SaleOrders.SingleAsync(o => o.Id == id));
            var shipment = new Shipment { Carrier = "DHL", Internal = "a" };
            context.Shipments.Add(shipment);
            await context.SaveChangesAsync();
            shipment.Internal = "b";
            await context.SaveChangesAsync();
            shipment.Carrier = "UPS";
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var created = Assert.Single(await Messages(check, id, TrackedOperation.Create));
        Assert.Equal(("Id", null, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (created.Fields[0].Field, created.Fields[0].OldValue, created.Fields[0].NewValue));
        Assert.All(created.Fields, f => Assert.Null(f.OldValue));
        var deleted = Assert.Single(await Messages(check, id, TrackedOperation.Delete));
        Assert.Equal(["Id", "Number", "State", "Total", "StateChangedAt", "Note"], deleted.Fields.Select(f => f.Field));
        Assert.All(deleted.Fields, f => Assert.Null(f.NewValue));

        var shipments = await check.Set<OutboxMessage>().Where(m => m.EntityType == typeof(Shipment).FullName).ToListAsync();
        var update = Assert.Single(shipments);
        Assert.Equal(TrackedOperation.Update, update.Operation);
        Assert.Equal([new TrackedFieldChange("Carrier", "DHL", "UPS")], update.Fields);
    }

    [Fact]
    public async Task A_class_tracked_by_its_properties_delivers_creations_and_deletions_when_a_property_asks_for_them_and_not_otherwise()
    {
        await ClearOutboxAsync();
        var handled = new System.Collections.Concurrent.ConcurrentQueue<TrackedChange<Courier>>();
        await using var services = database.Services(services => services
            .AddSingleton(handled)
            .AddScoped<ITrackedChangeHandler<Courier>, CourierHandler>()
            .AddScoped<ITrackedChangeHandler<Shipment>, NoHandler<Shipment>>());
        int courierId, shipmentId;
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<TrackingContext>();
            var courier = new Courier { Status = OrderState.Draft, Note = "a" };
            var shipment = new Shipment { Carrier = "DHL", Internal = "a" };
            context.AddRange(courier, shipment);
            await context.SaveChangesAsync();
            (courierId, shipmentId) = (courier.Id, shipment.Id);
            courier.Note = "b";
            await context.SaveChangesAsync();
            courier.Status = OrderState.Confirmed;
            shipment.Carrier = "UPS";
            await context.SaveChangesAsync();
            context.RemoveRange(courier, shipment);
            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            var key = shipmentId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var shipments = await check.Set<OutboxMessage>().Where(m => m.EntityType == typeof(Shipment).FullName && m.EntityKey == key).ToListAsync();
            Assert.Equal([TrackedOperation.Update], shipments.Select(m => m.Operation));
        }

        Assert.Equal(4, await services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync());
        var courierKey = courierId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.All(handled, change => Assert.Equal(courierKey, change.EntityKey));
        Assert.Equal(
            [
                (TrackedOperation.Create, [new TrackedFieldChange("Status", null, "Draft")]),
                (TrackedOperation.Update, [new TrackedFieldChange("Status", "Draft", "Confirmed")]),
                (TrackedOperation.Delete, new[] { new TrackedFieldChange("Status", "Confirmed", null) }),
            ],
            handled.Select(static change => (change.Operation, change.Fields.ToArray())));
    }

    private sealed class CourierHandler(System.Collections.Concurrent.ConcurrentQueue<TrackedChange<Courier>> handled) : ITrackedChangeHandler<Courier>
    {
        public Task HandleAsync(TrackedChange<Courier> change, CancellationToken cancellationToken)
        {
            handled.Enqueue(change);
            return Task.CompletedTask;
        }
    }

    private sealed class NoHandler<T> : ITrackedChangeHandler<T>
        where T : class
    {
        public Task HandleAsync(TrackedChange<T> change, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Fact]
    public async Task A_value_EF_does_not_write_is_not_reported_as_a_change()
    {
        await ClearOutboxAsync();
        int id;
        await using (var context = database.Create())
        {
            var shipment = new Shipment { Carrier = "DHL", Internal = "a" };
            context.Shipments.Add(shipment);
            await context.SaveChangesAsync();
            id = shipment.Id;
            shipment.Carrier = "UPS";
            await context.SaveChangesAsync();

            // Automatic detection off: the new carrier is never detected, so EF writes only Internal, marked by hand. (No hook runs
            // in this save: one would have the context's changes detected again.)
            context.ChangeTracker.AutoDetectChangesEnabled = false;
            shipment.Carrier = "GLS";
            shipment.Internal = "b";
            context.Entry(shipment).Property(s => s.Internal).IsModified = true;
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var saved = await check.Shipments.SingleAsync(s => s.Id == id);
        Assert.Equal(("UPS", "b"), (saved.Carrier, saved.Internal));
        var message = await check.Set<OutboxMessage>().SingleAsync(m => m.EntityType == typeof(Shipment).FullName);
        Assert.Equal([new TrackedFieldChange("Carrier", "DHL", "UPS")], message.Fields);
    }

    [Fact]
    public async Task A_change_the_property_comparer_calls_no_change_runs_no_hook_and_is_not_reported()
    {
        var id = await CreateOrderAsync("SO-case");
        await UpdateAsync(id, order => order.Note = "rush");
        await ClearOutboxAsync();
        await using (var context = database.Create())
        {
            // The model compares the note ignoring case (TrackingContext): EF does not write "RUSH", so nothing says it changed.
            var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
            order.Note = "RUSH";
            order.Total = 11m;
            await context.SaveChangesAsync();
            Assert.Equal(["Total 10.00 -> 11"], order.HookCalls);
        }

        await using var check = database.Create();
        var saved = await check.SaleOrders.SingleAsync(o => o.Id == id);
        Assert.Equal(("rush", 11m), (saved.Note, saved.Total));
        var message = Assert.Single(await Messages(check, id, TrackedOperation.Update));
        Assert.Equal([new TrackedFieldChange("Total", "10.00", "11")], message.Fields);
    }

    [Fact]
    public async Task The_fields_are_stored_as_json()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-json");
        await UpdateAsync(id, order => order.Total = 2m);

        await using var check = database.Create();
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var type = await check.Database
            .SqlQuery<string>($"""SELECT pg_typeof("Fields")::text AS "Value" FROM servertools_outbox WHERE "EntityKey" = {key} AND "Operation" = 'Update'""")
            .SingleAsync();
        Assert.Equal("json", type);
        Assert.Equal([new TrackedFieldChange("Total", "10.00", "2")], Assert.Single(await Messages(check, id, TrackedOperation.Update)).Fields);
    }

    [Fact]
    public async Task A_database_whose_fields_column_is_still_jsonb_fails_the_save_with_what_to_do_and_keeps_nothing()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-jsonb");
        await using (var context = database.Create())
        {
            // The column as a database made before the outbox's fields became json has it.
            await context.Database.ExecuteSqlRawAsync("""ALTER TABLE servertools_outbox ALTER COLUMN "Fields" TYPE jsonb USING "Fields"::jsonb""");
            try
            {
                var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
                order.Total = 3m;
                var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
                Assert.StartsWith("The model maps column 'Fields' of servertools_outbox as json, but the database's column is jsonb,", error.Message, StringComparison.Ordinal);
                Assert.Contains("Add a migration", error.Message, StringComparison.Ordinal);
                Assert.Contains(
                    """modelBuilder.Entity<OutboxMessage>().ComplexCollection(m => m.Fields, f => f.ToJson("Fields").HasColumnType("jsonb"))""",
                    error.Message,
                    StringComparison.Ordinal);
                Assert.IsType<PostgresException>(error.InnerException);
            }
            finally
            {
                await context.Database.ExecuteSqlRawAsync("""ALTER TABLE servertools_outbox ALTER COLUMN "Fields" TYPE json USING "Fields"::json""");
            }
        }

        await using var check = database.Create();
        Assert.Equal(10.00m, (await check.SaleOrders.SingleAsync(o => o.Id == id)).Total);
        Assert.Empty(await Messages(check, id, TrackedOperation.Update));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_retried_by_the_execution_strategy_writes_each_message_once(bool async)
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-retry");
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString);
        await using var context = new TrackingContext(
            new DbContextOptionsBuilder<TrackingContext>()
                .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]))
                .UseServerTools(options => options.TimeProvider = database.Clock)
                .AddInterceptors(killer)
                .Options);
        var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
        order.Total = 12m;
        var created = new SaleOrder { Number = $"SO-retry-new-{async}", Total = 1m };
        context.SaleOrders.Add(created);

        // An update (encoded ahead, once) and a creation (encoded at each write, with the key of the attempt that commits).
        await SaveAsync(context, async);

        Assert.Equal(2, killer.Commits);
        await using var check = database.Create();
        var update = Assert.Single(await Messages(check, id, TrackedOperation.Update));
        Assert.Equal([new TrackedFieldChange("Total", "10.00", "12")], update.Fields);
        var create = Assert.Single(await Messages(check, created.Id, TrackedOperation.Create));
        Assert.Equal(new TrackedFieldChange("Id", null, created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), create.Fields[0]);
        Assert.Equal(1, await check.SaleOrders.CountAsync(o => o.Number == created.Number));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_audited_and_tracked_entity_gets_its_logs_and_its_messages_from_one_save(bool async)
    {
        await using var context = database.Create();
        var kept = new Parcel { Code = $"kept-{async}", Weight = 1m };
        var gone = new Parcel { Code = $"gone-{async}", Weight = 2m };
        context.Parcels.AddRange(kept, gone);
        await context.SaveChangesAsync();
        await ClearOutboxAsync();

        kept.Weight = 1.5m;
        context.Parcels.Remove(gone);
        var added = new Parcel { Code = $"added-{async}", Weight = 3m };
        context.Parcels.Add(added);
        await SaveAsync(context, async);

        await using var check = database.Create();
        var messages = await check.Set<OutboxMessage>().Where(m => m.EntityType == typeof(Parcel).FullName).ToListAsync();
        string Key(Parcel parcel) => parcel.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            [(TrackedOperation.Create, Key(added)), (TrackedOperation.Update, Key(kept)), (TrackedOperation.Delete, Key(gone))],
            messages.Select(m => (m.Operation, m.EntityKey)).OrderBy(m => m.Operation));
        Assert.Equal([new TrackedFieldChange("Weight", "1", "1.5")], messages.Single(m => m.Operation == TrackedOperation.Update).Fields);

        var keptLogs = await check.AuditTrail(kept).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], keptLogs.Select(l => l.Operation));
        Assert.Equal([("Weight", "1", "1.5")], keptLogs[1].Lines.Select(l => (l.Field, l.OldValue, l.NewValue)));
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await check.AuditTrail(gone).ToListAsync()).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await check.AuditTrail(added).ToListAsync()).Select(l => l.Operation));
    }

    [Fact]
    public async Task Purging_deletes_the_delivered_changes_saved_before_a_time_and_nothing_else()
    {
        await ClearOutboxAsync();
        var delivered = await CreateOrderAsync("SO-purge-delivered");
        var deliveredToo = await CreateOrderAsync("SO-purge-delivered-too");
        var deadLettered = await CreateOrderAsync("SO-purge-dead");
        var pending = await CreateOrderAsync("SO-purge-pending");
        var cutoff = database.Clock.Now + TimeSpan.FromSeconds(1);
        database.Clock.Now += TimeSpan.FromMinutes(1);
        var later = await CreateOrderAsync("SO-purge-later");

        await using var context = database.Create();
        string[] keys = [.. new[] { delivered, deliveredToo, later }.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))];
        var dead = deadLettered.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await context.Set<OutboxMessage>().Where(m => keys.Contains(m.EntityKey)).ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.Delivered));
        await context.Set<OutboxMessage>().Where(m => m.EntityKey == dead).ExecuteUpdateAsync(s => s.SetProperty(m => m.State, OutboxState.DeadLettered));

        // Batches of one: the purge goes on until a batch comes back short.
        Assert.Equal(2, await context.PurgeDeliveredChangesAsync(olderThan: cutoff, batchSize: 1));

        var left = await context.Set<OutboxMessage>().OrderBy(m => m.Id).Select(m => m.EntityKey).ToListAsync();
        Assert.Equal([deadLettered, pending, later], left.Select(int.Parse));
        Assert.Equal(0, await context.PurgeDeliveredChangesAsync(olderThan: cutoff));
    }

    [Fact]
    public async Task A_handler_receives_typed_values_and_a_change_that_fails_twice_is_delivered_on_the_third_attempt()
    {
        await ClearOutboxAsync();
        var deliveries = new Deliveries();
        var failures = 2;
        deliveries.Behaviour = (_, _) => Interlocked.Decrement(ref failures) >= 0 ? throw new TimeoutException("warehouse down") : Task.CompletedTask;
        await using var services = database.Services(deliveries, o => o.FirstRetryDelay = TimeSpan.FromMinutes(1));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        var id = await CreateOrderAsync("SO-retry");
        await UpdateAsync(id, order => order.State = OrderState.Shipped);
        await ClearOutboxAsync(keep: TrackedOperation.Update);

        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal(0, await dispatcher.DispatchAsync());
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(1, await dispatcher.DispatchAsync());
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(0, await dispatcher.DispatchAsync());
        database.Clock.Now += TimeSpan.FromMinutes(1);
        Assert.Equal(1, await dispatcher.DispatchAsync());

        var received = deliveries.Received.ToArray();
        Assert.Equal([1, 2, 3], received.Select(c => c.Attempt));
        Assert.Single(received.Select(c => c.ChangeId).Distinct());
        var change = received[^1];
        Assert.True(change.TryGet(SaleOrder.TrackedFields.State, out var from, out var to));
        Assert.Equal((OrderState.Draft, OrderState.Shipped), (from, to));
        Assert.False(change.TryGet(SaleOrder.TrackedFields.Total, out _, out _));
        Assert.Equal((TrackedOperation.Update, id.ToString(System.Globalization.CultureInfo.InvariantCulture)), (change.Operation, change.EntityKey));

        await using var check = database.Create();
        var message = await check.Set<OutboxMessage>().SingleAsync(m => m.Id == change.ChangeId);
        Assert.Equal((OutboxState.Delivered, 3, database.Clock.Now), (message.State, message.Attempts, message.DeliveredAt));
        Assert.Equal("ServerTools.Tests.Tracking.RecordingHandler: System.TimeoutException: warehouse down", message.LastError);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_dispatcher_asked_to_stop_keeps_the_deliveries_it_made_and_hands_out_no_more(bool handlerHonoursTheToken)
    {
        await ClearOutboxAsync();
        using var stop = new CancellationTokenSource();
        var deliveries = new Deliveries();
        var calls = 0;
        deliveries.Behaviour = (_, token) =>
        {
            // The second delivery is under way when the host stops; a handler that honours the token gives up on it.
            if (Interlocked.Increment(ref calls) == 2)
            {
                stop.Cancel();
                if (handlerHonoursTheToken)
                {
                    token.ThrowIfCancellationRequested();
                }
            }

            return Task.CompletedTask;
        };
        await using var services = database.Services(deliveries);
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        for (var i = 0; i < 5; i++)
        {
            var id = await CreateOrderAsync($"SO-stop-{i}");
            await UpdateAsync(id, order => order.State = OrderState.Confirmed);
        }

        await ClearOutboxAsync(keep: TrackedOperation.Update);

        var handled = await dispatcher.DispatchAsync(stop.Token);

        var delivered = handlerHonoursTheToken ? 1 : 2;
        Assert.Equal(delivered, handled);
        await using (var check = database.Create())
        {
            var states = await check.Set<OutboxMessage>().Select(m => new { m.State, m.Attempts }).ToListAsync();
            Assert.Equal(delivered, states.Count(m => m.State == OutboxState.Delivered));
            Assert.Equal(5 - delivered, states.Count(m => m.State == OutboxState.Pending && m.Attempts == 0));
        }

        // The next run delivers the rest, and only the rest.
        deliveries.Behaviour = null;
        Assert.Equal(5 - delivered, await dispatcher.DispatchAsync());
        Assert.Equal(5, deliveries.Received.Where(c => c.Attempt == 1).Select(c => c.ChangeId).Distinct().Count());
        Assert.Equal(handlerHonoursTheToken ? 6 : 5, deliveries.Received.Count);
    }

    [Fact]
    public async Task A_change_that_always_fails_is_dead_lettered_and_can_be_redelivered()
    {
        await ClearOutboxAsync();
        var deliveries = new Deliveries { Behaviour = (_, _) => throw new InvalidOperationException("no route") };
        await using var services = database.Services(deliveries, o => (o.MaxAttempts, o.FirstRetryDelay) = (3, TimeSpan.Zero));
        var dispatcher = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        var id = await CreateOrderAsync("SO-dead");
        await UpdateAsync(id, order => order.Total = 5m);
        await ClearOutboxAsync(keep: TrackedOperation.Update);

        for (var pass = 0; pass < 5; pass++)
        {
            await dispatcher.DispatchAsync();
        }

        Assert.Equal(3, deliveries.Received.Count);
        await using (var check = database.Create())
        {
            var dead = await check.Set<OutboxMessage>().SingleAsync(m => m.EntityKey == id.ToString(System.Globalization.CultureInfo.InvariantCulture) && m.Operation == TrackedOperation.Update);
            Assert.Equal((OutboxState.DeadLettered, 3, "ServerTools.Tests.Tracking.RecordingHandler: System.InvalidOperationException: no route"), (dead.State, dead.Attempts, dead.LastError));
            deliveries.Behaviour = null;
            Assert.Equal(1, await check.RedeliverDeadLetteredChangesAsync());
        }

        Assert.Equal(1, await dispatcher.DispatchAsync());
        Assert.Equal(4, deliveries.Received.Count);
        await using var after = database.Create();
        Assert.Equal(OutboxState.Delivered, (await after.Set<OutboxMessage>().SingleAsync(m => m.Operation == TrackedOperation.Update)).State);
    }

    [Fact]
    public async Task A_dispatcher_killed_after_commit_and_before_delivery_leaves_the_change_to_the_next_one()
    {
        await ClearOutboxAsync();
        var deliveries = new Deliveries();
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        deliveries.Behaviour = async (_, cancellationToken) =>
        {
            entered.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
        };
        await using var services = database.Services(deliveries);
        var id = await CreateOrderAsync("SO-killed");
        await UpdateAsync(id, order => order.State = OrderState.Cancelled);
        await ClearOutboxAsync(keep: TrackedOperation.Update);

        // The first dispatcher locks the change and hangs in its handler; its database session is then killed, as when
        // its process dies: the lock goes with the session and nothing was recorded. (The kill waits until the session
        // has ended, so that its lock is gone before the next dispatcher looks.)
        using var hang = new CancellationTokenSource();
        var first = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>().DispatchAsync(hang.Token);
        try
        {
            await entered.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await using var admin = new NpgsqlConnection(database.ConnectionString);
            await admin.OpenAsync();
            await using var kill = new NpgsqlCommand(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, 10000)) FROM pg_stat_activity " +
                "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'idle in transaction'", admin);
            Assert.Equal(1L, await kill.ExecuteScalarAsync());
        }
        finally
        {
            hang.Cancel();
        }

        await Assert.ThrowsAnyAsync<Exception>(() => first);

        deliveries.Behaviour = null;
        var next = services.GetRequiredService<TrackedChangeDispatcher<TrackingContext>>();
        Assert.Equal(1, await next.DispatchAsync());
        Assert.Equal(2, deliveries.Received.Count);
        Assert.Single(deliveries.Received.Select(c => c.ChangeId).Distinct());
        await using var check = database.Create();
        var message = await check.Set<OutboxMessage>().SingleAsync();
        Assert.Equal((OutboxState.Delivered, 1), (message.State, message.Attempts));
    }

    [Fact]
    public async Task Tracking_switched_off_runs_no_hooks_and_writes_no_outbox_rows()
    {
        await ClearOutboxAsync();
        var id = await CreateOrderAsync("SO-off");
        await using (var context = database.Create(o => o.Tracking.Enabled = false))
        {
            var order = await context.SaleOrders.SingleAsync(o => o.Id == id);
            order.State = OrderState.Confirmed;
            await context.SaveChangesAsync();
            Assert.Empty(order.HookCalls);
        }

        await using var check = database.Create();
        var saved = await check.SaleOrders.SingleAsync(o => o.Id == id);
        Assert.Equal((OrderState.Confirmed, null), (saved.State, saved.StateChangedAt));
        Assert.Empty(await Messages(check, id, TrackedOperation.Update));
    }

    /// <summary>SaveChanges, or SaveChangesAsync: the interceptor writes through either path.</summary>
    private static async Task SaveAsync(DbContext context, bool async)
    {
        if (async)
        {
            await context.SaveChangesAsync();
        }
        else
        {
            context.SaveChanges();
        }
    }

    private async Task<int> CreateOrderAsync(string number)
    {
        await using var context = database.Create();
        var order = new SaleOrder { Number = number, Total = 10.00m };
        context.SaleOrders.Add(order);
        await context.SaveChangesAsync();
        return order.Id;
    }

    private async Task UpdateAsync(int id, Action<SaleOrder> change)
    {
        await using var context = database.Create();
        change(await context.SaleOrders.SingleAsync(o => o.Id == id));
        await context.SaveChangesAsync();
    }

    [Fact]
    public async Task A_masked_field_is_delivered_as_stars_and_an_ignored_one_is_not_tracked_by_its_class()
    {
        var id = await CreateParcelAsync("P-secret");
        await using (var context = database.Create())
        {
            var parcel = await context.Parcels.SingleAsync(p => p.Id == id);
            parcel.Pin = "1234";
            parcel.Hash = "h1";
            parcel.Weight = 3m;
            await context.SaveChangesAsync();
            parcel.Pin = null;
            parcel.Hash = "h2";
            await context.SaveChangesAsync();
        }

        var messages = (await ParcelMessagesAsync(id)).OrderBy(m => m.Id).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal([("Weight", "1", "3"), ("Pin", null, "***")], messages[0].Fields.Select(f => (f.Field, f.OldValue, f.NewValue)));
        Assert.Equal([("Pin", "***", null)], messages[1].Fields.Select(f => (f.Field, f.OldValue, f.NewValue)));
    }

    private async Task<int> CreateParcelAsync(string code)
    {
        await using var context = database.Create();
        var parcel = new Parcel { Code = code, Weight = 1m };
        context.Parcels.Add(parcel);
        await context.SaveChangesAsync();
        return parcel.Id;
    }

    /// <summary>Another user's update of the parcel's concurrency token, behind EF Core's back.</summary>
    private async Task BumpVersionAsync(int id)
    {
        await using var other = database.Create();
        await other.Database.ExecuteSqlAsync($"UPDATE \"Parcels\" SET \"Version\" = \"Version\" + 1 WHERE \"Id\" = {id}");
    }

    /// <summary>The outbox messages of one parcel's updates (or of its <paramref name="operation"/>).</summary>
    private async Task<System.Collections.Generic.List<OutboxMessage>> ParcelMessagesAsync(int id, TrackedOperation operation = TrackedOperation.Update)
    {
        await using var context = database.Create();
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await context.Set<OutboxMessage>().Where(m => m.EntityType == typeof(Parcel).FullName && m.EntityKey == key && m.Operation == operation).ToListAsync();
    }

    /// <summary>Deletes the outbox (all of it, or all but the messages of one operation), so a test sees only its own.</summary>
    private async Task ClearOutboxAsync(TrackedOperation? keep = null)
    {
        await using var context = database.Create();
        await context.Set<OutboxMessage>().Where(m => keep == null || m.Operation != keep).ExecuteDeleteAsync();
    }

    private static Task<System.Collections.Generic.List<OutboxMessage>> Messages(TrackingContext context, int id, TrackedOperation operation)
    {
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return context.Set<OutboxMessage>().Where(m => m.EntityType == typeof(SaleOrder).FullName && m.EntityKey == key && m.Operation == operation).ToListAsync();
    }
}
