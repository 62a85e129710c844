using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Rules;
using ServerTools.Tests.Infrastructure;
using ServerTools.Tests.Rules.Engine;

namespace ServerTools.Tests.Rules;

/// <summary>A partner of the batch loading tests, with an owned address (loaded with it).</summary>
public class BatchPartner
{
    public int Id { get; set; }

    public BatchAddress Address { get; set; } = new();

    public List<BatchOrder> Orders { get; set; } = [];
}

public class BatchAddress
{
    public string Country { get; set; } = "";
}

public class BatchOrder
{
    public int Id { get; set; }

    public int PartnerId { get; set; }

    public BatchPartner? Partner { get; set; }

    public List<BatchLine> Lines { get; set; } = [];
}

/// <summary>A line, keyed by its order and its number (a composite key, which its notes reference).</summary>
public class BatchLine
{
    public int OrderId { get; set; }

    public int No { get; set; }

    public int? ProductId { get; set; }

    public BatchProduct? Product { get; set; }

    public List<BatchNote> Notes { get; set; } = [];
}

public class BatchNote
{
    public int Id { get; set; }

    public int OrderId { get; set; }

    public int LineNo { get; set; }

    public bool Urgent { get; set; }
}

/// <summary>A product, with tags (whose key has a value converter) through a join table EF Core maps itself (many-to-many).</summary>
public class BatchProduct
{
    public int Id { get; set; }

    public bool Blocked { get; set; }

    public List<BatchTag> Tags { get; set; } = [];
}

/// <summary>A tag's key, stored as its number through a value converter.</summary>
public readonly record struct BatchTagId(int Value);

public class BatchTag
{
    public BatchTagId Id { get; set; }

    public bool Embargoed { get; set; }

    public List<BatchProduct> Products { get; set; } = [];
}

/// <summary>A class derived from an entity's and not in the model, as EF Core's proxies are.</summary>
public sealed class BatchOrderProxy : BatchOrder;

public sealed class BatchLoadingContext(DbContextOptions<BatchLoadingContext> options) : DbContext(options)
{
    public DbSet<BatchOrder> Orders => Set<BatchOrder>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BatchPartner>().OwnsOne(p => p.Address);
        modelBuilder.Entity<BatchLine>().HasKey(l => new { l.OrderId, l.No });
        modelBuilder.Entity<BatchLine>().HasMany(l => l.Notes).WithOne().HasForeignKey(n => new { n.OrderId, n.LineNo });
        modelBuilder.Entity<BatchProduct>().HasMany(p => p.Tags).WithMany(t => t.Products);
        modelBuilder.Entity<BatchTag>().Property(t => t.Id).HasConversion(id => id.Value, value => new BatchTagId(value)).ValueGeneratedNever();
    }
}

/// <summary>
/// The security review's shape (finding 2): partners with many orders of five lines, each line a product of its own, and
/// data rules within every limit that read the partner's orders' lines' products, each line's notes and each product's tags.
/// Three partners: one with 20 orders, one with 200 (nothing broken), and one with 20 orders where one product of another
/// order is blocked, and the first order has an urgent note and a product with an embargoed tag.
/// </summary>
public sealed class BatchLoadingFixture() : SchemaFixture<BatchLoadingContext>(static options => new BatchLoadingContext(options)), IAsyncLifetime
{
    public const int LinesPerOrder = 5;

    public int SmallOrderId { get; private set; }

    public int LargeOrderId { get; private set; }

