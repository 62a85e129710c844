using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ServerTools.Sample.Data;
using ServerTools.Sample.Model;
using ServerTools.Sample.Rules;

namespace ServerTools.Sample.Scenario;

/// <summary>
/// The step "Confirming orders": business exception rules. The sales manager adds a data rule; the clerk places two
/// orders; one trips two warnings, which the manager ignores before it is confirmed; the other is blocked by the
/// customer's credit limit and stays a draft. Each action runs in a DI scope of its own, as a web request would.
/// </summary>
internal static partial class ShopScenario
{
    private const string ExportReview = "sale.export_review";
    private const string WarnedOrder = "SO-2026-0002";
    private const string BlockedOrder = "SO-2026-0003";

    /// <summary>The sales manager, who edits the data rules and decides on orders' warnings.</summary>
    private static readonly AuditActor s_manager = new("u-1003", "Lena Hoffmann", "198.51.100.57");

    /// <summary>Plays the step: the rules, two orders, a warning ignored and a confirmation blocked, then what is stored.</summary>
    private static async Task ConfirmOrdersAsync(
        DbContextOptions<ShopDbContext> options, ScenarioClock clock, Report report, CancellationToken cancellationToken)
    {
        report.Step("Confirming orders", clock.Advance(TimeSpan.FromMinutes(15)));
        report.Note("Before an order is confirmed, IExceptionRuleEngine checks it against the business rules of the set \"confirm\".");
        report.Note("Code rules are [ExceptionRule] classes in Rules/, registered by the source generator; their constructor");
        report.Note("arguments come from DI (CreditLimitRule takes ICreditPolicy). Data rules are rows of servertools_rule_definitions:");
        report.Note("a C# expression, changed without a deploy. services.AddServerTools(o => o.Rules.UseDataRules<ShopDbContext>())");
        report.Note("registers the engine, scoped; each action below runs in a scope of its own, as a web request would.");

        var services = new ServiceCollection();
        services.AddScoped(_ => new ShopDbContext(options));
        services.AddSingleton<ICreditPolicy, ShopCreditPolicy>();
        services.AddServerTools(static o => o.Rules.UseDataRules<ShopDbContext>());
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        using (AuditActor.Use(s_manager))
        {
            await AddDataRuleAsync(provider, report, cancellationToken).ConfigureAwait(false);
        }

        await PlaceOrdersAsync(provider, report, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        await ConfirmWithWarningsAsync(provider, options, clock, report, cancellationToken).ConfigureAwait(false);
        await ConfirmBlockedAsync(provider, clock, report, cancellationToken).ConfigureAwait(false);
        await ShowStoredViolationsAsync(provider, report, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The manager adds the data rule "sale.export_review". Her first try names a property Partner does not have:
    /// SaveChanges refuses it and writes nothing; she fixes the expression and saves the same definition again.
    /// </summary>
    private static async Task AddDataRuleAsync(ServiceProvider provider, Report report, CancellationToken cancellationToken)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var rule = new ExceptionRuleDefinition
        {
            Id = ExportReview,
            EntityType = nameof(SaleOrder),
            Expression = "order.Partner.Country != \"DE\" && order.AmountTotal > 1000m",
            Severity = RuleSeverity.Warning,
            Sequence = 30,
            Name = "Export review",
            Message = "Orders above EUR 1,000 for customers outside Germany need an export review",
            RuleSets = [SaleOrderRuleSets.Confirm],
        };
        db.Add(rule);

        report.Blank();
        report.Note($"{Who(s_manager)}, the sales manager, adds the data rule '{ExportReview}' for SaleOrder:");
        report.Note("  " + rule.Expression);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            throw new SampleException($"SaveChanges stored the data rule '{ExportReview}' with an unknown property; it should have refused it.");
        }
        catch (RuleExpressionException refused)
        {
            report.Note("  refused by SaveChanges, nothing written: " + refused.Message);
        }

        rule.Expression = "order.Partner.CountryCode != \"DE\" && order.AmountTotal > 1000m";
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        report.Note("  " + rule.Expression);
        report.Note("  saved: SaveChanges parsed it (Roslyn), checked it against the allow-list and compiled it.");

        var engine = scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>();
        report.Blank();
        report.Note($"engine.RulesFor(typeof(SaleOrder), \"{SaleOrderRuleSets.Confirm}\"), in the order they run:");
        var table = new TextTable(">Seq", "Rule", "Severity", "Defined by");
        foreach (var info in engine.RulesFor(typeof(SaleOrder), SaleOrderRuleSets.Confirm))
        {
            table.Row(Id(info.Sequence), info.Id, info.Severity.ToString(), info.IsDataRule ? "data: " + info.Expression : $"code: {info.RuleType?.Name}");
        }

        report.Table(table);
    }

    /// <summary>The clerk places an export order with a large line, and a private customer's order above her credit limit.</summary>
    private static async Task PlaceOrdersAsync(ServiceProvider provider, Report report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        var partners = await db.Partners.ToDictionaryAsync(static p => p.Name, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
        var products = await db.Products.ToDictionaryAsync(static p => p.Sku, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);

        var exportOrder = new SaleOrder { Number = WarnedOrder, Partner = partners["Northwind Traders"], CreatedAt = now };
        exportOrder.AddLine(products["BEANS-1KG"], 60m);
        exportOrder.AddLine(products["CUPS-6"], 2m);
        var privateOrder = new SaleOrder { Number = BlockedOrder, Partner = partners["Anna Schmidt"], CreatedAt = now };
        privateOrder.AddLine(products["GRINDER-PRO"], 3m);
        db.SaleOrders.AddRange(exportOrder, privateOrder);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        report.Blank();
        report.Note($"{s_clerk.UserName} places two orders (Draft):");
        var table = new TextTable("Order", "Customer", "Country", "Lines", ">Total EUR");
        foreach (var order in new[] { exportOrder, privateOrder })
        {
            var lines = string.Join(", ", order.Lines.Select(static l => $"{Report.Quantity(l.Quantity)} x {l.Product.Sku}"));
            table.Row(order.Number, order.Partner.Name, order.Partner.CountryCode, lines, Report.Money(order.AmountTotal));
        }

        report.Table(table);
    }

    /// <summary>
    /// The export order: the clerk's check finds two warnings and stores them; the manager ignores them; the clerk's
    /// next check finds them ignored, so she confirms the order, and the warehouse hears of it through the outbox.
    /// </summary>
    private static async Task ConfirmWithWarningsAsync(
        ServiceProvider provider, DbContextOptions<ShopDbContext> options, ScenarioClock clock, Report report, CancellationToken cancellationToken)
    {
        report.Blank();
        await using (var scope = provider.CreateAsyncScope())
        {
            var (db, engine) = Resolve(scope);
            var order = await LoadOrderAsync(db, WarnedOrder, cancellationToken).ConfigureAwait(false);
            var check = await db.CheckRulesAsync(engine, order, SaleOrderRuleSets.Confirm, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            report.Note(string.Create(
                CultureInfo.InvariantCulture,
                $"{WarnedOrder}: db.CheckRulesAsync(engine, order, \"confirm\") finds {check.PendingWarnings.Count} warnings, nothing blocking."));
            report.Note($"check.CanProceed is {(check.CanProceed ? "true" : "false")}: the order stays a draft. SaveChanges stores the warnings for the sales manager:");
            ShowWarnings(report, check.PendingWarnings);
        }

        var ignoredAt = clock.Advance(TimeSpan.FromMinutes(5));
        await using (var scope = provider.CreateAsyncScope())
        {
            var (db, engine) = Resolve(scope);
            var order = await LoadOrderAsync(db, WarnedOrder, cancellationToken).ConfigureAwait(false);
            IReadOnlyList<StoredRuleViolation> ignored;
            using (AuditActor.Use(s_manager))
            {
                ignored = await db.IgnoreRuleWarningsAsync(engine, order, SaleOrderRuleSets.Confirm, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            report.Note($"{s_manager.UserName} ignores them at {Report.Time(ignoredAt)}: db.IgnoreRuleWarningsAsync(engine, order, \"confirm\") marks");
            report.Note($"{string.Join(" and ", ignored.Select(static v => v.RuleId))} ignored by the ambient AuditActor.");
        }

        var confirmedAt = clock.Advance(TimeSpan.FromMinutes(1));
        await using (var scope = provider.CreateAsyncScope())
        {
            var (db, engine) = Resolve(scope);
            var order = await LoadOrderAsync(db, WarnedOrder, cancellationToken).ConfigureAwait(false);
            var check = await db.CheckRulesAsync(engine, order, SaleOrderRuleSets.Confirm, cancellationToken).ConfigureAwait(false);
            if (!check.CanProceed)
            {
                throw new SampleException($"The warnings of {WarnedOrder} were ignored, yet CheckRulesAsync still holds the order back: {check.Evaluation}.");
            }

            var before = order.State;
            order.Confirm(confirmedAt);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            report.Note(string.Create(
                CultureInfo.InvariantCulture,
                $"{s_clerk.UserName} confirms at {Report.Time(confirmedAt)}: db.CheckRulesAsync finds the same {check.Evaluation.Violations.Count} warnings, all ignored: CanProceed."));
            report.Note($"State  {before} -> {order.State}; a dispatcher pass of the outbox tells the warehouse:");
        }

        var (_, requests) = await DispatchOutboxAsync(options, cancellationToken).ConfigureAwait(false);
        foreach (var request in requests)
        {
            report.Note("  warehouse: " + request);
        }
    }

    /// <summary>
    /// The private customer's order: Enforce throws, the order stays a draft, the clerk's check stores the blocking
    /// violation, and the manager cannot ignore it.
    /// </summary>
    private static async Task ConfirmBlockedAsync(ServiceProvider provider, ScenarioClock clock, Report report, CancellationToken cancellationToken)
    {
        var at = clock.Advance(TimeSpan.FromMinutes(4));
        report.Blank();
        await using (var scope = provider.CreateAsyncScope())
        {
            var (db, engine) = Resolve(scope);
            var order = await LoadOrderAsync(db, BlockedOrder, cancellationToken).ConfigureAwait(false);
            try
            {
                engine.Enforce(order, SaleOrderRuleSets.Confirm);
                order.Confirm(at);
                await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
                throw new SampleException($"{BlockedOrder} is above its customer's credit limit, yet Enforce let it be confirmed.");
            }
            catch (BusinessRuleException blocked)
            {
                var limit = scope.ServiceProvider.GetRequiredService<ICreditPolicy>().LimitFor(order.Partner);
                report.Note($"{BlockedOrder}, at {Report.Time(at)}: engine.Enforce(order, \"confirm\") throws BusinessRuleException:");
                report.Note("  " + blocked.Message);
                report.Note("blocked.Violations: " + string.Join(", ", blocked.Violations.Select(static v => $"{v.RuleId} ({v.Severity})")));
                report.Note($"{order.Partner.Name} is a private person: ICreditPolicy allows EUR {Report.Money(limit)}, the order is EUR {Report.Money(order.AmountTotal)}.");
            }

            await db.CheckRulesAsync(engine, order, SaleOrderRuleSets.Confirm, cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var scope = provider.CreateAsyncScope())
        {
            var (db, engine) = Resolve(scope);
            var order = await LoadOrderAsync(db, BlockedOrder, cancellationToken).ConfigureAwait(false);
            report.Note($"State stays {order.State} (read back from the database); db.CheckRulesAsync stored the violation for the follow-up.");
            try
            {
                using (AuditActor.Use(s_manager))
                {
                    await db.IgnoreRuleWarningsAsync(engine, order, SaleOrderRuleSets.Confirm, cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                throw new SampleException($"IgnoreRuleWarningsAsync let the warnings of {BlockedOrder} be ignored while a blocking rule is broken.");
            }
            catch (BusinessRuleException refused)
            {
                report.Note($"{s_manager.UserName} tries db.IgnoreRuleWarningsAsync: refused, BusinessRuleException");
                report.Note("  " + refused.Message);
            }
        }
    }

    /// <summary>
    /// What is stored: each order's violations (<c>RuleViolationsOf</c>), and the orders that break the data rule now,
    /// asked of PostgreSQL with the rule's expression translated to SQL (<c>EntitiesViolatingRule</c>).
    /// </summary>
    private static async Task ShowStoredViolationsAsync(ServiceProvider provider, Report report, CancellationToken cancellationToken)
    {
        await using var scope = provider.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ShopDbContext>();
        report.Blank();
        report.Note("db.RuleViolationsOf(order), the rows of servertools_rule_violations:");
        var table = new TextTable("Order", "Rule", "Severity", "Detected", "Ignored");
        foreach (var number in new[] { OrderNumber, WarnedOrder, BlockedOrder })
        {
            var order = await db.SaleOrders.AsNoTracking().SingleAsync(o => o.Number == number, cancellationToken).ConfigureAwait(false);
            var violations = await db.RuleViolationsOf(order).OrderBy(static v => v.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
            if (violations.Count == 0)
            {
                table.Row(number, "(none: never checked)", "-", "-", "-");
            }

            foreach (var v in violations)
            {
                var ignored = v.IgnoredAt is { } at ? $"by {v.IgnoredByUserName} ({v.IgnoredByUserId}) at {Report.Time(at)}" : "-";
                table.Row(number, v.RuleId, v.Severity.ToString(), Report.Time(v.DetectedAt), ignored);
            }
        }

        report.Table(table);

        var query = db.EntitiesViolatingRule<SaleOrder>(ExportReview).OrderBy(static o => o.Number).Select(static o => o.Number);
        var numbers = await query.ToListAsync(cancellationToken).ConfigureAwait(false);
        report.Blank();
        report.Note($"db.EntitiesViolatingRule<SaleOrder>(\"{ExportReview}\"): the rule's expression as SQL, answered by PostgreSQL:");
        foreach (var line in query.ToQueryString().Split('\n'))
        {
            report.Note("  " + line.TrimEnd('\r'));
        }

        report.Note(string.Create(CultureInfo.InvariantCulture, $"-> {numbers.Count} order(s): {string.Join(", ", numbers)}"));
        report.Note("The query reads the rule, not the stored rows: an ignored warning is still a violation.");
    }

    private static void ShowWarnings(Report report, IReadOnlyList<StoredRuleViolation> warnings)
    {
        var width = warnings.Select(static v => v.RuleId.Length).DefaultIfEmpty(0).Max();
        foreach (var warning in warnings)
        {
            report.Note($"  {warning.Severity}  {warning.RuleId.PadRight(width)}  {warning.Message}");
        }
    }

    private static (ShopDbContext Db, IExceptionRuleEngine Engine) Resolve(AsyncServiceScope scope)
        => (scope.ServiceProvider.GetRequiredService<ShopDbContext>(), scope.ServiceProvider.GetRequiredService<IExceptionRuleEngine>());

    /// <summary>An order with what its rules read: the customer, and the lines with their products.</summary>
    private static Task<SaleOrder> LoadOrderAsync(ShopDbContext db, string number, CancellationToken cancellationToken)
        => db.SaleOrders
            .Include(static o => o.Partner)
            .Include(static o => o.Lines.OrderBy(static l => l.Position)).ThenInclude(static l => l.Product)
            .SingleAsync(o => o.Number == number, cancellationToken);
}
