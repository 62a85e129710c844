using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

[Audited]
public partial class Asset
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal Value { get; set; }
    [AuditMask] public string? InsuranceNumber { get; set; }
}

// Audited as an Asset: its own property is left out on purpose, which is what these tests check.
#pragma warning disable ST1005
public class Machine : Asset
#pragma warning restore ST1005
{
    public string? SerialNumber { get; set; }
}

/// <summary>Adds nothing to what <see cref="Asset"/> logs, so it is fully audited as an asset.</summary>
public class Tool : Asset;

[Audited]
public partial class Vehicle : Asset
{
    public string Plate { get; set; } = "";
}

/// <summary>A TPH hierarchy: one table for every asset, with a discriminator.</summary>
public sealed class AssetContext(DbContextOptions<AssetContext> options) : DbContext(options)
{
    public DbSet<Asset> Assets => Set<Asset>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Machine>();
        modelBuilder.Entity<Tool>();
        modelBuilder.Entity<Vehicle>();
    }
}

/// <summary>
/// Entities whose class derives from an <see cref="AuditedAttribute">[Audited]</see> class without being marked
/// itself: audited with the nearest audited base class's descriptor, under its name, on PostgreSQL.
/// </summary>
public sealed class AuditInheritanceTests(AuditInheritanceTests.Database database) : IClassFixture<AuditInheritanceTests.Database>
{
    /// <summary>One database for the class, with the schema created once.</summary>
    public sealed class Database() : SchemaFixture<AssetContext>(options => new(options));

    [Fact]
    public void Derived_class_without_attribute_gets_the_descriptor_of_its_audited_base()
    {
        Assert.True(AuditDescriptors.TryGet(typeof(Asset), out var asset));
        Assert.True(AuditDescriptors.TryGet(typeof(Machine), out var machine));
        Assert.True(AuditDescriptors.TryGet(typeof(Tool), out var tool));

        Assert.Same(asset, machine);
        Assert.Same(asset, tool);
        Assert.Same(asset, AuditDescriptors.Get<Machine>());
        Assert.Equal(typeof(Asset), machine.EntityType);
        Assert.Equal(["Id", "Name", "Value", "InsuranceNumber (masked)"], machine.Fields.Select(static f => f.ToString()));
        Assert.False(AuditDescriptors.TryGet(typeof(Plain), out _));
        Assert.False(AuditDescriptors.TryGet(typeof(Plain), out _));
    }

