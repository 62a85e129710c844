using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>A customer of the loading tests: a reference of an order, with a collection of its own.</summary>
public class LoadPartner
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string Country { get; set; } = "";

    public bool Blocked { get; set; }

    public List<LoadOrder> Orders { get; set; } = [];
}

/// <summary>A product, reached from an order through its lines.</summary>
public class LoadProduct
{
    public int Id { get; set; }

    public bool Blocked { get; set; }
}

public class LoadLine
{
    public int Id { get; set; }

    public int LoadOrderId { get; set; }

    public int Quantity { get; set; }

    public int? ProductId { get; set; }

    public LoadProduct? Product { get; set; }
}

/// <summary>The entity the data rules of the loading tests check.</summary>
public class LoadOrder
{
    public int Id { get; set; }

    public bool Draft { get; set; }

    public decimal Amount { get; set; }

    public int? PartnerId { get; set; }

    public LoadPartner? Partner { get; set; }

    public List<LoadLine> Lines { get; set; } = [];
}

public sealed class LoadingContext(DbContextOptions<LoadingContext> options) : DbContext(options)
{
    public DbSet<LoadOrder> Orders => Set<LoadOrder>();

    public DbSet<LoadPartner> Partners => Set<LoadPartner>();
}

/// <summary>
/// A blocked German partner with four draft orders; the first has a line of quantity -5 and a line of a blocked product.
/// The data rules read the order's partner, its lines, its lines' products and the partner's orders.
/// </summary>
public sealed class LoadingFixture() : SchemaFixture<LoadingContext>(static options => new LoadingContext(options)), IAsyncLifetime
{
    public static readonly string[] Blocking = ["load.partner_blocked", "load.negative_quantity", "load.too_many_drafts", "load.blocked_product"];

    public int OrderId { get; private set; }

    public int PartnerId { get; private set; }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await using var context = Create();
        var partner = new LoadPartner { Name = "Blocked GmbH", Country = "DE", Blocked = true };
        var order = new LoadOrder { Draft = true, Amount = 5_000m, Partner = partner };
        order.Lines.Add(new LoadLine { Quantity = -5 });
        order.Lines.Add(new LoadLine { Quantity = 1, Product = new LoadProduct { Blocked = true } });
        context.Add(order);
        for (var i = 0; i < 3; i++)
        {
            context.Add(new LoadOrder { Draft = true, Amount = 10m, Partner = partner });
        }

        context.AddRange(
            Rule("load.partner_blocked", "order.Partner.Blocked", RuleSeverity.Blocking),
            Rule("load.negative_quantity", "order.Lines.Any(l => l.Quantity <= 0)", RuleSeverity.Blocking),
            Rule("load.too_many_drafts", "order.Partner.Orders.Count(o => o.Draft) > 3", RuleSeverity.Blocking),
            Rule("load.blocked_product", "order.Lines.Any(l => l.Product.Blocked)", RuleSeverity.Blocking),
            Rule("load.export_review", "order.Partner.Country != \"DE\" && order.Amount > 1000m", RuleSeverity.Warning));
        await context.SaveChangesAsync();
        OrderId = order.Id;
        PartnerId = partner.Id;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();

    private static ExceptionRuleDefinition Rule(string id, string expression, RuleSeverity severity) => new()
    {
        Id = id,
        EntityType = nameof(LoadOrder),
        Expression = expression,
        Severity = severity,
        Message = $"{id} is broken",
    };
}

