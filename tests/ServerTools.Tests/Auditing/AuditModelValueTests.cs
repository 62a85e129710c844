using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A strongly typed id, stored as its Guid (HasConversion).</summary>
public readonly record struct BuyerId(Guid Value);

/// <summary>An amount stored as a decimal through a converter configured by convention (ConfigureConventions).</summary>
public readonly record struct Price(decimal Amount);

/// <summary>An e-mail address stored as text (HasConversion).</summary>
public readonly record struct EmailAddress(string Text);

public sealed class PriceConverter() : ValueConverter<Price, decimal>(price => price.Amount, amount => new Price(amount));

public sealed class Buyer
{
    public BuyerId Id { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>Values the audit trail does not write itself: their form comes from the model.</summary>
[Audited]
public partial class Purchase
{
    public int Id { get; set; }
    public BuyerId BuyerId { get; set; }                   // a foreign key
    public BuyerId? ReferrerId { get; set; }               // an optional foreign key
    public Price Total { get; set; }
    public EmailAddress Contact { get; set; }
    public List<string> Tags { get; set; } = [];
    public List<string>? Aliases { get; set; }
    public int[] Scores { get; set; } = [];
    public DateTime[] Stamps { get; set; } = [];
    public List<BuyerId> Watchers { get; set; } = [];
    public BigInteger Weight { get; set; }
    [AuditMask] public List<string> Codes { get; set; } = [];
    [AuditMask] public BuyerId? Auditor { get; set; }
    [AuditIgnore] public int[] Internal { get; set; } = [];
    public string Note { get; set; } = "";
}

/// <summary>The same kinds of value in <see cref="AuditMode.Full"/>: every field on every update.</summary>
[Audited(Mode = AuditMode.Full)]
public partial class Tender
{
    public int Id { get; set; }
    public BuyerId BuyerId { get; set; }
    public List<string> Tags { get; set; } = [];
    public BigInteger Weight { get; set; }
    public string Note { get; set; } = "";
}

public sealed class ModelValueContext(DbContextOptions<ModelValueContext> options) : DbContext(options)
{
    public DbSet<Buyer> Buyers => Set<Buyer>();
    public DbSet<Purchase> Purchases => Set<Purchase>();
    public DbSet<Tender> Tenders => Set<Tender>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
        => configurationBuilder.Properties<Price>().HaveConversion<PriceConverter>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Buyer>().Property(b => b.Id).HasConversion(id => id.Value, value => new BuyerId(value));
        modelBuilder.Entity<Purchase>(purchase =>
        {
            purchase.Property(p => p.BuyerId).HasConversion(id => id.Value, value => new BuyerId(value));
            purchase.HasOne<Buyer>().WithMany().HasForeignKey(p => p.BuyerId);
            purchase.Property(p => p.ReferrerId).HasConversion(id => id!.Value.Value, value => new BuyerId(value));
            purchase.HasOne<Buyer>().WithMany().HasForeignKey(p => p.ReferrerId);
            purchase.Property(p => p.Auditor).HasConversion(id => id!.Value.Value, value => new BuyerId(value));
            purchase.Property(p => p.Contact).HasConversion(email => email.Text, text => new EmailAddress(text));
            purchase.PrimitiveCollection(p => p.Watchers).ElementType(e => e.HasConversion<BuyerIdConverter>());
        });
        modelBuilder.Entity<Tender>().Property(t => t.BuyerId).HasConversion(id => id.Value, value => new BuyerId(value));
    }

    public sealed class BuyerIdConverter() : ValueConverter<BuyerId, Guid>(id => id.Value, value => new BuyerId(value));
}

/// <summary>
/// Strongly typed ids and other values with a value converter are logged as the value the converter stores, primitive
/// collections as a JSON array of their elements' texts, an IFormattable value without converter by its invariant text:
/// in creates, updates (changes as EF's comparer sees them), deletes, Full mode, masked, ignored, client copies, and read back.
/// </summary>
public sealed class AuditModelValueTests(AuditModelValueTests.Database database) : IClassFixture<AuditModelValueTests.Database>
{
    public sealed class Database() : SchemaFixture<ModelValueContext>(options => new(options));

    private static readonly BuyerId s_ada = new(Guid.Parse("6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60"));
    private static readonly BuyerId s_bob = new(Guid.Parse("0a9b8c7d-6e5f-4a3b-9c2d-1e0f2a3b4c5d"));

    private static string Text(BuyerId id) => id.Value.ToString();

