using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

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
            options =>
            {
                options.Rules.UseDataRules<RulesContext>();
                options.Rules.DataRuleRefreshInterval = TimeSpan.FromHours(1);
            },
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
}
