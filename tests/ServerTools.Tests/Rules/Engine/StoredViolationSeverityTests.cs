using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// A stored violation whose Severity SQL set to a text that is neither 'Warning' nor 'Blocking': the table stays readable,
/// the row shows no member of RuleSeverity, and SaveChanges refuses to write that value. In a database of its own.
/// </summary>
public sealed class StoredViolationSeverityTests(RulesFixture database) : IClassFixture<RulesFixture>, IDisposable
{
    private readonly ServiceProvider _services = RuleServicesFactory.Create();

    public void Dispose() => _services.Dispose();

    /// <summary>
    /// An order with two stored violations (order.no_customer, a warning; order.discount_limit, blocking), the blocking one
    /// then set to <paramref name="severity"/> by SQL.
    /// </summary>
    private async Task<Order> OrderWithStoredSeverityAsync(string severity)
    {
        var order = new Order { Number = "SO-" + Guid.NewGuid().ToString("N")[..8], OrderedAt = DateTime.UtcNow, Quantity = 1, Amount = 10m, Discount = 0.5m };
        await using (var context = database.Create())
        {
            context.Orders.Add(order);
            await context.SaveChangesAsync();
        }

        using var scope = _services.CreateScope();
        await using (var context = database.Create())
        {
            context.Attach(order);
            await context.CheckRulesAsync(scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>(), order, "confirm");
            await context.SaveChangesAsync();
            var key = order.Id.ToString(CultureInfo.InvariantCulture);
            Assert.Equal(1, await context.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE servertools_rule_violations SET \"Severity\" = {severity} WHERE \"EntityKey\" = {key} AND \"RuleId\" = 'order.discount_limit'"));
        }

        return order;
    }

    private async Task<string> StoredSeverityAsync(Order order)
    {
        await using var context = database.Create();
        var key = order.Id.ToString(CultureInfo.InvariantCulture);
        return await context.Database.SqlQuery<string>(
            $"SELECT \"Severity\" AS \"Value\" FROM servertools_rule_violations WHERE \"EntityKey\" = {key} AND \"RuleId\" = 'order.discount_limit'").SingleAsync();
    }

    [Theory]
    [InlineData("Critical")]
    [InlineData("blocking")]
    [InlineData("1")]
    public async Task A_row_with_an_unknown_severity_does_not_keep_EF_Core_from_reading_the_table_and_shows_no_member_of_RuleSeverity(string severity)
    {
        var order = await OrderWithStoredSeverityAsync(severity);
        var other = await OrderWithStoredSeverityAsync("Blocking");

        // An admin screen's list of the violations: every row is read, the others as they are.
        await using var admin = database.Create();
        var listed = await admin.Set<StoredRuleViolation>().AsNoTracking().OrderBy(v => v.Id).ToListAsync();
        var key = order.Id.ToString(CultureInfo.InvariantCulture);
        var broken = listed.Single(v => v.EntityKey == key && v.RuleId == "order.discount_limit");
        Assert.False(Enum.IsDefined(broken.Severity));
        Assert.Equal(-1, (int)broken.Severity);
        Assert.Equal("A discount above 30% needs a manager's approval", broken.Message);
        Assert.Equal(RuleSeverity.Warning, listed.Single(v => v.EntityKey == key && v.RuleId == "order.no_customer").Severity);
        var otherKey = other.Id.ToString(CultureInfo.InvariantCulture);
        Assert.Equal(RuleSeverity.Blocking, listed.Single(v => v.EntityKey == otherKey && v.RuleId == "order.discount_limit").Severity);

        // Memory agrees with SQL: a query for blocking violations does not return the row, and it is no warning to ignore.
        Assert.Equal(
            ["order.no_customer"],
            await admin.RuleViolationsOf(order).Where(v => v.Severity == RuleSeverity.Blocking || v.Severity == RuleSeverity.Warning).Select(v => v.RuleId).ToListAsync());
        Assert.Equal(2, await admin.RuleViolationsOf(order).CountAsync());

        // Reading it loses nothing: the table still holds the text.
        Assert.Equal(severity, await StoredSeverityAsync(order));
    }

    [Fact]
    public async Task SaveChanges_refuses_to_write_an_unknown_severity_and_writes_the_row_once_it_is_set()
    {
        var order = await OrderWithStoredSeverityAsync("Critical");
        var key = order.Id.ToString(CultureInfo.InvariantCulture);

        await using (var admin = database.Create())
        {
            var row = await admin.Set<StoredRuleViolation>().SingleAsync(v => v.EntityKey == key && v.RuleId == "order.discount_limit");
            row.Message = "Reviewed";

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => admin.SaveChangesAsync());

            Assert.StartsWith(
                $"The stored violation of rule 'order.discount_limit' on the entity type {typeof(Order).FullName} has the Severity -1, which is neither Warning nor Blocking "
                + "(the row was read from the table servertools_rule_violations with a text that is neither 'Warning' nor 'Blocking', written by SQL, which reads as -1), "
                + "so SaveChanges does not write it. Set its Severity to RuleSeverity.Warning or RuleSeverity.Blocking, or remove the row",
                refused.Message,
                StringComparison.Ordinal);
            Assert.DoesNotContain(key, refused.Message, StringComparison.Ordinal);
            Assert.Equal("Critical", await StoredSeverityAsync(order));
            Assert.Equal(EntityState.Modified, admin.Entry(row).State);

            // A new row with a number cast to the enum is refused as well.
            admin.Add(new StoredRuleViolation
            {
                EntityType = typeof(Order).FullName!, EntityKey = key, RuleId = "order.other", Severity = (RuleSeverity)7, Message = "m",
                DetectedAt = DateTimeOffset.UtcNow, CheckedAt = DateTimeOffset.UtcNow,
            });
            row.Severity = RuleSeverity.Blocking;
            Assert.StartsWith(
                $"The stored violation of rule 'order.other' on the entity type {typeof(Order).FullName} has the Severity 7, which is neither Warning nor Blocking, so",
                (await Assert.ThrowsAsync<InvalidOperationException>(() => admin.SaveChangesAsync())).Message,
                StringComparison.Ordinal);

            admin.Entry(admin.ChangeTracker.Entries<StoredRuleViolation>().Single(e => e.Entity.RuleId == "order.other").Entity).State = EntityState.Detached;
            await admin.SaveChangesAsync();
        }

        Assert.Equal("Blocking", await StoredSeverityAsync(order));
        await using var verify = database.Create();
        Assert.Equal("Reviewed", await verify.Set<StoredRuleViolation>().Where(v => v.EntityKey == key && v.RuleId == "order.discount_limit").Select(v => v.Message).SingleAsync());
        Assert.False(await verify.Set<StoredRuleViolation>().AnyAsync(v => v.EntityKey == key && v.RuleId == "order.other"));
    }

    [Fact]
    public async Task A_check_of_the_entity_writes_the_current_severity_over_the_unknown_text()
    {
        var order = await OrderWithStoredSeverityAsync("Critical");

        using var scope = _services.CreateScope();
        await using (var context = database.Create())
        {
            context.Attach(order);
            var check = await context.CheckRulesAsync(scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>(), order, "confirm");
            Assert.Equal(RuleSeverity.Blocking, check.Stored.Single(v => v.RuleId == "order.discount_limit").Severity);
            await context.SaveChangesAsync();
        }

        Assert.Equal("Blocking", await StoredSeverityAsync(order));
    }
}
