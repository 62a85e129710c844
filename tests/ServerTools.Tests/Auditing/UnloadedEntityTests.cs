using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>
/// Entities the context did not load (<c>Update(dto)</c>, <c>Attach</c> with <c>IsModified</c>): the audit trail, the
/// outbox and the hooks see the stored values as the old ones, and the save writes what it wrote before.
/// </summary>
public sealed class UnloadedEntityTests(UnloadedEntityTests.Database database) : IClassFixture<UnloadedEntityTests.Database>
{
    public sealed class Database() : SchemaFixture<LeaseContext>(options => new(options));

    private async Task<Lease> StoreAsync(string title)
    {
        await using var context = database.Create();
        var contract = new Lease { Title = title, Amount = 100m, Note = "first", Party = new LeaseParty { Name = "Acme", City = "Lyon" } };
        context.Leases.Add(contract);
        await context.SaveChangesAsync();
        return contract;
    }

    [Fact]
    public async Task An_update_of_a_client_copy_logs_the_stored_values_as_the_old_ones()
    {
        var stored = await StoreAsync("update-dto");

        await using (var context = database.Create())
        {
            // What a PUT endpoint does: the client's copy, one field and one complex field changed.
            var dto = new Lease
            {
                Id = stored.Id, Title = "update-dto", Amount = 250m, Note = "first", Version = stored.Version,
                Party = new LeaseParty { Name = "Acme", City = "Paris" },
            };
            context.Update(dto);
            await context.SaveChangesAsync();
            Assert.Equal(["Amount 100 -> 250"], dto.HookCalls);
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Amount", "100", "250"), ("Party.City", "Lyon", "Paris")], Lines(trail[1]));

        var key = stored.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = await check.Set<OutboxMessage>().AsNoTracking()
            .SingleAsync(m => m.EntityType == typeof(Lease).FullName && m.EntityKey == key && m.Operation == TrackedOperation.Update);
        Assert.Equal([new TrackedFieldChange("Amount", "100", "250")], message.Fields);

        var row = await check.Leases.AsNoTracking().SingleAsync(c => c.Id == stored.Id);
        Assert.Equal((250m, "Paris", "first"), (row.Amount, row.Party.City, row.Note));
    }

    [Fact]
    public async Task An_attached_stub_logs_only_what_it_writes_and_leaves_the_rest_stored()
    {
        var stored = await StoreAsync("attach-stub");

        // The synchronous SaveChanges reads the stored row synchronously.
        using (var context = database.Create())
        {
            // A PATCH: a stub with the key, the token and the one value sent; its other properties hold defaults.
            var stub = new Lease { Id = stored.Id, Version = stored.Version, Note = "patched", Party = new LeaseParty() };
            context.Attach(stub);
            context.Entry(stub).Property(c => c.Note).IsModified = true;
            context.SaveChanges();
            Assert.Empty(stub.HookCalls);
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync();
        Assert.Equal([("Note", "first", "patched")], Lines(trail[^1]));
        var row = await check.Leases.AsNoTracking().SingleAsync(c => c.Id == stored.Id);
        Assert.Equal(("attach-stub", 100m, "patched", "Acme", "Lyon"), (row.Title, row.Amount, row.Note, row.Party.Name, row.Party.City));
    }

    [Fact]
    public async Task A_client_copy_that_changes_nothing_logs_nothing()
    {
        var stored = await StoreAsync("unchanged-dto");

        await using (var context = database.Create())
        {
            context.Update(new Lease
            {
                Id = stored.Id, Title = "unchanged-dto", Amount = 100m, Note = "first", Version = stored.Version,
                Party = new LeaseParty { Name = "Acme", City = "Lyon" },
            });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create], (await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync()).Select(l => l.Operation));
    }

    [Fact]
    public async Task A_stale_concurrency_token_still_fails_the_save_and_logs_nothing()
    {
        var stored = await StoreAsync("stale-token");
        await using (var context = database.Create())
        {
            var current = await context.Leases.SingleAsync(c => c.Id == stored.Id);
            current.Note = "someone else";
            current.Version++;
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            // The client read the row before that edit: its token is stale, and must stay what the statement checks.
            context.Update(new Lease
            {
                Id = stored.Id, Title = "stale-token", Amount = 1m, Note = "mine", Version = stored.Version,
                Party = new LeaseParty { Name = "Acme", City = "Lyon" },
            });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Note", "first", "someone else"), ("Version", "0", "1")], Lines(trail[1]));
        var row = await check.Leases.AsNoTracking().SingleAsync(c => c.Id == stored.Id);
        Assert.Equal((100m, "someone else"), (row.Amount, row.Note));
    }

    [Fact]
    public async Task A_client_copy_of_a_deleted_row_fails_as_before()
    {
        var stored = await StoreAsync("gone");
        await using (var context = database.Create())
        {
            // Another application deletes the row (not logged here: that is the point of the test).
#pragma warning disable ST1001
            await context.Leases.Where(c => c.Id == stored.Id).ExecuteDeleteAsync();
#pragma warning restore ST1001
        }

        await using (var context = database.Create())
        {
            context.Update(new Lease { Id = stored.Id, Title = "gone", Amount = 5m, Version = stored.Version, Party = new LeaseParty() });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());
        }

        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create], (await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync()).Select(l => l.Operation));
    }
}

