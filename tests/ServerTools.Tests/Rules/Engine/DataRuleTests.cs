using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace ServerTools.Tests.Rules.Engine;

/// <summary>
/// Rules as data: definitions in the ExceptionRuleDefinition table, checked when saved, run by the engine with the code
/// rules, seen again when edited, and run as SQL over the whole table.
/// </summary>
public sealed class DataRuleTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    private ServiceProvider Services(TimeSpan refresh) => Services(database, refresh);

    internal static ServiceProvider Services(RulesFixture database, TimeSpan refresh) => RuleServicesFactory.Create(
        options =>
        {
            options.Rules.UseDataRules<RulesContext>();
            options.Rules.DataRuleRefreshInterval = refresh;
        },
        services => services.AddDbContext<RulesContext>(o => o.UseNpgsql(database.ConnectionString).UseServerTools()));

    private static ExceptionRuleDefinition Definition(string id, string expression, RuleSeverity severity = RuleSeverity.Warning, int sequence = 10, params string[] sets) => new()
    {
        Id = id,
        EntityType = nameof(Order),
        Expression = expression,
        Severity = severity,
        Sequence = sequence,
        Message = $"{id} is broken",
        RuleSets = [.. sets],
    };

    private async Task SaveAsync(params ExceptionRuleDefinition[] definitions)
    {
        await using var context = database.Create();
        context.AddRange(definitions);
        await context.SaveChangesAsync();
    }

    internal static Order Order(Action<Order> change)
    {
        var order = new Order { Id = 1, CustomerId = 3, Customer = new Customer { Id = 3, Name = "Ada", Country = "DE" }, Quantity = 1, Amount = 10m, OrderedAt = DateTime.UtcNow };
        change(order);
        return order;
    }

    [Fact]
    public async Task Data_rules_run_with_the_code_rules_in_one_sequence()
    {
        await SaveAsync(
            Definition("merge.fr_discount", "order.Discount > 0.1m && order.Customer.Country == \"FR\"", sequence: 7),
            Definition("merge.big_amount", "Amount > 10000m", RuleSeverity.Blocking, sequence: 12, "confirm"),
            Definition("merge.never", "order.Lines.Any(l => l.Quantity > 1000)", sequence: 1));
        using var services = Services(TimeSpan.FromHours(1));
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = Order(o =>
        {
            o.Discount = 0.4m;
            o.Amount = 20_000m;
            o.Quantity = 500;
            o.Customer!.Country = "FR";
        });

        var evaluation = engine.Evaluate(order, "confirm");

        // Other tests of the class add data rules to the same table: only the code rules and this test's rules count here.
        var mine = evaluation.Violations.Where(v => !v.Rule.IsDataRule || v.RuleId.StartsWith("merge.", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            ["merge.fr_discount", "order.discount_limit", "merge.big_amount", "order.big_quantity"],
            mine.Select(v => v.RuleId));
        Assert.Equal(RuleSeverity.Blocking, mine[2].Severity);
        Assert.Equal("merge.big_amount is broken", mine[2].Message);
        Assert.True(mine[0].Rule.IsDataRule);
        Assert.Equal("order.Discount > 0.1m && order.Customer.Country == \"FR\"", mine[0].Rule.Expression);
        Assert.DoesNotContain("merge.big_amount", engine.Evaluate(order, "invoice").Violations.Select(v => v.RuleId));
        Assert.Contains("merge.big_amount", engine.RulesFor(typeof(RushOrder)).Select(r => r.Id));
    }

    [Fact]
    public async Task An_edit_saved_in_this_process_is_seen_at_once_and_an_inactive_rule_stops_running()
    {
        await SaveAsync(Definition("edit.quantity", "order.Quantity > 10"));
        using var services = Services(TimeSpan.FromHours(1));
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = Order(o => o.Quantity = 50);
        Assert.Contains("edit.quantity", engine.Evaluate(order).Violations.Select(v => v.RuleId));

        await using (var context = database.Create())
        {
            (await context.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "edit.quantity")).Expression = "order.Quantity > 100";
            await context.SaveChangesAsync();
        }

        Assert.DoesNotContain("edit.quantity", engine.Evaluate(order).Violations.Select(v => v.RuleId));
        order.Quantity = 150;
        Assert.Contains("edit.quantity", engine.Evaluate(order).Violations.Select(v => v.RuleId));

        await using (var context = database.Create())
        {
            (await context.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "edit.quantity")).Active = false;
            await context.SaveChangesAsync();
        }

        Assert.DoesNotContain("edit.quantity", engine.Evaluate(order).Violations.Select(v => v.RuleId));
        await using var query = database.Create();
        Assert.Contains("-- @p='100'", query.EntitiesViolatingRule<Order>("edit.quantity").ToQueryString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_definition_the_engine_could_not_run_is_refused_by_SaveChanges_and_nothing_is_written()
    {
        await using var context = database.Create();
        var bad = Definition("bad.typeof", "typeof(Order) != null");
        context.Add(bad);

        var error = await Assert.ThrowsAsync<RuleExpressionException>(() => context.SaveChangesAsync());

        Assert.Equal("typeof", error.Construct);
        Assert.Equal(EntityState.Added, context.Entry(bad).State);
        await using (var verify = database.Create())
        {
            Assert.False(await verify.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == "bad.typeof"));
        }

        bad.Expression = "order.Quantity < 0";
        await context.SaveChangesAsync();
        await using var after = database.Create();
        Assert.True(await after.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == "bad.typeof"));
    }

    [Theory]
    [InlineData("order.LocalAt > order.OrderedAt", ">")]
    [InlineData("order.OrderedAt == order.LocalAt", "==")]
    [InlineData("order.LocalAt.Value.Date != order.OrderedAt.Date", "!=")]
    [InlineData("(order.Urgent ? order.LocalAt : order.OrderedAt) == null", "?")]
    [InlineData("(order.LocalAt ?? order.OrderedAt).Year == 2026", "??")]
    public async Task A_rule_that_compares_a_timestamp_with_a_timestamptz_column_is_refused_by_SaveChanges(string expression, string op)
    {
        await using var context = database.Create();
        var definition = Definition("bad.time_zones", expression);
        context.Add(definition);

        var error = await Assert.ThrowsAsync<RuleExpressionException>(() => context.SaveChangesAsync());

        Assert.Equal($"operator '{op}' on timestamp with time zone and timestamp without time zone", error.Construct);
        Assert.Equal(expression.IndexOf(op == "?" ? " ? " : $" {op} ", StringComparison.Ordinal) + 1, error.Position);
        Assert.Contains("Order.OrderedAt is a timestamp with time zone (a moment, UTC) and Order.LocalAt one without", error.Message, StringComparison.Ordinal);
        Assert.Throws<RuleExpressionException>(() => context.ValidateDataRule(definition));
    }

    [Theory]
    [InlineData("order.LocalAt.Value.Date == order.LocalAt")]
    [InlineData("order.OrderedAt.Date == order.OrderedAt || order.LocalAt == null")]
    [InlineData("(order.Urgent ? order.OrderedAt : order.OrderedAt.Date) < order.OrderedAt")]
    public async Task Timestamps_of_one_kind_compare_in_memory_and_in_SQL(string expression)
    {
        var id = "time." + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expression)))[..12];
        await SaveAsync(Definition(id, expression));
        await using (var seed = database.Create())
        {
            if (!await seed.Orders.AnyAsync(o => o.Number.StartsWith("time-")))
            {
                var midnight = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
                seed.Orders.AddRange(
                    new Order { Number = "time-midnight", OrderedAt = midnight, LocalAt = DateTime.SpecifyKind(midnight, DateTimeKind.Unspecified) },
                    new Order { Number = "time-noon", OrderedAt = midnight.AddHours(12), LocalAt = DateTime.SpecifyKind(midnight.AddHours(12), DateTimeKind.Unspecified), Urgent = true },
                    new Order { Number = "time-none", OrderedAt = midnight.AddHours(12) });
                await seed.SaveChangesAsync();
            }
        }

        using var services = Services(TimeSpan.Zero);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        await using var context = database.Create();
        var orders = await context.Orders.AsNoTracking().Where(o => o.Number.StartsWith("time-")).OrderBy(o => o.Number).ToListAsync();

        var inSql = await context.EntitiesViolatingRule<Order>(id).Where(o => o.Number.StartsWith("time-")).OrderBy(o => o.Number).Select(o => o.Number).ToListAsync();

        var inMemory = orders.Where(o => engine.Evaluate(o).Violations.Any(v => v.RuleId == id)).Select(o => o.Number).ToList();
        Assert.NotEmpty(inMemory);
        Assert.NotEqual(orders.Count, inMemory.Count);
        Assert.Equal(inMemory, inSql);
    }

    [Fact]
    public async Task A_definition_past_the_limits_on_a_rules_work_is_refused_by_SaveChanges_with_the_limit_named()
    {
        await using var context = database.Create();
        var cubic = Definition("bad.cubic", "order.Lines.Any(a => order.Lines.Any(b => order.Lines.Any(c => c.Price < b.Price && b.Price < a.Price)))");
        context.Add(cubic);

        var error = await Assert.ThrowsAsync<RuleExpressionException>(() => context.SaveChangesAsync());

        Assert.Equal("too deeply nested collections", error.Construct);
        Assert.Equal(cubic.Expression.LastIndexOf("order.Lines.Any", StringComparison.Ordinal), error.Position);
        Assert.Equal(EntityState.Added, context.Entry(cubic).State);
        Assert.Equal("too deeply nested collections", Assert.Throws<RuleExpressionException>(() => context.ValidateDataRule(cubic)).Construct);
        await using var verify = database.Create();
        Assert.False(await verify.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == "bad.cubic"));
    }

    [Fact]
    public async Task A_second_definition_with_a_stored_id_is_refused_with_what_to_do_and_nothing_is_written()
    {
        await using (var context = database.Create())
        {
            context.Add(Definition("dup.first", "order.Quantity > 100"));
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var other = Definition("dup.other", "order.Quantity > 300");
            context.AddRange(other, Definition("dup.first", "order.Quantity > 200"));

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());

            Assert.StartsWith("A data rule with the id 'dup.first' is stored already.", error.Message, StringComparison.Ordinal);
            Assert.Equal(EntityState.Added, context.Entry(other).State);
        }

        await using var verify = database.Create();
        Assert.Equal(["order.Quantity > 100"], await verify.Set<ExceptionRuleDefinition>().Where(d => d.Id.StartsWith("dup.")).Select(d => d.Expression).ToListAsync());
    }

    [Fact]
    public async Task A_definition_replaced_by_one_of_the_same_id_in_one_save_is_saved_and_the_async_save_asks_asynchronously()
    {
        await using (var context = database.Create())
        {
            context.Add(Definition("swap.x", "order.Quantity > 100"));
            await context.SaveChangesAsync();
        }

        var commands = new SyncCommandRecorder();
        var options = new DbContextOptionsBuilder<RulesContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(commands).Options;
        await using (var context = new RulesContext(options))
        {
            context.Remove(await context.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "swap.x"));
            context.Add(Definition("swap.x", "order.Quantity > 200"));
            context.Add(Definition("swap.y", "order.Quantity > 300"));
            await context.SaveChangesAsync();
        }

        Assert.Empty(commands.Sync);
        await using var verify = database.Create();
        Assert.Equal(
            ["order.Quantity > 200", "order.Quantity > 300"],
            await verify.Set<ExceptionRuleDefinition>().Where(d => d.Id.StartsWith("swap.")).OrderBy(d => d.Id).Select(d => d.Expression).ToListAsync());
    }

    /// <summary>The commands sent synchronously: none may be, inside SaveChangesAsync.</summary>
    private sealed class SyncCommandRecorder : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Sync { get; } = new();

        public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> ReaderExecuting(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result)
        {
            Sync.Enqueue(command.CommandText);
            return result;
        }
    }

    [Theory]
    [InlineData("Invoice", "order.Quantity > 1", "the model has no entity type 'Invoice'")]
    [InlineData("Order", "order.Quantity > 1", "has the id of the code rule ServerTools.Tests.Rules.BigQuantity")]
    public async Task A_definition_with_an_unknown_type_or_a_code_rules_id_is_refused(string entityType, string expression, string expected)
    {
        await using var context = database.Create();
        var definition = Definition(expected.Contains("code rule", StringComparison.Ordinal) ? "order.big_quantity" : "refused.type", expression);
        definition.EntityType = entityType;
        context.Add(definition);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.SaveChangesAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => context.ValidateDataRule(definition));
    }

    [Theory]
    [InlineData("Confirm", null, "the rule set \"Confirm\" differs only in case from the rule set \"confirm\" of the application's code rules")]
    [InlineData(" confirm", null, "the rule set \" confirm\" starts or ends with whitespace")]
    [InlineData("confirm\t", null, "Write \"confirm\".")]
    [InlineData("confirm", "pricing ", "the tag \"pricing \" starts or ends with whitespace")]
    public async Task A_rule_set_or_tag_that_no_evaluation_would_ask_for_is_refused_with_the_name_to_write(string set, string? tag, string expected)
    {
        await using var context = database.Create();
        var definition = Definition("refused.set", "order.Quantity > 1", RuleSeverity.Blocking, sets: set);
        if (tag is not null)
        {
            definition.Tags = [tag];
        }

        context.Add(definition);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.SaveChangesAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, Assert.Throws<ArgumentException>(() => context.ValidateDataRule(definition)).Message);
        definition.RuleSets = ["confirm"];
        definition.Tags = ["pricing"];
        await context.SaveChangesAsync();
        context.Remove(definition);
        await context.SaveChangesAsync();
    }

    [Fact]
    public async Task The_sql_query_of_a_rule_returns_exactly_the_records_the_engine_reports()
    {
        await SaveAsync(
            Definition("sql.discount_fr", "order.Discount > 0.2m && order.Customer.Country == \"FR\"", sets: "report"),
            Definition("sql.many_lines", "order.Lines.Count(l => l.Quantity > 5) >= 2 || order.Note == null", sets: "report"),
            Definition("sql.other_set", "order.Urgent", sets: "other"));
        var orders = await SeedAsync(seed: 7, count: 300);
        using var services = Services(TimeSpan.Zero);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        await using var context = database.Create();

        foreach (var ruleId in new[] { "sql.discount_fr", "sql.many_lines", "sql.other_set" })
        {
            var inSql = await context.EntitiesViolatingRule<Order>(ruleId).Where(o => o.Number.StartsWith("seed7-")).Select(o => o.Id).OrderBy(id => id).ToListAsync();
            var inMemory = orders.Where(o => engine.Evaluate(o).Violations.Any(v => v.RuleId == ruleId)).Select(o => o.Id).OrderBy(id => id).ToList();
            Assert.NotEmpty(inMemory);
            Assert.NotEqual(orders.Count, inMemory.Count);
            Assert.Equal(inMemory, inSql);
        }

        var setInSql = await context.EntitiesViolatingRuleSet<Order>("report").Where(o => o.Number.StartsWith("seed7-")).Select(o => o.Id).OrderBy(id => id).ToListAsync();
        var setInMemory = orders.Where(o => engine.Evaluate(o, "report").Violations.Any(v => v.Rule.IsDataRule && !v.IsFailure)).Select(o => o.Id).OrderBy(id => id).ToList();
        Assert.Equal(setInMemory, setInSql);

        var sql = context.EntitiesViolatingRule<Order>("sql.discount_fr").ToQueryString();
        // The constants are parameters (EF Core names them @p, @p0 or @p1, depending on its version).
        var where = Regex.Match(sql, @"WHERE o\.""Discount"" > (@p\d*) AND c\.""Country"" = (@p\d*)");
        Assert.True(where.Success, sql);
        Assert.Contains($"-- {where.Groups[2].Value}='FR'", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sql_query_refuses_a_code_rule_and_an_unknown_id_with_a_reason()
    {
        await using var context = database.Create();

        var code = Assert.Throws<NotSupportedException>(() => context.EntitiesViolatingRule<Order>("order.discount_limit"));
        var unknown = Assert.Throws<ArgumentException>(() => context.EntitiesViolatingRule<Order>("no.such_rule"));

        Assert.Contains("code rule", code.Message, StringComparison.Ordinal);
        Assert.Contains("No data rule has the id 'no.such_rule'. Data rules are", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_id_close_to_a_rules_id_is_refused_with_the_id_meant_and_no_ef_core_warning()
    {
        await using (var setup = database.Create())
        {
            if (!await setup.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == "typo.big_export"))
            {
                setup.Add(new ExceptionRuleDefinition { Id = "typo.big_export", EntityType = nameof(Order), Expression = "order.Quantity > 3", Active = false });
                await setup.SaveChangesAsync();
            }
        }

        // A query of ServerTools' that EF Core warns about would end up in the application's log: here it would throw.
        await using var context = new RulesContext(new DbContextOptionsBuilder<RulesContext>()
            .UseNpgsql(database.ConnectionString)
            .UseServerTools()
            .ConfigureWarnings(warnings => warnings.Throw(CoreEventId.RowLimitingOperationWithoutOrderByWarning))
            .Options);
        var data = Assert.Throws<ArgumentException>(() => context.EntitiesViolatingRule<Order>("typo.big_exprot"));
        var code = Assert.Throws<ArgumentException>(() => context.EntitiesViolatingRule<Order>("order.discount_limt"));

        Assert.StartsWith("No data rule has the id 'typo.big_exprot'. Did you mean 'typo.big_export'? Data rules are the rows of", data.Message, StringComparison.Ordinal);
        Assert.StartsWith("No data rule has the id 'order.discount_limt'. Did you mean 'order.discount_limit'? Data rules are the rows of", code.Message, StringComparison.Ordinal);
    }

    private async Task<List<Order>> SeedAsync(int seed, int count)
    {
        var random = new Random(seed);
        await using (var context = database.Create())
        {
            if (!await context.Orders.AnyAsync(o => o.Number.StartsWith($"seed{seed}-")))
            {
                var customers = Enumerable.Range(0, 10).Select(i => new Customer { Name = $"C{i}", Country = i % 3 == 0 ? "FR" : "DE" }).ToList();
                context.Customers.AddRange(customers);
                for (var i = 0; i < count; i++)
                {
                    context.Orders.Add(new Order
                    {
                        Number = $"seed{seed}-{i}",
                        Discount = random.Next(0, 50) / 100m,
                        Quantity = random.Next(1, 20),
                        Amount = random.Next(1, 5_000),
                        Urgent = random.Next(4) == 0,
                        Note = random.Next(3) == 0 ? null : "n",
                        OrderedAt = DateTime.UtcNow,
                        Customer = random.Next(5) == 0 ? null : customers[random.Next(customers.Count)],
                        Lines = Enumerable.Range(0, random.Next(0, 4)).Select(_ => new OrderLine { Product = "p", Quantity = random.Next(1, 10), Price = 1m }).ToList(),
                    });
                }

                await context.SaveChangesAsync();
            }
        }

        await using var read = database.Create();
        return await read.Orders.AsNoTracking().Include(o => o.Customer).Include(o => o.Lines).Where(o => o.Number.StartsWith($"seed{seed}-")).ToListAsync();
    }
}

/// <summary>A definition written past SaveChanges' check (by SQL) that the engine cannot run; in a database of its own.</summary>
public sealed class BrokenDataRuleTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task A_stored_rule_that_cannot_run_fails_on_every_entity_it_checks_instead_of_being_skipped()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "sql.broken", "Order", "System.IO.File.Exists(\"/etc/passwd\")");
        }

        using var services = DataRuleTests.Services(database, TimeSpan.Zero);
        using var scope = services.CreateScope();
        var violation = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(DataRuleTests.Order(_ => { })).Violations.Single(v => v.RuleId == "sql.broken");

        Assert.True(violation.IsFailure);
        Assert.Equal(RuleSeverity.Blocking, violation.Severity);
        Assert.IsType<RuleExpressionException>(violation.Exception);
    }
}

