using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// Data rules need <c>Rules.UseDataRules&lt;TContext&gt;()</c>: without it the engine runs none, so a definition saved for
/// it, or stored in the table it checks against, is refused where ServerTools can see it, instead of being skipped in
/// silence. In a database of its own.
/// </summary>
/// <remarks>
/// Runs alone (<see cref="DataRuleCacheAlone"/>): a data rule saved by a test of another class makes every check read the
/// table again, which the count of reads here would see.
/// </remarks>
[Collection(DataRuleCacheAlone.Name)]
public sealed class UnreadDataRuleTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    private static ExceptionRuleDefinition BigAmount(string id) => new()
    {
        Id = id,
        EntityType = nameof(Order),
        Expression = "order.Amount > 1000m",
        Severity = RuleSeverity.Blocking,
        Message = "Orders above 1,000 need approval",
        RuleSets = ["confirm"],
    };

    /// <summary>The services of an application: RulesContext from AddDbContext, and the engine as <paramref name="configure"/> sets it up.</summary>
    private ServiceProvider Services(Action<ServerToolsOptions>? configure) => RuleServicesFactory.Create(
        configure,
        services => services.AddDbContext<RulesContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));

    private async Task<bool> StoredAsync(string id)
    {
        await using var context = database.Create();
        return await context.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == id);
    }

    /// <summary>Empties the table of definitions (the other tests of the class save data rules of their own) and saves an order to check.</summary>
    private static async Task<Order> OrderWithoutDataRulesAsync(DbContextOptions<RulesContext> options)
    {
        var order = DataRuleTests.Order(o => o.Amount = 5_000m);
        order.Id = 0;
        order.Customer = null;
        order.CustomerId = null;
        await using var context = new RulesContext(options);
        await context.Set<ExceptionRuleDefinition>().ExecuteDeleteAsync();
        context.Add(order);
        await context.SaveChangesAsync();
        return order;
    }

    [Fact]
    public void Validating_an_active_data_rule_for_an_engine_that_runs_none_says_it_would_never_run()
    {
        using var services = Services(configure: null);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RulesContext>();
        var definition = BigAmount("unread.validated");

        var error = Assert.Throws<InvalidOperationException>(() => db.ValidateDataRule(definition));

        Assert.Equal(
            "The data rule 'unread.validated' would never run: the application's rule engine runs no data rules (services.AddServerTools() "
            + "without Rules.UseDataRules<TContext>()), so Evaluate, Enforce and CheckRulesAsync would never check it. Make the engine read "
            + "the data rules of this context: services.AddServerTools(o => o.Rules.UseDataRules<RulesContext>()).",
            error.Message);

        // An inactive draft is only checked as the engine would run it.
        definition.Active = false;
        db.ValidateDataRule(definition);
        using var reading = Services(options => options.Rules.UseDataRules<RulesContext>());
        using var readingScope = reading.CreateScope();
        definition.Active = true;
        readingScope.ServiceProvider.GetRequiredService<RulesContext>().ValidateDataRule(definition);
    }

    [Fact]
    public async Task Saving_an_active_data_rule_for_an_engine_that_runs_none_is_refused_with_the_call_to_add()
    {
        using var services = Services(configure: null);
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RulesContext>();
        var definition = BigAmount("unread.no_data_rules");
        db.Add(definition);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        Assert.Equal(
            "The data rule 'unread.no_data_rules' was not saved: the application's rule engine runs no data rules (services.AddServerTools() "
            + "without Rules.UseDataRules<TContext>()), so Evaluate, Enforce and CheckRulesAsync would never check it. Make the engine read "
            + "the data rules of this context: services.AddServerTools(o => o.Rules.UseDataRules<RulesContext>()). Nothing was saved.",
            error.Message);
        Assert.Equal(EntityState.Added, db.Entry(definition).State);
        Assert.False(await StoredAsync(definition.Id));

        // An inactive draft runs nowhere, and is saved; setting it active is refused the same way.
        definition.Active = false;
        await db.SaveChangesAsync();
        definition.Active = true;
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        Assert.Equal(EntityState.Modified, db.Entry(definition).State);
    }

    [Fact]
    public async Task Saving_a_data_rule_through_another_context_type_than_the_engine_reads_is_refused()
    {
        using var services = Services(options => options.Rules.UseDataRules<OtherRulesContext>());
        using var scope = services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<RulesContext>();
        db.Add(BigAmount("unread.other_context"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());

        Assert.StartsWith(
            "The data rule 'unread.other_context' was not saved: the application's rule engine reads data rules from the table of "
            + "OtherRulesContext (Rules.UseDataRules<OtherRulesContext>()) and checks them against its model, not RulesContext's.",
            error.Message,
            StringComparison.Ordinal);
        Assert.False(await StoredAsync("unread.other_context"));
    }

    [Fact]
    public async Task With_UseDataRules_the_application_saves_the_data_rule_and_its_engine_runs_it()
    {
        using var services = Services(options => options.Rules.UseDataRules<RulesContext>());
        using (var scope = services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RulesContext>();
            db.Add(BigAmount("unread.read"));
            await db.SaveChangesAsync();
        }

        using var evaluation = services.CreateScope();
        var engine = evaluation.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = DataRuleTests.Order(o => o.Amount = 5_000m);
        var error = Assert.Throws<BusinessRuleException>(() => engine.Enforce(order, "confirm"));
        Assert.Contains("unread.read", error.Violations.Select(v => v.RuleId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_UseDataRules_in_either_of_two_AddServerTools_calls_makes_the_engine_run_data_rules(bool hostCallsFirst)
    {
        // A module calls AddServerTools() for its code rules; the host calls it with UseDataRules, before or after.
        var id = hostCallsFirst ? "unread.host_first" : "unread.module_first";
        using var services = RuleServicesFactory.Create(
            hostCallsFirst ? null : options => options.Rules.UseDataRules<RulesContext>(),
            collection =>
            {
                collection.AddDbContext<RulesContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools());
                collection.AddServerTools(hostCallsFirst ? options => options.Rules.UseDataRules<RulesContext>() : null);
            });
        using (var scope = services.CreateScope())
        {
            Assert.Single(scope.ServiceProvider.GetServices<IExceptionRuleEngine>());
            var db = scope.ServiceProvider.GetRequiredService<RulesContext>();
            db.Add(BigAmount(id));
            await db.SaveChangesAsync();
        }

        using var evaluation = services.CreateScope();
        var engine = evaluation.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var error = Assert.Throws<BusinessRuleException>(() => engine.Enforce(DataRuleTests.Order(o => o.Amount = 5_000m), "confirm"));
        Assert.Contains(id, error.Violations.Select(v => v.RuleId));
    }

    [Fact]
    public void Two_AddServerTools_calls_that_read_data_rules_from_two_contexts_are_refused()
    {
        var services = new ServiceCollection().AddServerTools(options => options.Rules.UseDataRules<OtherRulesContext>());
        services.AddServerTools(options => options.Rules.UseDataRules<OtherRulesContext>());

        var error = Assert.Throws<InvalidOperationException>(() => services.AddServerTools(options => options.Rules.UseDataRules<RulesContext>()));

        Assert.Equal(
            "AddServerTools was called more than once, with Rules.UseDataRules<OtherRulesContext>() in an earlier call and "
            + "Rules.UseDataRules<RulesContext>() in this one, but the rule engine reads the data rules of one context. Keep the "
            + "UseDataRules of the context whose table holds the rules and remove the other: every call of AddServerTools "
            + "configures the same options, so one UseDataRules, in any of them, is enough.",
            error.Message);
    }

    [Fact]
    public void AddServerTools_after_the_engine_was_set_up_from_its_options_is_refused()
    {
        var services = new ServiceCollection().AddServerTools();
        using (var provider = services.BuildServiceProvider())
        using (var scope = provider.CreateScope())
        {
            _ = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        }

        var error = Assert.Throws<InvalidOperationException>(() => services.AddServerTools(options => options.Rules.UseDataRules<RulesContext>()));

        Assert.StartsWith("AddServerTools was called after a service provider built from these services had set up the rule engine", error.Message, StringComparison.Ordinal);

        // A call that sets nothing changes nothing.
        services.AddServerTools();
    }

    [Fact]
    public async Task A_check_with_an_engine_that_runs_no_data_rules_is_refused_once_the_table_holds_some_for_the_model()
    {
        var commands = new DefinitionReads();
        var options = new DbContextOptionsBuilder<RulesContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(commands).Options;
        using var services = RuleServicesFactory.Create();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = await OrderWithoutDataRulesAsync(options);

        // No data rule of this model (one for an entity type it does not map is another application's): checks run, and the
        // table is read once, not at every check.
        await using (var context = new RulesContext(options))
        {
            await DefinitionRows.InsertAsync(context, "unread.elsewhere", "Invoice", "invoice.Total > 0m");
            context.Attach(order);
            await context.CheckRulesAsync(engine, order, "confirm");
            await context.CheckRulesAsync(engine, order, "confirm");
            await context.CheckRulesAsync(engine, order);
        }

        Assert.Equal(1, commands.Count);

        // A definition saved through a context the application's services did not create: the next check reads the table again.
        await using (var context = database.Create())
        {
            context.Add(BigAmount("unread.saved_elsewhere"));
            await context.SaveChangesAsync();
        }

        await using (var context = new RulesContext(options))
        {
            context.Attach(order);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, order, "confirm"));

            Assert.Equal(
                "The table servertools_rule_definitions of RulesContext holds active data rules ('unread.saved_elsewhere'), but the rule engine "
                + "runs no data rules (services.AddServerTools() without Rules.UseDataRules<TContext>()), so this check would skip them in "
                + "silence, as Evaluate and Enforce do. Make the engine read them: services.AddServerTools(o => o.Rules.UseDataRules<RulesContext>()); "
                + "or, if they are not meant to run, set them inactive (Active = false).",
                error.Message);
            Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());
        }
    }

    [Fact]
    public async Task A_check_reads_the_table_again_once_its_answer_is_older_than_the_refresh_interval()
    {
        // TimeSpan.Zero: every answer is stale at once, so a rule inserted by SQL (or another process), which this process
        // never hears of, is seen at the next check, as the engine sees it after DataRuleRefreshInterval.
        var options = new DbContextOptionsBuilder<RulesContext>().UseNpgsql(database.ConnectionString).UseServerTools().Options;
        using var services = RuleServicesFactory.Create(o => o.Rules.DataRuleRefreshInterval = TimeSpan.Zero);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = await OrderWithoutDataRulesAsync(options);
        await using (var context = new RulesContext(options))
        {
            context.Attach(order);
            await context.CheckRulesAsync(engine, order, "confirm");
            await DefinitionRows.InsertAsync(context, "unread.by_sql", nameof(Order), "order.Amount > 1000m");
        }

        await using (var context = new RulesContext(options))
        {
            context.Attach(order);
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, order, "confirm"));
            Assert.StartsWith("The table servertools_rule_definitions of RulesContext holds active data rules ('unread.by_sql')", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_refused_check_names_the_table_with_its_schema()
    {
        var options = new DbContextOptionsBuilder<SchemaRulesContext>().UseNpgsql(database.ConnectionString).UseServerTools().Options;
        using var services = RuleServicesFactory.Create();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        await using var context = new SchemaRulesContext(options);
        await context.Database.ExecuteSqlRawAsync("""
            CREATE SCHEMA rules;
            CREATE TABLE rules.definitions (LIKE servertools_rule_definitions INCLUDING ALL);
            INSERT INTO rules.definitions ("Id", "EntityType", "Expression", "Severity", "Sequence", "RuleSets", "Tags", "Active")
            VALUES ('unread.in_schema', 'Order', 'order.Amount > 1000m', 'Warning', 10, ARRAY[]::text[], ARRAY[]::text[], true);
            """);
        var order = DataRuleTests.Order(o => o.Amount = 5_000m);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, order, "confirm"));

        Assert.StartsWith("The table rules.definitions of SchemaRulesContext holds active data rules ('unread.in_schema')", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>A second context type, which an engine may read data rules from instead of <see cref="RulesContext"/>.</summary>
public sealed class OtherRulesContext(DbContextOptions<OtherRulesContext> options) : DbContext(options);

/// <summary>A context that maps the table of rule definitions in a schema of its own (<c>rules.definitions</c>).</summary>
public sealed class SchemaRulesContext(DbContextOptions<SchemaRulesContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<ExceptionRuleDefinition>().ToTable("definitions", "rules");
}
