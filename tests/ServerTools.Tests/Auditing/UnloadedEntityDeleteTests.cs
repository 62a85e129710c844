using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using ServerTools.Infrastructure;
using ServerTools.Tests.Tracking;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>
/// Deletes of entities the context did not load (<c>Remove(stub)</c>, <c>Attach</c> then <c>Remove</c>,
/// <c>Entry(stub).State = Deleted</c>, <c>RemoveRange</c>): the delete log's old values are the stored row, read before
/// the delete with one query per entity type of the save, not the stub's placeholders. Each test names the queries its
/// save costs besides the save's own statements.
/// </summary>
public sealed class UnloadedEntityDeleteTests(UnloadedEntityTests.Database database) : IClassFixture<UnloadedEntityTests.Database>
{
    private async Task<Lease> StoreAsync(string title, decimal amount = 100m)
    {
        await using var context = database.Create();
        var lease = new Lease { Title = title, Amount = amount, Note = "first", Party = new LeaseParty { Name = "Acme", City = "Lyon" } };
        context.Leases.Add(lease);
        await context.SaveChangesAsync();
        return lease;
    }

    /// <summary>A context that counts its queries.</summary>
    private LeaseContext Create(QueryCounter counter)
        => new(new DbContextOptionsBuilder<LeaseContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options);

    private async Task<List<(string Field, string? Old, string? New)>> DeleteLinesAsync(int id)
    {
        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        Assert.False(await check.Leases.AnyAsync(l => l.Id == id));
        return Lines(trail[1]);
    }

    /// <summary>What the delete log of a lease stored by <see cref="StoreAsync"/> holds.</summary>
    private static List<(string Field, string? Old, string? New)> Stored(Lease stored, string amount = "100")
        =>
        [
            ("Id", Key(stored.Id), null), ("Title", stored.Title, null), ("Amount", amount, null), ("Note", "first", null),
            ("Version", "0", null), ("Party.Name", "Acme", null), ("Party.City", "Lyon", null),
        ];

    [Fact]
    public async Task Removing_a_stub_logs_the_stored_row_as_the_old_values()
    {
        var stored = await StoreAsync("remove-stub");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            context.Remove(new Lease { Id = stored.Id, Version = stored.Version });
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        Assert.Equal(Stored(stored), await DeleteLinesAsync(stored.Id));
    }

    /// <summary>The synchronous SaveChanges reads the stored row synchronously.</summary>
    [Fact]
    public async Task An_attached_stub_then_removed_logs_the_stored_row()
    {
        var stored = await StoreAsync("attach-remove");
        var counter = new QueryCounter();
        using (var context = Create(counter))
        {
            var stub = new Lease { Id = stored.Id, Version = stored.Version };
            context.Attach(stub);
            context.Remove(stub);
            counter.Queries.Clear();
            context.SaveChanges();
            Assert.Single(counter.Queries);
        }

        Assert.Equal(Stored(stored), await DeleteLinesAsync(stored.Id));
    }

    [Fact]
    public async Task A_stub_whose_state_is_set_to_Deleted_logs_the_stored_row()
    {
        var stored = await StoreAsync("state-deleted");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            // Values the application set on the stub are placeholders too: the log holds what the row held.
            var stub = new Lease { Id = stored.Id, Version = stored.Version, Title = "placeholder", Amount = 1m, Party = new LeaseParty { City = "Nowhere" } };
            context.Entry(stub).State = EntityState.Deleted;
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        Assert.Equal(Stored(stored), await DeleteLinesAsync(stored.Id));
    }

    /// <summary>Several stubs, removed together or with an update of another stub of the same type: one query for the type.</summary>
    [Fact]
    public async Task Stubs_removed_and_updated_in_one_save_are_read_with_one_query()
    {
        var first = await StoreAsync("range-1", 101m);
        var second = await StoreAsync("range-2", 102m);
        var updated = await StoreAsync("range-3", 103m);
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            context.RemoveRange(new Lease { Id = first.Id }, new Lease { Id = second.Id });
            var stub = new Lease { Id = updated.Id };
            context.Attach(stub);
            stub.Note = "patched";
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        Assert.Equal(Stored(first, "101"), await DeleteLinesAsync(first.Id));
        Assert.Equal(Stored(second, "102"), await DeleteLinesAsync(second.Id));
        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(updated.Id).ToListAsync();
        Assert.Equal([("Note", "first", "patched")], Lines(trail[^1]));
    }

