using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A stored computed column (upper of Name), an ordinary nullable column.</summary>
[Audited]
public partial class Meter2
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Label { get; set; } = "";
    public string? Note { get; set; }
}

[Audited]
public partial class Term2
{
    public int Id { get; set; }
    public DateTime EndsAt { get; set; }
    public decimal Price { get; set; }
}

[Audited]
public partial class Rack2
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Bay2> Bays { get; set; } = [];
}

[Audited]
public partial class Bay2
{
    public string Code { get; set; } = "";
    public int Qty { get; set; }
}

/// <summary>Not audited, not tracked: an owner with a JSON owned collection.</summary>
public class Yard2
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Pen2> Pens { get; set; } = [];
}

public class Pen2
{
    public string Code { get; set; } = "";
}

public sealed class UnloadedShapeContext(DbContextOptions<UnloadedShapeContext> options) : DbContext(options)
{
    public DbSet<Meter2> Meters => Set<Meter2>();
    public DbSet<Term2> Terms => Set<Term2>();
    public DbSet<Rack2> Racks => Set<Rack2>();
    public DbSet<Yard2> Yards => Set<Yard2>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Meter2>().Property(g => g.Label).HasComputedColumnSql("""upper("Name")""", stored: true);
        modelBuilder.Entity<Term2>().Property(d => d.Price).HasPrecision(10, 2);
        modelBuilder.Entity<Rack2>().OwnsMany(s => s.Bays, b => b.ToJson());
        modelBuilder.Entity<Yard2>().OwnsMany(s => s.Pens, b => b.ToJson());
    }
}

public sealed class UnloadedEntityShapeTests(UnloadedEntityShapeTests.Database database) : IClassFixture<UnloadedEntityShapeTests.Database>
{
    public sealed class Database() : SchemaFixture<UnloadedShapeContext>(options => new(options));

    private async Task<Meter2> StoreGaugeAsync(string name)
    {
        await using var context = database.Create();
        var gauge = new Meter2 { Name = name, Note = "n" };
        context.Meters.Add(gauge);
        await context.SaveChangesAsync();
        Assert.Equal(name.ToUpperInvariant(), gauge.Label);
        return gauge;
    }

