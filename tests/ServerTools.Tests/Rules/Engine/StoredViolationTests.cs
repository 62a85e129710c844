using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>Records remember their exceptions: CheckRulesAsync stores an entity's violations, IgnoreRuleWarningsAsync ignores warnings.</summary>
public sealed class StoredViolationTests(RulesFixture database) : IClassFixture<RulesFixture>, IDisposable
{
    private readonly ServiceProvider _services = RuleServicesFactory.Create();

    public void Dispose() => _services.Dispose();

    private async Task<Order> SavedOrderAsync(Action<Order> change)
    {
        await using var context = database.Create();
        var order = new Order { Number = "SO-" + Guid.NewGuid().ToString("N")[..8], OrderedAt = DateTime.UtcNow, Quantity = 1, Amount = 10m };
        change(order);
        context.Orders.Add(order);
        await context.SaveChangesAsync();
        return order;
    }

    private static IExceptionRuleEngine Engine(IServiceScope scope) => scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

    [Fact]
    public async Task A_check_stores_the_current_violations_and_a_later_check_removes_the_resolved_ones()
    {
        var order = await SavedOrderAsync(o => { o.Discount = 0.5m; o.Quantity = 500; });
        using var scope = _services.CreateScope();
        await using (var context = database.Create())
        {
            context.Attach(order);
            var check = await context.CheckRulesAsync(Engine(scope), order, "confirm");
            Assert.True(check.HasBlocking);
            Assert.False(check.CanProceed);
            Assert.Equal(["order.no_customer", "order.big_quantity"], check.PendingWarnings.Select(v => v.RuleId));
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var stored = await context.RuleViolationsOf(order).OrderBy(v => v.RuleId).ToListAsync();
            Assert.Equal(["order.big_quantity", "order.discount_limit", "order.no_customer"], stored.Select(v => v.RuleId));
            var discount = stored[1];
            Assert.Equal(RuleSeverity.Blocking, discount.Severity);
            Assert.Equal("A discount above 30% needs a manager's approval", discount.Message);
            Assert.Equal(typeof(Order).FullName, discount.EntityType);
            Assert.Equal(order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), discount.EntityKey);
            Assert.False(discount.IsIgnored);
            Assert.True(DateTimeOffset.UtcNow - discount.DetectedAt < TimeSpan.FromMinutes(5));
        }

        await using (var context = database.Create())
        {
            context.Attach(order);
            order.Discount = 0.1m;
            order.Quantity = 5;
            var check = await context.CheckRulesAsync(Engine(scope), order, "confirm");
            Assert.False(check.HasBlocking);
            await context.SaveChangesAsync();
        }