    /// <summary>More stubs than one query reads: a query per <see cref="StoredRows.MaxPerQuery"/>.</summary>
    [Fact]
    public async Task Many_removed_stubs_are_read_a_bucket_at_a_time()
    {
        var leases = Enumerable.Range(0, StoredRows.MaxPerQuery + 10).Select(i => new Lease { Title = "many", Amount = i, Party = new LeaseParty() }).ToList();
        await using (var context = database.Create())
        {
            context.Leases.AddRange(leases);
            await context.SaveChangesAsync();
        }

        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            context.RemoveRange(leases.Select(l => new Lease { Id = l.Id }));
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Equal(2, counter.Queries.Count);
        }

        await using var check = database.Create();
        foreach (var lease in new[] { leases[0], leases[StoredRows.MaxPerQuery - 1], leases[StoredRows.MaxPerQuery], leases[^1] })
        {
            var trail = await check.AuditTrailByKey<Lease>(lease.Id).ToListAsync();
            Assert.Contains(("Amount", Key((int)lease.Amount), null), Lines(trail[^1]));
        }
    }

    /// <summary>A stub of a row that is gone: EF's concurrency exception, as before, and no log.</summary>
    [Fact]
    public async Task Removing_a_stub_of_a_row_that_does_not_exist_fails_as_before_and_logs_nothing()
    {
        var stored = await StoreAsync("gone");
        await using (var context = database.Create())
        {
#pragma warning disable ST1001
            await context.Leases.Where(l => l.Id == stored.Id).ExecuteDeleteAsync();
#pragma warning restore ST1001
        }

        await using (var context = database.Create())
        {
            context.Remove(new Lease { Id = stored.Id });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());
        }

        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create], (await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync()).Select(l => l.Operation));
    }

    /// <summary>A stale concurrency token fails the delete as before: the stored row is read, but the token stays the stub's.</summary>
    [Fact]
    public async Task Removing_a_stub_with_a_stale_token_fails_as_before_and_logs_nothing()
    {
        var stored = await StoreAsync("stale-delete");
        await using (var context = database.Create())
        {
            var lease = await context.Leases.SingleAsync(l => l.Id == stored.Id);
            lease.Version++;
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Lease { Id = stored.Id, Version = stored.Version });
            await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => context.SaveChangesAsync());
        }

        await using var check = database.Create();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], (await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync()).Select(l => l.Operation));
        Assert.True(await check.Leases.AnyAsync(l => l.Id == stored.Id));
    }

    /// <summary>An entity a query loaded holds its stored values already: its delete costs no query.</summary>
    [Fact]
    public async Task Removing_a_loaded_entity_costs_no_query()
    {
        var stored = await StoreAsync("loaded-delete");
        var counter = new QueryCounter();
        await using (var context = Create(counter))
        {
            context.Remove(await context.Leases.SingleAsync(l => l.Id == stored.Id));
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Empty(counter.Queries);
        }

        Assert.Equal(Stored(stored), await DeleteLinesAsync(stored.Id));
    }

    /// <summary>Inside the application's transaction, the row is read in it.</summary>
    [Fact]
    public async Task Removing_a_stub_inside_the_applications_transaction_reads_the_row_in_it()
    {
        var stored = await StoreAsync("in-transaction");
        await using (var context = database.Create())
        {
            await using var transaction = await context.Database.BeginTransactionAsync();
            var lease = await context.Leases.SingleAsync(l => l.Id == stored.Id);
            lease.Amount = 150m;
            await context.SaveChangesAsync();

            // A second context of the same application, on the same connection and transaction: it sees the uncommitted amount.
            var options = new DbContextOptionsBuilder<LeaseContext>().UseNpgsql(context.Database.GetDbConnection()).UseServerTools().Options;
            await using var other = new LeaseContext(options);
            await other.Database.UseTransactionAsync(transaction.GetDbTransaction());
            other.Remove(new Lease { Id = stored.Id });
            await other.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Lease>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Delete], trail.Select(l => l.Operation));
        Assert.Contains(("Amount", "150", null), Lines(trail[2]));
    }
}

