using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>
/// Which entities count as loaded is decided by where they came from, not by their values: an entity attached by the
/// application (<c>Update</c>, <c>Attach</c>, <c>Entry(x).State</c>) is read from the database at its save, whatever the
/// application changed after attaching it, and one a query of the context loaded, or the context saved in full, is not.
/// Each test names the queries its save costs besides the save's own statements.
/// </summary>
public sealed class UnloadedEntityOriginTests(UnloadedEntityTests.Database database) : IClassFixture<UnloadedEntityTests.Database>
{
    private async Task<Lease> StoreAsync(string title)
    {
        await using var context = database.Create();
        var lease = new Lease { Title = title, Amount = 100m, Note = "first", Party = new LeaseParty { Name = "Acme", City = "Lyon" } };
        context.Leases.Add(lease);
        await context.SaveChangesAsync();
        return lease;
    }

    /// <summary>A client's copy of the row <see cref="StoreAsync"/> stored, as the body of a PUT carries it.</summary>
    private static Lease CopyOf(Lease stored) => new()
    {
        Id = stored.Id, Title = stored.Title, Amount = 100m, Note = "first", Version = stored.Version,
        Party = new LeaseParty { Name = "Acme", City = "Lyon" },
    };

    /// <summary>A context that counts its queries.</summary>
    private LeaseContext Create(QueryCounter counter)
        => new(new DbContextOptionsBuilder<LeaseContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options);

    private async Task<List<(string Field, string? Old, string? New)>> LastUpdateAsync(int id, int expectedLogs = 2)
    {
        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(id).ToListAsync();
        Assert.Equal(expectedLogs, trail.Count);
        Assert.Equal(AuditOperation.Update, trail[^1].Operation);
        return Lines(trail[^1]);
    }

    private async Task<Lease> RowAsync(int id)
    {
        await using var check = database.Create();
        return await check.Leases.AsNoTracking().SingleAsync(l => l.Id == id);
    }

    /// <summary>trial13 finding 1: a PUT whose endpoint adjusts a value (here rounds it) between Update and SaveChanges.</summary>
    [Fact]
    public async Task Update_then_a_change_before_the_save_logs_what_the_row_held()
    {
        var stored = await StoreAsync("put-adjusted");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var dto = CopyOf(stored);
            (dto.Title, dto.Amount) = ("put-adjusted, renamed", 100.004m);
            context.Update(dto);
            dto.Amount = decimal.Round(dto.Amount, 2);   // 100.00: what the row holds
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
            Assert.Empty(dto.HookCalls);
        }

