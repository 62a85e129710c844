using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

public sealed class Carrier
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>A principal whose key is a strongly typed id, stored as its Guid.</summary>
public sealed class Depot
{
    public DepotId Id { get; set; }
    public string City { get; set; } = "";
}

public readonly record struct DepotId(Guid Value);

/// <summary>Navigations only: the model adds their foreign keys as shadow properties (CarrierId, BackupId, DepotId, BrokerId).</summary>
[Audited]
public partial class Shipment
{
    public int Id { get; set; }
    public string Reference { get; set; } = "";
    public Carrier? Carrier { get; set; }
    [AuditIgnore] public Carrier? Backup { get; set; }
    public Depot? Depot { get; set; }
    [AuditMask] public Carrier? Broker { get; set; }
}

public sealed class RelationshipContext(DbContextOptions<RelationshipContext> options) : DbContext(options)
{
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<Carrier> Carriers => Set<Carrier>();
    public DbSet<Depot> Depots => Set<Depot>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Depot>().Property(d => d.Id).HasConversion(id => id.Value, value => new DepotId(value));
        modelBuilder.Entity<Shipment>(shipment =>
        {
            shipment.HasOne(s => s.Carrier).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            shipment.HasOne(s => s.Backup).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            shipment.HasOne(s => s.Broker).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        });
    }
}

/// <summary>Foreign keys the model adds without a CLR property (shadow foreign keys) are logged as fields.</summary>
public sealed class AuditRelationshipTests(AuditRelationshipTests.Database database) : IClassFixture<AuditRelationshipTests.Database>
{
    public sealed class Database() : SchemaFixture<RelationshipContext>(options => new(options));

    private static readonly DepotId s_depot = new(Guid.Parse("0b5e6f0e-2c1d-4d8e-9a51-3f1f2f7c9a10"));

    [Fact]
    public void Descriptor_lists_the_navigations_marked_AuditIgnore_or_AuditMask()
    {
        var descriptor = AuditDescriptors.Get<Shipment>();
        Assert.Equal(["Backup"], descriptor.IgnoredNavigations);
        Assert.Equal(["Broker"], descriptor.MaskedNavigations);
    }

    [Fact]
    public async Task Shadow_foreign_keys_are_logged_by_their_model_name_unless_their_navigation_is_ignored()
    {
        int shipmentId, acmeId, otherId;
        await using (var context = database.Create())
        {
            var acme = new Carrier { Name = "acme" };
            var other = new Carrier { Name = "other" };
            var depot = await context.Depots.FindAsync(s_depot) ?? context.Depots.Add(new Depot { Id = s_depot, City = "Lyon" }).Entity;
            var shipment = new Shipment { Reference = "S-1", Carrier = acme, Backup = other, Depot = depot, Broker = other };
            context.Shipments.Add(shipment);
            await context.SaveChangesAsync();
            (shipmentId, acmeId, otherId) = (shipment.Id, acme.Id, other.Id);

            // Through the navigation only: EF changes the shadow CarrierId.
            shipment.Carrier = other;
            shipment.Backup = acme;
            await context.SaveChangesAsync();

            shipment.Carrier = null;
            await context.SaveChangesAsync();

            context.Shipments.Remove(shipment);
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Shipment>(() => database.Create(), shipmentId);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Update, AuditOperation.Delete], logs.Select(l => l.Operation));
        Assert.Equal(
            [("Id", null, Key(shipmentId)), ("Reference", null, "S-1"), ("BrokerId", null, "***"), ("CarrierId", null, Key(acmeId)), ("DepotId", null, s_depot.Value.ToString())],
            Lines(logs[0]));
        Assert.Equal([("CarrierId", Key(acmeId), Key(otherId))], Lines(logs[1]));
        Assert.Equal([("CarrierId", Key(otherId), null)], Lines(logs[2]));
        Assert.Equal(
            [("Id", Key(shipmentId), null), ("Reference", "S-1", null), ("BrokerId", "***", null), ("CarrierId", null, null), ("DepotId", s_depot.Value.ToString(), null)],
            Lines(logs[3]));
    }

    [Fact]
    public async Task Deleting_a_principal_that_sets_the_shadow_foreign_key_to_null_logs_the_update()
    {
        int shipmentId, carrierId;
        await using (var context = database.Create())
        {
            var carrier = new Carrier { Name = "gone" };
            var shipment = new Shipment { Reference = "S-2", Carrier = carrier };
            context.Shipments.Add(shipment);
            await context.SaveChangesAsync();
            (shipmentId, carrierId) = (shipment.Id, carrier.Id);
        }

        await using (var context = database.Create())
        {
            var carrier = await context.Carriers.SingleAsync(c => c.Id == carrierId);
            _ = await context.Shipments.Where(s => s.Carrier == carrier).ToListAsync();
            context.Carriers.Remove(carrier);
            await context.SaveChangesAsync();

            var history = await context.FieldHistory<Shipment>("CarrierId", shipmentId).ToListAsync();
            Assert.Equal([(null, Key(carrierId)), (Key(carrierId), null)], history.Select(static c => (c.OldValue, c.NewValue)));
        }

        var update = Assert.Single(await Logs<Shipment>(() => database.Create(), shipmentId), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("CarrierId", Key(carrierId), null)], Lines(update));
    }
}