/// <summary>Masked and ignored fields of a deleted stub keep their rules.</summary>
public sealed class UnloadedMaskedDeleteTests(AuditTrailTests.Database database) : IClassFixture<AuditTrailTests.Database>
{
    [Fact]
    public async Task A_removed_stub_logs_masked_fields_masked_and_ignored_ones_not_at_all()
    {
        var stored = new Account { Name = "masked-stub", Balance = 500m, Iban = "FR76", Secret = "s", State = AccountState.Frozen };
        await using (var context = database.Create())
        {
            context.Accounts.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Account { Id = stored.Id });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Account>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        var lines = Lines(trail[1]);
        Assert.Contains(("Name", "masked-stub", null), lines);
        Assert.Contains(("Balance", "500", null), lines);
        Assert.Contains(("State", "Frozen", null), lines);
        Assert.Contains(("Iban", "***", null), lines);
        Assert.Contains(("Reference", stored.Reference.ToString(), null), lines);
        Assert.DoesNotContain(lines, line => line.Field == nameof(Account.Secret));
    }

    /// <summary>A strongly typed key, stored through a value converter.</summary>
    [Fact]
    public async Task A_removed_stub_with_a_converted_key_logs_its_stored_row()
    {
        var widget = new Widget { Id = new WidgetId(Guid.NewGuid()), Name = "converted" };
        await using (var context = database.Create())
        {
            context.Widgets.Add(widget);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Widget { Id = widget.Id });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Widget>(widget.Id.Value).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        Assert.Equal([("Name", "converted", null)], Lines(trail[1]));
    }

    /// <summary>A composite key: the rows of several stubs are read with one query.</summary>
    [Fact]
    public async Task Removed_stubs_with_a_composite_key_log_their_stored_rows()
    {
        var account = new Account { Name = "allocations" };
        await using (var context = database.Create())
        {
            context.Accounts.Add(account);
            await context.SaveChangesAsync();
            context.Allocations.AddRange(
                new Allocation { AccountId = account.Id, Period = "2026-01", Amount = 10m },
                new Allocation { AccountId = account.Id, Period = "2026-02", Amount = 20m },
                new Allocation { AccountId = account.Id, Period = "2026-03", Amount = 30m });
            await context.SaveChangesAsync();
        }

        var counter = new QueryCounter();
        var options = new DbContextOptionsBuilder<AuditTrailContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options;
        await using (var context = new AuditTrailContext(options))
        {
            context.RemoveRange(new Allocation { AccountId = account.Id, Period = "2026-01" }, new Allocation { AccountId = account.Id, Period = "2026-03" });
            counter.Queries.Clear();
            await context.SaveChangesAsync();
            Assert.Single(counter.Queries);
        }

        await using var check = database.Create();
        foreach (var (period, amount) in new[] { ("2026-01", "10"), ("2026-03", "30") })
        {
            var trail = await check.AuditTrailByKey<Allocation>(account.Id, period).ToListAsync();
            Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
            Assert.Contains(("Amount", amount, null), Lines(trail[1]));
        }

        Assert.Equal(20m, (await check.Allocations.SingleAsync(a => a.AccountId == account.Id)).Amount);
    }
}

/// <summary>Owned entities and complex values of a deleted stub.</summary>
public sealed class UnloadedOwnedDeleteTests(AuditValueObjectTests.Database database) : IClassFixture<AuditValueObjectTests.Database>
{
    [Fact]
    public async Task A_removed_stub_with_its_owned_entities_logs_their_stored_values_and_its_complex_ones()
    {
        var stored = new Client
        {
            Name = "owned-delete", Billing = new PostalAddress { Street = "1 Main St", City = "Lyon" },
            Contact = new ContactInfo { Email = "a@example.com", Phone = "1" }, Location = new GeoPoint { Latitude = 1, Longitude = 2 },
        };
        await using (var context = database.Create())
        {
            context.Clients.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Client { Id = stored.Id, Contact = new ContactInfo(), Location = new GeoPoint() });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Client>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        var lines = Lines(trail[1]);
        Assert.Contains(("Name", "owned-delete", null), lines);
        Assert.Contains(("Billing.Street", "1 Main St", null), lines);
        Assert.Contains(("Billing.City", "Lyon", null), lines);
        Assert.Contains(("Contact.Email", "a@example.com", null), lines);
        Assert.Contains(("Contact.Phone", "***", null), lines);
        Assert.Contains(("Location.Latitude", "1", null), lines);
        Assert.Contains(("Location.Longitude", "2", null), lines);
    }