        Assert.Equal([("Title", "put-adjusted", "put-adjusted, renamed")], await LastUpdateAsync(stored.Id));
        var row = await RowAsync(stored.Id);
        Assert.Equal(("put-adjusted, renamed", 100m, "first"), (row.Title, row.Amount, row.Note));
    }

    /// <summary>trial13 finding 2: EF Core's "update without loading": attach a stub, then set what changes.</summary>
    [Fact]
    public async Task An_attached_stub_then_set_logs_the_stored_values_as_the_old_ones()
    {
        var stored = await StoreAsync("attach-then-set");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var stub = new Lease { Id = stored.Id, Version = stored.Version };   // Title "", Amount 0, Note null
            context.Attach(stub);
            stub.Amount = 600m;
            stub.Note = "patched";
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
            Assert.Equal(["Amount 100 -> 600"], stub.HookCalls);
        }

        Assert.Equal([("Amount", "100", "600"), ("Note", "first", "patched")], await LastUpdateAsync(stored.Id));
        var row = await RowAsync(stored.Id);
        Assert.Equal(("attach-then-set", 600m, "patched", "Acme", "Lyon"), (row.Title, row.Amount, row.Note, row.Party.Name, row.Party.City));
    }

    [Fact]
    public async Task Entry_state_Modified_then_a_change_before_the_save_logs_what_the_row_held()
    {
        var stored = await StoreAsync("state-modified");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var dto = CopyOf(stored);
            (dto.Amount, dto.Note) = (100.004m, "second");
            context.Entry(dto).State = EntityState.Modified;
            dto.Amount = decimal.Round(dto.Amount, 2);
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
            Assert.Empty(dto.HookCalls);
        }

        Assert.Equal([("Note", "first", "second")], await LastUpdateAsync(stored.Id));
    }

    /// <summary>The synchronous SaveChanges reads the stored row synchronously.</summary>
    [Fact]
    public async Task Attach_with_IsModified_and_a_value_set_after_it_logs_the_stored_values_as_the_old_ones()
    {
        var stored = await StoreAsync("attach-is-modified");
        var counter = new QueryCounter();
        using (var context = Create(counter))
        {
            var stub = new Lease { Id = stored.Id, Version = stored.Version, Note = "patched" };
            context.Attach(stub);
            context.Entry(stub).Property(l => l.Note).IsModified = true;
            stub.Amount = 650m;
            counter.Queries.Clear();
            context.SaveChanges();
            Assert.Single(counter.Queries);
            Assert.Equal(["Amount 100 -> 650"], stub.HookCalls);
        }

        Assert.Equal([("Amount", "100", "650"), ("Note", "first", "patched")], await LastUpdateAsync(stored.Id));
    }

    /// <summary>Sent values equal to the stored ones, values set after attaching, a complex property's field.</summary>
    [Fact]
    public async Task A_stub_with_a_mix_of_properties_logs_only_what_changed_in_the_row()
    {
        var stored = await StoreAsync("mix");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var stub = new Lease { Id = stored.Id, Version = stored.Version, Title = "mix", Party = new LeaseParty { Name = "Acme", City = "Lyon" } };
            context.Attach(stub);
            context.Entry(stub).Property(l => l.Title).IsModified = true;   // sent, as stored
            stub.Amount = 100m;                                              // set after attaching, as stored
            stub.Note = "mixed";
            stub.Party.City = "Paris";
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
            Assert.Empty(stub.HookCalls);
        }

        Assert.Equal([("Note", "first", "mixed"), ("Party.City", "Lyon", "Paris")], await LastUpdateAsync(stored.Id));
        var row = await RowAsync(stored.Id);
        Assert.Equal(("mix", 100m, "mixed", "Acme", "Paris"), (row.Title, row.Amount, row.Note, row.Party.Name, row.Party.City));
    }

    /// <summary>Several entities of one type that the context did not load: their rows are read with one query, not one each.</summary>
    [Fact]
    public async Task Stubs_of_one_type_updated_in_one_save_are_read_with_one_query()
    {
        var first = await StoreAsync("batch-1");
        var second = await StoreAsync("batch-2");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var dto = CopyOf(first);
            dto.Amount = 250m;
            context.Update(dto);
            var stub = new Lease { Id = second.Id, Version = second.Version };
            context.Attach(stub);
            stub.Note = "patched";
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        Assert.Equal([("Amount", "100", "250")], await LastUpdateAsync(first.Id));
        Assert.Equal([("Note", "first", "patched")], await LastUpdateAsync(second.Id));
    }

    /// <summary>
    /// A stub's save writes only some of its properties: the others keep their placeholders as original values, so each
    /// later save that changes it reads the row again.
    /// </summary>
    [Fact]
    public async Task A_stub_saved_in_part_is_read_again_at_its_next_save()
    {
        var stored = await StoreAsync("stub-twice");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var stub = new Lease { Id = stored.Id, Version = stored.Version };
            context.Attach(stub);
            stub.Amount = 600m;
            await context.SaveChangesAsync();

            stub.Note = "later";
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        Assert.Equal([("Note", "first", "later")], await LastUpdateAsync(stored.Id, expectedLogs: 3));
    }

    /// <summary>A stub reloaded by the application is still one it attached: its next save reads the row again, with the same result.</summary>
    [Fact]
    public async Task A_reloaded_stub_is_read_again_at_its_save()
    {
        var stored = await StoreAsync("reloaded-stub");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var stub = new Lease { Id = stored.Id, Version = stored.Version };
            context.Attach(stub);
            await context.Entry(stub).ReloadAsync();
            stub.Amount = 600m;
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
            Assert.Equal(["Amount 100 -> 600"], stub.HookCalls);
        }

        Assert.Equal([("Amount", "100", "600")], await LastUpdateAsync(stored.Id));
    }

    /// <summary>docs/auditing.md, "Saving twice": the repeated save of a client copy finds the values the first one wrote.</summary>
    [Fact]
    public async Task A_client_copy_saved_twice_without_accepting_is_logged_once()
    {
        var stored = await StoreAsync("saved-twice");
        await using (var context = database.Create())
        {
            var dto = CopyOf(stored);
            dto.Amount = 250m;
            context.Update(dto);
            await context.SaveChangesAsync(acceptAllChangesOnSuccess: false);
            await context.SaveChangesAsync();
        }

        Assert.Equal([("Amount", "100", "250")], await LastUpdateAsync(stored.Id));
    }

    /// <summary>
    /// Loaded by a query: the loaded values are the old ones, with no query, even where the application marks a property
    /// modified that it did not change (here while another context changes the row).
    /// </summary>
    [Fact]
    public async Task A_loaded_entity_keeps_its_loaded_values_as_the_old_ones_without_a_query()
    {
        var stored = await StoreAsync("loaded");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var lease = await context.Leases.SingleAsync(l => l.Id == stored.Id);
            await using (var other = database.Create())
            {
                (await other.Leases.SingleAsync(l => l.Id == stored.Id)).Note = "elsewhere";
                await other.SaveChangesAsync();
            }

            lease.Note = "mine";
            context.Entry(lease).Property(l => l.Amount).IsModified = true;
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(counter.Queries);
        }

        Assert.Equal([("Note", "first", "mine")], await LastUpdateAsync(stored.Id, expectedLogs: 3));
    }

    /// <summary>EF Core's concurrency documentation: the conflict is resolved by giving the entry the database's values as its original ones.</summary>
    [Fact]
    public async Task A_loaded_entity_given_the_database_values_after_a_conflict_logs_them_without_a_query()
    {
        var stored = await StoreAsync("conflict");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var lease = await context.Leases.SingleAsync(l => l.Id == stored.Id);
            await using (var other = database.Create())
            {
                var theirs = await other.Leases.SingleAsync(l => l.Id == stored.Id);
                (theirs.Amount, theirs.Note, theirs.Version) = (150m, "theirs", theirs.Version + 1);
                await other.SaveChangesAsync();
            }

            lease.Amount = 150m;
            var conflict = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());
            var entry = conflict.Entries.Single();
            var databaseValues = (await entry.GetDatabaseValuesAsync())!;
            entry.OriginalValues.SetValues(databaseValues);
            lease.Version = databaseValues.GetValue<int>(nameof(Lease.Version)) + 1;   // the token this save writes
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(counter.Queries);
        }

        Assert.Equal([("Note", "theirs", "first"), ("Version", "1", "2")], await LastUpdateAsync(stored.Id, expectedLogs: 3));
        var row = await RowAsync(stored.Id);
        Assert.Equal((150m, "first"), (row.Amount, row.Note));
    }

    /// <summary>An entity this context inserted holds what it wrote: forcing a full update of it costs no query.</summary>
    [Fact]
    public async Task An_entity_the_context_inserted_is_loaded_once_saved()
    {
        var counter = new QueryCounter();
        int id;
        await using (var context = Create(counter))
        {
            var lease = new Lease { Title = "inserted", Amount = 100m, Note = "first", Party = new LeaseParty { Name = "Acme", City = "Lyon" } };
            context.Leases.Add(lease);
            await context.SaveChangesAsync();
            id = lease.Id;

            lease.Note = "second";
            context.Entry(lease).State = EntityState.Modified;
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(counter.Queries);
        }

        Assert.Equal([("Note", "first", "second")], await LastUpdateAsync(id));
    }

    /// <summary>A client copy whose save wrote every property holds what it wrote: forcing a full update of it again costs no query.</summary>
    [Fact]
    public async Task A_client_copy_saved_in_full_is_loaded_once_saved()
    {
        var stored = await StoreAsync("copy-saved");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var dto = CopyOf(stored);
            dto.Amount = 250m;
            context.Update(dto);
            await context.SaveChangesAsync();

            dto.Note = "second";
            context.Entry(dto).State = EntityState.Modified;
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(counter.Queries);
        }

        Assert.Equal([("Note", "first", "second")], await LastUpdateAsync(stored.Id, expectedLogs: 3));
    }

    /// <summary>An added entity the application marks as stored (the "existing entity in a new graph" pattern) is not loaded.</summary>
    [Fact]
    public async Task An_added_entity_made_unchanged_by_the_application_is_read_at_its_save()
    {
        var stored = await StoreAsync("added-unchanged");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            var lease = new Lease { Id = stored.Id, Version = stored.Version };
            context.Add(lease);
            context.Entry(lease).State = EntityState.Unchanged;
            lease.Note = "known";
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        Assert.Equal([("Note", "first", "known")], await LastUpdateAsync(stored.Id));
    }

    /// <summary>A pooled context: what the last lease tracked, and the event the trail listens to, do not outlive it.</summary>
    [Fact]
    public async Task A_pooled_context_tells_a_stub_from_a_loaded_entity_at_every_lease()
    {
        var stored = await StoreAsync("pooled");
        var options = new DbContextOptionsBuilder<LeaseContext>().UseNpgsql(database.ConnectionString).UseServerTools().Options;
        var pool = new PooledDbContextFactory<LeaseContext>(options, poolSize: 1);
        LeaseContext first;
        await using (first = await pool.CreateDbContextAsync())
        {
            var lease = await first.Leases.SingleAsync(l => l.Id == stored.Id);
            lease.Note = "loaded";
            await first.SaveChangesAsync();
        }

        await using (var second = await pool.CreateDbContextAsync())
        {
            Assert.Same(first, second);
            var stub = new Lease { Id = stored.Id, Version = stored.Version };
            second.Attach(stub);
            stub.Amount = 700m;
            await second.SaveChangesAsync();
        }

        Assert.Equal([("Amount", "100", "700")], await LastUpdateAsync(stored.Id, expectedLogs: 3));
    }
}

