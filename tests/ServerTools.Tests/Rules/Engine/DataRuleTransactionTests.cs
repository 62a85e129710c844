using System;
using System.Linq;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// Data rules saved inside the application's transactions: the engine runs committed rules only, so a rule saved in a
/// transaction runs once it commits, and never when it rolls back; in a database of its own. Runs alone
/// (<see cref="DataRuleCacheAlone"/>): a rule saved by a test of another class would make the engine read the table
/// again where a test shows it has not yet (an edit by SQL that only RefreshDataRules makes it see).
/// </summary>
[Collection(DataRuleCacheAlone.Name)]
public sealed class DataRuleTransactionTests(RulesFixture database) : IClassFixture<RulesFixture>, IDisposable
{
    /// <summary>A refresh interval no test reaches: only invalidation makes the engine read the table again.</summary>
    private readonly ServiceProvider _services = DataRuleTests.Services(database, TimeSpan.FromHours(1));

    public void Dispose() => _services.Dispose();

    private bool Runs(string ruleId, Order order)
    {
        using var scope = _services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(order).Violations.Any(v => v.RuleId == ruleId);
    }

    private static ExceptionRuleDefinition Blocking(string id) => new()
    {
        Id = id,
        EntityType = nameof(Order),
        Expression = "order.Quantity > 10",
        Severity = RuleSeverity.Blocking,
        Message = id,
    };

    [Fact]
    public void A_rule_saved_in_a_TransactionScope_that_rolls_back_is_never_enforced()
    {
        var order = DataRuleTests.Order(o => o.Quantity = 50);
        Assert.False(Runs("scope.rolled_back", order));

        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            using var context = database.Create();
            context.Add(Blocking("scope.rolled_back"));
            context.SaveChanges();

            // Not committed: the engine, the saving code's own included, runs the committed rules only.
            Assert.False(Runs("scope.rolled_back", order));
        }

        using (var verify = database.Create())
        {
            Assert.False(verify.Set<ExceptionRuleDefinition>().Any(d => d.Id == "scope.rolled_back"));
        }

