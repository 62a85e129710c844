using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// Stored violations in saves that do not accept their changes (<c>SaveChanges(acceptAllChangesOnSuccess: false)</c>,
/// the pattern of execution strategies with a transaction) and run again after a failure, and in saves that do; and an
/// ignore of a warning another context removed meanwhile.
/// </summary>
public sealed class StoredViolationRetryTests(RulesFixture database) : IClassFixture<RulesFixture>, IDisposable
{
    private readonly ServiceProvider _services = RuleServicesFactory.Create();
    private IServiceScope? _scope;

    public void Dispose()
    {
        _scope?.Dispose();
        _services.Dispose();
    }

    private IExceptionRuleEngine Engine => (_scope ??= _services.CreateScope()).ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

    /// <summary>
    /// A saved order of 500 with its two warnings stored: order.big_quantity (ignored by Ann unless
    /// <paramref name="ignored"/> is false) and order.no_customer.
    /// </summary>
    private async Task<Order> OrderWithStoredWarningsAsync(bool ignored = true)
    {
        await using var context = database.Create();
        var order = new Order { Number = "SO-" + Guid.NewGuid().ToString("N")[..8], OrderedAt = DateTime.UtcNow, Quantity = 500, Amount = 10m };
        context.Orders.Add(order);
        await context.SaveChangesAsync();
        if (ignored)
        {
            await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", ["order.big_quantity"], new AuditActor("u-1", "Ann"));
        }
        else
        {
            await context.CheckRulesAsync(Engine, order, "confirm");
        }

        await context.SaveChangesAsync();
        return order;
    }

    /// <summary>
    /// Checks <paramref name="order"/> in <paramref name="context"/> after a change that removes one stored row
    /// (order.big_quantity: the quantity is fixed), changes one (order.no_customer: checked again) and adds one
    /// (order.note_parser: the note asks for a callback).
    /// </summary>
    private async Task CheckAfterAChangeAsync(DbContext context, Order order)
    {
        context.Attach(order);
        order.Quantity = 5;
        order.Note = "call me";
        await context.CheckRulesAsync(Engine, order, "confirm");
        Assert.Equal(
            [("order.big_quantity", EntityState.Deleted), ("order.no_customer", EntityState.Modified), ("order.note_parser", EntityState.Added)],
            context.ChangeTracker.Entries<StoredRuleViolation>().Select(e => (e.Entity.RuleId, e.State)).Order());
    }

