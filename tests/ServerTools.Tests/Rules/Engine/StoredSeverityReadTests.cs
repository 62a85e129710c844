using System;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// How the engine reads the text of a definition's unknown Severity: with the row, in the statement that reads the rows.
/// In a database of its own, so that no other test's rows are read.
/// </summary>
public sealed class StoredSeverityReadTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task The_failure_names_the_severity_the_row_was_read_with_even_when_the_row_is_fixed_or_deleted_right_after()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "race.fixed", "Order", "order.Quantity > 100", "Critical");
            await DefinitionRows.InsertAsync(context, "race.deleted", "Order", "order.Quantity > 100", "Critical", sequence: 20);
        }

        // An administrator fixes one row and deletes the other just after the engine's read of the rows has run.
        var fixWhenRead = new AfterFirstRead(database.ConnectionString, """
            UPDATE servertools_rule_definitions SET "Severity" = 'Blocking' WHERE "Id" = 'race.fixed';
            DELETE FROM servertools_rule_definitions WHERE "Id" = 'race.deleted';
            """);
        using var services = Services(fixWhenRead);
        using var scope = services.CreateScope();
        var violations = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(DataRuleTests.Order(o => o.Quantity = 5)).Violations;

        Assert.True(fixWhenRead.Ran);
        foreach (var id in new[] { "race.fixed", "race.deleted" })
        {
            var failed = violations.Single(v => v.RuleId == id);
            Assert.True(failed.IsFailure);
            Assert.StartsWith(
                $"Data rule '{id}': its row in the table servertools_rule_definitions has the Severity 'Critical', which is neither 'Warning' nor 'Blocking'.",
                Assert.IsType<ArgumentException>(failed.Exception).Message,
                StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Reading_the_rules_costs_one_statement_however_many_rows_have_an_unknown_severity()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "count.ok", "Order", "order.Quantity > 100", "Blocking");
            await DefinitionRows.InsertAsync(context, "count.broken_0", "Order", "order.Quantity > 100", "Critical");
        }

        var reads = new DefinitionReads();
        var one = Evaluate(reads);
        await using (var context = database.Create())
        {
            foreach (var i in Enumerable.Range(1, 20))
            {
                await DefinitionRows.InsertAsync(context, $"count.broken_{i}", "Order", "order.Quantity > 100", i % 2 == 0 ? "Fatal" : "blocking");
            }
        }

        var many = Evaluate(reads);

        Assert.Equal(1, one.Reads);
        Assert.Equal(1, many.Reads);
        Assert.Equal(1, one.Failed);
        Assert.Equal(21, many.Failed);
    }

    /// <summary>Evaluates an order with an engine that reads the rules afresh; the reads of the rules' table it made, and the rules that failed.</summary>
    private (int Reads, int Failed) Evaluate(DefinitionReads reads)
    {
        using var services = Services(reads);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        reads.Reset();
        var failed = engine.Evaluate(DataRuleTests.Order(o => o.Quantity = 5)).Violations.Count(v => v.IsFailure && v.RuleId.StartsWith("count.", StringComparison.Ordinal));
        return (reads.Count, failed);
    }

    private ServiceProvider Services(IInterceptor interceptor) => RuleServicesFactory.Create(
        options =>
        {
            options.Rules.UseDataRules<RulesContext>();
            options.Rules.DataRuleRefreshInterval = TimeSpan.Zero;
        },
        services => services.AddDbContext<RulesContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(interceptor)));

    /// <summary>
    /// Runs <paramref name="sql"/> on a connection of its own once the first read of the rule definitions has run (its
    /// result is fixed by then, as PostgreSQL answers a statement from the snapshot it started with): a change made
    /// between that read and any later one.
    /// </summary>
    private sealed class AfterFirstRead(string connectionString, string sql) : DbCommandInterceptor
    {
        private int _ran;

        public bool Ran => Volatile.Read(ref _ran) == 1;

        public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
        {
            if (command.CommandText.Contains("servertools_rule_definitions", StringComparison.Ordinal) && Interlocked.Exchange(ref _ran, 1) == 0)
            {
                using var connection = new NpgsqlConnection(connectionString);
                connection.Open();
                using var change = new NpgsqlCommand(sql, connection);
                change.ExecuteNonQuery();
            }

            return result;
        }
    }
}
