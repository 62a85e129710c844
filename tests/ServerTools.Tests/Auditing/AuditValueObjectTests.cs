using System.Collections.Generic;
using System.ComponentModel.DataAnnotations.Schema;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A complex type by attribute: stored in the client's row, tracked in the client's entry.</summary>
[ComplexType]
public sealed class PostalAddress
{
    public string Street { get; set; } = "";
    public string City { get; set; } = "";
}

/// <summary>An owned type by attribute: tracked as an entry of its own.</summary>
[Owned]
public sealed class ContactInfo
{
    public string? Email { get; set; }
    [AuditMask] public string? Phone { get; set; }
}

/// <summary>No attribute: made owned by <c>OwnsOne</c> in the model.</summary>
public sealed class GeoPoint
{
    public double Latitude { get; set; }
    public double Longitude { get; set; }
}

public sealed class SalesRegion
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

[Audited]
public partial class Client
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public PostalAddress Billing { get; set; } = new();
    public ContactInfo Contact { get; set; } = new();
    public GeoPoint? Location { get; set; }
    public int? SalesRegionId { get; set; }
    public SalesRegion? SalesRegion { get; set; }
}

/// <summary>A value object mapped as an optional complex property (<c>ComplexProperty</c> of a nullable type).</summary>
public sealed class Money
{
    public decimal Amount { get; set; }
    public string Currency { get; set; } = "";
}

/// <summary>An optional complex value with an optional complex value inside.</summary>
public sealed class Envelope
{
    public string Label { get; set; } = "";
    public Money? Inner { get; set; }
}

/// <summary>An optional complex value whose only required property is a value type: no property can hold null.</summary>
public sealed class Rate
{
    public decimal Percent { get; set; }
    public int? Cap { get; set; }
}

[Audited]
public partial class Wallet
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public Money? Cash { get; set; }
    [AuditMask] public Money? Hidden { get; set; }
    public Envelope? Wrap { get; set; }
    public Money? Stored { get; set; }
    public Rate? Fee { get; set; }
}

/// <summary>An element of an owned collection (<c>OwnsMany</c>), audited as an entity of its own.</summary>
[Audited]
public partial class PhoneLine
{
    public int Id { get; set; }
    public string Number { get; set; } = "";
    [AuditMask] public string? Pin { get; set; }
}

[Audited]
public partial class Member
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<PhoneLine> Phones { get; set; } = [];
}

public sealed class ValueObjectContext(DbContextOptions<ValueObjectContext> options) : DbContext(options)
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<SalesRegion> SalesRegions => Set<SalesRegion>();
    public DbSet<Wallet> Wallets => Set<Wallet>();
    public DbSet<Member> Members => Set<Member>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Client>().OwnsOne(c => c.Location);
        modelBuilder.Entity<Member>().OwnsMany(m => m.Phones);
        modelBuilder.Entity<Wallet>(wallet =>
        {
            wallet.ComplexProperty(w => w.Cash);
            wallet.ComplexProperty(w => w.Hidden);
            wallet.ComplexProperty(w => w.Wrap, wrap => wrap.ComplexProperty(e => e.Inner));
            wallet.ComplexProperty(w => w.Stored, stored => stored.ToJson());
            wallet.ComplexProperty(w => w.Fee);
        });
    }
}