    /// <summary>Every stored row of the order, read from the table with SQL.</summary>
    private async Task<(long Id, string RuleId, DateTimeOffset CheckedAt, string? IgnoredBy)[]> RowsAsync(Order order)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """SELECT "Id", "RuleId", "CheckedAt", "IgnoredByUserName" FROM servertools_rule_violations WHERE "EntityType" = $1 AND "EntityKey" = $2 ORDER BY "RuleId" """,
            connection)
        {
            Parameters = { new() { Value = typeof(Order).FullName }, new() { Value = order.Id.ToString(CultureInfo.InvariantCulture) } },
        };
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new System.Collections.Generic.List<(long, string, DateTimeOffset, string?)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return [.. rows];
    }

    private static (long Id, string RuleId, DateTimeOffset CheckedAt, string? IgnoredBy)[] Tracked(DbContext context)
        => [.. context.ChangeTracker.Entries<StoredRuleViolation>()
            .Select(e => (e.Entity.Id, e.Entity.RuleId, e.Entity.CheckedAt, e.Entity.IgnoredByUserName))
            .OrderBy(r => r.RuleId, StringComparer.Ordinal)];

    private static async Task<int> SaveAsync(DbContext context, bool async, bool acceptAllChangesOnSuccess)
        => async ? await context.SaveChangesAsync(acceptAllChangesOnSuccess) : context.SaveChanges(acceptAllChangesOnSuccess);

    private static async Task<IDbContextTransaction> BeginAsync(DbContext context, bool async)
        => async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();

    private static async Task EndAsync(IDbContextTransaction transaction, bool async, bool commit)
    {
        if (async)
        {
            await (commit ? transaction.CommitAsync() : transaction.RollbackAsync());
        }
        else if (commit)
        {
            transaction.Commit();
        }
        else
        {
            transaction.Rollback();
        }
    }

    /// <summary>
    /// The rows and the tracker after the change of <see cref="CheckAfterAChangeAsync"/> was saved once and accepted; a
    /// save after it writes nothing.
    /// </summary>
    private async Task AssertSavedOnceAsync(DbContext context, Order order, (long Id, string RuleId, DateTimeOffset CheckedAt, string? IgnoredBy)[] before, bool async)
    {
        var rows = await RowsAsync(order);
        Assert.Equal(["order.no_customer", "order.note_parser"], rows.Select(r => r.RuleId));
        var noCustomer = before.Single(r => r.RuleId == "order.no_customer");
        Assert.Equal(noCustomer.Id, rows[0].Id);
        Assert.True(rows[0].CheckedAt > noCustomer.CheckedAt);

        // The context tracks the rows saved, with the keys and values the table has; the removed one is gone.
        Assert.All(context.ChangeTracker.Entries<StoredRuleViolation>(), e => Assert.Equal(EntityState.Unchanged, e.State));
        Assert.Equal(rows, Tracked(context));
        Assert.Equal(EntityState.Unchanged, context.Entry(order).State);

        await using var check = database.Create();
        var saved = await check.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((5, "call me"), (saved.Quantity, saved.Note));

        Assert.Equal(0, await SaveAsync(context, async, acceptAllChangesOnSuccess: true));
        Assert.Equal(rows, await RowsAsync(order));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_without_accepting_whose_transaction_rolls_back_writes_the_same_violations_when_it_runs_again(bool async)
    {
        var order = await OrderWithStoredWarningsAsync();
        var before = await RowsAsync(order);
        Assert.Equal(["order.big_quantity", "order.no_customer"], before.Select(r => r.RuleId));

        await using var context = database.Create();
        await CheckAfterAChangeAsync(context, order);
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await using var transaction = await BeginAsync(context, async);
            Assert.Equal(4, await SaveAsync(context, async, acceptAllChangesOnSuccess: false));   // the order and three rows

            // Not accepted: the rows wait in the context as EF Core's own entries do, with the keys the table gave them.
            Assert.Equal(EntityState.Modified, context.Entry(order).State);
            Assert.Equal(
                [("order.big_quantity", EntityState.Deleted), ("order.no_customer", EntityState.Modified), ("order.note_parser", EntityState.Added)],
                context.ChangeTracker.Entries<StoredRuleViolation>().Select(e => (e.Entity.RuleId, e.State)).Order());

            // The first attempt fails after the save: its transaction rolls back, and the application runs it again.
            await EndAsync(transaction, async, commit: attempt == 2);
            if (attempt == 1)
            {
                Assert.Equal(before, await RowsAsync(order));
            }
        }

        context.ChangeTracker.AcceptAllChanges();
        await AssertSavedOnceAsync(context, order, before, async);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_save_that_succeeds_at_once_writes_the_violations_once_whether_it_accepts_or_the_application_does(bool async, bool acceptAllChangesOnSuccess)
    {
        var order = await OrderWithStoredWarningsAsync();
        var before = await RowsAsync(order);

        await using var context = database.Create();
        await CheckAfterAChangeAsync(context, order);
        await using (var transaction = await BeginAsync(context, async))
        {
            Assert.Equal(4, await SaveAsync(context, async, acceptAllChangesOnSuccess));
            await EndAsync(transaction, async, commit: true);
        }

        if (!acceptAllChangesOnSuccess)
        {
            context.ChangeTracker.AcceptAllChanges();
        }

        await AssertSavedOnceAsync(context, order, before, async);
    }

    /// <summary>An application's SaveChanges interceptor, added after UseServerTools(), whose SavedChanges throws once.</summary>
    private sealed class ThrowOnceAfterSave : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        private bool _thrown;

        public override int SavedChanges(Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result)
            => Throw(result);

        public override ValueTask<int> SavedChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesCompletedEventData eventData, int result, System.Threading.CancellationToken cancellationToken = default)
            => ValueTask.FromResult(Throw(result));

        private int Throw(int result)
        {
            if (_thrown)
            {
                return result;
            }

            _thrown = true;
            throw new InvalidOperationException("The application's interceptor failed after the save.");
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Violations_written_by_a_save_that_fails_afterwards_are_tracked_as_saved_and_not_written_again(bool async)
    {
        var order = await OrderWithStoredWarningsAsync();
        await using var context = new RulesContext(
            new DbContextOptionsBuilder<RulesContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new ThrowOnceAfterSave()).Options);
        await CheckAfterAChangeAsync(context, order);

        // The save committed (no transaction of the application's), then the application's interceptor threw.
        await Assert.ThrowsAsync<InvalidOperationException>(() => SaveAsync(context, async, acceptAllChangesOnSuccess: true));
        var rows = await RowsAsync(order);
        Assert.Equal(["order.no_customer", "order.note_parser"], rows.Select(r => r.RuleId));
        Assert.Equal(EntityState.Unchanged, context.Entry(order).State);
        Assert.All(context.ChangeTracker.Entries<StoredRuleViolation>(), e => Assert.Equal(EntityState.Unchanged, e.State));
        Assert.Equal(rows, Tracked(context));

        // Another context finds order.big_quantity again meanwhile; this context's next save has nothing to write.
        await using (var other = database.Create())
        {
            var again = await other.Orders.SingleAsync(o => o.Id == order.Id);
            again.Quantity = 600;
            await other.CheckRulesAsync(Engine, again, "confirm");
            await other.SaveChangesAsync();
        }

        var afterOther = await RowsAsync(order);
        Assert.Contains(afterOther, r => r.RuleId == "order.big_quantity");
        Assert.Equal(0, await SaveAsync(context, async, acceptAllChangesOnSuccess: true));
        Assert.Equal(afterOther, await RowsAsync(order));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_run_inside_the_SavedChanges_event_of_another_leaves_the_first_saves_violations_saved(bool async)
    {
        var order = await OrderWithStoredWarningsAsync();
        var before = await RowsAsync(order);
        await using var context = database.Create();
        await CheckAfterAChangeAsync(context, order);
        var nested = 0;
        context.SavedChanges += (_, _) =>
        {
            if (nested++ == 0)
            {
                // An application's handler that saves again (nothing of its own to write).
                Assert.Equal(0, context.SaveChanges());
            }
        };

        Assert.Equal(4, await SaveAsync(context, async, acceptAllChangesOnSuccess: true));

        await AssertSavedOnceAsync(context, order, before, async);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_plain_SaveChanges_tracks_the_violations_as_saved(bool async)
    {
        var order = await OrderWithStoredWarningsAsync();
        var before = await RowsAsync(order);

        await using var context = database.Create();
        await CheckAfterAChangeAsync(context, order);
        Assert.Equal(4, async ? await context.SaveChangesAsync() : context.SaveChanges());

        await AssertSavedOnceAsync(context, order, before, async);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_execution_strategys_retry_of_a_transaction_after_a_lost_connection_writes_the_violations_again(bool async)
    {
        var order = await OrderWithStoredWarningsAsync();
        var before = await RowsAsync(order);
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString);
        await using var context = new RulesContext(
            new DbContextOptionsBuilder<RulesContext>()
                .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]))
                .UseServerTools()
                .AddInterceptors(killer)
                .Options);
        await CheckAfterAChangeAsync(context, order);

        // EF Core's documented pattern for a transaction under a retrying execution strategy.
        await RetriedTransaction.SaveAsync(context, async);

        Assert.Equal(2, killer.Commits);
        await AssertSavedOnceAsync(context, order, before, async);
    }

    [Fact]
    public async Task Ignoring_a_warning_that_another_context_removed_meanwhile_records_nothing_and_does_not_bring_it_back()
    {
        var order = await OrderWithStoredWarningsAsync(ignored: false);
        var before = await RowsAsync(order);
        await using var a = database.Create();
        await using var b = database.Create();
        var orderA = await a.Orders.SingleAsync(o => o.Id == order.Id);
        var orderB = await b.Orders.SingleAsync(o => o.Id == order.Id);

        // A shows the order's warnings; meanwhile B fixes the quantity, and its check removes the big quantity warning.
        await a.CheckRulesAsync(Engine, orderA, "confirm");
        orderB.Quantity = 5;
        await b.CheckRulesAsync(Engine, orderB, "confirm");
        await b.SaveChangesAsync();
        Assert.Equal(["order.no_customer"], (await RowsAsync(order)).Select(r => r.RuleId));

        // A's user, who still sees both warnings, ignores them and saves a note.
        orderA.Note = "A's note";
        var ignored = await a.IgnoreRuleWarningsAsync(Engine, orderA, "confirm", actor: new AuditActor("u-2", "Bob"));
        Assert.Equal(["order.big_quantity", "order.no_customer"], ignored.Select(v => v.RuleId).Order());
        var gone = ignored.Single(v => v.RuleId == "order.big_quantity");
        Assert.Equal(2, await a.SaveChangesAsync());   // the order and the ignore of the warning that is still stored

        // The removed warning stays removed; the other is ignored by Bob; A's change is saved.
        var rows = await RowsAsync(order);
        Assert.Equal([("order.no_customer", "Bob")], rows.Select(r => (r.RuleId, r.IgnoredBy)));
        Assert.Equal(before.Single(r => r.RuleId == "order.no_customer").Id, rows[0].Id);
        var saved = await b.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id);
        Assert.Equal((5, "A's note"), (saved.Quantity, saved.Note));

        // A's context no longer tracks the row the table does not have; a check brings A up to date.
        Assert.Equal(EntityState.Detached, a.Entry(gone).State);
        Assert.Equal(rows, Tracked(a));
        await a.Entry(orderA).ReloadAsync();
        var check = await a.CheckRulesAsync(Engine, orderA, "confirm");
        Assert.True(check.CanProceed);
    }
}
