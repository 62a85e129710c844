using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// The engine's cache of data rules against edits made outside the process. A definition saved through a ServerTools
/// context anywhere in the process makes every engine read the table again, so this runs alone: a test of another class
/// saving one meanwhile would make the cached engine see the outside edit too.
/// </summary>
[Collection(DataRuleCacheAlone.Name)]
public sealed class DataRuleRefreshTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task Edits_made_outside_the_process_are_seen_after_the_refresh_interval()
    {
        using var cached = DataRuleTests.Services(database, TimeSpan.FromHours(1));
        using var fresh = DataRuleTests.Services(database, TimeSpan.Zero);
        using var cachedScope = cached.CreateScope();
        using var freshScope = fresh.CreateScope();
        var order = DataRuleTests.Order(o => o.Note = "outside");
        Assert.DoesNotContain("sql.note", cachedScope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(order).Violations.Select(v => v.RuleId));

        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "sql.note", "Order", "order.Note == \"outside\"");
        }

        Assert.DoesNotContain("sql.note", cachedScope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(order).Violations.Select(v => v.RuleId));
        Assert.Contains("sql.note", freshScope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(order).Violations.Select(v => v.RuleId));
    }
}

/// <summary>Tests that no other test may run beside: xUnit runs this collection after the parallel ones, alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DataRuleCacheAlone
{
    public const string Name = "Data rule cache, alone";
}