/// <summary>
/// Data rules that read navigations: a navigation the context tracking the entity did not load is never read as null or
/// empty. Evaluate and Enforce report the rule as failed; CheckRulesAsync loads what the rules read; and memory then
/// agrees with SQL.
/// </summary>
public sealed class NotLoadedNavigationTests(LoadingFixture database) : IClassFixture<LoadingFixture>
{
    private ServiceProvider Services() => RuleServicesFactory.Create(
        options => options.Rules.UseDataRules<LoadingContext>(),
        services => services.AddDbContext<LoadingContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));

    [Fact]
    public async Task Evaluate_and_Enforce_fail_each_rule_that_reads_a_navigation_the_context_did_not_load()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = (await context.Orders.FindAsync(database.OrderId))!;

        var evaluation = engine.Evaluate(order);

        // Every rule reads the partner or the lines, none of them loaded: each fails, none passes, and the export review
        // of a German partner does not become a warning.
        Assert.Equal(
            ["load.blocked_product", "load.export_review", "load.negative_quantity", "load.partner_blocked", "load.too_many_drafts"],
            evaluation.Violations.Select(v => v.RuleId).Order(StringComparer.Ordinal));
        Assert.All(evaluation.Violations, v => Assert.True(v.IsFailure));
        Assert.All(evaluation.Violations, v => Assert.Equal(RuleSeverity.Blocking, v.Severity));
        var partner = Assert.Single(evaluation.Violations, v => v.RuleId == "load.partner_blocked");
        Assert.IsAssignableFrom<InvalidOperationException>(partner.Exception);
        Assert.Equal(
            "The rule 'load.partner_blocked' cannot run. It reads LoadOrder.Partner, which is not loaded: the context that tracks this LoadOrder did not load it, "
            + "and reading it as null would let the rule pass unchecked. Load it before the check: Include(x => x.Partner) in the query, or "
            + "context.Entry(entity).Reference(\"Partner\").Load(); or check the entity with context.CheckRulesAsync(engine, entity), which loads what the data rules read.",
            partner.Message);
        Assert.Contains("reads LoadOrder.Lines, which is not loaded", evaluation.Violations.Single(v => v.RuleId == "load.negative_quantity").Message, StringComparison.Ordinal);
        var refused = Assert.Throws<BusinessRuleException>(() => engine.Enforce(order));
        Assert.Equal(5, refused.Violations.Count);
    }

    [Fact]
    public async Task With_its_navigations_included_an_entity_is_checked_as_SQL_checks_it_and_a_collection_held_only_in_part_fails()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = await context.Orders
            .Include(o => o.Partner)
            .Include(o => o.Lines).ThenInclude(l => l.Product)
            .SingleAsync(o => o.Id == database.OrderId);

        var evaluation = engine.Evaluate(order);

        // The partner's orders hold only this one, the one the context tracks: the count of drafts would be 1, not 4.
        var drafts = Assert.Single(evaluation.Violations, v => v.RuleId == "load.too_many_drafts");
        Assert.True(drafts.IsFailure);
        Assert.Contains("reads LoadPartner.Orders, which is not loaded", drafts.Message, StringComparison.Ordinal);
        Assert.Contains("(or only part of it)", drafts.Message, StringComparison.Ordinal);
        var answered = evaluation.Violations.Where(v => !v.IsFailure).Select(v => v.RuleId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["load.blocked_product", "load.negative_quantity", "load.partner_blocked"], answered);
        Assert.Equal(await ViolatedInSqlAsync(context, except: "load.too_many_drafts"), answered);
    }

    [Fact]
    public async Task CheckRulesAsync_loads_what_the_rules_read_nested_paths_too_and_agrees_with_SQL()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = (await context.Orders.FindAsync(database.OrderId))!;

        var check = await context.CheckRulesAsync(engine, order);

        Assert.DoesNotContain(check.Evaluation.Violations, v => v.IsFailure);
        var violated = check.Evaluation.Violations.Select(v => v.RuleId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(LoadingFixture.Blocking.Order(StringComparer.Ordinal), violated);
        Assert.Equal(await ViolatedInSqlAsync(context), violated);
        Assert.True(context.Entry(order).Reference(o => o.Partner).IsLoaded);
        Assert.True(context.Entry(order.Partner!).Collection(p => p.Orders).IsLoaded);
        Assert.Equal(4, order.Partner!.Orders.Count);
        Assert.All(order.Lines, line => Assert.True(line.ProductId is null || line.Product is not null));

        // Once loaded, the engine's own Evaluate in the same scope gives the same answer.
        Assert.Equal(violated, engine.Evaluate(order).Violations.Select(v => v.RuleId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_collection_held_only_in_part_because_other_entities_are_tracked_is_loaded_whole_by_CheckRulesAsync()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = await context.Orders.Include(o => o.Partner).SingleAsync(o => o.Id == database.OrderId);
        Assert.Single(order.Partner!.Orders);

        var check = await context.CheckRulesAsync(engine, order);

        Assert.Equal(4, order.Partner.Orders.Count);
        Assert.Contains(check.Evaluation.Violations, v => v is { RuleId: "load.too_many_drafts", IsFailure: false });
    }

    [Fact]
    public async Task A_tracked_reference_whose_foreign_key_is_null_reads_as_null_and_a_new_entity_s_collections_as_they_are()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var orphan = new LoadOrder { Amount = 2_000m };
        context.Add(orphan);
        await context.SaveChangesAsync();
        context.ChangeTracker.Clear();
        var loaded = await context.Orders.Include(o => o.Lines).SingleAsync(o => o.Id == orphan.Id);

        // No partner: nothing to load, the partner's rules read null as SQL does; the export review applies.
        Assert.Equal(["load.export_review"], engine.Evaluate(loaded).Violations.Select(v => v.RuleId));

        // A new order of the blocked partner, given by its key: its lines are all there are, its partner is not loaded.
        var added = new LoadOrder { PartnerId = database.PartnerId, Amount = 1m };
        added.Lines.Add(new LoadLine { Quantity = 0 });
        context.Add(added);
        var evaluation = engine.Evaluate(added);
        Assert.Contains(evaluation.Violations, v => v is { RuleId: "load.negative_quantity", IsFailure: false });
        Assert.Contains(evaluation.Violations, v => v is { RuleId: "load.partner_blocked", IsFailure: true });
    }

    [Fact]
    public async Task A_new_entity_s_reference_that_is_not_loaded_fails_with_a_message_that_names_the_Load_that_works_for_it()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var added = new LoadOrder { PartnerId = database.PartnerId, Amount = 1m };
        context.Add(added);

        var failed = Assert.Single(engine.Evaluate(added).Violations, v => v.RuleId == "load.partner_blocked");

        // Not a query's Include, nor CheckRulesAsync, which refuses an entity without a key: the Load of the entry.
        Assert.True(failed.IsFailure);
        Assert.Equal(
            "The rule 'load.partner_blocked' cannot run. It reads LoadOrder.Partner, which is not loaded: this LoadOrder is new (Added, not saved yet) and "
            + "the context that tracks it did not load it, so reading it as null would let the rule pass unchecked. Load it before the check: "
            + "context.Entry(entity).Reference(\"Partner\").Load(); or evaluate the entity with context.EvaluateRulesAsync(engine, entity), which loads "
            + "what the data rules read and stores nothing. (A query's Include and CheckRulesAsync apply to saved entities only.)",
            failed.Message);

        // CheckRulesAsync cannot store the violations of an entity without a key: it names the way that works.
        var keyless = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, added));
        Assert.Contains("context.EvaluateRulesAsync(engine, entity)", keyless.Message, StringComparison.Ordinal);

        // Both ways the message names run the rule, and agree.
        var evaluated = await context.EvaluateRulesAsync(engine, added);
        Assert.Contains(evaluated.Violations, v => v is { RuleId: "load.partner_blocked", IsFailure: false });
        Assert.True(context.Entry(added).Reference(o => o.Partner).IsLoaded);
        Assert.Equal(EntityState.Added, context.Entry(added).State);
        Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());

        var other = new LoadOrder { PartnerId = database.PartnerId, Amount = 1m };
        context.Add(other);
        await context.Entry(other).Reference(o => o.Partner).LoadAsync();
        Assert.Contains(engine.Evaluate(other).Violations, v => v is { RuleId: "load.partner_blocked", IsFailure: false });
    }

    [Fact]
    public async Task EvaluateRulesAsync_runs_the_rules_of_the_set_it_is_given_and_those_without_a_set_and_no_other_set_s()
    {
        using var services = Services();
        using (var setup = services.CreateScope())
        {
            var definitions = setup.ServiceProvider.GetRequiredService<LoadingContext>();
            definitions.AddRange(
                new ExceptionRuleDefinition
                {
                    Id = "load.confirm_amount", EntityType = nameof(LoadOrder), Expression = "order.Amount > 0m",
                    Severity = RuleSeverity.Blocking, Message = "confirm", RuleSets = ["confirm"],
                },
                new ExceptionRuleDefinition
                {
                    Id = "load.ship_amount", EntityType = nameof(LoadOrder), Expression = "order.Amount > 0m",
                    Severity = RuleSeverity.Blocking, Message = "ship", RuleSets = ["ship"],
                });
            await definitions.SaveChangesAsync();
        }

        try
        {
            using var scope = services.CreateScope();
            var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
            var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
            var added = new LoadOrder { PartnerId = database.PartnerId, Amount = 1m };
            context.Add(added);

            var confirm = await context.EvaluateRulesAsync(engine, added, "confirm");

            // The set's rule, and the rules without a set (the partner's, loaded and answered); not the other set's.
            Assert.Contains(confirm.Violations, v => v is { RuleId: "load.confirm_amount", IsFailure: false });
            Assert.Contains(confirm.Violations, v => v is { RuleId: "load.partner_blocked", IsFailure: false });
            Assert.DoesNotContain(confirm.Violations, v => v.RuleId == "load.ship_amount");
            Assert.DoesNotContain(confirm.Violations, v => v.IsFailure);

            // Without a set, every rule runs.
            var all = await context.EvaluateRulesAsync(engine, added);
            Assert.Contains(all.Violations, v => v.RuleId == "load.ship_amount");
            Assert.Contains(all.Violations, v => v.RuleId == "load.confirm_amount");
        }
        finally
        {
            using var cleanup = services.CreateScope();
            var definitions = cleanup.ServiceProvider.GetRequiredService<LoadingContext>();
            definitions.RemoveRange(await definitions.Set<ExceptionRuleDefinition>().Where(d => d.Id == "load.confirm_amount" || d.Id == "load.ship_amount").ToListAsync());
            await definitions.SaveChangesAsync();
        }
    }

    [Fact]
    public async Task EvaluateRulesAsync_with_an_entity_the_context_does_not_track_fails_the_rules_that_read_its_unloaded_reference()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        // As a web API binds a request body: the blocked partner's key, no partner, and the object never attached.
        var bound = new LoadOrder { PartnerId = database.PartnerId, Amount = 1m };

        var evaluation = await context.EvaluateRulesAsync(engine, bound);

        // Nothing can be loaded for an object the context does not track: the partner's rule fails, it does not pass.
        var partner = Assert.Single(evaluation.Violations, v => v.RuleId == "load.partner_blocked");
        Assert.True(partner.IsFailure);
        Assert.StartsWith("The rule 'load.partner_blocked' cannot run. It reads LoadOrder.Partner", partner.Message, StringComparison.Ordinal);
        Assert.True(evaluation.HasBlocking);
        Assert.Null(bound.Partner);
        Assert.Equal(EntityState.Detached, context.Entry(bound).State);
    }

    [Fact]
    public async Task EvaluateRulesAsync_with_an_engine_that_runs_no_data_rules_is_refused_while_the_table_holds_active_ones()
    {
        using var services = RuleServicesFactory.Create(
            services: services => services.AddDbContext<LoadingContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var added = new LoadOrder { PartnerId = database.PartnerId, Amount = 1m };
        context.Add(added);

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => context.EvaluateRulesAsync(engine, added));

        Assert.Contains("holds active data rules", refused.Message, StringComparison.Ordinal);
        Assert.Contains("services.AddServerTools(o => o.Rules.UseDataRules<LoadingContext>())", refused.Message, StringComparison.Ordinal);
        Assert.False(context.Entry(added).Reference(o => o.Partner).IsLoaded);
    }

    [Fact]
    public async Task A_plain_object_whose_foreign_key_holds_a_value_fails_the_rules_that_read_its_null_reference_instead_of_passing_them()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<LoadingContext>();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        // As a web API binds a request body: the partner's key, no partner.
        var bound = new LoadOrder { PartnerId = database.PartnerId, Amount = 2_000m };
        var evaluation = engine.Evaluate(bound);

        // The blocked partner's rule does not pass: each rule that reads the partner fails, and Enforce refuses the order.
        // The lines are a collection of a plain object: what it holds (none), as documented.
        Assert.Equal(
            ["load.export_review", "load.partner_blocked", "load.too_many_drafts"],
            evaluation.Violations.Select(v => v.RuleId).Order(StringComparer.Ordinal));
        Assert.All(evaluation.Violations, v => Assert.True(v.IsFailure));
        var partner = Assert.Single(evaluation.Violations, v => v.RuleId == "load.partner_blocked");
        Assert.IsAssignableFrom<InvalidOperationException>(partner.Exception);
        Assert.Equal(
            "The rule 'load.partner_blocked' cannot run. It reads LoadOrder.Partner, which is null while its foreign key (PartnerId) holds a value: the context "
            + "the rules ran with does not track this LoadOrder (built from a request body, read with AsNoTracking(), or tracked by another context), so "
            + "Partner was never loaded, and reading it as null would let the rule pass unchecked. Before the check, set Partner to the entity its key names "
            + "(such as with context.Find), or let the context track this LoadOrder and load it: context.Add(entity) for a new one (context.Attach(entity) "
            + "for a saved one), then context.Entry(entity).Reference(\"Partner\").Load().",
            partner.Message);
        Assert.DoesNotContain(database.PartnerId.ToString(System.Globalization.CultureInfo.InvariantCulture), partner.Message, StringComparison.Ordinal);
        Assert.Throws<BusinessRuleException>(() => engine.Enforce(bound));

        // Read with AsNoTracking: the same, where SQL finds the order breaks the partner's rule.
        var read = await context.Orders.AsNoTracking().SingleAsync(o => o.Id == database.OrderId);
        Assert.Contains(engine.Evaluate(read).Violations, v => v is { RuleId: "load.partner_blocked", IsFailure: true });

        // Done as the message says, the rule runs and agrees with SQL.
        context.Add(bound);
        await context.Entry(bound).Reference(o => o.Partner).LoadAsync();
        Assert.Contains(engine.Evaluate(bound).Violations, v => v is { RuleId: "load.partner_blocked", IsFailure: false });
    }

    [Fact]
    public void A_plain_object_whose_foreign_key_is_null_reads_its_null_reference_as_null_and_a_collection_as_it_is()
    {
        using var services = Services();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        var evaluation = engine.Evaluate(new LoadOrder { PartnerId = null, Amount = 2_000m, Lines = [new LoadLine { Quantity = 0 }] });

        Assert.Equal(["load.export_review", "load.negative_quantity"], evaluation.Violations.Select(v => v.RuleId).Order(StringComparer.Ordinal));
        Assert.All(evaluation.Violations, v => Assert.False(v.IsFailure));
    }

    /// <summary>The data rules of the fixture that PostgreSQL finds the order breaks, by <c>EntitiesViolatingRule</c>.</summary>
    private async Task<List<string>> ViolatedInSqlAsync(LoadingContext context, string? except = null)
    {
        var violated = new List<string>();
        foreach (var id in LoadingFixture.Blocking.Append("load.export_review").Where(id => id != except).Order(StringComparer.Ordinal))
        {
            if (await context.EntitiesViolatingRule<LoadOrder>(id).AnyAsync(o => o.Id == database.OrderId))
            {
                violated.Add(id);
            }
        }

        return violated;
    }
}