        await using (var verify = database.Create())
        {
            Assert.Equal(["order.no_customer"], await verify.RuleViolationsOf(order).Select(v => v.RuleId).ToListAsync());
        }
    }

    [Fact]
    public async Task A_check_of_one_rule_set_leaves_the_violations_of_other_rules_in_place()
    {
        var order = await SavedOrderAsync(o => { o.Discount = 0.5m; o.Amount = 5_000m; });
        using var scope = _services.CreateScope();
        await using var context = database.Create();
        context.Attach(order);
        await context.CheckRulesAsync(Engine(scope), order);
        await context.SaveChangesAsync();

        order.Discount = 0m;
        await context.CheckRulesAsync(Engine(scope), order, "confirm");
        await context.SaveChangesAsync();

        await using var verify = database.Create();
        Assert.Equal(["order.credit_limit", "order.no_customer"], await verify.RuleViolationsOf(order).OrderBy(v => v.RuleId).Select(v => v.RuleId).ToListAsync());
    }

    [Fact]
    public async Task Ignoring_warnings_records_who_when_and_which_rules_and_lets_the_action_proceed()
    {
        var order = await SavedOrderAsync(o => o.Quantity = 500);
        using var scope = _services.CreateScope();
        await using (var context = database.Create())
        {
            context.Attach(order);
            using (AuditActor.Use(new AuditActor("u-42", "Grace")))
            {
                var ignored = await context.IgnoreRuleWarningsAsync(Engine(scope), order, "confirm", ["order.big_quantity"]);
                Assert.Equal(["order.big_quantity"], ignored.Select(v => v.RuleId));
            }

            await context.SaveChangesAsync();
            var check = await context.CheckRulesAsync(Engine(scope), order, "confirm");
            Assert.Equal(["order.no_customer"], check.PendingWarnings.Select(v => v.RuleId));
            await context.IgnoreRuleWarningsAsync(Engine(scope), order, "confirm", actor: new AuditActor("u-7", "Alan"));
            await context.SaveChangesAsync();
        }

        await using var verify = database.Create();
        var stored = await verify.RuleViolationsOf(order).OrderBy(v => v.RuleId).ToListAsync();
        Assert.Equal(["order.big_quantity", "order.no_customer"], stored.Select(v => v.RuleId));
        Assert.Equal(["u-42", "u-7"], stored.Select(v => v.IgnoredByUserId));
        Assert.Equal(["Grace", "Alan"], stored.Select(v => v.IgnoredByUserName));
        Assert.All(stored, v => Assert.True(v.IsIgnored));

        await using var again = database.Create();
        again.Attach(order);
        Assert.True((await again.CheckRulesAsync(Engine(scope), order, "confirm")).CanProceed);
    }

    [Fact]
    public async Task Ignoring_is_refused_while_a_blocking_violation_stands_and_marks_nothing()
    {
        var order = await SavedOrderAsync(o => { o.Discount = 0.9m; o.Quantity = 500; });
        using var scope = _services.CreateScope();
        await using (var context = database.Create())
        {
            context.Attach(order);
            var error = await Assert.ThrowsAsync<BusinessRuleException>(() => context.IgnoreRuleWarningsAsync(Engine(scope), order, "confirm", actor: new AuditActor("u-1")));
            Assert.Equal(["order.discount_limit"], error.Violations.Select(v => v.RuleId));
            Assert.Contains("cannot be ignored while blocking rules are broken", error.Message, StringComparison.Ordinal);
            Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());
            await context.CheckRulesAsync(Engine(scope), order, "confirm");
            await context.SaveChangesAsync();
        }

        await using var verify = database.Create();
        var stored = await verify.RuleViolationsOf(order).ToListAsync();
        Assert.Equal(3, stored.Count);
        Assert.DoesNotContain(stored, v => v.IsIgnored);
    }

    [Fact]
    public async Task Ignoring_a_rule_that_is_not_a_current_warning_is_refused_with_the_current_ones_named()
    {
        var order = await SavedOrderAsync(o => o.Quantity = 500);
        using var scope = _services.CreateScope();
        await using var context = database.Create();
        context.Attach(order);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.IgnoreRuleWarningsAsync(Engine(scope), order, ruleIds: ["order.discount_limit"]));

        Assert.Contains("order.discount_limit", error.Message, StringComparison.Ordinal);
        Assert.Contains("Its warnings are: order.no_customer, order.big_quantity", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());
    }

    [Fact]
    public async Task Ignoring_an_unknown_rule_changes_nothing_of_the_violations_the_context_tracks()
    {
        var order = await SavedOrderAsync(o => o.Quantity = 500);
        using var scope = _services.CreateScope();
        await using var context = database.Create();
        context.Attach(order);
        await context.CheckRulesAsync(Engine(scope), order);
        await context.SaveChangesAsync();
        order.Quantity = 1;

        await Assert.ThrowsAsync<ArgumentException>(() => context.IgnoreRuleWarningsAsync(Engine(scope), order, ruleIds: ["order.big_quantity", "order.unknown"]));

        var tracked = context.ChangeTracker.Entries<StoredRuleViolation>().ToList();
        Assert.Equal(2, tracked.Count);
        Assert.All(tracked, entry => Assert.Equal(EntityState.Unchanged, entry.State));
        Assert.All(tracked, entry => Assert.Null(entry.Entity.IgnoredAt));
    }

    [Fact]
    public async Task An_entity_whose_key_the_database_has_not_generated_yet_cannot_be_checked()
    {
        using var scope = _services.CreateScope();
        await using var context = database.Create();
        var order = new Order { Number = "new", OrderedAt = DateTime.UtcNow };
        context.Orders.Add(order);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(Engine(scope), order));

        Assert.Contains("Save it first", error.Message, StringComparison.Ordinal);
        Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());
    }

    /// <summary>
    /// A role that may not read the rule definitions (an application without data rules, granted only what it uses) gets,
    /// from a check with code rules only, an error that names the grant, not PostgreSQL's bare 42501.
    /// </summary>
    [Fact]
    public async Task A_check_by_a_role_that_may_not_read_the_rule_definitions_says_which_grant_it_needs()
    {
        var order = await SavedOrderAsync(o => o.Quantity = 500);
        var role = "st_rules_" + Guid.NewGuid().ToString("N")[..8];
        await using (var owner = database.Create())
        {
            // A role name is an identifier, not a value: it cannot be a parameter (this one is made of hex digits).
            var grants = $"""
                CREATE ROLE {role} LOGIN PASSWORD 'rules-secret';
                GRANT USAGE ON SCHEMA public TO {role};
                GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
                REVOKE ALL ON servertools_rule_definitions FROM {role};
                """;
            await owner.Database.ExecuteSqlRawAsync(grants);
        }

        try
        {
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "rules-secret" };
            await using var context = new RulesContext(new DbContextOptionsBuilder<RulesContext>().UseNpgsql(connection.ConnectionString).UseServerTools().Options);
            using var scope = _services.CreateScope();
            context.Attach(order);

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(Engine(scope), order, "confirm"));

            Assert.StartsWith("This connection's role may not read servertools_rule_definitions (permission denied for table servertools_rule_definitions).", error.Message, StringComparison.Ordinal);
            Assert.Contains("GRANT SELECT ON servertools_rule_definitions TO ...", error.Message, StringComparison.Ordinal);
            Assert.Equal("42501", Assert.IsType<Npgsql.PostgresException>(error.InnerException).SqlState);
        }
        finally
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var owner = database.Create();
            var drop = $"DROP OWNED BY {role}; DROP ROLE {role}";
            await owner.Database.ExecuteSqlRawAsync(drop);
        }
    }

    /// <summary>
    /// A table that drops ServerTools' rows (here a BEFORE INSERT trigger returning NULL, as a DBA's archive or partition
    /// trigger might) fails the save with the cause named and the entity's key kept out of the message (in the exception's
    /// data instead), and nothing of the save is stored.
    /// </summary>
    [Fact]
    public async Task A_violation_row_the_table_drops_fails_the_save_naming_the_cause_without_the_key_in_the_message()
    {
        var order = await SavedOrderAsync(o => { o.Discount = 0.5m; o.Quantity = 500; });
        await using (var setup = database.Create())
        {
            await setup.Database.ExecuteSqlRawAsync(
                """
                CREATE OR REPLACE FUNCTION drop_violation_rows() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
                CREATE TRIGGER drop_violation_rows BEFORE INSERT ON servertools_rule_violations FOR EACH ROW EXECUTE FUNCTION drop_violation_rows();
                """);
        }

        try
        {
            using var scope = _services.CreateScope();
            await using var context = database.Create();
            context.Attach(order);
            order.Number = "SO-changed";
            _ = await context.CheckRulesAsync(Engine(scope), order, "confirm");
            var failure = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

            var error = Assert.IsType<InvalidOperationException>(failure.InnerException);
            var key = order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(key, error.Data["ServerTools.EntityKey"]);
            Assert.DoesNotContain(" " + key, error.Message, StringComparison.Ordinal);
            Assert.Contains("a trigger (a BEFORE trigger that returns NULL), a rule or a row-level security policy", error.Message, StringComparison.Ordinal);
            Assert.Contains("servertools_rule_violations", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            await using var cleanup = database.Create();
            await cleanup.Database.ExecuteSqlRawAsync("DROP TRIGGER drop_violation_rows ON servertools_rule_violations; DROP FUNCTION drop_violation_rows()");
        }

        await using var check = database.Create();
        Assert.NotEqual("SO-changed", (await check.Orders.SingleAsync(o => o.Id == order.Id)).Number);
    }
}