        Assert.False(Runs("scope.rolled_back", order));
    }

    [Fact]
    public async Task A_rule_saved_in_a_TransactionScope_that_commits_is_enforced_at_once_after_the_commit()
    {
        var order = DataRuleTests.Order(o => o.Quantity = 50);
        Assert.False(Runs("scope.committed", order));

        using (var transaction = new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = database.Create();
            context.Add(Blocking("scope.committed"));
            await context.SaveChangesAsync();
            Assert.False(Runs("scope.committed", order));
            transaction.Complete();
        }

        Assert.True(Runs("scope.committed", order));
    }

    [Fact]
    public void An_edit_and_a_delete_in_a_TransactionScope_take_effect_when_it_commits_and_not_before()
    {
        using (var context = database.Create())
        {
            context.Add(Blocking("scope.edited"));
            context.SaveChanges();
        }

        var order = DataRuleTests.Order(o => o.Quantity = 50);
        Assert.True(Runs("scope.edited", order));

        using (var transaction = new TransactionScope())
        {
            using var context = database.Create();
            context.Set<ExceptionRuleDefinition>().Single(d => d.Id == "scope.edited").Expression = "order.Quantity > 100";
            context.SaveChanges();
            Assert.True(Runs("scope.edited", order));
            transaction.Complete();
        }

        Assert.False(Runs("scope.edited", order));

        using (new TransactionScope())
        {
            using var context = database.Create();
            context.Remove(context.Set<ExceptionRuleDefinition>().Single(d => d.Id == "scope.edited"));
            context.SaveChanges();
        }

        order.Quantity = 150;
        Assert.True(Runs("scope.edited", order));
    }

    [Fact]
    public void A_rule_saved_in_a_transaction_of_the_context_runs_once_it_commits_and_never_when_it_rolls_back()
    {
        var order = DataRuleTests.Order(o => o.Quantity = 50);
        using (var context = database.Create())
        {
            using var transaction = context.Database.BeginTransaction();
            context.Add(Blocking("tx.rolled_back"));
            context.SaveChanges();
            Assert.False(Runs("tx.rolled_back", order));
            transaction.Rollback();
        }

        Assert.False(Runs("tx.rolled_back", order));

        using (var context = database.Create())
        {
            using var transaction = context.Database.BeginTransaction();
            context.Add(Blocking("tx.committed"));
            context.SaveChanges();
            Assert.False(Runs("tx.committed", order));
            transaction.Commit();
        }

        Assert.True(Runs("tx.committed", order));
    }

    [Fact]
    public async Task A_rule_switched_off_or_deleted_with_ExecuteUpdate_or_ExecuteDelete_stops_running_at_once()
    {
        await using (var context = database.Create())
        {
            context.AddRange(Blocking("bulk.deactivated"), Blocking("bulk.deleted"));
            await context.SaveChangesAsync();
        }

        var order = DataRuleTests.Order(o => o.Quantity = 50);
        Assert.True(Runs("bulk.deactivated", order));
        Assert.True(Runs("bulk.deleted", order));

        await using (var context = database.Create())
        {
            Assert.Equal(1, await context.Set<ExceptionRuleDefinition>().Where(d => d.Id == "bulk.deactivated").ExecuteUpdateAsync(s => s.SetProperty(d => d.Active, false)));
            Assert.False(Runs("bulk.deactivated", order));

            Assert.Equal(1, context.Set<ExceptionRuleDefinition>().Where(d => d.Id == "bulk.deleted").ExecuteDelete());
            Assert.False(Runs("bulk.deleted", order));
        }
    }

    [Fact]
    public async Task An_ExecuteUpdate_in_a_transaction_takes_effect_when_it_commits()
    {
        await using (var context = database.Create())
        {
            context.Add(Blocking("bulk.in_transaction"));
            await context.SaveChangesAsync();
        }

        var order = DataRuleTests.Order(o => o.Quantity = 50);
        Assert.True(Runs("bulk.in_transaction", order));
        await using (var context = database.Create())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            await context.Set<ExceptionRuleDefinition>().Where(d => d.Id == "bulk.in_transaction").ExecuteUpdateAsync(s => s.SetProperty(d => d.Active, false));
            Assert.True(Runs("bulk.in_transaction", order));
            await transaction.CommitAsync();
        }

        Assert.False(Runs("bulk.in_transaction", order));
    }

    [Fact]
    public async Task RefreshDataRules_after_SQL_makes_the_engines_read_the_rules_at_once()
    {
        await using (var context = database.Create())
        {
            context.Add(Blocking("sql.refreshed"));
            await context.SaveChangesAsync();
        }

        var order = DataRuleTests.Order(o => o.Quantity = 50);
        Assert.True(Runs("sql.refreshed", order));
        await using (var context = database.Create())
        {
            await context.Database.ExecuteSqlRawAsync("UPDATE servertools_rule_definitions SET \"Active\" = false WHERE \"Id\" = 'sql.refreshed'");
            Assert.True(Runs("sql.refreshed", order));

            context.RefreshDataRules();
            Assert.False(Runs("sql.refreshed", order));
        }
    }

    [Fact]
    public void The_engine_reads_the_rules_outside_the_applications_TransactionScope_whose_commit_it_leaves_alone()
    {
        var order = DataRuleTests.Order(o => o.Quantity = 50);
        using (var transaction = new TransactionScope())
        {
            using var context = database.Create();
            context.Database.OpenConnection();
            context.Add(Blocking("scope.open_connection"));
            context.SaveChanges();

            // The engine reads the table again (the save invalidated it) while the application's connection is open in
            // the scope: a read enlisted in the scope would be a second connection, which PostgreSQL commits only with
            // two-phase commit (prepared transactions, off by default).
            Assert.False(Runs("scope.open_connection", order));
            transaction.Complete();
        }

        Assert.True(Runs("scope.open_connection", order));
    }
}
