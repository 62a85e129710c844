using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A struct mapped as a complex type in <c>OnModelCreating</c> (no attribute).</summary>
public struct Coordinates
{
    public double Lat { get; set; }
    public double Lon { get; set; }
}

/// <summary>A complex struct with a masked property of its own.</summary>
public struct Fee
{
    public decimal Amount { get; set; }
    [AuditMask] public string? Account { get; set; }
}

/// <summary>A strongly typed id, stored as its Guid (HasConversion): a struct that is one property of the model.</summary>
public readonly record struct SiteCode(Guid Value);

[Audited]
public partial class Site
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public Coordinates Location { get; set; }
    [AuditMask] public Coordinates Hidden { get; set; }
    public Fee Fee { get; set; }
    public Coordinates? Backup { get; set; }
    public SiteCode Code { get; set; }
}

public sealed class ComplexStructContext(DbContextOptions<ComplexStructContext> options) : DbContext(options)
{
    public DbSet<Site> Sites => Set<Site>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Site>(site =>
        {
            site.ComplexProperty(s => s.Location);
            site.ComplexProperty(s => s.Hidden);
            site.ComplexProperty(s => s.Fee);
            site.ComplexProperty(s => s.Backup);
            site.Property(s => s.Code).HasConversion(code => code.Value, value => new SiteCode(value));
        });
}

/// <summary>
/// A struct the model maps as a complex type (<c>ComplexProperty</c>) is logged flattened, as a class is, and one with a
/// value converter as the value it stores: the generator lists both forms of a struct, and the model picks, on PostgreSQL.
/// </summary>
public sealed class AuditComplexStructTests(AuditComplexStructTests.Database database) : IClassFixture<AuditComplexStructTests.Database>
{
    public sealed class Database() : SchemaFixture<ComplexStructContext>(options => new(options));

    private static readonly SiteCode s_code = new(Guid.Parse("6f1c2a3b-0d4e-4f50-8a61-7b2c3d4e5f60"));

    [Fact]
    public async Task Complex_structs_are_logged_flattened_with_their_masks_and_a_converted_struct_as_its_stored_value()
    {
        int id;
        await using (var context = database.Create())
        {
            var site = new Site
            {
                Name = "depot",
                Location = new Coordinates { Lat = 48.85, Lon = 2.35 },
                Hidden = new Coordinates { Lat = 1, Lon = 2 },
                Fee = new Fee { Amount = 12.50m, Account = "DE-1" },
                Code = s_code,
            };
            context.Sites.Add(site);
            await context.SaveChangesAsync();
            id = site.Id;

            site.Location = new Coordinates { Lat = 48.86, Lon = 2.35 };
            site.Fee = new Fee { Amount = 12.50m, Account = "DE-2" };
            site.Backup = new Coordinates { Lat = 3, Lon = 4 };
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Site>(() => database.Create(), id);
        Assert.Equal(2, logs.Count);
        Assert.Equal(
            [
                ("Id", null, Key(id)), ("Name", null, "depot"),
                ("Location.Lat", null, "48.85"), ("Location.Lon", null, "2.35"),
                ("Hidden.Lat", null, "***"), ("Hidden.Lon", null, "***"),
                ("Fee.Amount", null, "12.50"), ("Fee.Account", null, "***"),
                ("Backup.Lat", null, null), ("Backup.Lon", null, null),
                ("Code", null, s_code.Value.ToString()),
            ],
            Lines(logs[0]));
        Assert.Equal(
            [
                ("Location.Lat", "48.85", "48.86"),
                ("Fee.Account", "***", "***"),
                ("Backup.Lat", null, "3"), ("Backup.Lon", null, "4"),
            ],
            Lines(logs[1]));
    }

    [Fact]
    public void Descriptor_lists_a_struct_both_as_one_field_and_flattened()
        => Assert.Equal(
            [
                "Id", "Name", "Location", "Location.Lat", "Location.Lon", "Hidden (masked)", "Hidden.Lat (masked)", "Hidden.Lon (masked)",
                "Fee (masked)", "Fee.Amount", "Fee.Account (masked)", "Backup", "Backup.Lat", "Backup.Lon", "Code", "Code.Value",
            ],
            AuditDescriptors.Get<Site>().Fields.Select(static f => f.ToString()));
}
