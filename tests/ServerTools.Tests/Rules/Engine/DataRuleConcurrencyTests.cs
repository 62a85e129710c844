using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>Two administrators editing data rules at once: the definition's version (xmin) and the race to add one id; in a database of its own.</summary>
public sealed class DataRuleConcurrencyTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    private async Task AddAsync(string id, string expression)
    {
        await using var context = database.Create();
        context.Add(new ExceptionRuleDefinition { Id = id, EntityType = nameof(Order), Expression = expression });
        await context.SaveChangesAsync();
    }

    private async Task<string> StoredExpressionAsync(string id)
    {
        await using var context = database.Create();
        return await context.Set<ExceptionRuleDefinition>().Where(d => d.Id == id).Select(d => d.Expression).SingleAsync();
    }

    [Fact]
    public async Task A_stale_edit_is_refused_instead_of_overwriting_the_edit_saved_since_it_was_read()
    {
        await AddAsync("stale.edit", "order.Discount > 0.3m");
        await using var first = database.Create();
        await using var second = database.Create();
        var a = await first.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "stale.edit");
        var b = await second.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "stale.edit");
        a.Expression = "order.Discount > 0.4m";
        b.Expression = "order.Discount > 0.6m";

        await first.SaveChangesAsync();
        var error = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());

        Assert.Same(b, Assert.Single(error.Entries).Entity);
        Assert.Equal("order.Discount > 0.4m", await StoredExpressionAsync("stale.edit"));
        second.Remove(b);
        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        Assert.Equal("order.Discount > 0.4m", await StoredExpressionAsync("stale.edit"));
    }

    [Fact]
    public async Task An_edit_from_a_form_that_carries_the_version_it_read_is_refused_after_an_edit_by_SQL()
    {
        await AddAsync("stale.form", "order.Quantity > 10");
        uint version;
        await using (var read = database.Create())
        {
            version = (await read.Set<ExceptionRuleDefinition>().AsNoTracking().SingleAsync(d => d.Id == "stale.form")).Version;
        }

        await using (var sql = database.Create())
        {
            await sql.Database.ExecuteSqlRawAsync("UPDATE servertools_rule_definitions SET \"Expression\" = 'order.Quantity > 20' WHERE \"Id\" = 'stale.form'");
        }

        await using var context = database.Create();
        var definition = await context.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "stale.form");
        Assert.NotEqual(version, definition.Version);
        context.Entry(definition).Property(d => d.Version).OriginalValue = version;
        definition.Expression = "order.Quantity > 30";

        await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());

        Assert.Equal("order.Quantity > 20", await StoredExpressionAsync("stale.form"));
        context.Entry(definition).Property(d => d.Version).OriginalValue = definition.Version;
        await context.SaveChangesAsync();
        Assert.Equal("order.Quantity > 30", await StoredExpressionAsync("stale.form"));
    }

    [Fact]
    public async Task Two_saves_racing_to_add_one_id_give_the_second_the_documented_error()
    {
        await using var first = database.Create();
        await using var second = database.Create();
        await using var transaction = await first.Database.BeginTransactionAsync();
        first.Add(new ExceptionRuleDefinition { Id = "race.same", EntityType = nameof(Order), Expression = "order.Quantity > 1" });
        await first.SaveChangesAsync();

        // The second save's check does not see the first's uncommitted row, so its INSERT waits on the primary key.
        var late = new ExceptionRuleDefinition { Id = "race.same", EntityType = nameof(Order), Expression = "order.Quantity > 2" };
        second.Add(late);
        var saving = Task.Run(() => second.SaveChangesAsync());
        await using (var watch = database.Create())
        {
            while (await watch.Database.SqlQueryRaw<int>(
                "SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'").SingleAsync() == 0)
            {
                Assert.False(saving.IsCompleted, "The second save ended before it waited on the first: " + saving.Exception);
                await Task.Yield();
            }
        }

        await transaction.CommitAsync();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => saving);

        Assert.StartsWith("A data rule with the id 'race.same' is stored already.", error.Message, StringComparison.Ordinal);
        Assert.IsType<DbUpdateException>(error.InnerException);
        Assert.Equal(EntityState.Added, second.Entry(late).State);
        Assert.Equal("order.Quantity > 1", await StoredExpressionAsync("race.same"));
    }

    [Fact]
    public async Task The_version_is_the_xmin_system_column_so_existing_tables_need_no_new_column()
    {
        await using var context = database.Create();
        var property = context.Model.FindEntityType(typeof(ExceptionRuleDefinition))!.FindProperty(nameof(ExceptionRuleDefinition.Version))!;
        Assert.Equal("xmin", property.GetColumnName());
        Assert.True(property.IsConcurrencyToken);

        // What the migration of an application that upgrades holds; Npgsql writes no SQL for a system column.
        var upgrade = new AddColumnOperation
        {
            Table = "servertools_rule_definitions", Name = "xmin", ClrType = typeof(uint), ColumnType = "xid", IsRowVersion = true, DefaultValue = 0u,
        };
        var downgrade = new DropColumnOperation { Table = "servertools_rule_definitions", Name = "xmin" };
        Assert.Empty(context.GetService<IMigrationsSqlGenerator>().Generate([upgrade], context.Model));
        Assert.Empty(context.GetService<IMigrationsSqlGenerator>().Generate([downgrade], context.Model));
        Assert.DoesNotContain("xmin", context.Database.GenerateCreateScript(), StringComparison.Ordinal);

        // A row written by SQL, as before the version existed, has one.
        await DefinitionRows.InsertAsync(context, "sql.versioned", "Order", "order.Quantity > 1");
        Assert.NotEqual(0u, (await context.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "sql.versioned")).Version);
    }
}