/// <summary>Owned and complex properties are logged flattened, as <c>Billing.City</c>.</summary>
public sealed class AuditValueObjectTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    public sealed class Database() : SchemaFixture<ValueObjectContext>(options => new(options));

    [Fact]
    public void Descriptor_flattens_value_objects_and_leaves_navigations_to_entities_out()
    {
        Assert.Equal(
            [
                ("Id", false), ("Name", false), ("Billing.Street", false), ("Billing.City", false), ("Contact.Email", false),
                ("Contact.Phone", true), ("Location.Latitude", false), ("Location.Longitude", false), ("SalesRegionId", false),
            ],
            AuditDescriptors.Get<Client>().Fields.Select(f => (f.Name, f.IsMasked)));
    }

    [Fact]
    public async Task Create_and_delete_log_every_flattened_field()
    {
        var client = NewClient("vo-create");
        await using (var context = database.Create())
        {
            context.Clients.Add(client);
            await context.SaveChangesAsync();
            context.Clients.Remove(client);
            await context.SaveChangesAsync();
        }

        var logs = await Logs(client.Id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], logs.Select(l => l.Operation));
        Assert.Equal(
            [
                ("Id", null, Key(client.Id)), ("Name", null, "vo-create"), ("Billing.Street", null, "1 Quay"), ("Billing.City", null, "Lyon"),
                ("Contact.Email", null, "a@example.com"), ("Contact.Phone", null, "***"), ("Location.Latitude", null, "45.76"),
                ("Location.Longitude", null, "4.84"), ("SalesRegionId", null, null),
            ],
            Lines(logs[0]));
        Assert.Contains(("Billing.City", "Lyon", null), Lines(logs[1]));
        Assert.Contains(("Location.Latitude", "45.76", null), Lines(logs[1]));
        Assert.Contains(("Contact.Email", "a@example.com", null), Lines(logs[1]));
    }

    [Fact]
    public async Task Change_inside_a_complex_or_an_owned_value_logs_an_update_of_the_owner()
    {
        var id = await Insert(NewClient("vo-update"));
        await using (var context = database.Create())
        {
            var client = await context.Clients.SingleAsync(c => c.Id == id);
            client.Billing.City = "Paris";
            await context.SaveChangesAsync();

            client.Location!.Latitude = 48.85;
            client.Contact.Phone = "+33 1";
            await context.SaveChangesAsync();
        }

        var updates = (await Logs(id)).Where(l => l.Operation == AuditOperation.Update).ToList();
        Assert.Equal(2, updates.Count);
        Assert.Equal([("Billing.City", "Lyon", "Paris")], Lines(updates[0]));
        Assert.Equal([("Contact.Phone", "***", "***"), ("Location.Latitude", "45.76", "48.85")], Lines(updates[1]));
    }

    [Fact]
    public async Task Replaced_and_removed_owned_values_log_their_old_values()
    {
        var id = await Insert(NewClient("vo-replace"));
        await using (var context = database.Create())
        {
            var client = await context.Clients.SingleAsync(c => c.Id == id);
            client.Location = new GeoPoint { Latitude = 43.3, Longitude = 4.84 };
            await context.SaveChangesAsync();

            client.Location = null;
            await context.SaveChangesAsync();
        }

        var updates = (await Logs(id)).Where(l => l.Operation == AuditOperation.Update).ToList();
        Assert.Equal(2, updates.Count);
        Assert.Equal([("Location.Latitude", "45.76", "43.3")], Lines(updates[0]));
        Assert.Equal([("Location.Latitude", "43.3", null), ("Location.Longitude", "4.84", null)], Lines(updates[1]));
    }

    [Fact]
    public async Task Optional_complex_value_set_to_null_logs_null_new_values_masked_or_not()
    {
        var id = await Insert(NewWallet("oc-null"));
        await using (var context = database.Create())
        {
            var wallet = await context.Wallets.SingleAsync(w => w.Id == id);
            wallet.Cash = null;
            wallet.Hidden = null;
            wallet.Stored = null;
            wallet.Fee = null;
            await context.SaveChangesAsync();
        }

        Assert.Equal([null, null, null, null, null, null], await Columns(id, "Cash_Amount", "Cash_Currency", "Hidden_Amount", "Hidden_Currency", "Stored", "Fee_Percent"));
        var update = Assert.Single(await Logs<Wallet>(() => database.Create(), id), l => l.Operation == AuditOperation.Update);
        Assert.Equal(
            [
                ("Cash.Amount", "5.25", null), ("Cash.Currency", "EUR", null), ("Hidden.Amount", "***", null), ("Hidden.Currency", "***", null),
                ("Stored.Amount", "7", null), ("Stored.Currency", "USD", null), ("Fee.Percent", "1.5", null), ("Fee.Cap", "10", null),
            ],
            Lines(update));
    }

    [Fact]
    public async Task Optional_complex_value_that_was_null_logs_null_old_values_and_its_delete_logs_null()
    {
        var wallet = NewWallet("oc-from-null");
        wallet.Cash = null;
        wallet.Hidden = null;
        wallet.Wrap = null;
        wallet.Stored = null;
        wallet.Fee = null;
        var id = await Insert(wallet);
        await using (var context = database.Create())
        {
            var loaded = await context.Wallets.SingleAsync(w => w.Id == id);
            loaded.Name = "renamed";
            await context.SaveChangesAsync();

            loaded.Cash = new Money { Amount = 3, Currency = "CHF" };
            loaded.Hidden = new Money { Amount = 4, Currency = "X" };
            loaded.Wrap = new Envelope { Label = "w", Inner = new Money { Amount = 2, Currency = "GBP" } };
            loaded.Stored = new Money { Amount = 1, Currency = "JPY" };
            loaded.Fee = new Rate { Percent = 2, Cap = 5 };
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var loaded = await context.Wallets.SingleAsync(w => w.Id == id);
            loaded.Cash = null;
            loaded.Wrap = null;
            await context.SaveChangesAsync();
            context.Wallets.Remove(loaded);
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Wallet>(() => database.Create(), id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Update, AuditOperation.Update, AuditOperation.Delete], logs.Select(l => l.Operation));
        Assert.Equal(
            [
                ("Id", null, Key(id)), ("Name", null, "oc-from-null"), ("Cash.Amount", null, null), ("Cash.Currency", null, null),
                ("Hidden.Amount", null, null), ("Hidden.Currency", null, null), ("Wrap.Label", null, null), ("Wrap.Inner.Amount", null, null),
                ("Wrap.Inner.Currency", null, null), ("Stored.Amount", null, null), ("Stored.Currency", null, null), ("Fee.Percent", null, null),
                ("Fee.Cap", null, null),
            ],
            Lines(logs[0]));
        Assert.Equal([("Name", "oc-from-null", "renamed")], Lines(logs[1]));
        Assert.Equal(
            [
                ("Cash.Amount", null, "3"), ("Cash.Currency", null, "CHF"), ("Hidden.Amount", null, "***"), ("Hidden.Currency", null, "***"),
                ("Wrap.Label", null, "w"), ("Wrap.Inner.Amount", null, "2"), ("Wrap.Inner.Currency", null, "GBP"), ("Stored.Amount", null, "1"),
                ("Stored.Currency", null, "JPY"), ("Fee.Percent", null, "2"), ("Fee.Cap", null, "5"),
            ],
            Lines(logs[2]));
        Assert.Equal(
            [
                ("Cash.Amount", "3", null), ("Cash.Currency", "CHF", null), ("Wrap.Label", "w", null), ("Wrap.Inner.Amount", "2", null),
                ("Wrap.Inner.Currency", "GBP", null),
            ],
            Lines(logs[3]));
        Assert.Equal(
            [
                ("Id", Key(id), null), ("Name", "renamed", null), ("Cash.Amount", null, null), ("Cash.Currency", null, null),
                ("Hidden.Amount", "***", null), ("Hidden.Currency", "***", null), ("Wrap.Label", null, null), ("Wrap.Inner.Amount", null, null),
                ("Wrap.Inner.Currency", null, null), ("Stored.Amount", "1", null), ("Stored.Currency", "JPY", null), ("Fee.Percent", "2", null),
                ("Fee.Cap", "5", null),
            ],
            Lines(logs[4]));
    }

    [Fact]
    public async Task Nested_optional_complex_value_set_to_null_logs_what_the_columns_hold()
    {
        var wallet = NewWallet("oc-nested");
        wallet.Wrap!.Inner!.Amount = 0;
        var id = await Insert(wallet);
        await using (var context = database.Create())
        {
            var loaded = await context.Wallets.SingleAsync(w => w.Id == id);
            loaded.Wrap!.Inner = null;
            await context.SaveChangesAsync();
        }

        // EF Core 10.0.0 did not write a property of its default value when the complex value holding it was set to null
        // (dotnet/efcore#37890): the column kept 0, and the log, which follows what EF writes, left the amount out. The EF
        // Core ServerTools requires writes it.
        var columns = await Columns(id, "Wrap_Label", "Wrap_Inner_Amount", "Wrap_Inner_Currency");
        Assert.Equal("w", columns[0]);
        Assert.Null(columns[1]);
        Assert.Null(columns[2]);
        var update = Assert.Single(await Logs<Wallet>(() => database.Create(), id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Wrap.Inner.Amount", "0", null), ("Wrap.Inner.Currency", "EUR", null)], Lines(update));
    }

    [Fact]
    public async Task Nested_optional_complex_value_set_from_null_to_a_default_amount_logs_what_the_columns_hold()
    {
        var wallet = NewWallet("oc-nested-from-null");
        wallet.Wrap!.Inner = null;
        var id = await Insert(wallet);
        await using (var context = database.Create())
        {
            var loaded = await context.Wallets.SingleAsync(w => w.Id == id);
            loaded.Wrap!.Inner = new Money { Amount = 0, Currency = "EUR" };
            await context.SaveChangesAsync();
        }

        // EF Core 10.0.0 did not write the amount of its default value (dotnet/efcore#37386): the column stayed null, and
        // the log, which follows what EF writes, left it out. The EF Core ServerTools requires writes it.
        var columns = await Columns(id, "Wrap_Inner_Amount", "Wrap_Inner_Currency");
        Assert.Equal("0", columns[0]);
        Assert.Equal("EUR", columns[1]);
        var update = Assert.Single(await Logs<Wallet>(() => database.Create(), id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Wrap.Inner.Amount", null, "0"), ("Wrap.Inner.Currency", null, "EUR")], Lines(update));
    }

    [Fact]
    public async Task Elements_of_an_owned_collection_of_an_audited_class_are_logged_as_entities_of_their_own()
    {
        var member = new Member { Name = "m", Phones = [new PhoneLine { Number = "111", Pin = "1234" }, new PhoneLine { Number = "222" }] };
        await using (var context = database.Create())
        {
            context.Members.Add(member);
            await context.SaveChangesAsync();
        }

        var (first, second) = (member.Phones[0].Id, member.Phones[1].Id);
        int third;
        await using (var context = database.Create())
        {
            var loaded = await context.Members.SingleAsync(m => m.Id == member.Id);
            loaded.Phones.Single(p => p.Id == first).Number = "112";
            loaded.Phones.RemoveAll(p => p.Id == second);
            var added = new PhoneLine { Number = "333" };
            loaded.Phones.Add(added);
            await context.SaveChangesAsync();
            third = added.Id;
        }

        await using var read = database.Create();
        var logs = await read.Set<AuditLog>().AsNoTracking()
            .Where(l => l.EntityType == typeof(PhoneLine).FullName && l.EntityKey.StartsWith(Key(member.Id) + "|"))
            .OrderBy(l => l.Id)
            .ToListAsync();
        string PhoneKey(int id) => Key(member.Id) + "|" + Key(id);
        Assert.Equal(
            new[]
            {
                (PhoneKey(first), AuditOperation.Create), (PhoneKey(second), AuditOperation.Create), (PhoneKey(first), AuditOperation.Update),
                (PhoneKey(second), AuditOperation.Delete), (PhoneKey(third), AuditOperation.Create),
            }.Order(),
            logs.Select(static l => (l.EntityKey, l.Operation)).Order());
        List<(string, string?, string?)> LinesOf(int id, AuditOperation operation) => Lines(logs.Single(l => l.EntityKey == PhoneKey(id) && l.Operation == operation));
        Assert.Equal([("Id", null, Key(first)), ("Number", null, "111"), ("Pin", null, "***"), ("MemberId", null, Key(member.Id))], LinesOf(first, AuditOperation.Create));
        Assert.Equal([("Number", "111", "112")], LinesOf(first, AuditOperation.Update));
        Assert.Equal([("Id", Key(second), null), ("Number", "222", null), ("Pin", null, null), ("MemberId", Key(member.Id), null)], LinesOf(second, AuditOperation.Delete));
        Assert.Empty(await read.Set<AuditLog>().AsNoTracking()
            .Where(l => l.EntityType == typeof(Member).FullName && l.EntityKey == Key(member.Id) && l.Operation == AuditOperation.Update).ToListAsync());
    }

    private static Wallet NewWallet(string name) => new()
    {
        Name = name,
        Cash = new Money { Amount = 5.25m, Currency = "EUR" },
        Hidden = new Money { Amount = 1, Currency = "EUR" },
        Wrap = new Envelope { Label = "w", Inner = new Money { Amount = 9, Currency = "EUR" } },
        Stored = new Money { Amount = 7, Currency = "USD" },
        Fee = new Rate { Percent = 1.5m, Cap = 10 },
    };

    private async Task<int> Insert(Wallet wallet)
    {
        await using var context = database.Create();
        context.Wallets.Add(wallet);
        await context.SaveChangesAsync();
        return wallet.Id;
    }

    /// <summary>The columns of one wallet's row as text, read with SQL.</summary>
    private async Task<List<string?>> Columns(int id, params string[] columns)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT {string.Join(", ", columns.Select(c => $"\"{c}\"::text"))} FROM \"Wallets\" WHERE \"Id\" = $1", connection);
        command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = id });
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        return [.. Enumerable.Range(0, columns.Length).Select(i => reader.IsDBNull(i) ? null : reader.GetString(i))];
    }

    private static Client NewClient(string name) => new()
    {
        Name = name,
        Billing = new PostalAddress { Street = "1 Quay", City = "Lyon" },
        Contact = new ContactInfo { Email = "a@example.com", Phone = "+33 4" },
        Location = new GeoPoint { Latitude = 45.76, Longitude = 4.84 },
    };

    private async Task<int> Insert(Client client)
    {
        await using var context = database.Create();
        context.Clients.Add(client);
        await context.SaveChangesAsync();
        return client.Id;
    }

    private async Task<List<AuditLog>> Logs(int id)
    {
        await using var context = database.Create();
        var key = Key(id);
        return await context.Set<AuditLog>().AsNoTracking()
            .Where(l => l.EntityType == typeof(Client).FullName && l.EntityKey == key)
            .OrderBy(l => l.Id)
            .ToListAsync();
    }


    private static string Key(int id) => id.ToString(CultureInfo.InvariantCulture);
}
