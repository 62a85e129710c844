using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>A second database with the schema of <see cref="RulesContext"/>: another tenant's.</summary>
public sealed class OtherTenantRulesFixture : RulesFixture;

/// <summary>
/// Data rules of an application whose context picks its database per DI scope (a database per tenant): each tenant's
/// evaluations run the rules of its own table.
/// </summary>
public sealed class DataRuleTenantTests(RulesFixture tenantA, OtherTenantRulesFixture tenantB) : IClassFixture<RulesFixture>, IClassFixture<OtherTenantRulesFixture>
{
    /// <summary>The tenant of a scope, set by the application (a middleware) after the scope was created; tenant A until then.</summary>
    private sealed class Tenant
    {
        public string? ConnectionString { get; set; }
    }

    private static ExceptionRuleDefinition Definition(string id) => new()
    {
        Id = id,
        EntityType = nameof(Order),
        Expression = "order.Quantity > 0",
        Severity = RuleSeverity.Blocking,
        Message = $"{id} is broken",
    };

    [Fact]
    public async Task Each_tenant_database_runs_its_own_data_rules_whichever_tenant_evaluates_first()
    {
        await using (var context = tenantA.Create())
        {
            context.Add(Definition("tenant.a_only"));
            await context.SaveChangesAsync();
        }

        await using (var context = tenantB.Create())
        {
            context.Add(Definition("tenant.b_only"));
            await context.SaveChangesAsync();
        }

        using var services = RuleServicesFactory.Create(
            DataRulesReadHourly,
            services =>
            {
                services.AddScoped<Tenant>();
                services.AddDbContext<RulesContext>((provider, o) => o.UseNpgsql(provider.GetRequiredService<Tenant>().ConnectionString ?? tenantA.ConnectionString).UseServerTools());
            });

        string[] DataRulesBroken(string connectionString)
        {
            using var scope = services.CreateScope();
            scope.ServiceProvider.GetRequiredService<Tenant>().ConnectionString = connectionString;
            var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
            var order = DataRuleTests.Order(o => o.Quantity = 1);
            return [.. engine.Evaluate(order).Violations.Select(v => v.RuleId).Where(id => id is "tenant.a_only" or "tenant.b_only")];
        }

        Assert.Equal(["tenant.a_only"], DataRulesBroken(tenantA.ConnectionString));
        Assert.Equal(["tenant.b_only"], DataRulesBroken(tenantB.ConnectionString));
        Assert.Equal(["tenant.a_only"], DataRulesBroken(tenantA.ConnectionString));
    }

    [Fact]
    public async Task An_engine_whose_scope_switches_the_context_to_another_database_runs_that_database_rules()
    {
        await using (var context = tenantB.Create())
        {
            context.Add(Definition("tenant.switched"));
            await context.SaveChangesAsync();
        }

        using var services = DataRuleTests.Services(tenantA, TimeSpan.FromHours(1));
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = DataRuleTests.Order(o => o.Quantity = 1);
        Assert.DoesNotContain("tenant.switched", engine.Evaluate(order).Violations.Select(v => v.RuleId));

        scope.ServiceProvider.GetRequiredService<RulesContext>().Database.SetConnectionString(tenantB.ConnectionString);

        Assert.Contains("tenant.switched", engine.Evaluate(order).Violations.Select(v => v.RuleId));
        Assert.Contains("tenant.switched", engine.RulesFor(typeof(Order)).Select(r => r.Id));
    }

    [Fact]
    public async Task A_pooled_context_is_not_left_on_the_tenant_whose_rules_the_engine_read()
    {
        await SeedAsync(tenantB, "pool.b_only");
        using var services = RuleServicesFactory.Create(
            DataRulesReadHourly,
            services => services.AddDbContextPool<RulesContext>(o => o.UseNpgsql(tenantA.ConnectionString).UseServerTools()));

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<RulesContext>().Database.SetConnectionString(tenantB.ConnectionString);
        Assert.Contains("pool.b_only", Broken(scope.ServiceProvider));

        // The context the engine's own scope leased went back to the pool; the next scope leases it, as configured.
        using var next = services.CreateScope();
        Assert.Equal(tenantA.ConnectionString, next.ServiceProvider.GetRequiredService<RulesContext>().Database.GetConnectionString());
    }