    public int FlaggedOrderId { get; private set; }

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        await using var context = Create();
        var tags = new[] { new BatchTag { Id = new(1) }, new BatchTag { Id = new(2) } };
        var embargo = new BatchTag { Id = new(3), Embargoed = true };
        var small = await PartnerAsync(context, 20, tags);
        var large = await PartnerAsync(context, 200, tags);
        var flagged = await PartnerAsync(context, 20, tags);
        flagged.Orders[5].Lines[3].Product!.Blocked = true;
        flagged.Orders[0].Lines[0].Notes[0].Urgent = true;
        flagged.Orders[0].Lines[1].Product!.Tags.Add(embargo);
        context.AddRange(
            Rule("b.blocked_product", "order.Partner.Orders.Any(o => o.Lines.Any(l => l.Product.Blocked))"),
            Rule("b.urgent_note", "order.Lines.Any(l => l.Notes.Any(n => n.Urgent))"),
            Rule("b.embargoed_tag", "order.Lines.Any(l => l.Product.Tags.Any(t => t.Embargoed))"),
            Rule("b.partner_abroad", "order.Partner.Address.Country != \"DE\"", RuleSeverity.Warning));
        await context.SaveChangesAsync();
        (SmallOrderId, LargeOrderId, FlaggedOrderId) = (small.Orders[0].Id, large.Orders[0].Id, flagged.Orders[0].Id);
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync();

    private static async Task<BatchPartner> PartnerAsync(BatchLoadingContext context, int orders, BatchTag[] tags)
    {
        var partner = new BatchPartner { Address = new BatchAddress { Country = "DE" } };
        for (var i = 0; i < orders; i++)
        {
            partner.Orders.Add(new BatchOrder());
        }

        // The orders' keys first: they are part of their lines' keys.
        context.Add(partner);
        await context.SaveChangesAsync();
        foreach (var order in partner.Orders)
        {
            for (var no = 1; no <= LinesPerOrder; no++)
            {
                var line = new BatchLine { OrderId = order.Id, No = no, Product = new BatchProduct { Tags = [.. tags] } };
                line.Notes.Add(new BatchNote());
                order.Lines.Add(line);
            }
        }

        await context.SaveChangesAsync();
        return partner;
    }

    private static ExceptionRuleDefinition Rule(string id, string expression, RuleSeverity severity = RuleSeverity.Blocking) => new()
    {
        Id = id,
        EntityType = nameof(BatchOrder),
        Expression = expression,
        Severity = severity,
        Message = $"{id} is broken",
    };
}

/// <summary>
/// CheckRulesAsync loads what the data rules read one level of their paths at a time, one query per navigation for all
/// the entities of the level: the number of commands depends on the rules, not on the rows; and past
/// <see cref="RuleOptions.MaxEntitiesLoadedPerCheck"/> the check fails and stores nothing.
/// </summary>
public sealed class BatchLoadingTests(BatchLoadingFixture database) : IClassFixture<BatchLoadingFixture>
{
    [Fact]
    public async Task A_check_runs_as_many_commands_for_a_partner_with_200_orders_as_for_one_with_20_and_finds_nothing_broken()
    {
        var (smallCommands, small) = await CheckAsync(database.SmallOrderId);
        var (largeCommands, large) = await CheckAsync(database.LargeOrderId);

        // The reviewer measured 1,203 commands for the 200 orders (one per order and per line). Now: the partner, its
        // orders, their lines, their products; the order's lines, their notes, their products, the join rows and the tags;
        // and the stored violations.
        Assert.Equal(smallCommands, largeCommands);
        Assert.InRange(largeCommands, 1, 12);
        Assert.Empty(small.Evaluation.Violations);
        Assert.Empty(large.Evaluation.Violations);
    }

    [Fact]
    public async Task A_check_finds_what_SQL_finds_a_blocked_product_of_another_order_an_urgent_note_of_a_composite_keyed_line_and_an_embargoed_tag()
    {
        using var app = App();
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == database.FlaggedOrderId);

        var check = await context.CheckRulesAsync(engine, order);

