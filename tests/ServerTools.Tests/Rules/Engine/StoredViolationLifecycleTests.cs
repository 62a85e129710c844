using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// Stored violations over a context's life and between contexts: several checks before one save, a violation fixed and
/// broken again, the rows of deleted entities and of new ones that reuse their key, two contexts checking one record.
/// </summary>
public sealed class StoredViolationLifecycleTests(RulesFixture database) : IClassFixture<RulesFixture>, IDisposable
{
    private readonly ServiceProvider _services = RuleServicesFactory.Create();
    private IServiceScope? _scope;

    public void Dispose()
    {
        _scope?.Dispose();
        _services.Dispose();
    }

    private IExceptionRuleEngine Engine => (_scope ??= _services.CreateScope()).ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

    /// <summary>A saved order; with a quantity of 500 it breaks the warnings order.no_customer and order.big_quantity ("confirm").</summary>
    private async Task<Order> SavedOrderAsync(int quantity = 500)
    {
        await using var context = database.Create();
        var order = new Order { Number = "SO-" + Guid.NewGuid().ToString("N")[..8], OrderedAt = DateTime.UtcNow, Quantity = quantity, Amount = 10m };
        context.Orders.Add(order);
        await context.SaveChangesAsync();
        return order;
    }

    private static string Key(Order order) => order.Id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Every stored row of the order, whatever its rule, read from the table.</summary>
    private async Task<StoredRuleViolation[]> RowsAsync(Order order)
    {
        var key = Key(order);
        await using var context = database.Create();
        return await context.Set<StoredRuleViolation>().AsNoTracking()
            .Where(v => v.EntityType == typeof(Order).FullName && v.EntityKey == key)
            .OrderBy(v => v.RuleId)
            .ToArrayAsync();
    }