/// <summary>Definitions written by SQL with a blank id, which SaveChanges refuses; in a database of its own.</summary>
public sealed class BlankIdDataRuleTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task A_stored_rule_with_a_blank_id_fails_under_an_id_of_its_own_saying_to_set_one_instead_of_being_skipped()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "", "Order", "order.Quantity > 1000");
            await DefinitionRows.InsertAsync(context, " ", "Order", "order.Quantity > 1000", "Blocking");
        }

        using var services = DataRuleTests.Services(database, TimeSpan.Zero);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var evaluation = engine.Evaluate(DataRuleTests.Order(_ => { }));
        var enforced = Assert.Throws<BusinessRuleException>(() => engine.Enforce(DataRuleTests.Order(_ => { })));
        await using var query = database.Create();
        var inSql = Assert.Throws<ArgumentException>(() => query.EntitiesViolatingRuleSet<Order>(null));

        var blank = evaluation.Violations.Where(v => v.RuleId.StartsWith("(blank", StringComparison.Ordinal)).ToList();
        Assert.Equal(["(blank)", "(blank: U+0020)"], blank.Select(v => v.RuleId).Order(StringComparer.Ordinal));
        Assert.All(blank, v => Assert.True(v.IsFailure));
        Assert.All(blank, v => Assert.Equal(RuleSeverity.Blocking, v.Severity));
        var error = Assert.IsType<ArgumentException>(blank[0].Exception);
        Assert.Contains("has an Id that is empty or whitespace", error.Message, StringComparison.Ordinal);
        Assert.Contains("Set its Id", error.Message, StringComparison.Ordinal);
        Assert.Contains("(blank)", enforced.Violations.Select(v => v.RuleId));
        Assert.Contains("(blank: U+0020)", engine.RulesFor(typeof(Order)).Select(r => r.Id));
        Assert.StartsWith("Data rule (blank", inSql.Message, StringComparison.Ordinal);

        // Stored by a check like any failing rule, each under its own id.
        var order = new Order { Number = "SO-blank", OrderedAt = DateTime.UtcNow, Quantity = 1, Amount = 10m };
        query.Orders.Add(order);
        await query.SaveChangesAsync();
        var check = await query.CheckRulesAsync(engine, order);
        await query.SaveChangesAsync();
        Assert.Equal(
            ["(blank)", "(blank: U+0020)"],
            check.Stored.Select(v => v.RuleId).Where(id => id.StartsWith("(blank", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
    }
}

/// <summary>A definition written by SQL with a severity RuleSeverity does not have; in a database of its own.</summary>
public sealed class StoredSeverityTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task A_row_with_an_unknown_severity_fails_its_rule_alone_and_names_the_rule_and_the_value()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "sql.critical", "Order", "order.Quantity > 100", "Critical");
            await DefinitionRows.InsertAsync(context, "sql.lower", "Order", "order.Quantity > 10", "blocking", sequence: 20);
        }

        using var services = DataRuleTests.Services(database, TimeSpan.Zero);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        var order = DataRuleTests.Order(o => o.Quantity = 5);

        var critical = engine.Evaluate(order).Violations.Single(v => v.RuleId == "sql.critical");
        var lower = engine.Evaluate(DataRuleTests.Order(o => o.Quantity = 50)).Violations.Single(v => v.RuleId == "sql.lower");
        await using var query = database.Create();
        var inSql = Assert.Throws<ArgumentException>(() => query.EntitiesViolatingRule<Order>("sql.critical"));

        Assert.True(critical.IsFailure);
        Assert.Equal(RuleSeverity.Blocking, critical.Severity);
        const string Expected = "Data rule 'sql.critical': its row in the table servertools_rule_definitions has the Severity 'Critical', which is neither 'Warning' nor 'Blocking'. Set it to one of them.";
        Assert.StartsWith(Expected, Assert.IsType<ArgumentException>(critical.Exception).Message, StringComparison.Ordinal);
        Assert.StartsWith(Expected, inSql.Message, StringComparison.Ordinal);
        Assert.True(engine.Evaluate(new OrderLine { Id = 1, Product = "Desk" }).IsClean);

        // Exact, as EF Core's queries compare the column ('Blocking'): 'blocking' and '1' are not names of RuleSeverity.
        Assert.True(lower.IsFailure);
        Assert.StartsWith(
            "Data rule 'sql.lower': its row in the table servertools_rule_definitions has the Severity 'blocking', which is neither 'Warning' nor 'Blocking'.",
            lower.Exception!.Message,
            StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => query.EntitiesViolatingRule<Order>("sql.lower"));
    }

    [Fact]
    public async Task A_row_with_an_unknown_severity_does_not_keep_EF_Core_from_reading_the_table_and_is_fixed_through_it()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "sql.fatal", "Order", "order.Quantity > 100", "Fatal");
            await DefinitionRows.InsertAsync(context, "sql.number", "Order", "order.Quantity > 100", "1");
        }

        // An admin screen's list of the rules: every row is read, the unknown severities as no member of RuleSeverity.
        await using (var admin = database.Create())
        {
            var listed = await admin.Set<ExceptionRuleDefinition>().AsNoTracking().Where(d => d.Id == "sql.fatal" || d.Id == "sql.number").ToListAsync();
            Assert.Equal(2, listed.Count);
            Assert.All(listed, d => Assert.False(Enum.IsDefined(d.Severity)));
            Assert.False(await admin.Set<ExceptionRuleDefinition>().AnyAsync(d => d.Id == "sql.fatal" && d.Severity == RuleSeverity.Blocking));

            // Saved with the unknown severity, the row is refused; with a severity, it is fixed.
            var fatal = await admin.Set<ExceptionRuleDefinition>().SingleAsync(d => d.Id == "sql.fatal");
            fatal.Message = "More than 100";
            var refused = await Assert.ThrowsAsync<ArgumentException>(() => admin.SaveChangesAsync());
            Assert.StartsWith("Data rule 'sql.fatal': its Severity is neither Warning nor Blocking", refused.Message, StringComparison.Ordinal);
            fatal.Severity = RuleSeverity.Blocking;
            await admin.SaveChangesAsync();
            Assert.Equal("Blocking", await admin.Database.SqlQuery<string>($"SELECT \"Severity\" AS \"Value\" FROM servertools_rule_definitions WHERE \"Id\" = 'sql.fatal'").SingleAsync());
        }

        using var services = DataRuleTests.Services(database, TimeSpan.Zero);
        using var scope = services.CreateScope();
        var violations = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>().Evaluate(DataRuleTests.Order(o => o.Quantity = 500)).Violations;
        Assert.Contains(violations, v => v is { RuleId: "sql.fatal", IsFailure: false, Severity: RuleSeverity.Blocking });
        Assert.Contains(violations, v => v is { RuleId: "sql.number", IsFailure: true });
    }

    [Fact]
    public async Task The_rows_the_engine_reads_carry_every_property_of_a_definition()
    {
        var saved = new ExceptionRuleDefinition
        {
            Id = "rows.all", EntityType = nameof(Order), Expression = "order.Quantity > 3", Severity = RuleSeverity.Blocking, Sequence = 42,
            Message = "m", Name = "n", Description = "d", RuleSets = ["confirm"], Tags = ["t"], Active = false,
        };
        await using (var context = database.Create())
        {
            context.Add(saved);
            await context.SaveChangesAsync();
        }

        await using var read = database.Create();
        var (definition, storedSeverity) = Assert.Single(ServerTools.Rules.Data.DataRuleRows.Read(read, read.Set<ExceptionRuleDefinition>().Where(d => d.Id == "rows.all")));

        Assert.Null(storedSeverity);
        foreach (var property in typeof(ExceptionRuleDefinition).GetProperties())
        {
            Assert.Equivalent(property.GetValue(saved), property.GetValue(definition), strict: true);
        }
    }
}

