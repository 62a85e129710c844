using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing.Cascades;

/// <summary>A TPC hierarchy: EF Core creates no foreign key constraint to its base type, so the database cascades nothing to notes.</summary>
public abstract class Party
{
    public int Id { get; set; }
}

public sealed class Person : Party
{
    public string Name { get; set; } = "";
}

public sealed class Company : Party
{
    public string Title { get; set; } = "";
}

/// <summary>Cascade in the model, to a TPC base type: no constraint in the database.</summary>
[Audited]
public partial class Note
{
    public int Id { get; set; }
    public int PartyId { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>Neither audited nor tracked; referred to by its alternate key <see cref="Code"/>.</summary>
public sealed class Desk
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
}

/// <summary>Deleted by the database with its desk, found by the desk's alternate key.</summary>
[Audited]
public partial class Ticket
{
    public int Id { get; set; }
    public string DeskCode { get; set; } = "";
    public string Subject { get; set; } = "";
}

public sealed class Country
{
    public int Id { get; set; }
}

/// <summary>Stored in its shipment's row, with a foreign key to a country that deletes the row with the country.</summary>
[Owned]
public sealed class ShipTo
{
    public string Street { get; set; } = "";
    public int CountryId { get; set; }
}

[Audited]
public partial class Shipment
{
    public int Id { get; set; }
    public string Reference { get; set; } = "";
    public ShipTo ShipTo { get; set; } = new();
}

public sealed class Locker
{
    public int Id { get; set; }
}

/// <summary>Stored in its parcel's row, with a foreign key to a locker that the database sets to null with the locker.</summary>
[Owned]
public sealed class Dropoff
{
    public string Note { get; set; } = "";
    public int? LockerId { get; set; }
}

[Audited]
public partial class Parcel
{
    public int Id { get; set; }
    public Dropoff Dropoff { get; set; } = new();
}

public sealed class Board
{
    public int Id { get; set; }
}

/// <summary>Audited with reads: the cascade's query creates it, which is no read of the application's.</summary>
[Audited(Operations = AuditOperations.All)]
public partial class Memo
{
    public int Id { get; set; }
    public int BoardId { get; set; }
    public string Text { get; set; } = "";
}

public sealed class CascadeModelContext(DbContextOptions<CascadeModelContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Party>().UseTpcMappingStrategy().Property(p => p.Id).ValueGeneratedNever();
        modelBuilder.Entity<Person>();
        modelBuilder.Entity<Company>();
        modelBuilder.Entity<Note>().HasOne<Party>().WithMany().HasForeignKey(n => n.PartyId);

        modelBuilder.Entity<Desk>().HasAlternateKey(d => d.Code);
        modelBuilder.Entity<Ticket>().HasOne<Desk>().WithMany().HasForeignKey(t => t.DeskCode).HasPrincipalKey(d => d.Code);

        modelBuilder.Entity<Country>();
        modelBuilder.Entity<Memo>().HasOne<Board>().WithMany().HasForeignKey(m => m.BoardId);
        modelBuilder.Entity<Parcel>().OwnsOne(p => p.Dropoff, to => to.HasOne<Locker>().WithMany().HasForeignKey(t => t.LockerId).OnDelete(DeleteBehavior.SetNull));
        modelBuilder.Entity<Shipment>().OwnsOne(s => s.ShipTo, to => to.HasOne<Country>().WithMany().HasForeignKey(t => t.CountryId).OnDelete(DeleteBehavior.Cascade));
    }
}

/// <summary>Relationships whose cascade in the database differs from the model's, or reaches rows by other keys.</summary>
public sealed class AuditDatabaseCascadeModelTests(AuditDatabaseCascadeModelTests.Database database) : IClassFixture<AuditDatabaseCascadeModelTests.Database>
{
    public sealed class Database() : SchemaFixture<CascadeModelContext>(options => new(options));