    [Fact]
    public async Task Derived_entity_is_logged_with_the_base_fields_under_the_base_name()
    {
        await using var context = database.Create();
        var machine = new Machine { Name = "lathe", Value = 1200m, InsuranceNumber = "INS-1", SerialNumber = "SN-1" };
        context.Assets.Add(machine);
        await context.SaveChangesAsync();

        machine.SerialNumber = "SN-2";
        await context.SaveChangesAsync();

        machine.Value = 1100m;
        machine.SerialNumber = "SN-3";
        await context.SaveChangesAsync();

        context.Assets.Remove(machine);
        await context.SaveChangesAsync();

        var trail = await context.AuditTrailByKey<Asset>(machine.Id).ToListAsync();
        Assert.All(trail, log => Assert.Equal("ServerTools.Tests.Auditing.Asset", log.EntityType));
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Delete], trail.Select(static l => l.Operation));
        var key = machine.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([("Id", null, key), ("Name", null, "lathe"), ("Value", null, "1200"), ("InsuranceNumber", null, "***")], Lines(trail[0]));
        Assert.Equal([("Value", "1200", "1100")], Lines(trail[1]));
        Assert.Equal([("Id", key, null), ("Name", "lathe", null), ("Value", "1100", null), ("InsuranceNumber", "***", null)], Lines(trail[2]));
        Assert.Equal(trail.Select(static l => l.Id), (await context.AuditTrailByKey<Machine>(machine.Id).ToListAsync()).Select(static l => l.Id));
    }

    [Fact]
    public async Task Entities_of_every_class_of_the_hierarchy_share_the_trail_of_the_base_type()
    {
        await using var context = database.Create();
        Asset[] assets = [new Asset { Name = "desk" }, new Machine { Name = "press" }, new Tool { Name = "hammer" }];
        context.Assets.AddRange(assets);
        await context.SaveChangesAsync();

        foreach (var asset in assets)
        {
            var log = Assert.Single(await context.AuditTrail(asset).ToListAsync());
            Assert.Equal(("ServerTools.Tests.Auditing.Asset", AuditOperation.Create), (log.EntityType, log.Operation));
            Assert.Contains(("Name", null, asset.Name), Lines(log));
        }
    }

    [Fact]
    public void Exact_registration_wins_and_replaces_answers_cached_before_it()
    {
        Assert.Same(AuditDescriptors.Get<Asset>(), AuditDescriptors.Get<LateAsset>());
        Assert.False(AuditDescriptors.TryGet(typeof(LateEntity), out _));

        var lateAsset = new AuditDescriptor<LateAsset>("LateAsset", AuditMode.Full, AuditOperations.Writes, new AuditField("Id", false));
        var lateEntity = new AuditDescriptor<LateEntity>("LateEntity", AuditMode.Changes, AuditOperations.Create, new AuditField("Id", false));
        AuditDescriptors.Register(lateAsset);
        AuditDescriptors.Register(lateEntity);

        Assert.Same(lateAsset, AuditDescriptors.Get<LateAsset>());
        Assert.Same(lateAsset, AuditDescriptors.Get<LateAssetPart>());
        Assert.Same(lateEntity, AuditDescriptors.Get<LateEntity>());
        Assert.Same(AuditDescriptors.Get<Asset>(), AuditDescriptors.Get<Machine>());
    }

    [Fact]
    public async Task Derived_class_with_its_own_attribute_is_logged_with_all_its_fields_under_its_own_name()
    {
        await using var context = database.Create();
        var vehicle = new Vehicle { Name = "van", Value = 9000m, Plate = "AB-123" };
        context.Assets.Add(vehicle);
        await context.SaveChangesAsync();
        vehicle.Plate = "AB-124";
        await context.SaveChangesAsync();

        var trail = await context.AuditTrail(vehicle).ToListAsync();
        Assert.All(trail, log => Assert.Equal("ServerTools.Tests.Auditing.Vehicle", log.EntityType));
        var key = vehicle.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([("Id", null, key), ("Name", null, "van"), ("Value", null, "9000"), ("InsuranceNumber", null, null), ("Plate", null, "AB-123")], Lines(trail[0]));
        Assert.Equal([("Plate", "AB-123", "AB-124")], Lines(trail[1]));

        // Asked for through the base class, the trail is the same: the entity's class decides, whatever the query's type.
        Asset asAsset = vehicle;
        Assert.Equal(trail.Select(static l => l.Id), (await context.AuditTrail(asAsset).ToListAsync()).Select(static l => l.Id));
        Assert.Equal(trail.Select(static l => l.Id), (await context.AuditTrailByKey<Asset>(vehicle.Id).ToListAsync()).Select(static l => l.Id));
        Assert.Equal(["AB-123", "AB-124"], await context.FieldHistory<Asset>("Plate", vehicle.Id).Select(static c => c.NewValue).ToListAsync());
        var values = await context.AuditedValuesAsOfAsync<Asset>(System.DateTimeOffset.UtcNow.AddMinutes(1), [vehicle.Id]);
        Assert.NotNull(values);
        Assert.Equal("AB-124", values["Plate"]);
        var error = Assert.Throws<System.ArgumentException>(() => context.FieldHistory<Asset>("Mileage", vehicle.Id));
        Assert.Contains("Audited fields: Id, Name, Value, InsuranceNumber, Plate.", error.Message, System.StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_context_without_UseServerTools_is_told_so_when_it_reads_the_trail()
    {
        var options = new DbContextOptionsBuilder<AssetContext>().UseNpgsql(database.ConnectionString).Options;
        await using var context = new AssetContext(options);

        var error = Assert.Throws<System.InvalidOperationException>(() => context.AuditTrailByKey<Asset>(1));
        Assert.Contains("The model has no 'AuditLog': its table is mapped by UseServerTools()", error.Message, System.StringComparison.Ordinal);
        var purge = await Assert.ThrowsAsync<System.InvalidOperationException>(() => context.PurgeAuditLogsAsync(System.DateTimeOffset.UtcNow));
        Assert.Equal(error.Message, purge.Message);
    }


    [Fact]
    public async Task The_trail_of_an_entity_whose_class_the_model_does_not_map_is_its_mapped_base_class_s()
    {
        // What a lazy-loading proxy is: a class derived from the entity's that EF Core maps as the entity.
        await using var context = database.Create();
        var asset = new ProxyLikeAsset { Name = "proxied" };
        context.Assets.Add(asset);
        await context.SaveChangesAsync();

        var log = Assert.Single(await context.AuditTrail(asset).ToListAsync());

        Assert.Equal(("ServerTools.Tests.Auditing.Asset", AuditOperation.Create), (log.EntityType, log.Operation));
    }

    private sealed class ProxyLikeAsset : Asset;

    /// <summary>Registered by hand in one test, after being looked up: what a later-loaded assembly's initializer does.</summary>
    private class LateAsset : Asset;

    private sealed class LateAssetPart : LateAsset;

    private sealed class LateEntity
    {
        public int Id { get; set; }
    }
}