    private async Task<Purchase> StoreAsync(string note)
    {
        await using var context = database.Create();
        foreach (var buyer in new[] { s_ada, s_bob })
        {
            if (await context.Buyers.FindAsync(buyer) is null)
            {
                context.Buyers.Add(new Buyer { Id = buyer, Name = buyer == s_ada ? "Ada" : "Bob" });
            }
        }

        var purchase = new Purchase
        {
            BuyerId = s_ada,
            Total = new Price(12.50m),
            Contact = new EmailAddress("ada@example.org"),
            Tags = ["rush", "gift"],
            Scores = [3, 1],
            Stamps = [new DateTime(2026, 11, 21, 9, 30, 0, DateTimeKind.Utc).AddTicks(1234567)],
            Watchers = [s_bob],
            Weight = BigInteger.Parse("123456789012345678901234567890", System.Globalization.CultureInfo.InvariantCulture),
            Codes = ["A1"],
            Internal = [42],
            Note = note,
        };
        context.Purchases.Add(purchase);
        await context.SaveChangesAsync();
        return purchase;
    }

    [Fact]
    public async Task A_create_logs_converted_values_collections_and_formattable_values_in_their_documented_form()
    {
        var purchase = await StoreAsync("create");

        var logs = await Logs<Purchase>(() => database.Create(), purchase.Id);
        Assert.Equal(
            [
                ("Id", null, Key(purchase.Id)),
                ("BuyerId", null, Text(s_ada)),
                ("ReferrerId", null, null),
                ("Total", null, "12.50"),
                ("Contact", null, "ada@example.org"),
                ("Tags", null, """["rush","gift"]"""),
                ("Aliases", null, null),
                ("Scores", null, """["3","1"]"""),
                ("Stamps", null, """["2026-11-21T09:30:00.1234560Z"]"""),
                ("Watchers", null, $"""["{Text(s_bob)}"]"""),
                ("Weight", null, "123456789012345678901234567890"),
                ("Codes", null, "***"),
                ("Auditor", null, null),
                ("Note", null, "create"),
            ],
            Lines(Assert.Single(logs)));
    }

    [Fact]
    public async Task An_update_logs_a_strongly_typed_key_changed_set_and_cleared_and_nothing_when_nothing_changed()
    {
        var purchase = await StoreAsync("ids");
        await using (var context = database.Create())
        {
            var loaded = await context.Purchases.SingleAsync(p => p.Id == purchase.Id);
            loaded.BuyerId = s_bob;
            loaded.ReferrerId = s_ada;
            loaded.Total = new Price(13m);
            loaded.Contact = new EmailAddress("ada@example.com");
            loaded.Auditor = s_bob;
            loaded.Weight += 1;
            await context.SaveChangesAsync();

            loaded.ReferrerId = null;
            loaded.Auditor = null;
            await context.SaveChangesAsync();

            // Equal values in new instances: no change.
            loaded.BuyerId = new BuyerId(s_bob.Value);
            loaded.Tags = [.. loaded.Tags];
            loaded.Scores = [.. loaded.Scores];
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Purchase>(() => database.Create(), purchase.Id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Update], logs.Select(l => l.Operation));
        Assert.Equal(
            [
                ("BuyerId", Text(s_ada), Text(s_bob)),
                ("ReferrerId", null, Text(s_ada)),
                ("Total", "12.50", "13"),
                ("Contact", "ada@example.org", "ada@example.com"),
                ("Weight", "123456789012345678901234567890", "123456789012345678901234567891"),
                ("Auditor", null, "***"),
            ],
            Lines(logs[1]));
        Assert.Equal([("ReferrerId", Text(s_ada), null), ("Auditor", "***", null)], Lines(logs[2]));
    }

