using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
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
}
