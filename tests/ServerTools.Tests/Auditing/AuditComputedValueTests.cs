using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>An entity with a stored computed column that changes on update.</summary>
[Audited]
public partial class Badge
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    [AuditIgnore] public string? Suffix { get; set; }
    public string Label { get; set; } = "";
}

[Audited(Mode = AuditMode.Full)]
public partial class FullBadge
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
}

/// <summary>A row version the database bumps on every update (PostgreSQL's xmin).</summary>
[Audited]
public partial class Ticket
{
    public int Id { get; set; }
    public string Title { get; set; } = "";
    [System.ComponentModel.DataAnnotations.Timestamp] public uint Version { get; set; }
}

public sealed class ComputedValueContext(DbContextOptions<ComputedValueContext> options) : DbContext(options)
{
    public DbSet<Badge> Badges => Set<Badge>();
    public DbSet<FullBadge> FullBadges => Set<FullBadge>();
    public DbSet<Ticket> Tickets => Set<Ticket>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Badge>().Property(b => b.Label).HasComputedColumnSql("""upper("Name") || coalesce("Suffix", '')""", stored: true);
        modelBuilder.Entity<FullBadge>().Property(b => b.Label).HasComputedColumnSql("""upper("Name")""", stored: true);
    }
}

/// <summary>Values the database computes on update (stored computed columns) are logged as stored, as on create.</summary>
public sealed class AuditComputedValueTests(AuditComputedValueTests.Database database) : IClassFixture<AuditComputedValueTests.Database>
{
    public sealed class Database() : SchemaFixture<ComputedValueContext>(options => new(options));

    [Fact]
    public async Task An_update_logs_the_computed_column_as_stored_and_only_when_it_changed()
    {
        var badge = new Badge { Name = "ada" };
        await using (var context = database.Create())
        {
            context.Badges.Add(badge);
            await context.SaveChangesAsync();

            badge.Name = "bob";
            await context.SaveChangesAsync();
            Assert.Equal("BOB", badge.Label);

            // Only an ignored column changes: the computed one, audited, changes with it.
            badge.Suffix = "-1";
            await context.SaveChangesAsync();

            // The computed value stays the same: no line for it.
            badge.Name = "BOB";
            await context.SaveChangesAsync();

            // Nothing audited changes, nor does the computed value: no log.
            badge.Suffix = "-1";
            context.Entry(badge).Property(b => b.Suffix).IsModified = true;
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Badge>(() => database.Create(), badge.Id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Update, AuditOperation.Update], logs.Select(l => l.Operation));
        Assert.Equal([("Id", null, Key(badge.Id)), ("Name", null, "ada"), ("Label", null, "ADA")], Lines(logs[0]));
        Assert.Equal([("Name", "ada", "bob"), ("Label", "ADA", "BOB")], Lines(logs[1]));
        Assert.Equal([("Label", "BOB", "BOB-1")], Lines(logs[2]));
        Assert.Equal([("Name", "bob", "BOB")], Lines(logs[3]));
    }

    [Fact]
    public async Task Full_mode_logs_the_computed_column_as_stored()
    {
        var badge = new FullBadge { Name = "ada" };
        await using (var context = database.Create())
        {
            context.FullBadges.Add(badge);
            await context.SaveChangesAsync();

            badge.Name = "eve";
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await Logs<FullBadge>(() => database.Create(), badge.Id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Id", Key(badge.Id), Key(badge.Id)), ("Name", "ada", "eve"), ("Label", "ADA", "EVE")], Lines(update));
    }

    [Fact]
    public async Task An_update_in_the_application_transaction_logs_the_computed_column_as_stored()
    {
        var badge = new Badge { Name = "ada" };
        await using (var context = database.Create())
        {
            context.Badges.Add(badge);
            await context.SaveChangesAsync();

            await using var transaction = await context.Database.BeginTransactionAsync();
            badge.Name = "zoe";
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        var update = Assert.Single(await Logs<Badge>(() => database.Create(), badge.Id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Name", "ada", "zoe"), ("Label", "ADA", "ZOE")], Lines(update));
    }

    [Fact]
    public async Task A_row_version_the_database_bumps_is_not_logged_as_a_change_of_an_update()
    {
        var ticket = new Ticket { Title = "a" };
        await using (var context = database.Create())
        {
            context.Tickets.Add(ticket);
            await context.SaveChangesAsync();
            var created = ticket.Version;

            ticket.Title = "b";
            await context.SaveChangesAsync();
            Assert.NotEqual(created, ticket.Version);
        }

        var update = Assert.Single(await Logs<Ticket>(() => database.Create(), ticket.Id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Title", "a", "b")], Lines(update));
    }
}