/// <summary>Owned entities and class hierarchies attached as stubs.</summary>
public sealed class UnloadedOwnedStubTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    [Fact]
    public async Task An_attached_stub_whose_owned_entity_is_set_logs_the_stored_value_as_the_old_one()
    {
        var stored = new Client { Name = "owned-stub", Contact = new ContactInfo { Email = "a@example.com" }, Location = new GeoPoint { Latitude = 1, Longitude = 2 } };
        await using (var context = database.Create())
        {
            context.Clients.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var stub = new Client { Id = stored.Id, Contact = new ContactInfo(), Location = new GeoPoint() };
            context.Attach(stub);
            stub.Location.Longitude = 9;
            stub.Contact.Email = "b@example.com";
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Client>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Contact.Email", "a@example.com", "b@example.com"), ("Location.Longitude", "2", "9")], Lines(trail[1]));
        var row = await check.Clients.AsNoTracking().SingleAsync(c => c.Id == stored.Id);
        Assert.Equal(("owned-stub", 1d, 9d), (row.Name, row.Location!.Latitude, row.Location.Longitude));
    }
}

public sealed class UnloadedHierarchyStubTests(AuditInheritanceTests.Database database) : IClassFixture<AuditInheritanceTests.Database>
{
    /// <summary>TPH: a <see cref="Vehicle"/> stub (its own descriptor) and a <see cref="Machine"/> stub (logged as an <see cref="Asset"/>).</summary>
    [Fact]
    public async Task Attached_stubs_of_derived_classes_log_the_stored_values_as_the_old_ones()
    {
        var vehicle = new Vehicle { Name = "van", Value = 9000m, Plate = "AB-123" };
        var machine = new Machine { Name = "press", Value = 500m, SerialNumber = "SN-9" };
        await using (var context = database.Create())
        {
            context.Assets.AddRange(vehicle, machine);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var vehicleStub = new Vehicle { Id = vehicle.Id };
            var machineStub = new Machine { Id = machine.Id };
            context.AttachRange(vehicleStub, machineStub);
            (vehicleStub.Value, vehicleStub.Plate) = (8000m, "CD-456");
            machineStub.Value = 450m;
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var vehicleTrail = await check.AuditTrailByKey<Vehicle>(vehicle.Id).ToListAsync();
        Assert.Equal([("Value", "9000", "8000"), ("Plate", "AB-123", "CD-456")], Lines(vehicleTrail[^1]));
        var machineTrail = await check.AuditTrailByKey<Asset>(machine.Id).ToListAsync();
        Assert.Equal([("Value", "500", "450")], Lines(machineTrail[^1]));
    }
}

/// <summary>A stub whose save writes nothing the trail logs.</summary>
public sealed class UnloadedIgnoredStubTests(AuditTrailTests.Database database) : IClassFixture<AuditTrailTests.Database>
{
    [Fact]
    public async Task A_stub_that_writes_only_ignored_properties_is_saved_without_a_query_and_read_once_it_writes_a_logged_one()
    {
        var stored = new Account { Name = "ignored-stub", Balance = 500m, Secret = "old" };
        await using (var context = database.Create())
        {
            context.Accounts.Add(stored);
            await context.SaveChangesAsync();
        }

        var counter = new QueryCounter();
        var options = new DbContextOptionsBuilder<AuditTrailContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options;
        await using (var context = new AuditTrailContext(options))
        {
            var stub = new Account { Id = stored.Id, Secret = "new" };
            context.Attach(stub);
            context.Entry(stub).Property(a => a.Secret).IsModified = true;
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(counter.Queries);

            stub.Balance = 600m;
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Account>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Balance", "500", "600")], Lines(trail[1]));
        var row = await check.Accounts.AsNoTracking().SingleAsync(a => a.Id == stored.Id);
        Assert.Equal(("ignored-stub", 600m, "new"), (row.Name, row.Balance, row.Secret));
    }
}

/// <summary>Table per type: the stored row of a stub is read from both of its tables.</summary>
public sealed class UnloadedTptStubTests(UnloadedTptStubTests.Database database) : IClassFixture<UnloadedTptStubTests.Database>
{
    public sealed class Database() : SchemaFixture<DeviceContext>(options => new(options));