    /// <summary>
    /// The model says Cascade, but the database has no constraint (a TPC base type as the principal): the database deletes no
    /// note, and neither does the save.
    /// </summary>
    [Theory]
    [InlineData(1, true)]
    [InlineData(2, false)]
    public async Task A_relationship_without_a_constraint_in_the_database_deletes_no_dependent(int id, bool load)
    {
        int note;
        await using (var context = database.Create())
        {
            context.Add(new Person { Id = id, Name = "Ada" });
            var created = new Note { PartyId = id, Text = "call back" };
            context.Add(created);
            await context.SaveChangesAsync();
            note = created.Id;
        }

        await using (var context = database.Create(o => o.LoadCascadedDependents = load))
        {
            context.Remove((await context.Set<Person>().FindAsync(id))!);
            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            Assert.True(await check.Set<Note>().AnyAsync(n => n.Id == note), "the note was deleted, which the database would not have done");
        }

        Assert.Equal([AuditOperation.Create], (await Logs<Note>(() => database.Create(), note)).Select(l => l.Operation));
    }

    /// <summary>A desk deleted as a stub, which holds its primary key only, and its tickets refer to its alternate key.</summary>
    [Fact]
    public async Task A_stub_principal_logs_the_dependents_of_its_alternate_key()
    {
        int desk, ticket;
        await using (var context = database.Create())
        {
            var created = new Desk { Code = "help" };
            context.Add(created);
            await context.SaveChangesAsync();
            var t = new Ticket { DeskCode = "help", Subject = "printer" };
            context.Add(t);
            await context.SaveChangesAsync();
            (desk, ticket) = (created.Id, t.Id);
        }

        await using (var context = database.Create())
        {
            context.Remove(new Desk { Id = desk });
            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            Assert.False(await check.Set<Ticket>().AnyAsync(t => t.Id == ticket));
        }

        var logs = await Logs<Ticket>(() => database.Create(), ticket);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], logs.Select(l => l.Operation));
        Assert.Contains(("Subject", "printer", null), Lines(logs[1]));
    }

    /// <summary>An owned type's foreign key: its <c>ON DELETE CASCADE</c> deletes the owner's row.</summary>
    [Fact]
    public async Task An_owned_types_cascade_logs_the_owner_the_database_deletes()
    {
        int shipment;
        await using (var context = database.Create())
        {
            var country = new Country();
            context.Add(country);
            await context.SaveChangesAsync();
            var s = new Shipment { Reference = "S-1", ShipTo = new ShipTo { Street = "Main St 1", CountryId = country.Id } };
            context.Add(s);
            await context.SaveChangesAsync();
            shipment = s.Id;
            context.ChangeTracker.Clear();
            context.Remove((await context.Set<Country>().FindAsync(country.Id))!);
            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            Assert.False(await check.Set<Shipment>().AnyAsync(s => s.Id == shipment));
        }

        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await Logs<Shipment>(() => database.Create(), shipment)).Select(l => l.Operation));
    }

    /// <summary>An owned type's foreign key with <c>ON DELETE SET NULL</c>: the database clears the owner's column, logged as an update of the owner.</summary>
    [Fact]
    public async Task An_owned_types_set_null_logs_the_owners_update()
    {
        int parcel, locker;
        await using (var context = database.Create())
        {
            var created = new Locker();
            context.Add(created);
            await context.SaveChangesAsync();
            var p = new Parcel { Dropoff = new Dropoff { Note = "front door", LockerId = created.Id } };
            context.Add(p);
            await context.SaveChangesAsync();
            (parcel, locker) = (p.Id, created.Id);
        }

        await using (var context = database.Create())
        {
            context.Remove((await context.Set<Locker>().FindAsync(locker))!);
            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            var stored = await check.Set<Parcel>().SingleAsync(p => p.Id == parcel);
            Assert.Null(stored.Dropoff.LockerId);
            Assert.Equal("front door", stored.Dropoff.Note);
        }

        var update = (await Logs<Parcel>(() => database.Create(), parcel))[^1];
        Assert.Equal(AuditOperation.Update, update.Operation);
        Assert.Equal([("Dropoff.LockerId", Key(locker), null)], Lines(update));
    }

    /// <summary>The cascade's own query is not a read of the application's: no Read log for the memo.</summary>
    [Fact]
    public async Task The_cascade_query_writes_no_read_logs()
    {
        int memo;
        await using (var context = database.Create())
        {
            var board = new Board();
            context.Add(board);
            await context.SaveChangesAsync();
            var m = new Memo { BoardId = board.Id, Text = "x" };
            context.Add(m);
            await context.SaveChangesAsync();
            memo = m.Id;
            context.ChangeTracker.Clear();
            context.Remove(new Board { Id = board.Id });
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Memo>(() => database.Create(), memo);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], logs.Select(l => l.Operation));
    }
}
