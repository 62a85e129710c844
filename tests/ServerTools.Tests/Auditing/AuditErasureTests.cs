using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Auditing;

/// <summary>A person whose data an erasure request reaches: audited and tracked (creates, updates, deletes), the IBAN masked.</summary>
[Audited]
[Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update | TrackedOperations.Delete)]
public partial class Payer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    [AuditMask] public string? Iban { get; set; }
    public List<PayerInvoice> Invoices { get; set; } = [];
}

[Audited]
public partial class PayerInvoice
{
    public int Id { get; set; }
    public int PayerId { get; set; }
    public string Number { get; set; } = "";
    public List<PayerInvoiceLine> Lines { get; set; } = [];
}

[Audited]
public partial class PayerInvoiceLine
{
    public int Id { get; set; }
    public int InvoiceId { get; set; }
    public string Product { get; set; } = "";
    public decimal Amount { get; set; }
}

/// <summary>An audited entity with the concurrency token docs/auditing.md recommends: PostgreSQL's xmin.</summary>
[Audited]
public partial class PayerAddress
{
    public int Id { get; set; }
    public string City { get; set; } = "";
    [Timestamp] public uint Version { get; set; }
}

/// <summary>
/// A person whose owned entities are audited apart: addresses (<c>OwnsMany</c>, keyed <c>person|n</c>, also tracked),
/// each with door codes (an <c>OwnsMany</c> of theirs, <c>person|n|m</c>), and a card (<c>OwnsOne</c>, keyed as the
/// person). The key is text, so that escaping and LIKE's wildcards matter.
/// </summary>
[Audited]
public partial class Subscriber
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public List<SubscriberAddress> Addresses { get; set; } = [];
    public SubscriberCard? Card { get; set; }
}

/// <summary>A subscriber of a derived class (TPH), with owned entities of its own.</summary>
[Audited]
public partial class PremiumSubscriber : Subscriber
{
    public List<SubscriberGift> Gifts { get; set; } = [];
}

[Audited]
[Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update | TrackedOperations.Delete)]
public partial class SubscriberAddress
{
    public string Street { get; set; } = "";
    public List<SubscriberDoorCode> Codes { get; set; } = [];
}

[Audited]
public partial class SubscriberDoorCode
{
    public string Code { get; set; } = "";
}

[Audited]
public partial class SubscriberCard
{
    public string Number { get; set; } = "";
}

[Audited]
public partial class SubscriberGift
{
    public string Message { get; set; } = "";
}

/// <summary>A person whose class is neither audited nor tracked, with an owned badge that is audited (and so logged apart).</summary>
public class Visitor
{
    public string Id { get; set; } = "";
    public VisitorBadge Badge { get; set; } = new();
}

[Audited]
public partial class VisitorBadge
{
    public string Holder { get; set; } = "";
}

public sealed class ErasureContext(DbContextOptions<ErasureContext> options) : DbContext(options)
{
    public DbSet<Payer> Payers => Set<Payer>();
    public DbSet<PayerInvoice> Invoices => Set<PayerInvoice>();
    public DbSet<PayerInvoiceLine> InvoiceLines => Set<PayerInvoiceLine>();
    public DbSet<PayerAddress> Addresses => Set<PayerAddress>();

    public DbSet<Subscriber> Subscribers => Set<Subscriber>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PayerInvoice>().HasMany(i => i.Lines).WithOne().HasForeignKey(l => l.InvoiceId);
        modelBuilder.Entity<Subscriber>(subscriber =>
        {
            subscriber.OwnsMany(s => s.Addresses, address => address.OwnsMany(a => a.Codes));
            subscriber.OwnsOne(s => s.Card);
        });
        modelBuilder.Entity<PremiumSubscriber>().OwnsMany(p => p.Gifts);
        modelBuilder.Entity<Visitor>().OwnsOne(v => v.Badge);
    }
}

/// <summary>
/// An erasure request (<c>RedactAuditTrailAsync</c>) on PostgreSQL: the values of one entity leave the audit trail and the
/// delivered outbox, while who did what and when stays; and the admin page's trail of an invoice with its lines.
/// </summary>
public sealed class AuditErasureTests(AuditErasureTests.Database database) : IClassFixture<AuditErasureTests.Database>
{
    public sealed class Database() : SchemaFixture<ErasureContext>(options => new(options));