        Assert.DoesNotContain(check.Evaluation.Violations, v => v.IsFailure);
        var found = check.Evaluation.Violations.Select(v => v.RuleId).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["b.blocked_product", "b.embargoed_tag", "b.urgent_note"], found);
        var inSql = new List<string>();
        foreach (var rule in new[] { "b.blocked_product", "b.embargoed_tag", "b.partner_abroad", "b.urgent_note" })
        {
            if (await context.EntitiesViolatingRule<BatchOrder>(rule).AnyAsync(o => o.Id == order.Id))
            {
                inSql.Add(rule);
            }
        }

        Assert.Equal(inSql, found);
        Assert.Equal(20, order.Partner!.Orders.Count);
        Assert.All(order.Partner.Orders, o => Assert.Equal(BatchLoadingFixture.LinesPerOrder, o.Lines.Count));
        Assert.Equal(3, order.Lines.Single(l => l.No == 2).Product!.Tags.Count);
        Assert.All(order.Lines, l => Assert.Single(l.Notes));
    }

    [Fact]
    public async Task What_a_check_loads_is_marked_loaded_so_the_next_check_and_Evaluate_load_nothing_and_fail_nothing()
    {
        var counter = new CommandCounter();
        using var app = App(counter);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == database.FlaggedOrderId);
        _ = await context.CheckRulesAsync(engine, order);

        counter.Reset();
        var again = await context.CheckRulesAsync(engine, order);

        // Only the stored violations are read: every navigation the rules read is loaded, in EF Core's eyes too.
        Assert.Equal(1, counter.Count);
        Assert.DoesNotContain(again.Evaluation.Violations, v => v.IsFailure);
        Assert.DoesNotContain(engine.Evaluate(order).Violations, v => v.IsFailure);
        Assert.True(context.Entry(order.Partner!).Collection(p => p.Orders).IsLoaded);
        Assert.All(order.Partner!.Orders, o => Assert.True(context.Entry(o).Collection(x => x.Lines).IsLoaded));
        Assert.All(order.Lines, l => Assert.True(context.Entry(l).Collection(x => x.Notes).IsLoaded));
        Assert.All(order.Lines, l => Assert.True(context.Entry(l.Product!).Collection(x => x.Tags).IsLoaded));
    }

    [Fact]
    public async Task A_check_that_would_load_more_entities_than_the_limit_fails_naming_the_rule_and_the_limit_and_stores_nothing()
    {
        using var app = App(configure: o => o.Rules.MaxEntitiesLoadedPerCheck = 500);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == database.LargeOrderId);

        // The partner's 200 orders fit; their 1,000 lines do not.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, order));

        Assert.Contains("'b.blocked_product'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("b.urgent_note", error.Message, StringComparison.Ordinal);
        Assert.Contains("BatchOrder.Partner.Orders.Lines", error.Message, StringComparison.Ordinal);
        Assert.Contains("more than 500 entities", error.Message, StringComparison.Ordinal);
        Assert.Contains("RuleOptions.MaxEntitiesLoadedPerCheck", error.Message, StringComparison.Ordinal);
        Assert.Contains("EntitiesViolatingRule<BatchOrder>(\"b.blocked_product\")", error.Message, StringComparison.Ordinal);
        // The order, and at most one entity past the limit that the context did not track (the partner's owned address is
        // part of its row, not counted).
        Assert.InRange(context.ChangeTracker.Entries().Count(e => !e.Metadata.IsOwned()), 1, 502);
        Assert.Empty(context.ChangeTracker.Entries<StoredRuleViolation>());
        await context.SaveChangesAsync();
        Assert.False(await context.Set<StoredRuleViolation>().AnyAsync());

        // The same limit lets a partner with 20 orders through (1 + 20 + 100 + 100 and the order's own lines' reads).
        var smaller = await context.Orders.SingleAsync(o => o.Id == database.SmallOrderId);
        Assert.Empty((await context.CheckRulesAsync(engine, smaller)).Evaluation.Violations);
    }

    [Fact]
    public async Task Entities_the_context_already_tracked_do_not_count_against_the_limit()
    {
        using var app = App(configure: o => o.Rules.MaxEntitiesLoadedPerCheck = 150);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == database.SmallOrderId);

        // The application tracks the partner's 20 orders and their 100 lines already (a plain query, not an Include, so
        // the navigations are not loaded and the check reads them again): the check brings in 118 new entities (the
        // partner, the 100 lines' products, the order's 5 notes, 10 join rows and 2 tags), and reads 238 rows.
        var orders = await context.Orders.Where(o => o.PartnerId == order.PartnerId).ToListAsync();
        var ids = orders.Select(o => o.Id).ToList();
        _ = await context.Set<BatchLine>().Where(l => ids.Contains(l.OrderId)).ToListAsync();
        var before = context.ChangeTracker.Entries().Count();

        var check = await context.CheckRulesAsync(engine, order);

        Assert.InRange(context.ChangeTracker.Entries().Count() - before, 1, 150);
        Assert.Empty(check.Evaluation.Violations);
        Assert.True(context.Entry(order.Partner!).Collection(p => p.Orders).IsLoaded);
        Assert.All(order.Partner!.Orders, o => Assert.Equal(BatchLoadingFixture.LinesPerOrder, o.Lines.Count));
    }

    [Fact]
    public async Task Entities_already_tracked_do_not_crowd_out_of_a_query_the_one_the_check_needs()
    {
        using var app = App(configure: o => o.Rules.MaxEntitiesLoadedPerCheck = 25);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == database.FlaggedOrderId);
        var orders = await context.Orders.Where(o => o.PartnerId == order.PartnerId).ToListAsync();
        var ids = orders.Select(o => o.Id).ToList();
        var blocked = await context.Set<BatchLine>().AsNoTracking()
            .Where(l => ids.Contains(l.OrderId) && l.Product!.Blocked).Select(l => new { l.OrderId, l.No }).SingleAsync();
        _ = await context.Set<BatchLine>().Include(l => l.Product)
            .Where(l => ids.Contains(l.OrderId) && !(l.OrderId == blocked.OrderId && l.No == blocked.No)).ToListAsync();

        // About 20 new entities (the partner, the line of the blocked product and that product, the order's notes, its
        // products' join rows and tags), but the query of the orders' lines returns the 99 tracked ones too, and they come
        // first in the order of the key: a query cut at 25 rows would miss the line of the sixth order, and mark the
        // orders' lines loaded without it.
        var check = await context.CheckRulesAsync(engine, order);

        Assert.Contains(check.Evaluation.Violations, v => v.RuleId == "b.blocked_product" && !v.IsFailure);
        Assert.All(order.Partner!.Orders, o => Assert.Equal(BatchLoadingFixture.LinesPerOrder, o.Lines.Count));
    }

    [Fact]
    public async Task Entities_already_tracked_still_leave_the_limit_to_the_new_ones()
    {
        using var app = App(configure: o => o.Rules.MaxEntitiesLoadedPerCheck = 100);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == database.SmallOrderId);
        var orders = await context.Orders.Where(o => o.PartnerId == order.PartnerId).ToListAsync();
        var ids = orders.Select(o => o.Id).ToList();
        _ = await context.Set<BatchLine>().Where(l => ids.Contains(l.OrderId)).ToListAsync();

        // The 100 products of the lines are new: with the partner, one more than the limit.
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync(engine, order));

        Assert.Contains("(BatchOrder.Partner.Orders.Lines.Product)", error.Message, StringComparison.Ordinal);
        Assert.Contains("more than 100 entities", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_checks_of_different_orders_send_the_same_SQL_for_the_composite_keyed_notes_and_find_what_they_break()
    {
        var (first, clean) = await NoteQueriesAsync(database.SmallOrderId);
        var (second, flagged) = await NoteQueriesAsync(database.FlaggedOrderId);

        // The keys are parameters, not literals: EF Core compiles the query once, and PostgreSQL sees one statement.
        Assert.Single(first);
        Assert.Single(second);
        Assert.Equal(first[0], second[0]);
        Assert.DoesNotContain(clean.Evaluation.Violations, v => v.RuleId == "b.urgent_note");
        Assert.Contains(flagged.Evaluation.Violations, v => v.RuleId == "b.urgent_note" && !v.IsFailure);
    }

    [Fact]
    public async Task The_limits_error_names_the_models_entity_type_not_the_runtime_type_of_a_proxy()
    {
        using var app = App(configure: o => o.Rules.MaxEntitiesLoadedPerCheck = 500);
        var (context, engine) = (app.Context, app.Engine);
        var stored = await context.Orders.AsNoTracking().SingleAsync(o => o.Id == database.LargeOrderId);

        // A class derived from the entity's, as EF Core's lazy-loading and change-tracking proxies are (BatchOrderProxy).
        var order = new BatchOrderProxy { Id = stored.Id, PartnerId = stored.PartnerId };
        _ = context.Attach<BatchOrder>(order);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.CheckRulesAsync<BatchOrder>(engine, order));

        Assert.Contains("The rules of this BatchOrder were not checked", error.Message, StringComparison.Ordinal);
        Assert.Contains("EntitiesViolatingRule<BatchOrder>(\"b.blocked_product\")", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Proxy", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_limit_must_be_positive()
    {
        var options = new RuleOptions();
        Assert.Equal(10_000, options.MaxEntitiesLoadedPerCheck);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => options.MaxEntitiesLoadedPerCheck = 0);
        Assert.Contains("at least 1", error.Message, StringComparison.Ordinal);
        options.MaxEntitiesLoadedPerCheck = int.MaxValue;
        Assert.Equal(int.MaxValue, options.MaxEntitiesLoadedPerCheck);
    }

    private async Task<(int Commands, RuleCheck Check)> CheckAsync(int orderId)
    {
        var counter = new CommandCounter();
        using var app = App(counter);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == orderId);

        // The engine's read of the rule table is not part of the check, and the counter leaves it out: a rule saved by any
        // context of the process (another test class, running in parallel) makes every engine read the table again, at any
        // point of the check.
        _ = engine.Evaluate(order);
        counter.Reset();
        var check = await context.CheckRulesAsync(engine, order);
        return (counter.Count, check);
    }

    /// <summary>The SQL of the queries of notes (whose foreign key is composite) that a check of the order sends, and the check.</summary>
    private async Task<(List<string> Sql, RuleCheck Check)> NoteQueriesAsync(int orderId)
    {
        var counter = new CommandCounter();
        using var app = App(counter);
        var (context, engine) = (app.Context, app.Engine);
        var order = await context.Orders.SingleAsync(o => o.Id == orderId);
        _ = engine.Evaluate(order);
        counter.Reset();
        var check = await context.CheckRulesAsync(engine, order);
        return ([.. counter.Commands.Where(static sql => sql.Contains("\"BatchNote\"", StringComparison.Ordinal))], check);
    }

    /// <summary>The application's services, with the rules of this model as data, and a scope with its context and engine.</summary>
    private Application App(CommandCounter? counter = null, Action<ServerToolsOptions>? configure = null) => new(Services(counter, configure));

    private ServiceProvider Services(CommandCounter? counter = null, Action<ServerToolsOptions>? configure = null) => RuleServicesFactory.Create(
        options =>
        {
            options.Rules.UseDataRules<BatchLoadingContext>();
            configure?.Invoke(options);
        },
        services => services.AddDbContext<BatchLoadingContext>(o =>
        {
            o.UseNpgsql(database.ConnectionString).UseServerTools();
            if (counter is not null)
            {
                o.AddInterceptors(counter);
            }
        }));

    /// <summary>The services of a test and the DI scope it checks in.</summary>
    private sealed class Application(ServiceProvider services) : IDisposable
    {
        private readonly IServiceScope _scope = services.CreateScope();

        public BatchLoadingContext Context => _scope.ServiceProvider.GetRequiredService<BatchLoadingContext>();

        public IExceptionRuleEngine Engine => _scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();

        public void Dispose()
        {
            _scope.Dispose();
            services.Dispose();
        }
    }

    /// <summary>Records the commands that read rows.</summary>
    private sealed class CommandCounter : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<string> _commands = new();

        public int Count => _commands.Count;

        /// <summary>The SQL of the commands, in the order they ran.</summary>
        public IReadOnlyList<string> Commands => [.. _commands];

        public void Reset() => _commands.Clear();

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Record(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        /// <summary>
        /// Every command but the engine's reads of the rule table: those come whenever any context of the process saved a
        /// rule (see <c>ServerTools.Rules.Data.DataRuleStore</c>), which tests of other classes do in parallel.
        /// </summary>
        private void Record(DbCommand command)
        {
            if (!command.CommandText.Contains(RulesModelConvention.DefinitionsTable, StringComparison.Ordinal))
            {
                _commands.Enqueue(command.CommandText);
            }
        }
    }
}