    [Fact]
    public async Task A_collection_changed_in_place_is_logged_whole_at_each_change_as_EF_sees_it()
    {
        var purchase = await StoreAsync("collections");
        await using (var context = database.Create())
        {
            var loaded = await context.Purchases.SingleAsync(p => p.Id == purchase.Id);
            loaded.Tags.Add("fragile");                 // added, to the same list
            await context.SaveChangesAsync();

            loaded.Tags.Remove("rush");                 // removed
            await context.SaveChangesAsync();

            loaded.Tags[0] = "present";                 // changed in place
            loaded.Scores[1] = 7;                       // an array element changed in place
            await context.SaveChangesAsync();

            loaded.Tags.Reverse();                      // reordered
            loaded.Aliases = [];                        // empty, from null
            await context.SaveChangesAsync();

            loaded.Aliases = null;
            loaded.Codes.Add("B2");                     // masked
            loaded.Internal[0] = 43;                    // ignored: no log of its own
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Purchase>(() => database.Create(), purchase.Id);
        Assert.Equal(6, logs.Count);
        Assert.Equal([("Tags", """["rush","gift"]""", """["rush","gift","fragile"]""")], Lines(logs[1]));
        Assert.Equal([("Tags", """["rush","gift","fragile"]""", """["gift","fragile"]""")], Lines(logs[2]));
        Assert.Equal(
            [("Tags", """["gift","fragile"]""", """["present","fragile"]"""), ("Scores", """["3","1"]""", """["3","7"]""")],
            Lines(logs[3]));
        Assert.Equal([("Tags", """["present","fragile"]""", """["fragile","present"]"""), ("Aliases", null, "[]")], Lines(logs[4]));
        Assert.Equal([("Aliases", "[]", null), ("Codes", "***", "***")], Lines(logs[5]));

        await using var check = database.Create();
        var stored = await check.Purchases.AsNoTracking().SingleAsync(p => p.Id == purchase.Id);
        Assert.Equal(43, Assert.Single(stored.Internal));
    }

    [Fact]
    public async Task A_delete_logs_the_old_values_in_the_same_forms()
    {
        var purchase = await StoreAsync("delete");
        await using (var context = database.Create())
        {
            context.Purchases.Remove(await context.Purchases.SingleAsync(p => p.Id == purchase.Id));
            await context.SaveChangesAsync();
        }

        var delete = (await Logs<Purchase>(() => database.Create(), purchase.Id)).Last();
        Assert.Equal(AuditOperation.Delete, delete.Operation);
        var lines = Lines(delete).ToDictionary(l => l.Field);
        Assert.Equal(("BuyerId", Text(s_ada), (string?)null), lines["BuyerId"]);
        Assert.Equal(("Tags", """["rush","gift"]""", (string?)null), lines["Tags"]);
        Assert.Equal(("Weight", "123456789012345678901234567890", (string?)null), lines["Weight"]);
        Assert.Equal(("Codes", "***", (string?)null), lines["Codes"]);
        Assert.DoesNotContain("Internal", lines.Keys);
    }

    [Fact]
    public async Task Full_mode_logs_every_such_field_on_an_update()
    {
        var tender = new Tender { BuyerId = s_ada, Tags = ["a"], Weight = 5, Note = "first" };
        await using (var context = database.Create())
        {
            context.Tenders.Add(tender);
            await context.SaveChangesAsync();
            tender.Note = "second";
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Tender>(() => database.Create(), tender.Id);
        Assert.Equal(
            [("Id", Key(tender.Id), Key(tender.Id)), ("BuyerId", Text(s_ada), Text(s_ada)), ("Tags", """["a"]""", """["a"]"""), ("Weight", "5", "5"), ("Note", "first", "second")],
            Lines(logs[1]));
    }

    [Fact]
    public async Task A_client_copy_logs_the_stored_values_as_the_old_ones_and_an_unchanged_copy_logs_nothing()
    {
        var stored = await StoreAsync("copy");
        Purchase Copy() => new()
        {
            Id = stored.Id, BuyerId = stored.BuyerId, Total = stored.Total, Contact = stored.Contact, Tags = [.. stored.Tags],
            Scores = [.. stored.Scores], Stamps = [.. stored.Stamps], Watchers = [.. stored.Watchers], Weight = stored.Weight,
            Codes = [.. stored.Codes], Internal = [.. stored.Internal], Note = stored.Note,
        };

        await using (var context = database.Create())
        {
            context.Update(Copy());
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var dto = Copy();
            dto.BuyerId = s_bob;
            dto.Tags = ["gift"];
            dto.Weight = 7;
            context.Update(dto);
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Purchase>(() => database.Create(), stored.Id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], logs.Select(l => l.Operation));
        Assert.Equal(
            [("BuyerId", Text(s_ada), Text(s_bob)), ("Tags", """["rush","gift"]""", """["gift"]"""), ("Weight", "123456789012345678901234567890", "7")],
            Lines(logs[1]));
    }

    [Fact]
    public async Task FieldHistory_and_AuditedValuesAsOf_read_the_logged_text_back()
    {
        var purchase = await StoreAsync("history");
        DateTimeOffset afterCreate;
        await using (var context = database.Create())
        {
            afterCreate = (await context.AuditTrailByKey<Purchase>(purchase.Id).SingleAsync()).Timestamp;
            var loaded = await context.Purchases.SingleAsync(p => p.Id == purchase.Id);
            loaded.Tags.Add("late");
            loaded.BuyerId = s_bob;
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var tags = await check.FieldHistory<Purchase>(nameof(Purchase.Tags), purchase.Id).ToListAsync();
        Assert.Equal(
            [(AuditOperation.Create, null, """["rush","gift"]"""), (AuditOperation.Update, """["rush","gift"]""", """["rush","gift","late"]""")],
            tags.Select(c => (c.Operation, c.OldValue, c.NewValue)));
        var buyers = await check.FieldHistory<Purchase>(nameof(Purchase.BuyerId), purchase.Id).ToListAsync();
        Assert.Equal([Text(s_ada), Text(s_bob)], buyers.Select(c => c.NewValue));

        var then = await check.AuditedValuesAsOfAsync<Purchase>(afterCreate, [purchase.Id]);
        Assert.NotNull(then);
        Assert.Equal(("""["rush","gift"]""", Text(s_ada), "***"), (then["Tags"], then["BuyerId"], then["Codes"]));
        var now = await check.AuditedValuesAsOfAsync<Purchase>(DateTimeOffset.UtcNow.AddMinutes(1), [purchase.Id]);
        Assert.Equal(("""["rush","gift","late"]""", Text(s_bob)), (now!["Tags"], now["BuyerId"]));
        Assert.False(now.ContainsKey(nameof(Purchase.Internal)));
    }
}
