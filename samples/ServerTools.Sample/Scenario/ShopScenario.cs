using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerTools.Auditing;
using ServerTools.Sample.Data;
using ServerTools.Sample.Model;
using ServerTools.Testing;

namespace ServerTools.Sample.Scenario;

/// <summary>
/// The scripted tour of the shop: make the schema, show what ServerTools generated, create partners and
/// products, place and confirm an order, change a partner, confirm two more orders against the business rules
/// (<c>ShopScenario.Rules.cs</c>), and read the partner's audit trail back. Fixed data, fixed users and a fixed clock
/// (which also stamps the audit logs and the rule violations): every run prints the same.
/// </summary>
internal static partial class ShopScenario
{
    private const string OrderNumber = "SO-2026-0001";
    private const string Customer = "Blue Harbor Coffee Roasters";
    private static readonly DateTimeOffset s_start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The sales clerk who works the shop in the scenario.</summary>
    private static readonly AuditActor s_clerk = new("u-1001", "Mia Verkauf", "198.51.100.23");

    /// <summary>The accountant who changes a partner's bank account.</summary>
    private static readonly AuditActor s_accountant = new("u-1002", "Jonas Becker", "198.51.100.41");

    public static async Task RunAsync(string? connectionString, Report report, CancellationToken cancellationToken)
    {
        report.Title("ServerTools sample shop");
        PostgresServer? server = null;
        try
        {
            string where;
            if (connectionString is null)
            {
                server = await PostgresServer.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                connectionString = await server.CreateDatabaseAsync("shop", cancellationToken).ConfigureAwait(false);
                where = string.Create(CultureInfo.InvariantCulture, $"private server on 127.0.0.1:{server.Port}, removed when the sample ends");
            }
            else
            {
                var given = new NpgsqlConnectionStringBuilder(connectionString);
                where = $"database '{given.Database}' on {given.Host}:{given.Port}, given with --connection";
            }

            var clock = new ScenarioClock(s_start);
            var options = ShopDbContextFactory.CreateOptions(connectionString, clock);
            await PrepareDatabaseAsync(options, where, report, cancellationToken).ConfigureAwait(false);
            ShowGeneratedCode(options, report);
            await PlayAsync(options, clock, report, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Applies the migrations and checks that the model matches them and that the shop is empty.</summary>
    private static async Task PrepareDatabaseAsync(
        DbContextOptions<ShopDbContext> options, string where, Report report, CancellationToken cancellationToken)
    {
        var db = new ShopDbContext(options);
        await using (db.ConfigureAwait(false))
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            report.Fact("Database", $"PostgreSQL {connection.PostgreSqlVersion.ToString(2)}, {where}");

            if (db.Database.HasPendingModelChanges())
            {
                throw new SampleException(
                    "The shop model (Data/ShopDbContext.cs, Model/) has changes that no migration holds, so the schema would not match it. "
                    + "Add a migration for them: dotnet ef migrations add <Name> --project samples/ServerTools.Sample "
                    + "(see docs/sample.md), or undo the model change.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken).ConfigureAwait(false)).ToList();
            await db.Database.MigrateAsync(cancellationToken).ConfigureAwait(false);
            report.Fact("Schema", pending.Count == 0
                ? "up to date: every migration was applied before"
                : "applied migration " + string.Join(", ", pending) + " (Database.MigrateAsync)");
            report.Fact(string.Empty, "the model matches the migrations' snapshot: no pending model changes");
            var auditLog = db.Model.FindEntityType(typeof(AuditLog))!;
            var auditLines = auditLog.FindComplexProperty(nameof(AuditLog.Lines))!.ComplexType;
            report.Fact(string.Empty, "UseServerTools() maps the audit trail: " + auditLog.GetTableName()
                + ", each log's lines in its " + auditLines.GetContainerColumnType() + " column " + auditLines.GetContainerColumnName());

            var partners = await db.Partners.CountAsync(cancellationToken).ConfigureAwait(false);
            if (partners > 0)
            {
                throw new SampleException(
                    $"The database already holds shop data ({Id(partners)} partners), probably from an earlier run of the sample, "
                    + "and the scenario starts from an empty shop. "
                    + "Give it a new, empty database with --connection, or leave --connection out to use a private server.");
            }
        }
    }

    /// <summary>Shows the audit descriptor the generator made for <see cref="Partner"/> at compile time.</summary>
    private static void ShowGeneratedCode(DbContextOptions<ShopDbContext> options, Report report)
    {
        var descriptor = AuditDescriptors.Get<Partner>();
        report.Section("What ServerTools generated");
        report.Note($"[Audited] partial class Partner -> audit descriptor '{descriptor.EntityName}'");
        report.Note("(built by the source generator at compile time; nothing is found by reflection at run time)");
        report.Blank();

        var table = new TextTable(">#", "Field", "The audit trail records");
        for (var i = 0; i < descriptor.Fields.Count; i++)
        {
            var field = descriptor.Fields[i];
            table.Row(
                i.ToString(CultureInfo.InvariantCulture),
                field.Name,
                field.IsMasked ? "that it changed, never the value  [AuditMask]" : "old and new value");
        }

        report.Table(table);

        using var db = new ShopDbContext(options);
        var audited = descriptor.Fields.Select(static f => f.Name).ToHashSet(StringComparer.Ordinal);
        var entityType = db.Model.FindEntityType(typeof(Partner))!;
        var notAudited = entityType.GetProperties().Select(static p => p.Name).Where(name => !audited.Contains(name))
            .Select(static name => name + " [AuditIgnore]")
            .Concat(entityType.GetNavigations().Select(static n => n.Name + " (a navigation, not a column)"));
        report.Blank();
        report.Note("Left out: " + string.Join(", ", notAudited));
    }

    /// <summary>Plays the scenario as the sales clerk: <see cref="AuditActor.Use"/> names her in every audit log written meanwhile.</summary>
    private static async Task PlayAsync(
        DbContextOptions<ShopDbContext> options, ScenarioClock clock, Report report, CancellationToken cancellationToken)
    {
        using var clerk = AuditActor.Use(s_clerk);

        report.Step("Partners created", clock.GetUtcNow());
        report.Note($"{Who(s_clerk)} works the shop: AuditActor.Use(...) names her in the audit logs.");
        report.Blank();
        await using (var db = new ShopDbContext(options))
        {
            var now = clock.GetUtcNow();
            db.Partners.AddRange(
                NewPartner(Customer, isCompany: true, "orders@blueharbor.example", "Hamburg", "DE", "DE89370400440532013000", now),
                NewPartner("Anna Schmidt", isCompany: false, "anna.schmidt@mail.example", "Berlin", "DE", iban: null, now),
                NewPartner("Northwind Traders", isCompany: true, "sales@northwind.example", "London", "GB", "GB82WEST12345698765432", now));
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var db = new ShopDbContext(options))
        {
            var table = new TextTable(">Id", "Name", "Kind", "City", "Country", "Email", "IBAN");
            foreach (var p in await db.Partners.AsNoTracking().OrderBy(static p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                table.Row(Id(p.Id), p.Name, p.IsCompany ? "company" : "person", p.City ?? "-", p.CountryCode, p.Email ?? "-", p.Iban is null ? "-" : "on file");
            }

            report.Table(table);
            var logs = await db.Set<AuditLog>().CountAsync(static l => l.Operation == AuditOperation.Create, cancellationToken).ConfigureAwait(false);
            report.Blank();
            report.Note(string.Create(CultureInfo.InvariantCulture, $"The same SaveChanges wrote {logs} audit logs (Create), one per partner, with all their values."));
        }

        await FindPartnersAsync(options, report, cancellationToken).ConfigureAwait(false);
        await ShowStoresAsync(options, report, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);

        report.Step("Products created", clock.Advance(TimeSpan.FromMinutes(5)));
        await using (var db = new ShopDbContext(options))
        {
            var now = clock.GetUtcNow();
            db.Products.AddRange(
                new Product { Sku = "BEANS-1KG", Name = "Espresso beans, 1 kg", UnitPrice = 24.90m, CreatedAt = now },
                new Product { Sku = "MILK-JUG", Name = "Milk jug, 0.6 l", UnitPrice = 18.50m, CreatedAt = now },
                new Product { Sku = "GRINDER-PRO", Name = "Burr grinder Pro", UnitPrice = 249.00m, CreatedAt = now },
                new Product { Sku = "CUPS-6", Name = "Cappuccino cups, set of 6", UnitPrice = 39.90m, CreatedAt = now });
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

            var table = new TextTable(">Id", "SKU", "Name", ">Unit price EUR");
            foreach (var p in await db.Products.AsNoTracking().OrderBy(static p => p.Id).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                table.Row(Id(p.Id), p.Sku, p.Name, Report.Money(p.UnitPrice));
            }

            report.Table(table);
        }

        var placedAt = clock.Advance(TimeSpan.FromMinutes(10));
        report.Step($"Order {OrderNumber} placed", placedAt);
        await using (var db = new ShopDbContext(options))
        {
            var customer = await db.Partners.SingleAsync(static p => p.Name == Customer, cancellationToken).ConfigureAwait(false);
            var products = await db.Products.ToDictionaryAsync(static p => p.Sku, StringComparer.Ordinal, cancellationToken).ConfigureAwait(false);
            var order = new SaleOrder { Number = OrderNumber, Partner = customer, CreatedAt = placedAt };
            order.AddLine(products["BEANS-1KG"], 12m);
            order.AddLine(products["MILK-JUG"], 4m);
            order.AddLine(products["GRINDER-PRO"], 1m);
            order.AddLine(products["CUPS-6"], 2m);
            db.SaleOrders.Add(order);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await ShowOrderAsync(options, report, cancellationToken).ConfigureAwait(false);

        var confirmedAt = clock.Advance(TimeSpan.FromMinutes(15));
        report.Step($"Order {OrderNumber} confirmed", confirmedAt);
        await using (var db = new ShopDbContext(options))
        {
            var order = await db.SaleOrders.Include(static o => o.Lines)
                .SingleAsync(static o => o.Number == OrderNumber, cancellationToken).ConfigureAwait(false);
            var before = order.State;
            order.Confirm(confirmedAt);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            report.Note($"State  {before} -> {order.State}, confirmed at {Report.Time(order.ConfirmedAt!.Value)}; its lines are fixed now.");
        }

        await NotifyWarehouseAsync(options, report, cancellationToken).ConfigureAwait(false);

        var partnerId = await MovePartnerAsync(options, report, clock.Advance(TimeSpan.FromHours(2)), cancellationToken).ConfigureAwait(false);
        using (AuditActor.Use(s_accountant))
        {
            await ChangeBankAccountAsync(options, report, partnerId, clock.Advance(TimeSpan.FromMinutes(15)), cancellationToken).ConfigureAwait(false);
        }

        await ConfirmOrdersAsync(options, clock, report, cancellationToken).ConfigureAwait(false);
        await SummarizeAsync(options, report, cancellationToken).ConfigureAwait(false);
        await ShowAuditTrailAsync(options, report, partnerId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Finds partners from what a clerk types, typos included: <c>[FuzzySearchable]</c> on Partner generated
    /// <c>FuzzySearchScored</c>, which PostgreSQL answers with pg_trgm and the trigram indexes of Name and Email.
    /// </summary>
    private static async Task FindPartnersAsync(DbContextOptions<ShopDbContext> options, Report report, CancellationToken cancellationToken)
    {
        await using var db = new ShopDbContext(options);
        report.Blank();
        report.Note("Partner is [FuzzySearchable] by Name and Email: the clerk finds partners with typos (pg_trgm, one trigram index per field).");
        var table = new TextTable("Typed", "Best match", ">Score", ">Matches");
        foreach (var typed in s_typed)
        {
            var hits = await db.Partners.AsNoTracking().FuzzySearchScored(typed).ToListAsync(cancellationToken).ConfigureAwait(false);
            table.Row(typed, hits.Count == 0 ? "-" : hits[0].Entity.Name, hits.Count == 0 ? "-" : hits[0].Score.ToString("0.00", CultureInfo.InvariantCulture), Id(hits.Count));
        }

        report.Table(table);
    }

    /// <summary>
    /// Opens the shop's stores, each with weekly hours in its own time zone (one with a late opening that runs past
    /// midnight, one closed for a local holiday), then asks PostgreSQL which are open now (<c>WhereOpenAt</c>, each row
    /// converted in its own zone) and each store when it next opens or closes, in its local time.
    /// </summary>
    private static async Task ShowStoresAsync(DbContextOptions<ShopDbContext> options, Report report, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var db = new ShopDbContext(options))
        {
            var weekdays = new[] { DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday };
            var hamburg = new Store { Name = "Hamburg Speicherstadt", TimeZoneId = "Europe/Berlin" };
            hamburg.TimeWindows.AddRange(weekdays.Select(static day => new TimeWindow(day, new TimeOnly(8, 0), new TimeOnly(18, 0))));
            var newYork = new Store { Name = "New York Brooklyn", TimeZoneId = "America/New_York" };
            newYork.TimeWindows.AddRange(weekdays.Select(static day => new TimeWindow(day, new TimeOnly(7, 0), new TimeOnly(19, 0))));
            newYork.TimeWindows.Add(new TimeWindow(DayOfWeek.Friday, new TimeOnly(19, 0), new TimeOnly(1, 0)));
            var kolkata = new Store { Name = "Kolkata Park Street", TimeZoneId = "Asia/Kolkata" };
            kolkata.TimeWindows.AddRange(weekdays.Select(static day => new TimeWindow(day, new TimeOnly(10, 0), new TimeOnly(20, 0))));
            kolkata.SpecialDays.Add(SpecialDay.Closed(DateOnly.FromDateTime(now.UtcDateTime)));
            var sydney = new Store { Name = "Sydney Surry Hills", TimeZoneId = "Australia/Sydney" };
            sydney.TimeWindows.AddRange(weekdays.Select(static day => new TimeWindow(day, new TimeOnly(9, 0), new TimeOnly(21, 0))));
            sydney.TimeWindows.Add(new TimeWindow(DayOfWeek.Saturday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
            var popUp = new Store { Name = "Kiel Pop-up", TimeZoneId = "Europe/Berlin" };
            popUp.TimeWindows.Add(new TimeWindow(DayOfWeek.Saturday, new TimeOnly(10, 0), new TimeOnly(16, 0)));
            db.Stores.AddRange(hamburg, newYork, kolkata, sydney, popUp);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }

        await using (var db = new ShopDbContext(options))
        {
            // An ordinary delete of a store that has opening hours (its windows and special days go with its row).
            var popUp = await db.Stores.SingleAsync(static s => s.Name == "Kiel Pop-up", cancellationToken).ConfigureAwait(false);
            db.Stores.Remove(popUp);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            report.Blank();
            report.Note($"The pop-up store closed for good: db.Stores.Remove(store) and SaveChanges deleted it (it had {popUp.TimeWindows.Count} weekly window).");
        }

        await using (var db = new ShopDbContext(options))
        {
            var open = await db.Stores.WhereOpenAt(now).OrderBy(static s => s.Name).Select(static s => s.Name).ToListAsync(cancellationToken).ConfigureAwait(false);
            report.Blank();
            report.Note("Store is [TimeWindowed] in its own time zone: PostgreSQL answers which stores are open now (WhereOpenAt).");
            report.Note($"Open at {now:yyyy-MM-dd HH:mm} UTC: {string.Join(", ", open)}");
            var table = new TextTable("Store", "Local time", "Now", "Next change");
            foreach (var store in await db.Stores.AsNoTracking().OrderBy(static s => s.Name).ToListAsync(cancellationToken).ConfigureAwait(false))
            {
                var local = TimeZoneInfo.ConvertTime(now, store.GetTimeWindowSchedule().TimeZone);
                var isOpen = store.IsOpenAt(now);
                var next = isOpen ? store.NextClosing(now) : store.NextOpening(now);
                table.Row(
                    store.Name,
                    local.ToString("ddd HH:mm", CultureInfo.InvariantCulture),
                    isOpen ? "open" : "closed",
                    next is { } at ? $"{(isOpen ? "closes" : "opens")} {at.ToString("ddd HH:mm zzz", CultureInfo.InvariantCulture)}" : "-");
            }

            report.Table(table);
        }
    }

    /// <summary>What the clerk types into the partner search.</summary>
    private static readonly string[] s_typed = ["blue harbour cofee", "ana schmid", "nortwind", "anna.schmidt@mail", "zebra"];

    /// <summary>
    /// Delivers the outbox once, as the hosted dispatcher of <c>AddTrackedChangeDispatcher</c> would: the confirmation
    /// committed above is waiting there, and <see cref="WarehouseNotifier"/> receives it.
    /// </summary>
    private static async Task NotifyWarehouseAsync(DbContextOptions<ShopDbContext> options, Report report, CancellationToken cancellationToken)
    {
        var (delivered, requests) = await DispatchOutboxAsync(options, cancellationToken).ConfigureAwait(false);
        report.Blank();
        report.Note("SaleOrder.State is [Tracked]: the same SaveChanges wrote the change to the outbox (servertools_outbox).");
        report.Note(string.Create(CultureInfo.InvariantCulture, $"A dispatcher pass delivered {delivered} change(s) to ITrackedChangeHandler<SaleOrder> services:"));
        foreach (var request in requests)
        {
            report.Note("  warehouse: " + request);
        }
    }

    /// <summary>One pass of the outbox dispatcher: how many changes it delivered, and what the warehouse was asked meanwhile.</summary>
    private static async Task<(int Delivered, IReadOnlyList<string> Requests)> DispatchOutboxAsync(
        DbContextOptions<ShopDbContext> options, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection();
        services.AddScoped(_ => new ShopDbContext(options));
        services.AddSingleton<WarehouseNotifier.Outbox>();
        services.AddScoped<ITrackedChangeHandler<SaleOrder>, WarehouseNotifier>();
        services.AddTrackedChangeDispatcher<ShopDbContext>();
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var delivered = await provider.GetRequiredService<TrackedChangeDispatcher<ShopDbContext>>().DispatchAsync(cancellationToken).ConfigureAwait(false);
        return (delivered, [.. provider.GetRequiredService<WarehouseNotifier.Outbox>().Requests]);
    }

    private static async Task ShowOrderAsync(DbContextOptions<ShopDbContext> options, Report report, CancellationToken cancellationToken)
    {
        await using var db = new ShopDbContext(options);
        var order = await db.SaleOrders.AsNoTracking()
            .Include(static o => o.Partner)
            .Include(static o => o.Lines.OrderBy(static l => l.Position)).ThenInclude(static l => l.Product)
            .SingleAsync(static o => o.Number == OrderNumber, cancellationToken).ConfigureAwait(false);

        report.Note($"Customer  {order.Partner.Name} (partner {Id(order.PartnerId)})");
        report.Note($"State     {order.State}");
        report.Blank();
        var table = new TextTable(">#", "SKU", "Description", ">Qty", ">Unit price", ">Subtotal EUR");
        foreach (var line in order.Lines)
        {
            table.Row(Id(line.Position), line.Product.Sku, line.Description, Report.Quantity(line.Quantity), Report.Money(line.UnitPrice), Report.Money(line.Subtotal));
        }

        table.Footer(string.Empty, string.Empty, "Total", string.Empty, string.Empty, Report.Money(order.AmountTotal));
        report.Table(table);
    }

    /// <summary>Moves the customer to Bremen and shows the audit log that SaveChanges wrote for it.</summary>
    /// <returns>The partner's id.</returns>
    private static async Task<int> MovePartnerAsync(
        DbContextOptions<ShopDbContext> options, Report report, DateTimeOffset at, CancellationToken cancellationToken)
    {
        report.Step($"Partner {Customer} moved to Bremen", at);
        await using var db = new ShopDbContext(options);
        var partner = await db.Partners.SingleAsync(static p => p.Name == Customer, cancellationToken).ConfigureAwait(false);
        partner.City = "Bremen";
        partner.Email = "purchasing@blueharbor.example";
        partner.UpdatedAt = at;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        var log = (await AuditTrailAsync(db, partner.Id, cancellationToken).ConfigureAwait(false))[^1];
        report.Note("SaveChanges wrote, in the same transaction, this audit log:");
        report.Blank();
        ShowLog(report, log);
        report.Blank();
        report.Note("An update logs only the fields that changed. UpdatedAt changed too, but [AuditIgnore] leaves it out.");
        return partner.Id;
    }

    /// <summary>Gives the customer a new bank account: the masked IBAN is logged as changed, without its values.</summary>
    private static async Task ChangeBankAccountAsync(
        DbContextOptions<ShopDbContext> options, Report report, int partnerId, DateTimeOffset at, CancellationToken cancellationToken)
    {
        report.Step($"New bank account for {Customer}", at);
        report.Note($"{Who(s_accountant)} changes the IBAN: a nested AuditActor.Use(...) names him.");
        report.Blank();
        await using var db = new ShopDbContext(options);
        var partner = await db.Partners.SingleAsync(p => p.Id == partnerId, cancellationToken).ConfigureAwait(false);
        partner.Iban = "DE02120300000000202051";
        partner.UpdatedAt = at;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        ShowLog(report, (await AuditTrailAsync(db, partnerId, cancellationToken).ConfigureAwait(false))[^1]);
        report.Blank();
        report.Note("Iban is [AuditMask]ed: the trail records that it changed, never the account numbers.");
    }

    /// <summary>The partner's audit trail as the database holds it, oldest first.</summary>
    private static async Task ShowAuditTrailAsync(
        DbContextOptions<ShopDbContext> options, Report report, int partnerId, CancellationToken cancellationToken)
    {
        await using var db = new ShopDbContext(options);
        var partner = await db.Partners.AsNoTracking().SingleAsync(p => p.Id == partnerId, cancellationToken).ConfigureAwait(false);
        var logs = await AuditTrailAsync(db, partnerId, cancellationToken).ConfigureAwait(false);

        report.Section($"Audit trail of partner {Id(partnerId)}, {partner.Name}");
        report.Note("db.AuditTrailByKey<Partner>(id): the logs of EntityType = descriptor.EntityName and EntityKey = the id,");
        report.Note("oldest first, each with its lines. A create lists the values; an update, old -> new.");
        foreach (var log in logs)
        {
            report.Blank();
            ShowLog(report, log);
        }
    }

    /// <summary>Reads the audit logs of one partner with their lines, oldest first, through the library's trail query.</summary>
    private static async Task<List<AuditLog>> AuditTrailAsync(ShopDbContext db, int partnerId, CancellationToken cancellationToken)
        => await db.AuditTrailByKey<Partner>(partnerId).AsNoTracking().ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>One log: when, what and who on a line, then its fields.</summary>
    private static void ShowLog(Report report, AuditLog log)
    {
        var by = log.UserId is null ? "by no known user" : $"by {log.UserName} ({log.UserId}) from {log.IpAddress}";
        report.Note($"{Report.Time(log.Timestamp)}  {log.Operation}  {by}");
        var width = log.Lines.Select(static l => l.Field.Length).DefaultIfEmpty(0).Max();
        foreach (var line in log.Lines)
        {
            var change = log.Operation switch
            {
                AuditOperation.Create => Show(line.NewValue),
                AuditOperation.Delete => Show(line.OldValue),
                _ => $"{Show(line.OldValue)} -> {Show(line.NewValue)}",
            };
            report.Note("  " + line.Field.PadRight(width) + "  " + change);
        }
    }

    private static async Task SummarizeAsync(DbContextOptions<ShopDbContext> options, Report report, CancellationToken cancellationToken)
    {
        await using var db = new ShopDbContext(options);
        var partners = await db.Partners.CountAsync(cancellationToken).ConfigureAwait(false);
        var products = await db.Products.CountAsync(cancellationToken).ConfigureAwait(false);
        var orders = await db.SaleOrders.CountAsync(cancellationToken).ConfigureAwait(false);
        var lines = await db.SaleOrderLines.CountAsync(cancellationToken).ConfigureAwait(false);
        var confirmed = await db.SaleOrders.Where(static o => o.State == SaleOrderState.Confirmed)
            .GroupBy(static o => 1)
            .Select(static g => new { Count = g.Count(), Amount = g.Sum(static o => o.AmountTotal) })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        var auditLogs = await db.Set<AuditLog>().CountAsync(cancellationToken).ConfigureAwait(false);
        var auditLines = await db.Set<AuditLog>().SelectMany(static l => l.Lines).CountAsync(cancellationToken).ConfigureAwait(false);

        var violations = await db.Set<StoredRuleViolation>().CountAsync(cancellationToken).ConfigureAwait(false);
        var ignored = await db.Set<StoredRuleViolation>().CountAsync(static v => v.IgnoredAt != null, cancellationToken).ConfigureAwait(false);
        var dataRules = await db.Set<ExceptionRuleDefinition>().CountAsync(cancellationToken).ConfigureAwait(false);

        report.Section("In the database now");
        report.Note(string.Create(CultureInfo.InvariantCulture, $"{partners} partners, {products} products, {orders} sale orders ({confirmed?.Count ?? 0} confirmed) with {lines} lines"));
        report.Note($"Confirmed sales: EUR {Report.Money(confirmed?.Amount ?? 0m)}");
        report.Note(string.Create(CultureInfo.InvariantCulture, $"{auditLogs} audit logs with {auditLines} lines, all of partners: the shop's one [Audited] entity"));
        report.Note(string.Create(CultureInfo.InvariantCulture, $"{dataRules} data rule(s), {violations} stored rule violation(s) ({ignored} of them warnings ignored)"));
    }

    private static Partner NewPartner(
        string name, bool isCompany, string email, string city, string countryCode, string? iban, DateTimeOffset now) => new()
        {
            Name = name,
            IsCompany = isCompany,
            Email = email,
            City = city,
            CountryCode = countryCode,
            Iban = iban,
            CreatedAt = now,
            UpdatedAt = now,
        };

    private static string Show(string? value) => value ?? "(null)";

    private static string Who(AuditActor actor) => $"{actor.UserName} (user {actor.UserId}, from {actor.IpAddress})";

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
