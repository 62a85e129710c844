using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Auditing;
using ServerTools.Sample.Data;
using ServerTools.Sample.Model;
using ServerTools.Testing;

namespace ServerTools.Sample.Scenario;

/// <summary>
/// The scripted tour of the shop: make the schema, show what ServerTools generated, create partners and
/// products, place and confirm an order, change a partner. Fixed data and a fixed clock: every run prints the same.
/// </summary>
internal static class ShopScenario
{
    private const string OrderNumber = "SO-2026-0001";
    private static readonly DateTimeOffset s_start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

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

            var options = ShopDbContextFactory.CreateOptions(connectionString);
            await PrepareDatabaseAsync(options, where, report, cancellationToken).ConfigureAwait(false);
            ShowGeneratedCode(options, report);
            await PlayAsync(options, report, cancellationToken).ConfigureAwait(false);
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

    private static async Task PlayAsync(DbContextOptions<ShopDbContext> options, Report report, CancellationToken cancellationToken)
    {
        var clock = new ScenarioClock(s_start);

        report.Step("Partners created", clock.GetUtcNow());
        await using (var db = new ShopDbContext(options))
        {
            var now = clock.GetUtcNow();
            db.Partners.AddRange(
                NewPartner("Blue Harbor Coffee Roasters", isCompany: true, "orders@blueharbor.example", "Hamburg", "DE", "DE89370400440532013000", now),
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
        }

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
            var customer = await db.Partners.SingleAsync(static p => p.Name == "Blue Harbor Coffee Roasters", cancellationToken).ConfigureAwait(false);
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

        await ChangePartnerAsync(options, report, clock.Advance(TimeSpan.FromHours(2)), cancellationToken).ConfigureAwait(false);
        await SummarizeAsync(options, report, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Changes a partner and shows the change field by field, read through the generated audit descriptor.</summary>
    private static async Task ChangePartnerAsync(
        DbContextOptions<ShopDbContext> options, Report report, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var descriptor = AuditDescriptors.Get<Partner>();
        report.Step("Partner Blue Harbor Coffee Roasters moved to Bremen", at);
        await using var db = new ShopDbContext(options);
        var partner = await db.Partners.SingleAsync(static p => p.Name == "Blue Harbor Coffee Roasters", cancellationToken).ConfigureAwait(false);
        var before = Values(descriptor, partner);

        partner.City = "Bremen";
        partner.Email = "purchasing@blueharbor.example";
        partner.Iban = "DE02120300000000202051";
        partner.UpdatedAt = at;
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);

        var after = Values(descriptor, partner);
        var table = new TextTable("Field", "Before", "After");
        for (var i = 0; i < descriptor.Fields.Count; i++)
        {
            if (!Equals(before[i], after[i]))
            {
                var masked = descriptor.Fields[i].IsMasked;
                table.Row(descriptor.Fields[i].Name, masked ? "(masked)" : Show(before[i]), masked ? "(masked)" : Show(after[i]));
            }
        }

        report.Note("The change as the audit trail sees it, field by field through the generated descriptor:");
        report.Blank();
        report.Table(table);
        report.Blank();
        report.Note("UpdatedAt changed too, but [AuditIgnore] leaves it out; the IBAN is [AuditMask]ed.");
        report.Note("(Writing these lines to the AuditLog table comes with the audit trail interceptor.)");
    }

    private static async Task SummarizeAsync(DbContextOptions<ShopDbContext> options, Report report, CancellationToken cancellationToken)
    {
        await using var db = new ShopDbContext(options);
        var partners = await db.Partners.CountAsync(cancellationToken).ConfigureAwait(false);
        var products = await db.Products.CountAsync(cancellationToken).ConfigureAwait(false);
        var lines = await db.SaleOrderLines.CountAsync(cancellationToken).ConfigureAwait(false);
        var confirmed = await db.SaleOrders.Where(static o => o.State == SaleOrderState.Confirmed)
            .GroupBy(static o => 1)
            .Select(static g => new { Count = g.Count(), Amount = g.Sum(static o => o.AmountTotal) })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        report.Section("In the database now");
        report.Note(string.Create(CultureInfo.InvariantCulture, $"{partners} partners, {products} products, {confirmed?.Count ?? 0} confirmed sale order with {lines} lines"));
        report.Note($"Confirmed sales: EUR {Report.Money(confirmed?.Amount ?? 0m)}");
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

    private static object?[] Values(AuditDescriptor<Partner> descriptor, Partner partner) =>
        [.. Enumerable.Range(0, descriptor.Fields.Count).Select(i => descriptor.GetValue(partner, i))];

    private static string Show(object? value) => value switch
    {
        null => "-",
        DateTimeOffset time => Report.Time(time),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "-",
    };

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