    [Fact]
    public async Task Redacting_a_deleted_person_erases_every_value_of_its_logs_and_handled_outbox_messages_and_keeps_who_and_when()
    {
        var email = $"ada-{Guid.NewGuid():N}@example.com";
        int id, otherId;
        await using (var context = database.Create())
        using (AuditActor.Use(new AuditActor("clerk-1", "Clerk", "203.0.113.7")))
        {
            var payer = new Payer { Name = "Ada Lovelace", Email = "ada@old.example.com", Iban = "FR7630006000011234567890189" };
            var other = new Payer { Name = "Grace Hopper", Email = "grace@example.com" };
            context.Payers.AddRange(payer, other);
            await context.SaveChangesAsync();
            payer.Email = email;
            await context.SaveChangesAsync();
            context.Payers.Remove(payer);
            await context.SaveChangesAsync();
            (id, otherId) = (payer.Id, other.Id);
        }

        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using (var context = database.Create())
        {
            // The create and the update were delivered, the update after a failure that quoted the address; the delete waits.
            var messages = await context.Set<OutboxMessage>().Where(m => m.EntityKey == key).OrderBy(m => m.Sequence).Select(m => m.Id).ToListAsync();
            Assert.Equal(3, messages.Count);
            await context.Set<OutboxMessage>().Where(m => m.Id == messages[0] || m.Id == messages[1])
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.State, OutboxState.Delivered));
            await context.Set<OutboxMessage>().Where(m => m.Id == messages[1])
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.LastError, $"Crm.SyncHandler: InvalidOperationException: {email} is taken"));
        }

        var before = await Logs(id);
        await using (var context = database.Create())
        {
            var redaction = await context.RedactAuditTrailAsync<Payer>([id]);
            Assert.Equal(new AuditRedaction(AuditLogs: 3, OutboxMessages: 2, PendingOutboxMessages: 1), redaction);

            // Done once: a second call finds nothing more to change.
            Assert.Equal(new AuditRedaction(0, 0, 1), await context.RedactAuditTrailAsync<Payer>([id]));
        }

        var after = await Logs(id);
        Assert.Equal(
            before.Select(l => (l.Id, l.Operation, l.UserId, l.UserName, l.IpAddress, l.Timestamp, l.TransactionId, Fields: string.Join(",", l.Lines.Select(x => x.Field)))),
            after.Select(l => (l.Id, l.Operation, l.UserId, l.UserName, l.IpAddress, l.Timestamp, l.TransactionId, Fields: string.Join(",", l.Lines.Select(x => x.Field)))));
        Assert.Equal(
            [AuditOperation.Create, AuditOperation.Update, AuditOperation.Delete],
            after.Select(l => l.Operation));
        Assert.All(after.SelectMany(l => l.Lines), line =>
        {
            Assert.True(line.OldValue is null or AuditTrailExtensions.RedactedValue, $"{line.Field}: {line.OldValue}");
            Assert.True(line.NewValue is null or AuditTrailExtensions.RedactedValue, $"{line.Field}: {line.NewValue}");
        });

        // A value that was null stays null: the update's line shows the e-mail changed, the create's that there was no old value.
        Assert.Equal(("Email", AuditTrailExtensions.RedactedValue, AuditTrailExtensions.RedactedValue), after[1].Lines.Select(l => (l.Field, l.OldValue, l.NewValue)).Single());
        Assert.All(after[0].Lines, line => Assert.Null(line.OldValue));

        await using (var context = database.Create())
        {
            // Nothing of the person is left in the rows' text, in the audit table or the outbox, except in the pending delete.
            foreach (var value in new[] { "Ada Lovelace", email, "ada@old.example.com" })
            {
                Assert.Equal(0, await context.Database.SqlQuery<int>(
                    $"""SELECT count(*)::int AS "Value" FROM servertools_audit_log WHERE "Lines"::text LIKE '%' || {value} || '%'""").SingleAsync());
                Assert.Equal(0, await context.Database.SqlQuery<int>(
                    $"""SELECT count(*)::int AS "Value" FROM servertools_outbox WHERE ("Fields"::text LIKE '%' || {value} || '%' OR "LastError" LIKE '%' || {value} || '%') AND "State" <> 'Pending'""").SingleAsync());
            }

            var outbox = await context.Set<OutboxMessage>().Where(m => m.EntityKey == key).OrderBy(m => m.Sequence).ToListAsync();
            Assert.Equal([TrackedOperation.Create, TrackedOperation.Update, TrackedOperation.Delete], outbox.Select(m => m.Operation));
            Assert.All(outbox.Take(2).SelectMany(m => m.Fields), f => Assert.True(f.NewValue is null or AuditTrailExtensions.RedactedValue, f.NewValue));
            Assert.Equal([null, AuditTrailExtensions.RedactedValue], outbox.Take(2).Select(m => m.LastError));
            Assert.Contains(outbox[2].Fields, f => f.OldValue == email);

            // Another person's trail is as it was.
            var others = await context.AuditTrailByKey<Payer>(otherId).ToListAsync();
            Assert.Contains(others.Single().Lines, l => l.Field == nameof(Payer.Email) && l.NewValue == "grace@example.com");
        }
    }

    [Fact]
    public async Task Redacting_chosen_fields_keeps_the_values_of_the_others()
    {
        await using var context = database.Create();
        var payer = new Payer { Name = "Kept Name", Email = "gone@example.com" };
        context.Payers.Add(payer);
        await context.SaveChangesAsync();
        payer.Email = "gone-too@example.com";
        payer.Name = "Kept Name 2";
        await context.SaveChangesAsync();

        Assert.Equal(2, (await context.RedactAuditTrailAsync<Payer>([payer.Id], [nameof(Payer.Email)])).AuditLogs);

        var trail = await context.AuditTrailByKey<Payer>(payer.Id).ToListAsync();
        Assert.Equal(
            [(null, "Kept Name"), (null, AuditTrailExtensions.RedactedValue), ("Kept Name", "Kept Name 2"), (AuditTrailExtensions.RedactedValue, AuditTrailExtensions.RedactedValue)],
            trail.SelectMany(l => l.Lines).Where(l => l.Field is nameof(Payer.Name) or nameof(Payer.Email)).Select(l => (l.OldValue, l.NewValue)));
    }

    [Fact]
    public async Task Redacting_refuses_a_class_that_is_neither_audited_nor_tracked_and_an_empty_list_of_fields()
    {
        await using var context = database.Create();

        var notAudited = await Assert.ThrowsAsync<InvalidOperationException>(() => context.RedactAuditTrailAsync<Plain>([1]));
        Assert.Contains("neither audited nor tracked", notAudited.Message, StringComparison.Ordinal);
        var noField = await Assert.ThrowsAsync<ArgumentException>(() => context.RedactAuditTrailAsync<Payer>([1], []));
        Assert.Equal("fields", noField.ParamName);
    }

    [Fact]
    public async Task Redacting_rolls_back_with_the_callers_transaction()
    {
        await using var context = database.Create();
        var payer = new Payer { Name = "Rolled Back", Email = "kept@example.com" };
        context.Payers.Add(payer);
        await context.SaveChangesAsync();

        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            Assert.Equal(1, (await context.RedactAuditTrailAsync<Payer>([payer.Id])).AuditLogs);
            await transaction.RollbackAsync();
        }

        var log = Assert.Single(await context.AuditTrailByKey<Payer>(payer.Id).ToListAsync());
        Assert.Contains(log.Lines, l => l.NewValue == "kept@example.com");
    }

    /// <summary>
    /// The role docs/auditing.md gives erasure requests: it reads both tables and may update only the columns that hold
    /// values, so it erases them and cannot rewrite who did what.
    /// </summary>
    [Fact]
    public async Task An_erasure_role_with_update_on_the_value_columns_only_redacts_and_cannot_change_who_or_when()
    {
        int id;
        await using (var context = database.Create())
        {
            var payer = new Payer { Name = "Role Test", Email = "role@example.com" };
            context.Payers.Add(payer);
            await context.SaveChangesAsync();
            id = payer.Id;
            await context.Set<OutboxMessage>().Where(m => m.EntityKey == id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ExecuteUpdateAsync(m => m.SetProperty(x => x.State, OutboxState.Delivered));
        }

        var role = $"st_erasure_{Guid.NewGuid().ToString("N")[..8]}";
        await using (var owner = database.Create())
        {
            // The statements of docs/auditing.md, "Erasure requests". A role name is an identifier: it cannot be a parameter.
            var grants = $"""
                CREATE ROLE {role} LOGIN PASSWORD 'erasure-secret';
                GRANT USAGE ON SCHEMA public TO {role};
                GRANT SELECT, UPDATE ("Lines") ON servertools_audit_log TO {role};
                GRANT SELECT, UPDATE ("Fields", "LastError") ON servertools_outbox TO {role};
                """;
            await owner.Database.ExecuteSqlRawAsync(grants);
        }

        try
        {
            var connection = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "erasure-secret" };
            await using var context = new ErasureContext(new DbContextOptionsBuilder<ErasureContext>().UseNpgsql(connection.ConnectionString).UseServerTools().Options);
            Assert.Equal(new AuditRedaction(1, 1, 0), await context.RedactAuditTrailAsync<Payer>([id]));

            var refused = await Assert.ThrowsAsync<PostgresException>(() => context.Set<AuditLog>()
                .Where(l => l.EntityKey == id.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .ExecuteUpdateAsync(l => l.SetProperty(x => x.UserName, "someone else")));
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, refused.SqlState);
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var owner = database.Create();
            var drop = $"DROP OWNED BY {role}; DROP ROLE {role};";
            await owner.Database.ExecuteSqlRawAsync(drop);
        }
    }

    /// <summary>
    /// The admin page of docs/auditing.md, "Reading the trail": an invoice's trail with its lines', newest first. A line's
    /// update in <c>Changes</c> mode holds only the fields that changed, not its <c>InvoiceId</c>, so the lines are found by
    /// the keys of those whose logs name the invoice, and then every log of those keys.
    /// </summary>
    [Fact]
    public async Task The_trail_of_an_invoice_with_its_lines_finds_the_logs_of_lines_added_changed_and_removed()
    {
        int invoiceId;
        await using (var context = database.Create())
        {
            var payer = new Payer { Name = "Invoice Owner", Email = "owner@example.com" };
            var invoice = new PayerInvoice { Number = "INV-1", Lines = [new() { Product = "Tea", Amount = 3m }, new() { Product = "Cake", Amount = 5m }] };
            var other = new PayerInvoice { Number = "INV-2", Lines = [new() { Product = "Coffee", Amount = 4m }] };
            payer.Invoices.AddRange([invoice, other]);
            context.Payers.Add(payer);
            await context.SaveChangesAsync();
            invoice.Lines[0].Amount = 4m;
            context.InvoiceLines.Remove(invoice.Lines[1]);
            await context.SaveChangesAsync();
            invoiceId = invoice.Id;
        }

        await using var db = database.Create();

        // The snippet of the docs, as written there.
        var invoiceType = typeof(PayerInvoice).FullName!;
        var lineType = typeof(PayerInvoiceLine).FullName!;
        var key = AuditKey.Format(invoiceId);
        var lineKeys = db.Set<AuditLog>()
            .Where(l => l.EntityType == lineType
                && l.Lines.Any(x => x.Field == nameof(PayerInvoiceLine.InvoiceId) && (x.NewValue == key || x.OldValue == key)))
            .Select(l => l.EntityKey);
        var trail = await db.Set<AuditLog>()
            .Where(l => (l.EntityType == invoiceType && l.EntityKey == key)
                || (l.EntityType == lineType && lineKeys.Contains(l.EntityKey)))
            .OrderByDescending(l => l.Timestamp).ThenByDescending(l => l.Id)
            .ToListAsync();

        Assert.Equal(
            [(invoiceType, AuditOperation.Create), (lineType, AuditOperation.Create), (lineType, AuditOperation.Create), (lineType, AuditOperation.Update), (lineType, AuditOperation.Delete)],
            trail.Select(l => (l.EntityType, l.Operation)).Order());
        Assert.Equal([AuditOperation.Update, AuditOperation.Delete], trail.Take(2).Select(l => l.Operation).Order());
        Assert.DoesNotContain(trail, l => l.Lines.Any(x => x.Field == nameof(PayerInvoiceLine.Product) && x.NewValue == "Coffee"));

        // The lines' own condition alone misses the update, whose log holds only Amount.
        var direct = await db.Set<AuditLog>()
            .Where(l => l.EntityType == lineType && l.Lines.Any(x => x.Field == nameof(PayerInvoiceLine.InvoiceId) && (x.NewValue == key || x.OldValue == key)))
            .Select(l => l.Operation)
            .ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Create, AuditOperation.Delete], direct.Order());
    }

    /// <summary>
    /// docs/auditing.md, "Parallel updates": without a concurrency token, two requests that loaded the same row both log
    /// the value they loaded as the old one, so the trail does not chain; with xmin, the second save fails and the trail chains.
    /// </summary>
    [Fact]
    public async Task Parallel_updates_chain_their_old_values_only_with_a_concurrency_token()
    {
        int payerId, addressId;
        await using (var context = database.Create())
        {
            var payer = new Payer { Name = "Parallel", Email = "a@example.com" };
            var address = new PayerAddress { City = "Lyon" };
            context.AddRange(payer, address);
            await context.SaveChangesAsync();
            (payerId, addressId) = (payer.Id, address.Id);
        }

        await using (var first = database.Create())
        await using (var second = database.Create())
        {
            var (one, two) = (await first.Payers.SingleAsync(p => p.Id == payerId), await second.Payers.SingleAsync(p => p.Id == payerId));
            one.Email = "b@example.com";
            two.Email = "c@example.com";
            await first.SaveChangesAsync();
            await second.SaveChangesAsync();

            var (lyon, alsoLyon) = (await first.Addresses.SingleAsync(a => a.Id == addressId), await second.Addresses.SingleAsync(a => a.Id == addressId));
            lyon.City = "Paris";
            alsoLyon.City = "Nice";
            await first.SaveChangesAsync();
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => second.SaveChangesAsync());
        }

        await using var db = database.Create();
        var emails = await db.FieldHistory<Payer>(nameof(Payer.Email), payerId).Select(c => new { c.OldValue, c.NewValue }).ToListAsync();
        Assert.Equal([(null, "a@example.com"), ("a@example.com", "b@example.com"), ("a@example.com", "c@example.com")], emails.Select(c => (c.OldValue, c.NewValue)));
        var cities = await db.FieldHistory<PayerAddress>(nameof(PayerAddress.City), addressId).Select(c => new { c.OldValue, c.NewValue }).ToListAsync();
        Assert.Equal([(null, "Lyon"), ("Lyon", "Paris")], cities.Select(c => (c.OldValue, c.NewValue)));
        Assert.Equal("xmin", db.Model.FindEntityType(typeof(PayerAddress))!.FindProperty(nameof(PayerAddress.Version))!.GetColumnName());
    }

    /// <summary>
    /// An erasure reaches the logs and delivered outbox messages of the person's owned entities logged apart (their
    /// elements' ids are gone with the person, so they could not be redacted by key), and of theirs, and no other
    /// person's: not those of <c>10</c> for <c>1</c>, nor those of <c>ab</c> for <c>a%</c>, which an unescaped
    /// <c>LIKE 'a%|%'</c> would match, nor those of <c>a|x</c> (keys <c>a\|x|1</c>) for <c>a\</c>, whose prefix
    /// <c>a\|</c> they would start with if its part were not escaped (<c>a\\|</c>).
    /// </summary>
    [Fact]
    public async Task Redacting_a_person_erases_the_values_of_its_owned_entities_and_of_theirs_and_of_no_other_owner()
    {
        string[] ids = ["1", "10", "a%", "ab", "a\\", "a|x"];
        string[] erased = ["1", "a%", "a\\"];
        var run = Guid.NewGuid().ToString("N")[..8];
        var secrets = ids.ToDictionary(id => id, id => $"{run}-{Guid.NewGuid():N}");
        await using (var context = database.Create())
        {
            foreach (var id in ids)
            {
                var secret = secrets[id];
                context.Subscribers.Add(new Subscriber
                {
                    Id = $"{run}{id}",
                    Name = $"{secret} name",
                    Addresses = [new() { Street = $"{secret} street", Codes = [new() { Code = $"{secret} code" }] }],
                    Card = new() { Number = $"{secret} card" },
                });
            }

            await context.SaveChangesAsync();
            foreach (var subscriber in context.Subscribers.Local)
            {
                subscriber.Addresses[0].Street += " changed";
                subscriber.Addresses[0].Codes[0].Code += " changed";
                subscriber.Card!.Number += " changed";
            }

            await context.SaveChangesAsync();
            context.Subscribers.RemoveRange(context.Subscribers.Local.Where(s => erased.Any(id => s.Id == run + id)));
            await context.SaveChangesAsync();
            await context.Set<OutboxMessage>().Where(m => m.EntityKey.StartsWith(run)).ExecuteUpdateAsync(m => m.SetProperty(x => x.State, OutboxState.Delivered));
        }

        // The person's create (its name), the create and update of its address, code and card, and the deletes of the deleted;
        // the address's create, update and delete in the outbox.
        var before = new Dictionary<string, (int Logs, int Messages)>();
        foreach (var id in ids)
        {
            before[id] = await Holding(secrets[id]);
            Assert.Equal(erased.Contains(id) ? (11, 3) : (7, 2), before[id]);
        }

        await using (var context = database.Create())
        {
            foreach (var id in erased)
            {
                // The person's create and delete, and the create, update and delete of its address, code and card.
                Assert.Equal(new AuditRedaction(AuditLogs: 11, OutboxMessages: 3, PendingOutboxMessages: 0), await context.RedactAuditTrailAsync<Subscriber>([run + id]));
            }
        }

        foreach (var id in ids)
        {
            var left = await Holding(secrets[id]);
            if (erased.Contains(id))
            {
                Assert.Equal((0, 0), left);
            }
            else
            {
                Assert.Equal(before[id], left);
            }
        }
    }

    /// <summary>The owned entities of a class derived from the one named (TPH) are reached too.</summary>
    [Fact]
    public async Task Redacting_a_person_by_its_base_class_erases_the_values_of_the_owned_entities_of_its_derived_class()
    {
        var id = $"premium-{Guid.NewGuid():N}";
        var secret = $"gift-{Guid.NewGuid():N}";
        await using (var context = database.Create())
        {
            var premium = new PremiumSubscriber { Id = id, Name = "Premium", Gifts = [new() { Message = secret }] };
            context.Subscribers.Add(premium);
            await context.SaveChangesAsync();
            context.Subscribers.Remove(premium);
            await context.SaveChangesAsync();
        }

        Assert.Equal(2, (await Holding(secret)).Logs);
        await using (var context = database.Create())
        {
            Assert.Equal(4, (await context.RedactAuditTrailAsync<Subscriber>([id])).AuditLogs);
        }

        Assert.Equal((0, 0), await Holding(secret));
    }

    /// <summary>An entity whose class is neither audited nor tracked is erased through the owned entities that are.</summary>
    [Fact]
    public async Task Redacting_a_person_of_a_class_not_audited_erases_the_values_of_its_audited_owned_entity()
    {
        var id = $"visitor-{Guid.NewGuid():N}";
        var secret = $"holder-{Guid.NewGuid():N}";
        await using (var context = database.Create())
        {
            var visitor = new Visitor { Id = id, Badge = new() { Holder = secret } };
            context.Add(visitor);
            await context.SaveChangesAsync();
            context.Remove(visitor);
            await context.SaveChangesAsync();
        }

        Assert.Equal(2, (await Holding(secret)).Logs);
        await using (var context = database.Create())
        {
            Assert.Equal(new AuditRedaction(2, 0, 0), await context.RedactAuditTrailAsync<Visitor>([id]));
        }

        Assert.Equal((0, 0), await Holding(secret));
    }

    /// <summary>How many audit logs and non-pending outbox messages hold <paramref name="value"/> in their values.</summary>
    private async Task<(int Logs, int Messages)> Holding(string value)
    {
        await using var context = database.Create();
        var logs = await context.Database.SqlQuery<int>(
            $"""SELECT count(*)::int AS "Value" FROM servertools_audit_log WHERE "Lines"::text LIKE '%' || {value} || '%'""").SingleAsync();
        var messages = await context.Database.SqlQuery<int>(
            $"""SELECT count(*)::int AS "Value" FROM servertools_outbox WHERE ("Fields"::text LIKE '%' || {value} || '%' OR "LastError" LIKE '%' || {value} || '%') AND "State" <> 'Pending'""").SingleAsync();
        return (logs, messages);
    }

    private async Task<List<AuditLog>> Logs(int id)
    {
        await using var context = database.Create();
        return await context.AuditTrailByKey<Payer>(id).ToListAsync();
    }
}