/// <summary>Definitions written by SQL with rule sets that SaveChanges refuses; in a database of its own.</summary>
public sealed class StoredRuleSetTests(RulesFixture database) : IClassFixture<RulesFixture>
{
    [Fact]
    public async Task A_row_whose_rule_set_no_evaluation_would_ask_for_fails_in_every_rule_set_with_the_name_to_write()
    {
        await using (var context = database.Create())
        {
            await DefinitionRows.InsertAsync(context, "sql.spaced_set", "Order", "order.Quantity > 1000", "Blocking", ruleSets: [" confirm"]);
            await DefinitionRows.InsertAsync(context, "sql.cased_set", "Order", "order.Quantity > 1000", "Blocking", ruleSets: ["Confirm"]);
        }

        using var services = DataRuleTests.Services(database, TimeSpan.Zero);
        using var scope = services.CreateScope();
        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        // Evaluate(order, "confirm") is the check these rows were meant for: each rule fails there (and everywhere), never skipped.
        foreach (var ruleSet in new[] { "confirm", "other", null })
        {
            var failed = engine.Evaluate(DataRuleTests.Order(o => o.Quantity = 5), ruleSet).Violations.Where(v => v.RuleId.StartsWith("sql.", StringComparison.Ordinal)).ToList();
            Assert.Equal(["sql.cased_set", "sql.spaced_set"], failed.Select(v => v.RuleId).Order(StringComparer.Ordinal));
            Assert.All(failed, v => Assert.True(v.IsFailure));
            Assert.Contains(
                "the rule set \" confirm\" starts or ends with whitespace",
                Assert.IsType<ArgumentException>(failed.Single(v => v.RuleId == "sql.spaced_set").Exception).Message,
                StringComparison.Ordinal);
            Assert.Contains(
                "the rule set \"Confirm\" differs only in case from the rule set \"confirm\" of the application's code rules",
                Assert.IsType<ArgumentException>(failed.Single(v => v.RuleId == "sql.cased_set").Exception).Message,
                StringComparison.Ordinal);
        }

        var blocked = Assert.Throws<BusinessRuleException>(() => engine.Enforce(DataRuleTests.Order(o => o.Quantity = 5), "confirm"));
        Assert.Contains(blocked.Violations, v => v is { RuleId: "sql.spaced_set", IsFailure: true });
    }
}