    [Fact]
    public async Task A_tenant_on_a_data_source_of_its_own_runs_its_rules()
    {
        // A data source's connection string has no password (Npgsql keeps it in the source): the rules are read on a copy
        // of the caller's connection, not on its connection string.
        await SeedAsync(tenantB, "source.b_only");
        await using var sourceA = NpgsqlDataSource.Create(tenantA.ConnectionString);
        await using var sourceB = NpgsqlDataSource.Create(tenantB.ConnectionString);
        using var services = TenantServices((tenant, o) => o.UseNpgsql(tenant == tenantB.ConnectionString ? sourceB : sourceA));

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Tenant>().ConnectionString = tenantB.ConnectionString;

        Assert.Contains("source.b_only", Broken(scope.ServiceProvider));
    }

    [Fact]
    public async Task A_tenant_whose_connection_is_open_before_the_rules_run_runs_its_rules()
    {
        // An open connection's string has no password either.
        await SeedAsync(tenantB, "opened.b_only");
        using var services = TenantServices((tenant, o) => o.UseNpgsql(new NpgsqlConnection(tenant ?? tenantA.ConnectionString), contextOwnsConnection: true));

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Tenant>().ConnectionString = tenantB.ConnectionString;
        await scope.ServiceProvider.GetRequiredService<RulesContext>().Database.OpenConnectionAsync();

        Assert.Contains("opened.b_only", Broken(scope.ServiceProvider));
    }

    [Fact]
    public async Task An_engine_whose_context_the_application_disposed_runs_the_rules_of_the_configured_database()
    {
        await SeedAsync(tenantA, "disposed.a_only");
        using var services = DataRuleTests.Services(tenantA, TimeSpan.FromHours(1));
        using var scope = services.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RulesContext>().DisposeAsync();

        Assert.Contains("disposed.a_only", Broken(scope.ServiceProvider));
    }

    [Fact]
    public async Task A_context_registered_by_a_factory_of_the_application_runs_its_tenant_rules()
    {
        // No DbContextOptions<RulesContext> in the services: the rules are read through the store scope's own context.
        await SeedAsync(tenantB, "factory.b_only");
        using var services = RuleServicesFactory.Create(
            DataRulesReadHourly,
            services =>
            {
                services.AddScoped<Tenant>();
                services.AddScoped(provider => new RulesContext(new DbContextOptionsBuilder<RulesContext>()
                    .UseNpgsql(provider.GetRequiredService<Tenant>().ConnectionString ?? tenantA.ConnectionString).UseServerTools().Options));
            });

        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Tenant>().ConnectionString = tenantB.ConnectionString;

        Assert.Contains("factory.b_only", Broken(scope.ServiceProvider));
    }

    [Fact]
    public async Task An_engine_whose_context_the_application_disposed_after_an_evaluation_runs_the_rules_of_the_configured_database()
    {
        await SeedAsync(tenantA, "disposed_later.a_only");
        await SeedAsync(tenantB, "disposed_later.b_only");
        using var services = TenantServices((tenant, o) => o.UseNpgsql(new NpgsqlConnection(tenant ?? tenantA.ConnectionString), contextOwnsConnection: true));
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<Tenant>().ConnectionString = tenantB.ConnectionString;
        Assert.Contains("disposed_later.b_only", Broken(scope.ServiceProvider));

        await scope.ServiceProvider.GetRequiredService<RulesContext>().DisposeAsync();

        Assert.Contains("disposed_later.a_only", Broken(scope.ServiceProvider));
    }

    [Fact]
    public async Task A_context_of_another_tenant_given_to_the_check_runs_that_tenant_rules_and_the_engine_keeps_its_own()
    {
        // A job that goes through the tenants with contexts of its own, and one engine of its scope (tenant A's).
        await SeedAsync(tenantA, "given.a_only");
        await SeedAsync(tenantB, "given.b_only");
        using var services = DataRuleTests.Services(tenantA, TimeSpan.FromHours(1));
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        await using var contextB = tenantB.Create();
        var order = DataRuleTests.Order(o => o.Quantity = 1);

        string[] Given(RuleEvaluation evaluation) => [.. evaluation.Violations.Select(v => v.RuleId).Where(id => id.StartsWith("given.", StringComparison.Ordinal))];

        Assert.Equal(["given.b_only"], Given(await contextB.EvaluateRulesAsync(engine, order)));
        Assert.Equal(["given.a_only"], Given(engine.Evaluate(order)));

        contextB.Attach(order);
        var check = await contextB.CheckRulesAsync(engine, order);
        Assert.Equal(["given.b_only"], Given(check.Evaluation));
        Assert.Contains("given.b_only", check.Stored.Select(v => v.RuleId));
        Assert.Equal(["given.a_only"], Given(engine.Evaluate(order)));
    }