    /// <summary>
    /// A stub that holds no owned entity (<c>Location</c> null) or an empty one (<c>Contact</c>, which the class creates):
    /// the owned values are read from the stored row too, one query per owned type.
    /// </summary>
    [Fact]
    public async Task A_removed_stub_without_its_owned_entities_logs_their_stored_values()
    {
        var stored = new Client { Name = "no-owned", Contact = new ContactInfo { Email = "a@example.com", Phone = "1" }, Location = new GeoPoint { Latitude = 1, Longitude = 2 } };
        var empty = new Client { Name = "no-owned, none stored" };
        await using (var context = database.Create())
        {
            context.Clients.AddRange(stored, empty);
            await context.SaveChangesAsync();
        }

        var counter = new QueryCounter();
        var options = new DbContextOptionsBuilder<ValueObjectContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options;
        await using (var context = new ValueObjectContext(options))
        {
            context.RemoveRange(new Client { Id = stored.Id }, new Client { Id = empty.Id });
            counter.Queries.Clear();
            await context.SaveChangesAsync();

            // The clients, their contacts (tracked: the class creates one) and their locations (not tracked).
            Assert.Equal(3, counter.Queries.Count);
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Client>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        var lines = Lines(trail[1]);
        Assert.Contains(("Name", "no-owned", null), lines);
        Assert.Contains(("Contact.Email", "a@example.com", null), lines);
        Assert.Contains(("Location.Latitude", "1", null), lines);
        Assert.Contains(("Location.Longitude", "2", null), lines);

        var emptyTrail = await check.AuditTrailByKey<Client>(empty.Id).ToListAsync();
        Assert.Equal(Lines(emptyTrail[0]).Select(l => (l.Field, l.New, (string?)null)), Lines(emptyTrail[1]));
    }

    [Fact]
    public async Task A_removed_stub_with_optional_complex_values_logs_them_as_stored()
    {
        var stored = new Wallet { Name = "complex-delete", Cash = new Money { Amount = 5m, Currency = "EUR" }, Wrap = new Envelope { Label = "l" } };
        await using (var context = database.Create())
        {
            context.Wallets.Add(stored);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            // The stub's complex values are the opposite of the stored ones: set where the row holds null, null where it holds one.
            context.Remove(new Wallet { Id = stored.Id, Fee = new Rate { Percent = 1m } });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Wallet>(stored.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        var lines = Lines(trail[1]);
        Assert.Contains(("Name", "complex-delete", null), lines);
        Assert.Contains(("Cash.Amount", "5", null), lines);
        Assert.Contains(("Cash.Currency", "EUR", null), lines);
        Assert.Contains(("Wrap.Label", "l", null), lines);
        Assert.Contains(("Wrap.Inner.Amount", null, null), lines);
        Assert.Contains(("Fee.Percent", null, null), lines);
    }
}

/// <summary>Class hierarchies: a stub of each class is read from its rows (one table for TPH, both tables for TPT).</summary>
public sealed class UnloadedHierarchyDeleteTests(AuditInheritanceTests.Database database) : IClassFixture<AuditInheritanceTests.Database>
{
    [Fact]
    public async Task Removed_stubs_of_TPH_classes_log_their_stored_rows()
    {
        var vehicle = new Vehicle { Name = "truck", Value = 9000m, Plate = "AB-123", InsuranceNumber = "INS" };
        var machine = new Machine { Name = "lathe", Value = 500m, SerialNumber = "SN-1" };
        await using (var context = database.Create())
        {
            context.Assets.AddRange(vehicle, machine);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.RemoveRange(new Vehicle { Id = vehicle.Id }, new Machine { Id = machine.Id });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var vehicleTrail = await check.AuditTrailByKey<Vehicle>(vehicle.Id).ToListAsync();
        Assert.Equal(
            [("Id", Key(vehicle.Id), null), ("Name", "truck", null), ("Value", "9000", null), ("InsuranceNumber", "***", null), ("Plate", "AB-123", null)],
            Lines(vehicleTrail[^1]));
        var machineTrail = await check.AuditTrailByKey<Asset>(machine.Id).ToListAsync();
        Assert.Equal(
            [("Id", Key(machine.Id), null), ("Name", "lathe", null), ("Value", "500", null), ("InsuranceNumber", null, null)],
            Lines(machineTrail[^1]));
    }
}

public sealed class UnloadedTptDeleteTests(UnloadedTptStubTests.Database database) : IClassFixture<UnloadedTptStubTests.Database>
{
    [Fact]
    public async Task A_removed_stub_of_a_TPT_class_logs_the_stored_values_of_both_tables()
    {
        var phone = new Handset { Name = "pocket", Price = 300m, Imei = "35-1" };
        await using (var context = database.Create())
        {
            context.Devices.Add(phone);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Handset { Id = phone.Id });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Handset>(phone.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        Assert.Equal([("Id", Key(phone.Id), null), ("Name", "pocket", null), ("Price", "300", null), ("Imei", "35-1", null)], Lines(trail[1]));
    }
}

/// <summary>A stub removed with its many-to-many links attached: the fields come from the stored row, the link line from the join rows.</summary>
public sealed class UnloadedLinkDeleteTests(AuditLinkTests.Database database) : IClassFixture<AuditLinkTests.Database>
{
    [Fact]
    public async Task A_removed_stub_with_attached_links_logs_its_stored_row_and_the_links_it_removed()
    {
        var tag = new Tag { Label = "stub-link" };
        var partner = new Partner { Name = "stub-link", Tags = [tag] };
        await using (var context = database.Create())
        {
            context.Add(partner);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            var stub = new Partner { Id = partner.Id, Tags = [new Tag { Id = tag.Id }] };
            context.Attach(stub);
            context.Remove(stub);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var trail = await check.AuditTrailByKey<Partner>(partner.Id).ToListAsync();
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], trail.Select(l => l.Operation));
        Assert.Equal([("Id", Key(partner.Id), null), ("Name", "stub-link", null), ("Tags", $"[\"{tag.Id}\"]", null)], Lines(trail[1]));
        var tagTrail = await check.AuditTrailByKey<Tag>(tag.Id).ToListAsync();
        Assert.Equal([("Partners", $"[\"{partner.Id}\"]", "[]")], Lines(tagTrail[^1]));
        Assert.Equal("stub-link", (await check.Tags.SingleAsync(t => t.Id == tag.Id)).Label);
    }
}

/// <summary>Audited and tracked: the outbox message of a deleted stub holds the stored values too.</summary>
public sealed class UnloadedTrackedDeleteTests(TrackingFixture database) : IClassFixture<TrackingFixture>
{
    [Fact]
    public async Task A_removed_stub_of_a_tracked_class_delivers_and_logs_the_stored_values()
    {
        var parcel = new Parcel { Code = "P-stub", Weight = 2.5m, Pin = "1234", Hash = "h" };
        await using (var context = database.Create())
        {
            context.Parcels.Add(parcel);
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Remove(new Parcel { Id = parcel.Id });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        var key = Key(parcel.Id);
        var message = await check.Set<OutboxMessage>().AsNoTracking()
            .SingleAsync(m => m.EntityType == typeof(Parcel).FullName && m.EntityKey == key && m.Operation == TrackedOperation.Delete);
        Assert.Contains(new TrackedFieldChange("Code", "P-stub", null), message.Fields);
        Assert.Contains(new TrackedFieldChange("Weight", "2.5", null), message.Fields);
        var trail = await check.AuditTrailByKey<Parcel>(parcel.Id).ToListAsync();
        Assert.Equal(
            [("Id", key, null), ("Code", "P-stub", null), ("Weight", "2.5", null), ("Version", "0", null), ("Pin", "***", null)],
            Lines(trail[^1]));
    }
}