    [Fact]
    public async Task An_attached_stub_of_a_TPT_class_logs_the_stored_values_of_both_tables()
    {
        var phone = new Handset { Name = "pocket", Price = 300m, Imei = "35-1" };
        await using (var context = database.Create())
        {
            context.Devices.Add(phone);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var stub = new Handset { Id = phone.Id };
            context.Attach(stub);
            (stub.Price, stub.Imei) = (250m, "35-2");
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Handset>(phone.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], trail.Select(l => l.Operation));
        Assert.Equal([("Price", "300", "250"), ("Imei", "35-1", "35-2")], Lines(trail[1]));
    }
}

[Audited]
public partial class Device
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal Price { get; set; }
}

[Audited]
public partial class Handset : Device
{
    public string Imei { get; set; } = "";
}

public sealed class DeviceContext(DbContextOptions<DeviceContext> options) : DbContext(options)
{
    public DbSet<Device> Devices => Set<Device>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Device>().UseTptMappingStrategy();
        modelBuilder.Entity<Handset>();
    }
}

/// <summary>The texts of the queries a context runs besides the statements of its saves (a stored row read, for one).</summary>
internal sealed class QueryCounter : DbCommandInterceptor
{
    public List<string> Queries { get; } = [];

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Count(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Count(command, eventData);
        return ValueTask.FromResult(result);
    }

    private void Count(DbCommand command, CommandEventData eventData)
    {
        if (eventData.CommandSource != CommandSource.SaveChanges)
        {
            Queries.Add(command.CommandText);
        }
    }
}