    [Fact]
    public void A_model_that_keeps_the_rules_in_a_schema_of_the_scope_tenant_is_refused_with_both_tables_named()
    {
        // The rules are read in a scope of the engine's own, whose model (built before any tenant is set) keeps them in
        // public: those would not be tenant_b's rules.
        using var services = RuleServicesFactory.Create(
            options => options.Rules.UseDataRules<SchemaTenantContext>(),
            services =>
            {
                services.AddScoped<SchemaTenant>();
                services.AddDbContext<SchemaTenantContext>(o => o.UseNpgsql(tenantA.ConnectionString).UseServerTools()
                    .ReplaceService<IModelCacheKeyFactory, SchemaTenantContext.CacheKeys>());
            });
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<SchemaTenant>().Schema = "tenant_b";

        var error = Assert.Throws<InvalidOperationException>(() => Broken(scope.ServiceProvider));

        Assert.Contains("whose model keeps them in public.servertools_rule_definitions", error.Message, StringComparison.Ordinal);
        Assert.Contains("keeps them in tenant_b.servertools_rule_definitions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_registration_that_needs_a_tenant_the_engine_scope_lacks_fails_with_what_to_change()
    {
        // A job's scope sets no tenant, and the application's registration refuses to make a context without one: the
        // rules of the context given are read in a scope of the engine's own, which cannot make one either.
        await SeedAsync(tenantB, "needs_tenant.b_only");
        using var services = TenantServices((tenant, o) => o.UseNpgsql(tenant ?? throw new InvalidOperationException("No tenant in this scope.")));
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        await using var contextB = tenantB.Create();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => contextB.EvaluateRulesAsync(engine, DataRuleTests.Order(o => o.Quantity = 1)));

        Assert.Contains("through a RulesContext of a DI scope of its own, and that scope could not make one: No tenant in this scope.", error.Message, StringComparison.Ordinal);
        Assert.Contains("an AsyncLocal", error.Message, StringComparison.Ordinal);
        Assert.Equal("No tenant in this scope.", error.InnerException?.Message);
    }

    /// <summary>The data rules of <see cref="RulesContext"/>, read again after an hour (so a test sees what the store kept).</summary>
    private static void DataRulesReadHourly(ServerToolsOptions options)
    {
        options.Rules.UseDataRules<RulesContext>();
        options.Rules.DataRuleRefreshInterval = TimeSpan.FromHours(1);
    }

    private static async Task SeedAsync(RulesFixture tenant, string id)
    {
        await using var context = tenant.Create();
        context.Add(Definition(id));
        await context.SaveChangesAsync();
    }

    /// <summary>The ids of the rules an order breaks in the scope.</summary>
    private static string[] Broken(IServiceProvider scope)
        => [.. scope.GetRequiredService<IExceptionRuleEngine>().Evaluate(DataRuleTests.Order(o => o.Quantity = 1)).Violations.Select(v => v.RuleId)];

    /// <summary>Services whose context connects, in each scope, as <paramref name="configure"/> says for the scope's tenant (null: tenant A).</summary>
    private static ServiceProvider TenantServices(Action<string?, DbContextOptionsBuilder> configure) => RuleServicesFactory.Create(
        DataRulesReadHourly,
        services =>
        {
            services.AddScoped<Tenant>();
            services.AddDbContext<RulesContext>((provider, o) =>
            {
                configure(provider.GetRequiredService<Tenant>().ConnectionString, o);
                o.UseServerTools();
            });
        });
}

/// <summary>The schema of a scope's tenant (set by the application after the scope was created; public until then).</summary>
public sealed class SchemaTenant
{
    public string Schema { get; set; } = "public";
}

/// <summary>A context whose tables are in its scope's tenant's schema, one model per schema (a model cache key).</summary>
public sealed class SchemaTenantContext(DbContextOptions<SchemaTenantContext> options, SchemaTenant tenant) : DbContext(options)
{
    public string Schema => tenant.Schema;

    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasDefaultSchema(Schema);

    /// <summary>One model per schema.</summary>
    public sealed class CacheKeys : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) => (context.GetType(), (context as SchemaTenantContext)?.Schema, designTime);
    }
}