    private async Task<Order> ReadAsync(int id)
    {
        await using var context = database.Create();
        return await context.Orders.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    [Fact]
    public async Task The_documented_flow_check_ignore_and_save_in_one_context_saves_the_change_and_the_ignored_warnings()
    {
        var order = await SavedOrderAsync();
        await using (var context = database.Create())
        {
            context.Attach(order);
            order.State = OrderState.Confirmed;
            var check = await context.CheckRulesAsync(Engine, order, "confirm");
            Assert.False(check.HasBlocking);
            Assert.Equal(["order.no_customer", "order.big_quantity"], check.PendingWarnings.Select(v => v.RuleId));

            var ignored = await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", actor: new AuditActor("u-1", "Ann"));
            Assert.Equal(2, ignored.Count);
            await context.SaveChangesAsync();
        }

        Assert.Equal(OrderState.Confirmed, (await ReadAsync(order.Id)).State);
        var rows = await RowsAsync(order);
        Assert.Equal(["order.big_quantity", "order.no_customer"], rows.Select(v => v.RuleId));
        Assert.All(rows, v => Assert.Equal("Ann", v.IgnoredByUserName));
    }

    [Fact]
    public async Task Checks_repeated_before_a_save_keep_one_row_per_rule()
    {
        var order = await SavedOrderAsync(quantity: 5);
        await using (var context = database.Create())
        {
            context.Attach(order);
            order.Quantity = 500;
            var first = await context.CheckRulesAsync(Engine, order, "confirm");
            order.Note = "edited";
            var second = await context.CheckRulesAsync(Engine, order, "confirm");
            await context.CheckRulesAsync(Engine, order);

            Assert.Equal(first.Stored, second.Stored);
            Assert.Equal(2, context.ChangeTracker.Entries<StoredRuleViolation>().Count());
            await context.SaveChangesAsync();
        }

        Assert.Equal("edited", (await ReadAsync(order.Id)).Note);
        Assert.Equal(["order.big_quantity", "order.no_customer"], (await RowsAsync(order)).Select(v => v.RuleId));
    }

    [Fact]
    public async Task A_violation_fixed_and_broken_again_before_a_save_keeps_its_row_detection_time_and_ignore_mark()
    {
        var order = await SavedOrderAsync();
        await using (var context = database.Create())
        {
            context.Attach(order);
            await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", ["order.big_quantity"], new AuditActor("u-1", "Ann"));
            await context.SaveChangesAsync();
        }

        var before = (await RowsAsync(order)).Single(v => v.RuleId == "order.big_quantity");
        await using (var context = database.Create())
        {
            context.Attach(order);
            order.Quantity = 5;
            var fixedCheck = await context.CheckRulesAsync(Engine, order, "confirm");
            Assert.DoesNotContain(fixedCheck.Stored, v => v.RuleId == "order.big_quantity");

            order.Quantity = 600;
            var broken = await context.CheckRulesAsync(Engine, order, "confirm");
            var stored = Assert.Single(broken.Stored, v => v.RuleId == "order.big_quantity");
            Assert.Equal("Ann", stored.IgnoredByUserName);
            Assert.Equal(["order.no_customer"], broken.PendingWarnings.Select(v => v.RuleId));

            // Ignoring the other warning now is saved too.
            await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", ["order.no_customer"], new AuditActor("u-2", "Bob"));
            await context.SaveChangesAsync();
            Assert.Equal(["order.big_quantity", "order.no_customer"], await context.RuleViolationsOf(order).OrderBy(v => v.RuleId).Select(v => v.RuleId).ToListAsync());
        }

        var rows = await RowsAsync(order);
        Assert.Equal(["order.big_quantity", "order.no_customer"], rows.Select(v => v.RuleId));
        Assert.Equal(before.Id, rows[0].Id);
        Assert.Equal(before.DetectedAt, rows[0].DetectedAt);
        Assert.Equal(["Ann", "Bob"], rows.Select(v => v.IgnoredByUserName));
        Assert.Equal(600, (await ReadAsync(order.Id)).Quantity);
    }

    [Fact]
    public async Task A_row_removed_and_added_again_for_the_same_rule_in_one_save_is_stored()
    {
        var order = await SavedOrderAsync();
        await using (var context = database.Create())
        {
            context.Attach(order);
            await context.CheckRulesAsync(Engine, order, "confirm");
            await context.SaveChangesAsync();
        }

        var before = await RowsAsync(order);
        Assert.NotEmpty(before);
        await using (var context = database.Create())
        {
            // Application code (not a check) replaces a stored row by a new one of the same entity and rule.
            var replaced = await context.Set<StoredRuleViolation>()
                .SingleAsync(v => v.EntityKey == Key(order) && v.EntityType == typeof(Order).FullName && v.RuleId == before[0].RuleId);
            context.Remove(replaced);
            context.Add(new StoredRuleViolation
            {
                EntityType = replaced.EntityType, EntityKey = replaced.EntityKey, RuleId = replaced.RuleId, Severity = replaced.Severity,
                Message = "replaced", DetectedAt = replaced.DetectedAt, CheckedAt = replaced.CheckedAt,
            });
            await context.SaveChangesAsync();
        }

        var after = await RowsAsync(order);
        Assert.Equal(before.Select(v => v.RuleId), after.Select(v => v.RuleId));
        Assert.Equal("replaced", after.Single(v => v.RuleId == before[0].RuleId).Message);
    }

    [Fact]
    public async Task Deleting_an_entity_through_SaveChanges_deletes_its_stored_violations_in_the_same_save()
    {
        var order = await SavedOrderAsync();
        var other = await SavedOrderAsync();
        await using (var context = database.Create())
        {
            context.AttachRange(order, other);
            await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", actor: new AuditActor("u-1", "Ann"));
            await context.CheckRulesAsync(Engine, other, "confirm");
            await context.SaveChangesAsync();
        }

        Assert.Equal(2, (await RowsAsync(order)).Length);
        await using (var context = database.Create())
        {
            var loaded = await context.Orders.SingleAsync(o => o.Id == order.Id);
            await context.RuleViolationsOf(loaded).LoadAsync();
            context.Remove(loaded);
            context.SaveChanges();
            Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());
        }

        Assert.Empty(await RowsAsync(order));
        Assert.Equal(2, (await RowsAsync(other)).Length);
    }

