using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>A context of the rules model on EF Core's in-memory provider, as a user's unit tests may have one.</summary>
public sealed class InMemoryRulesContext(DbContextOptions<InMemoryRulesContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();
}

/// <summary>
/// Data rules on EF Core's in-memory provider: the engine reads and runs them, and the rule-set query filters with them
/// (the cast of the Severity column to text, which reads a broken row's text on PostgreSQL, would run in .NET there and
/// throw for every row).
/// </summary>
public sealed class InMemoryDataRuleTests
{
    [Fact]
    public async Task The_engine_and_the_rule_set_query_run_data_rules_stored_in_the_in_memory_provider()
    {
        var store = "rules-" + Guid.NewGuid().ToString("N");
        var options = new DbContextOptionsBuilder<InMemoryRulesContext>().UseInMemoryDatabase(store).UseServerTools().Options;
        await using (var setup = new InMemoryRulesContext(options))
        {
            setup.Add(new ExceptionRuleDefinition { Id = "mem.big", EntityType = nameof(Order), Expression = "order.Quantity > 100", Severity = RuleSeverity.Warning, Active = true });
            setup.Orders.AddRange(new Order { Number = "big", Quantity = 500 }, new Order { Number = "small", Quantity = 5 });
            await setup.SaveChangesAsync();
        }

        await using (var context = new InMemoryRulesContext(options))
        {
            Assert.Equal(["big"], context.EntitiesViolatingRuleSet<Order>(null).Select(o => o.Number).ToList());
            Assert.Equal(["big"], context.EntitiesViolatingRule<Order>("mem.big").Select(o => o.Number).ToList());
        }

        using var services = new ServiceCollection()
            .AddScoped<ICreditLimits>(_ => new FixedCreditLimits(1_000m))
            .AddDbContext<InMemoryRulesContext>(o => o.UseInMemoryDatabase(store).UseServerTools())
            .AddServerTools(o => o.Rules.UseDataRules<InMemoryRulesContext>())
            .BuildServiceProvider();
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        var violation = Assert.Single(engine.Evaluate(new Order { Quantity = 500 }).Violations, v => v.RuleId == "mem.big");
        Assert.False(violation.IsFailure);
        Assert.DoesNotContain(engine.Evaluate(new Order { Quantity = 5 }).Violations, v => v.RuleId == "mem.big");
    }
}