/// <summary>
/// Stored violations of data rules that were deleted or set inactive; in a database of its own. Runs alone
/// (<see cref="DataRuleCacheAlone"/>): one test needs an engine that has not read a rule inserted by SQL, which a rule
/// saved by a test of another class meanwhile would make it read.
/// </summary>
[Collection(DataRuleCacheAlone.Name)]
public sealed class StoredViolationsOfRemovedRulesTests(RulesFixture database) : IClassFixture<RulesFixture>, IDisposable
{
    private readonly ServiceProvider _services = DataRuleTests.Services(database, TimeSpan.FromHours(1));

    public void Dispose() => _services.Dispose();

    private async Task<Order> OrderBreakingAsync(string ruleId)
    {
        await using var context = database.Create();
        var order = new Order { Number = ruleId, OrderedAt = DateTime.UtcNow, Quantity = 1, Amount = 10m, Discount = 0.5m, Note = ruleId };
        context.Orders.Add(order);
        context.Add(new ExceptionRuleDefinition
        {
            Id = ruleId,
            EntityType = nameof(Order),
            Expression = $"order.Note == \"{ruleId}\"",
            Severity = RuleSeverity.Blocking,
            Message = "needs approval",
            RuleSets = ["confirm"],
        });
        await context.SaveChangesAsync();
        return order;
    }

    private async Task CheckAsync(Order order, string? ruleSet)
    {
        using var scope = _services.CreateScope();
        await using var context = database.Create();
        context.Attach(order);
        await context.CheckRulesAsync(scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>(), order, ruleSet);
        await context.SaveChangesAsync();
    }

    private async Task<string[]> StoredAsync(Order order, string ruleId)
    {
        var key = order.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var context = database.Create();
        return await context.Set<StoredRuleViolation>().Where(v => v.RuleId == ruleId && v.EntityKey == key).Select(v => v.RuleId).ToArrayAsync();
    }