    [Fact]
    public async Task A_new_entity_with_the_key_of_one_deleted_without_SaveChanges_does_not_inherit_its_violations()
    {
        var order = await SavedOrderAsync();
        await using (var context = database.Create())
        {
            context.Attach(order);
            await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", actor: new AuditActor("u-1", "Ann"));
            await context.SaveChangesAsync();
            await context.Orders.Where(o => o.Id == order.Id).ExecuteDeleteAsync();
        }

        // ExecuteDelete bypasses SaveChanges: the rows are left behind.
        Assert.Equal(2, (await RowsAsync(order)).Length);

        // A new order gets the same id (an id set by the application, a restore, a natural key used again).
        var reused = new Order { Id = order.Id, Number = "NEW", OrderedAt = DateTime.UtcNow, Quantity = 700, Amount = 1m };
        await using (var context = database.Create())
        {
            context.Orders.Add(reused);
            var check = await context.CheckRulesAsync(Engine, reused, "confirm");
            Assert.Equal(["order.no_customer", "order.big_quantity"], check.PendingWarnings.Select(v => v.RuleId));
            Assert.False(check.CanProceed);
            await context.SaveChangesAsync();
        }

        var rows = await RowsAsync(order);
        Assert.Equal(["order.big_quantity", "order.no_customer"], rows.Select(v => v.RuleId));
        Assert.All(rows, v => Assert.False(v.IsIgnored));

        // Saved without a check, a new entity starts with no stored violations either.
        await using (var context = database.Create())
        {
            await context.Orders.Where(o => o.Id == order.Id).ExecuteDeleteAsync();
            var again = new Order { Id = order.Id, Number = "AGAIN", OrderedAt = DateTime.UtcNow, Quantity = 1, Amount = 1m };
            context.Orders.Add(again);
            await context.SaveChangesAsync();
            Assert.Empty(await context.RuleViolationsOf(again).ToListAsync());
        }

        Assert.Empty(await RowsAsync(order));
    }

    [Fact]
    public async Task Two_contexts_that_find_the_same_new_violation_at_once_both_save()
    {
        var order = await SavedOrderAsync(quantity: 5);
        await using var a = database.Create();
        await using var b = database.Create();
        var orderA = await a.Orders.SingleAsync(o => o.Id == order.Id);
        var orderB = await b.Orders.SingleAsync(o => o.Id == order.Id);
        orderA.Quantity = 500;
        orderB.Quantity = 600;
        orderB.Note = "B's note";
        await a.CheckRulesAsync(Engine, orderA, "confirm");
        await b.IgnoreRuleWarningsAsync(Engine, orderB, "confirm", ["order.big_quantity"], new AuditActor("u-2", "Bob"));

        await a.SaveChangesAsync();
        var rowsOfA = await RowsAsync(order);
        await b.SaveChangesAsync();

        var saved = await ReadAsync(order.Id);
        Assert.Equal(("B's note", 600), (saved.Note, saved.Quantity));
        var rows = await RowsAsync(order);
        Assert.Equal(["order.big_quantity", "order.no_customer"], rows.Select(v => v.RuleId));
        Assert.Equal(rowsOfA.Select(v => (v.Id, v.DetectedAt)), rows.Select(v => (v.Id, v.DetectedAt)));
        Assert.Equal(["Bob", null], rows.Select(v => v.IgnoredByUserName));

        // B's context tracks the rows as the table has them.
        Assert.All(b.ChangeTracker.Entries<StoredRuleViolation>(), e => Assert.Equal(EntityState.Unchanged, e.State));
        Assert.Equal(rows.Select(v => v.Id).Order(), b.ChangeTracker.Entries<StoredRuleViolation>().Select(e => e.Entity.Id).Order());
    }

