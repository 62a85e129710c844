using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
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

/// <summary>Neither audited nor tracked: the principal of relationships to classes whose logs leave its delete out.</summary>
public sealed class Shelf
{
    public int Id { get; set; }
}

/// <summary>Tracked for updates only: its delete with its shelf (<c>ON DELETE CASCADE</c>) gives no change, so it is not read.</summary>
[Tracked]
public partial class Book
{
    public int Id { get; set; }
    public int ShelfId { get; set; }
    public string Title { get; set; } = "";
}

/// <summary>Audited without deletes: not logged when its shelf's delete deletes it, but its sheets are.</summary>
[Audited(Operations = AuditOperations.Create | AuditOperations.Update)]
public partial class Binder
{
    public int Id { get; set; }
    public int ShelfId { get; set; }
    public string Title { get; set; } = "";
}

/// <summary>Deleted by the database with its binder, and logged: reached through a binder that is not logged.</summary>
[Audited]
public partial class Sheet
{
    public int Id { get; set; }
    public int BinderId { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>Audited without updates: its shelf's delete sets its foreign key to null (<c>ON DELETE SET NULL</c>), unlogged, so it is not read.</summary>
[Audited(Operations = AuditOperations.Create | AuditOperations.Delete)]
public partial class Poster
{
    public int Id { get; set; }
    public int? ShelfId { get; set; }
}

/// <summary>Audited without deletes, with an owned collection of audited slots (a table of their own) deleted with it.</summary>
[Audited(Operations = AuditOperations.Create | AuditOperations.Update)]
public partial class Crate
{
    public int Id { get; set; }
    public int ShelfId { get; set; }
    public List<Slot> Slots { get; set; } = [];
}

/// <summary>An element of a crate's owned collection, logged apart: its delete with its crate is logged.</summary>
[Audited]
public partial class Slot
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
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

        modelBuilder.Entity<Book>().HasOne<Shelf>().WithMany().HasForeignKey(b => b.ShelfId);
        modelBuilder.Entity<Binder>().HasOne<Shelf>().WithMany().HasForeignKey(b => b.ShelfId);
        modelBuilder.Entity<Sheet>().HasOne<Binder>().WithMany().HasForeignKey(s => s.BinderId);
        modelBuilder.Entity<Crate>(crate =>
        {
            crate.HasOne<Shelf>().WithMany().HasForeignKey(c => c.ShelfId);
            crate.OwnsMany(c => c.Slots);
        });
        modelBuilder.Entity<Poster>().HasOne<Shelf>().WithMany().HasForeignKey(p => p.ShelfId).OnDelete(DeleteBehavior.SetNull);
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
    /// <summary>
    /// The shelf's delete reaches a book tracked for updates only (deleted), a poster audited without updates (its foreign
    /// key set to null) and a binder audited without deletes: none of them would be logged, so none is read for itself. The
    /// binders are read all the same, for their sheets, which the database deletes with them and which are logged, and so
    /// are the crates, audited without deletes too, for their slots (an owned collection audited apart).
    /// </summary>
    [Fact]
    public async Task Dependents_whose_logs_leave_the_cascade_out_are_not_read_unless_a_logged_dependent_lies_below()
    {
        int shelf, book, binder, sheet, poster, crate;
        await using (var context = database.Create())
        {
            var created = new Shelf();
            context.Add(created);
            await context.SaveChangesAsync();
            var b = new Book { ShelfId = created.Id, Title = "Dune" };
            var folder = new Binder { ShelfId = created.Id, Title = "taxes" };
            var p = new Poster { ShelfId = created.Id };
            var c = new Crate { ShelfId = created.Id, Slots = [new Slot { Name = "left" }] };
            context.AddRange(b, folder, p, c);
            await context.SaveChangesAsync();
            var s = new Sheet { BinderId = folder.Id, Text = "2025" };
            context.Add(s);
            await context.SaveChangesAsync();
            (shelf, book, binder, sheet, poster, crate) = (created.Id, b.Id, folder.Id, s.Id, p.Id, c.Id);
        }

        var counter = new QueryCounter();
        await using (var context = new CascadeModelContext(
            new DbContextOptionsBuilder<CascadeModelContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options))
        {
            context.Remove(new Shelf { Id = shelf });
            await context.SaveChangesAsync();
        }

        // The binders and the crates (with their slots), then the binders' sheets: no query of the books or posters.
        Assert.Equal(
            ["Binder", "Crate", "Sheet"],
            counter.Queries.Select(query => Regex.Match(query, "FROM \"(\\w+)\"").Groups[1].Value).Order(System.StringComparer.Ordinal));

        await using (var check = database.Create())
        {
            Assert.False(await check.Set<Book>().AnyAsync(b => b.Id == book));
            Assert.False(await check.Set<Binder>().AnyAsync(b => b.Id == binder));
            Assert.Null((await check.Set<Poster>().SingleAsync(p => p.Id == poster)).ShelfId);
            var key = Key(book);
            Assert.False(await check.Set<OutboxMessage>().AnyAsync(m => m.EntityType == typeof(Book).FullName && m.EntityKey == key));
        }

        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await Logs<Sheet>(() => database.Create(), sheet)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await Logs<Binder>(() => database.Create(), binder)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await Logs<Poster>(() => database.Create(), poster)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await Logs<Crate>(() => database.Create(), crate)).Select(l => l.Operation));
        await using (var check = database.Create())
        {
            var slotKey = Key(crate) + "|";
            Assert.Equal(
                [AuditOperation.Create, AuditOperation.Delete],
                await check.Set<AuditLog>().Where(l => l.EntityType == typeof(Slot).FullName && l.EntityKey.StartsWith(slotKey)).OrderBy(l => l.Timestamp).Select(l => l.Operation).ToListAsync());
        }
    }
}