/// <summary>Owned entities of a client copy: their stored values are read too.</summary>
public sealed class UnloadedOwnedEntityTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    [Fact]
    public async Task An_update_of_a_client_copy_logs_the_stored_values_of_its_owned_entities()
    {
        var stored = new Client { Name = "owned-dto", Contact = new ContactInfo { Email = "a@example.com", Phone = "1" }, Location = new GeoPoint { Latitude = 1, Longitude = 2 } };
        await using (var context = database.Create())
        {
            context.Clients.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Client
            {
                Id = stored.Id, Name = "owned-dto", Billing = new PostalAddress(),
                Contact = new ContactInfo { Email = "b@example.com", Phone = "1" }, Location = new GeoPoint { Latitude = 1, Longitude = 3 },
            });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Client>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Contact.Email", "a@example.com", "b@example.com"), ("Location.Longitude", "2", "3")], Lines(trail[1]));
    }
}

/// <summary>Optional complex values of a client copy: a value the database holds as null reads back as null.</summary>
public sealed class UnloadedComplexValueTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    [Fact]
    public async Task A_client_copy_that_sets_an_optional_complex_value_stored_as_null_logs_null_as_the_old_one()
    {
        var stored = new Wallet { Name = "unloaded-complex", Hidden = new Money { Amount = 1m, Currency = "EUR" } };
        await using (var context = database.Create())
        {
            context.Wallets.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Wallet { Id = stored.Id, Name = "unloaded-complex", Cash = new Money { Amount = 5m, Currency = "USD" }, Hidden = null });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var row = await check.Wallets.AsNoTracking().SingleAsync(w => w.Id == stored.Id);
        Assert.Equal((5m, "USD"), (row.Cash?.Amount, row.Cash?.Currency));
        Assert.Null(row.Hidden);
        var trail = await check.AuditTrailByKey<Wallet>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal(
            [("Cash.Amount", null, "5"), ("Cash.Currency", null, "USD"), ("Hidden.Amount", "***", null), ("Hidden.Currency", "***", null)],
            Lines(trail[1]));
    }
}

/// <summary>Owned entities stored as JSON: a client copy of their owner saves as before.</summary>
public sealed class UnloadedJsonOwnedEntityTests(UnloadedJsonOwnedEntityTests.Database database) : IClassFixture<UnloadedJsonOwnedEntityTests.Database>
{
    public sealed class Database() : SchemaFixture<StorehouseContext>(options => new(options));

    [Fact]
    public async Task An_update_of_a_client_copy_with_a_json_owned_entity_is_saved_and_logged()
    {
        var stored = new Storehouse { Name = "north", Manager = new StorehouseKeeper { Name = "Ada", Phone = "1" } };
        await using (var context = database.Create())
        {
            context.Storehouses.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Storehouse { Id = stored.Id, Name = "north-2", Manager = new StorehouseKeeper { Name = "Grace", Phone = "1" } });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var row = await check.Storehouses.AsNoTracking().SingleAsync(d => d.Id == stored.Id);
        Assert.Equal(("north-2", "Grace"), (row.Name, row.Manager.Name));
        var trail = await check.AuditTrailByKey<Storehouse>(stored.Id).ToListAsync();
        Assert.Equal([("Name", "north", "north-2"), ("Manager.Name", "Ada", "Grace")], Lines(trail[^1]));
    }
}

[Audited]
public partial class Storehouse
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public StorehouseKeeper Manager { get; set; } = new();
}

public sealed class StorehouseKeeper
{
    public string Name { get; set; } = "";
    public string Phone { get; set; } = "";
}

public sealed class StorehouseContext(DbContextOptions<StorehouseContext> options) : DbContext(options)
{
    public DbSet<Storehouse> Storehouses => Set<Storehouse>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Storehouse>().OwnsOne(d => d.Manager, m => m.ToJson());
}

/// <summary>Audited and tracked, with a hook, a complex property and a concurrency token.</summary>
[Audited]
[Tracked]
public partial class Lease
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    public decimal Amount { get; set; }
    public string? Note { get; set; }

    [ConcurrencyCheck]
    public int Version { get; set; }

    public LeaseParty Party { get; set; } = new();

    /// <summary>What the hooks saw.</summary>
    [NotMapped]
    public List<string> HookCalls { get; } = [];

    partial void OnAmountChanged(decimal oldValue, decimal newValue) => HookCalls.Add($"Amount {oldValue} -> {newValue}");
}

/// <summary>A complex type of <see cref="Lease"/>.</summary>
public sealed class LeaseParty
{
    public string Name { get; set; } = "";
    public string City { get; set; } = "";
}

public sealed class LeaseContext(DbContextOptions<LeaseContext> options) : DbContext(options)
{
    public DbSet<Lease> Leases => Set<Lease>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Lease>().ComplexProperty(c => c.Party);
}