    private async Task<string[]> ListedAsync(Order order)
    {
        await using var context = database.Create();
        return await context.RuleViolationsOf(order).Select(v => v.RuleId).OrderBy(id => id).ToArrayAsync();
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("inactive")]
    public async Task The_violations_of_a_rule_deleted_or_set_inactive_are_no_longer_listed_and_a_check_removes_them(string change)
    {
        var ruleId = "removed." + change;
        var order = await OrderBreakingAsync(ruleId);
        await CheckAsync(order, "confirm");
        Assert.Equal(["order.discount_limit", "order.no_customer", ruleId], await ListedAsync(order));

        await using (var context = database.Create())
        {
            var definition = await context.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == ruleId);
            if (change == "deleted")
            {
                context.Remove(definition);
            }
            else
            {
                definition.Active = false;
            }

            await context.SaveChangesAsync();
        }

        Assert.Equal(["order.discount_limit", "order.no_customer"], await ListedAsync(order));
        Assert.Equal([ruleId], await StoredAsync(order, ruleId));

        // A check of a rule set removes the violations of a rule stored inactive. A rule that is gone cannot be told
        // from one this engine has not read yet, or another application's code rule: its row stays until a check of all rules.
        await CheckAsync(order, "confirm");
        Assert.Equal(change == "deleted" ? [ruleId] : [], await StoredAsync(order, ruleId));
        await CheckAsync(order, ruleSet: null);

        Assert.Empty(await StoredAsync(order, ruleId));
        Assert.Equal(["order.discount_limit", "order.no_customer"], await ListedAsync(order));
    }

    [Fact]
    public async Task A_check_of_another_rule_set_still_leaves_the_violations_of_existing_rules_alone()
    {
        var order = await OrderBreakingAsync("kept.confirm");
        await CheckAsync(order, "confirm");

        await CheckAsync(order, "invoice");

        Assert.Equal(["kept.confirm"], await StoredAsync(order, "kept.confirm"));
        Assert.Contains("kept.confirm", await ListedAsync(order));
    }

    [Fact]
    public async Task A_check_of_another_rule_set_by_an_engine_that_has_not_read_a_new_rule_yet_keeps_its_ignored_violation()
    {
        Order order;
        await using (var context = database.Create())
        {
            order = new Order { Number = "R8", OrderedAt = DateTime.UtcNow, Quantity = 50, Amount = 10m };
            context.Orders.Add(order);
            await context.SaveChangesAsync();
        }

        // Engine B (say, another instance of the application) has read the rules already.
        using var servicesB = DataRuleTests.Services(database, TimeSpan.FromHours(1));
        using var scopeB = servicesB.CreateScope();
        var engineB = scopeB.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        Assert.DoesNotContain(engineB.Evaluate(order, "confirm").Violations, v => v.RuleId == "unread.stale");

        // A rule is added elsewhere (another process, an admin SQL script).
        await using (var context = database.Create())
        {
            await context.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO servertools_rule_definitions ("Id", "EntityType", "Expression", "Severity", "Sequence", "Message", "RuleSets", "Tags", "Active")
                VALUES ('unread.stale', 'Order', 'order.Quantity > 10', 'Warning', 10, 'big', ARRAY['confirm'], ARRAY[]::text[], true)
                """);
        }

        // Engine A reads it, stores the violation, and a user ignores the warning.
        using var servicesA = DataRuleTests.Services(database, TimeSpan.FromHours(1));
        using (var scopeA = servicesA.CreateScope())
        {
            var engineA = scopeA.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
            await using var context = database.Create();
            context.Attach(order);
            await context.IgnoreRuleWarningsAsync(engineA, order, "confirm", ["unread.stale"], new AuditActor("u-1", "Ann"));
            await context.SaveChangesAsync();
        }

        await using (var verify = database.Create())
        {
            var ignored = await verify.Set<StoredRuleViolation>().AsNoTracking().SingleAsync(v => v.RuleId == "unread.stale");
            Assert.Equal("u-1", ignored.IgnoredByUserId);
        }

        // Engine B checks another rule set ("invoice"): docs/rules.md says such a check leaves the "confirm" violations alone.
        // It still has not read the new rule (else this would prove nothing).
        Assert.DoesNotContain(engineB.Evaluate(order, "confirm").Violations, v => v.RuleId == "unread.stale");
        await using (var context = database.Create())
        {
            context.Attach(order);
            await context.CheckRulesAsync(engineB, order, "invoice");
            await context.SaveChangesAsync();
        }

        await using (var verify = database.Create())
        {
            var after = await verify.Set<StoredRuleViolation>().AsNoTracking().Where(v => v.RuleId == "unread.stale").ToListAsync();
            var kept = Assert.Single(after);
            Assert.Equal("u-1", kept.IgnoredByUserId);
        }
    }

}