    [Fact]
    public async Task A_save_whose_violation_another_context_removed_meanwhile_still_saves_the_change()
    {
        var order = await SavedOrderAsync();
        await using (var context = database.Create())
        {
            context.Attach(order);
            await context.CheckRulesAsync(Engine, order, "confirm");
            await context.SaveChangesAsync();
        }

        await using var a = database.Create();
        await using var b = database.Create();
        await using var c = database.Create();
        var orderA = await a.Orders.SingleAsync(o => o.Id == order.Id);
        var orderB = await b.Orders.SingleAsync(o => o.Id == order.Id);
        var orderC = await c.Orders.SingleAsync(o => o.Id == order.Id);
        orderA.Quantity = 5;                       // A fixes the order: its check removes the big quantity warning
        orderB.Note = "B's note";                  // B edits the note: its check updates the warning
        orderC.Quantity = 6;                       // C fixes it too: its check removes the warning as well
        await a.CheckRulesAsync(Engine, orderA, "confirm");
        await b.CheckRulesAsync(Engine, orderB, "confirm");
        await c.CheckRulesAsync(Engine, orderC, "confirm");

        await a.SaveChangesAsync();
        await c.SaveChangesAsync();
        Assert.Equal(["order.no_customer"], (await RowsAsync(order)).Select(v => v.RuleId));
        b.SaveChanges();

        var saved = await ReadAsync(order.Id);
        Assert.Equal(("B's note", 6), (saved.Note, saved.Quantity));
        // The rows are those of the check saved last (B's, which saw a quantity of 500).
        Assert.Equal(["order.big_quantity", "order.no_customer"], (await RowsAsync(order)).Select(v => v.RuleId));
    }

    [Fact]
    public async Task Stored_violations_commit_and_roll_back_with_the_applications_TransactionScope()
    {
        var order = await SavedOrderAsync();
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = database.Create();
            context.Attach(order);
            await context.CheckRulesAsync(Engine, order, "confirm");
            Assert.Equal(2, await context.SaveChangesAsync());   // only the violations: written on their own, in the scope
        }

        Assert.Empty(await RowsAsync(order));
        using (var scope = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = database.Create();
            context.Attach(order);
            order.Note = "in the scope";
            await context.CheckRulesAsync(Engine, order, "confirm");
            Assert.Equal(3, await context.SaveChangesAsync());   // before the order's UPDATE, in the scope
            scope.Complete();
        }

        Assert.Equal("in the scope", (await ReadAsync(order.Id)).Note);
        Assert.Equal(["order.big_quantity", "order.no_customer"], (await RowsAsync(order)).Select(v => v.RuleId));
    }

    [Fact]
    public async Task A_save_that_fails_keeps_the_checked_violations_in_the_context_to_be_saved_again()
    {
        var order = await SavedOrderAsync();
        Customer taken;
        await using (var context = database.Create())
        {
            taken = new Customer { Name = "Taken" };
            context.Customers.Add(taken);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Attach(order);
            order.Note = "kept";
            await context.IgnoreRuleWarningsAsync(Engine, order, "confirm", ["order.big_quantity"], new AuditActor("u-1", "Ann"));
            var duplicate = context.Customers.Add(new Customer { Id = taken.Id, Name = "Duplicate" });

            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
            Assert.Empty(await RowsAsync(order));
            Assert.Equal([EntityState.Added, EntityState.Added], context.ChangeTracker.Entries<StoredRuleViolation>().Select(e => e.State));

            duplicate.State = EntityState.Detached;
            await context.SaveChangesAsync();
        }

        Assert.Equal("kept", (await ReadAsync(order.Id)).Note);
        var rows = await RowsAsync(order);
        Assert.Equal(["order.big_quantity", "order.no_customer"], rows.Select(v => v.RuleId));
        Assert.Equal(["Ann", null], rows.Select(v => v.IgnoredByUserName));
    }
}
