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

public sealed class ValueObjectContext(DbContextOptions<ValueObjectContext> options) : DbContext(options)
{
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<SalesRegion> SalesRegions => Set<SalesRegion>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Client>().OwnsOne(c => c.Location);
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