    /// <summary>docs/auditing.md says "a copy that changes nothing is not logged".</summary>
    [Fact]
    public async Task Client_copy_that_changes_nothing_of_an_entity_with_a_computed_column_logs_nothing()
    {
        var stored = await StoreGaugeAsync("ada");
        await using (var context = database.Create())
        {
            // The client copy does not carry the computed column (a DTO seldom does).
            context.Update(new Meter2 { Id = stored.Id, Name = "ada", Note = "n" });
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Meter2>(() => database.Create(), stored.Id);
        Assert.Equal(
            [AuditOperation.Create],
            logs.Select(l => l.Operation));
    }

    /// <summary>a PATCH stub logs what it writes; the computed column did not change.</summary>
    [Fact]
    public async Task Attached_stub_of_an_entity_with_a_computed_column_logs_only_the_patched_field()
    {
        var stored = await StoreGaugeAsync("bob");
        await using (var context = database.Create())
        {
            var stub = new Meter2 { Id = stored.Id, Note = "patched" };
            context.Attach(stub);
            context.Entry(stub).Property(g => g.Note).IsModified = true;
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Meter2>(() => database.Create(), stored.Id);
        Assert.Equal([("Note", "n", "patched")], Lines(logs[^1]));
    }

    /// <summary>docs/auditing.md: "So the trail holds what the database holds".</summary>
    [Fact]
    public async Task A_DateTime_MaxValue_is_logged_as_the_database_holds_it()
    {
        var deadline = new Term2 { EndsAt = DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc), Price = 1m };
        await using (var context = database.Create())
        {
            context.Terms.Add(deadline);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var row = await check.Terms.AsNoTracking().SingleAsync(d => d.Id == deadline.Id);
        var logs = await Logs<Term2>(() => database.Create(), deadline.Id);
        var logged = Lines(logs[0]).Single(l => l.Field == "EndsAt").New;
        // The row holds +infinity, which Npgsql reads back as DateTime.MaxValue (...59.9999999).
        Assert.Equal(DateTime.MaxValue.Ticks, row.EndsAt.Ticks);
        Assert.Equal(DateTime.MaxValue.Ticks, DateTime.Parse(logged!, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind).Ticks);
    }

    /// <summary>a decimal that rounds to zero at the column's scale.</summary>
    [Fact]
    public async Task A_negative_decimal_that_rounds_to_zero_is_logged_as_the_database_holds_it()
    {
        var deadline = new Term2 { EndsAt = DateTime.UtcNow, Price = -0.001m };
        await using (var context = database.Create())
        {
            context.Terms.Add(deadline);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var row = await check.Terms.AsNoTracking().SingleAsync(d => d.Id == deadline.Id);
        var logs = await Logs<Term2>(() => database.Create(), deadline.Id);
        var logged = Lines(logs[0]).Single(l => l.Field == "Price").New;
        Assert.Equal(row.Price.ToString(CultureInfo.InvariantCulture), logged);
    }

    /// <summary>
    /// An owned collection stored as JSON cannot be read back element by element: a client copy of its owner is left to
    /// EF Core, which refuses it with its own explanation (the element's position is unknown), audited or not.
    /// </summary>
    [Fact]
    public async Task A_client_copy_with_a_json_owned_collection_gets_EF_Cores_own_explanation()
    {
        var yard = new Yard2 { Name = "y", Pens = [new Pen2 { Code = "A" }] };
        var rack = new Rack2 { Name = "r", Bays = [new Bay2 { Code = "A", Qty = 1 }] };
        await using (var context = database.Create())
        {
            context.AddRange(yard, rack);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Yard2 { Id = yard.Id, Name = "y2", Pens = [new Pen2 { Code = "B" }] });
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
            Assert.Contains("__synthesizedOrdinal", error.Message, StringComparison.Ordinal);
        }

        await using (var context = database.Create())
        {
            context.Update(new Rack2 { Id = rack.Id, Name = "r2", Bays = [new Bay2 { Code = "A", Qty = 1 }] });
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
            Assert.Contains("__synthesizedOrdinal", error.Message, StringComparison.Ordinal);
        }
    }
}

/// <summary>StoredOriginals with the existing value-object model (optional complex values, OwnsMany).</summary>
public sealed class UnloadedValueObjectTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    /// <summary>Rate has no property that can hold null but Cap (int?): the stored null complex value.</summary>
    [Fact]
    public async Task Client_copy_that_sets_an_optional_complex_value_of_value_types_stored_as_null_saves_and_logs()
    {
        var stored = new Wallet { Name = "r6" };
        await using (var context = database.Create())
        {
            context.Wallets.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Wallet { Id = stored.Id, Name = "r6", Fee = new Rate { Percent = 5m, Cap = 3 } });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var row = await check.Wallets.AsNoTracking().SingleAsync(w => w.Id == stored.Id);
        Assert.Equal((5m, (int?)3), (row.Fee?.Percent, row.Fee?.Cap));
        var trail = await check.AuditTrailByKey<Wallet>(stored.Id).ToListAsync();
        Assert.Equal([("Fee.Percent", null, "5"), ("Fee.Cap", null, "3")], Lines(trail[^1]));
    }

    /// <summary>an optional complex value nested in one that is stored (Wrap set, Wrap.Inner null).</summary>
    [Fact]
    public async Task Client_copy_that_sets_a_nested_optional_complex_value_stored_as_null_saves_and_logs()
    {
        var stored = new Wallet { Name = "r6b", Wrap = new Envelope { Label = "l" } };
        await using (var context = database.Create())
        {
            context.Wallets.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Update(new Wallet { Id = stored.Id, Name = "r6b", Wrap = new Envelope { Label = "l", Inner = new Money { Amount = 2m, Currency = "EUR" } } });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Wallet>(stored.Id).ToListAsync();
        Assert.Equal([("Wrap.Inner.Amount", null, "2"), ("Wrap.Inner.Currency", null, "EUR")], Lines(trail[^1]));
    }

    /// <summary>OwnsMany elements of a client copy (docs/auditing.md lists OwnsOne only as read).</summary>
    [Fact]
    public async Task Client_copy_of_an_owned_collection_element_logs_the_stored_old_value()
    {
        var member = new Member { Name = "r7", Phones = [new PhoneLine { Number = "111", Pin = "1" }] };
        await using (var context = database.Create())
        {
            context.Members.Add(member);
            await context.SaveChangesAsync();
        }

        var phone = member.Phones[0].Id;
        await using (var context = database.Create())
        {
            context.Update(new Member { Id = member.Id, Name = "r7", Phones = [new PhoneLine { Id = phone, Number = "999", Pin = "1" }] });
            await context.SaveChangesAsync();
        }

        await using var read = database.Create();
        var key = Key(member.Id) + "|" + Key(phone);
        var logs = await read.Set<AuditLog>().AsNoTracking()
            .Where(l => l.EntityType == typeof(PhoneLine).FullName && l.EntityKey == key)
            .OrderBy(l => l.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], logs.Select(l => l.Operation));
        Assert.Equal([("Number", "111", "999")], Lines(logs[1]));
    }
}

public sealed class UnloadedNullComplexTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    /// <summary>the simplest PUT: only Name changes; every optional complex value is null in the row and in the copy.</summary>
    [Fact]
    public async Task Client_copy_that_changes_only_a_scalar_of_an_entity_whose_optional_complex_values_are_null_saves()
    {
        var stored = new Wallet { Name = "r6c" };
        await using (var context = database.Create())
        {
            context.Wallets.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var dto = new Wallet { Id = stored.Id, Name = "r6c-2" };
            context.Update(dto);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        Assert.Equal("r6c-2", (await check.Wallets.AsNoTracking().SingleAsync(w => w.Id == stored.Id)).Name);
    }
}
