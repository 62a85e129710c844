using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>
/// A stub whose key the database compares more loosely than .NET does (a <c>citext</c> key, stored as <c>AB</c> and
/// written <c>ab</c> in the stub; a case-insensitive collation alike): the stored row the save reads for its log is
/// found all the same.
/// </summary>
public sealed class UnloadedCaseInsensitiveKeyTests(UnloadedCaseInsensitiveKeyTests.Database database) : IClassFixture<UnloadedCaseInsensitiveKeyTests.Database>
{
    public sealed class Database() : SchemaFixture<LockerContext>(options => new(options));

    [Fact]
    public async Task Removing_a_stub_whose_key_differs_in_case_from_the_stored_one_logs_the_stored_row()
    {
        await using (var context = database.Create())
        {
            context.Lockers.Add(new Locker { Code = "AB", Name = "north wall", Size = 3 });
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Locker { Code = "ab" });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var delete = Assert.Single(await check.AuditTrailByKey<Locker>("ab").ToListAsync());
        Assert.Equal(AuditOperation.Delete, delete.Operation);
        Assert.Equal([("Code", "ab", null), ("Name", "north wall", null), ("Size", "3", null)], Lines(delete));
    }

    [Fact]
    public async Task Updating_a_stub_whose_key_differs_in_case_from_the_stored_one_logs_the_stored_values_as_the_old_ones()
    {
        await using (var context = database.Create())
        {
            context.Lockers.Add(new Locker { Code = "CD", Name = "south wall", Size = 5 });
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Locker { Code = "cd", Name = "east wall", Size = 5 });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var update = (await check.AuditTrailByKey<Locker>("cd").ToListAsync()).Single(l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Name", "south wall", "east wall")], Lines(update));
    }
}

[Audited]
public partial class Locker
{
    [Key]
    [Column(TypeName = "citext")]
    public string Code { get; set; } = "";

    public string Name { get; set; } = "";

    public int Size { get; set; }
}

public sealed class LockerContext(DbContextOptions<LockerContext> options) : DbContext(options)
{
    public DbSet<Locker> Lockers => Set<Locker>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.HasPostgresExtension("citext");
}
