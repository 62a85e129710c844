using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing.Cascades;

[Audited]
public partial class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Invoice> Invoices { get; set; } = [];
}

/// <summary>Deleted with its customer by the database (a required relationship: <c>ON DELETE CASCADE</c>); hidden by a query filter when archived.</summary>
[Audited]
[Tracked(Operations = TrackedOperations.Update | TrackedOperations.Delete)]
public partial class Invoice
{
    public int Id { get; set; }
    public int CustomerId { get; set; }
    public string Number { get; set; } = "";

    public string Status { get; set; } = "";

    public bool Archived { get; set; }

    /// <summary>Set to null by the database when the agent is deleted (<c>ON DELETE SET NULL</c>).</summary>
    public int? AgentId { get; set; }

    public List<InvoiceLine> Lines { get; set; } = [];
    public List<Label> Labels { get; set; } = [];
}

public partial class Invoice
{
    private static int s_statusHookRuns;

    /// <summary>How many times <see cref="OnStatusChanged"/> ran, in every test.</summary>
    public static int StatusHookRuns => Volatile.Read(ref s_statusHookRuns);

    partial void OnStatusChanged(string oldValue, string newValue) => Interlocked.Increment(ref s_statusHookRuns);
}

/// <summary>Deleted by the database with its invoice, two levels below the customer.</summary>
[Audited]
public partial class InvoiceLine
{
    public int Id { get; set; }
    public int InvoiceId { get; set; }
    public string Product { get; set; } = "";
    public decimal Amount { get; set; }
}

/// <summary>Linked to invoices by a many-to-many navigation: the join rows go with the invoice.</summary>
[Audited]
public partial class Label
{
    public int Id { get; set; }
    public string Text { get; set; } = "";
    public List<Invoice> Invoices { get; set; } = [];
}

/// <summary>Neither audited nor tracked.</summary>
public sealed class Agent
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>Neither audited nor tracked; its invoice cannot be deleted while it exists (<c>ON DELETE RESTRICT</c>).</summary>
public sealed class Payment
{
    public int Id { get; set; }
    public int InvoiceId { get; set; }
}

public sealed class CascadeContext(DbContextOptions<CascadeContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<Invoice> Invoices => Set<Invoice>();
    public DbSet<InvoiceLine> Lines => Set<InvoiceLine>();
    public DbSet<Label> Labels => Set<Label>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<Payment> Payments => Set<Payment>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Invoice>(invoice =>
        {
            invoice.HasQueryFilter(i => !i.Archived);
            invoice.HasOne<Agent>().WithMany().HasForeignKey(i => i.AgentId).OnDelete(DeleteBehavior.SetNull);
            invoice.HasMany(i => i.Labels).WithMany(l => l.Invoices);
        });
        modelBuilder.Entity<Payment>().HasOne<Invoice>().WithMany().HasForeignKey(p => p.InvoiceId).OnDelete(DeleteBehavior.Restrict);
    }
}

/// <summary>
/// Rows the database deletes (<c>ON DELETE CASCADE</c>) or changes (<c>ON DELETE SET NULL</c>) when SaveChanges deletes their
/// principal are logged and sent to the outbox, as if the context had loaded them (<see cref="ServerToolsOptions.LoadCascadedDependents"/>).
/// </summary>
public sealed class AuditDatabaseCascadeTests(AuditDatabaseCascadeTests.Database database) : IClassFixture<AuditDatabaseCascadeTests.Database>
{
    public sealed class Database() : SchemaFixture<CascadeContext>(options => new(options));

    private sealed record Stored(int Customer, int Invoice, int Line, int OtherLine, int Archived, int ArchivedLine, int Label);

    /// <summary>A customer with an open invoice of two lines and a label, and an archived invoice (hidden by the query filter) of one line.</summary>
    private async Task<Stored> StoreAsync(string name)
    {
        await using var context = database.Create();
        var label = new Label { Text = name };
        var invoice = new Invoice
        {
            Number = name + "-1",
            Status = "Open",
            Lines = [new InvoiceLine { Product = "bolt", Amount = 1.50m }, new InvoiceLine { Product = "nut", Amount = 0.25m }],
            Labels = [label],
        };
        var archived = new Invoice { Number = name + "-0", Status = "Paid", Archived = true, Lines = [new InvoiceLine { Product = "old", Amount = 9m }] };
        var customer = new Customer { Name = name, Invoices = [invoice, archived] };
        context.Customers.Add(customer);
        await context.SaveChangesAsync();
        return new(customer.Id, invoice.Id, invoice.Lines[0].Id, invoice.Lines[1].Id, archived.Id, archived.Lines[0].Id, label.Id);
    }

    private static async Task DeleteCustomerAsync(CascadeContext context, int id, bool async)
    {
        if (async)
        {
            context.Customers.Remove((await context.Customers.FindAsync(id))!);
            await context.SaveChangesAsync();
        }
        else
        {
            context.Customers.Remove(context.Customers.Find(id)!);
            context.SaveChanges();
        }
    }

    private Task<List<AuditLog>> LogsOf<TEntity>(int id) => Logs<TEntity>(() => database.Create(), id);

    private async Task<List<OutboxMessage>> DeletesInOutboxAsync(int invoice)
    {
        await using var check = database.Create();
        var key = Key(invoice);
        return await check.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.EntityType == typeof(Invoice).FullName && m.EntityKey == key && m.Operation == TrackedOperation.Delete)
            .ToListAsync();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Deleting_a_customer_logs_the_invoices_and_lines_the_database_deletes_with_it(bool async)
    {
        var stored = await StoreAsync("trial-" + async);
        await using (var context = database.Create())
        {
            await DeleteCustomerAsync(context, stored.Customer, async);
        }

        await using (var check = database.Create())
        {
            Assert.False(await check.Invoices.IgnoreQueryFilters().AnyAsync(i => i.CustomerId == stored.Customer));
        }

        var invoiceLogs = await LogsOf<Invoice>(stored.Invoice);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], invoiceLogs.Select(l => l.Operation));
        Assert.Equal(
            [("Id", Key(stored.Invoice), null), ("CustomerId", Key(stored.Customer), null), ("Number", "trial-" + async + "-1", null), ("Status", "Open", null),
             ("Archived", "false", null), ("AgentId", null, null), ("Labels", $"[\"{Key(stored.Label)}\"]", null)],
            Lines(invoiceLogs[1]));

        var lineLogs = await LogsOf<InvoiceLine>(stored.Line);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], lineLogs.Select(l => l.Operation));
        Assert.Equal(
            [("Id", Key(stored.Line), null), ("InvoiceId", Key(stored.Invoice), null), ("Product", "bolt", null), ("Amount", "1.50", null)],
            Lines(lineLogs[1]));
        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.OtherLine))[^1].Operation);

        // The query filter hides the archived invoice from the application's queries, not from the database's cascade.
        Assert.Equal(AuditOperation.Delete, (await LogsOf<Invoice>(stored.Archived))[^1].Operation);
        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.ArchivedLine))[^1].Operation);

        // The label stays; its link to the invoice went with the invoice's join row.
        var labelLog = (await LogsOf<Label>(stored.Label))[^1];
        Assert.Equal(AuditOperation.Update, labelLog.Operation);
        Assert.Equal([("Invoices", $"[\"{Key(stored.Invoice)}\"]", "[]")], Lines(labelLog));

        await using (var reader = database.Create())
        {
            Assert.Null(await reader.AuditedValuesAsOfAsync<InvoiceLine>(System.DateTimeOffset.UtcNow.AddMinutes(1), [stored.Line]));
        }

        var change = Assert.Single(await DeletesInOutboxAsync(stored.Invoice));
        Assert.Contains(new TrackedFieldChange("Status", "Open", null), change.Fields);
    }

    /// <summary>
    /// <c>Include</c> and explicit loading apply the query filter, a filtered <c>Include</c> its own, and EF Core marks the
    /// navigation loaded all the same: the invoices they left out are read too.
    /// </summary>
    [Theory]
    [InlineData("include")]
    [InlineData("explicit")]
    [InlineData("filtered")]
    public async Task A_loaded_navigation_that_a_filter_trimmed_still_logs_the_invoices_it_left_out(string load)
    {
        var stored = await StoreAsync("loaded-" + load);
        await using (var context = database.Create())
        {
            var customer = load switch
            {
                "include" => await context.Customers.Include(c => c.Invoices).SingleAsync(c => c.Id == stored.Customer),
                "filtered" => await context.Customers.Include(c => c.Invoices.Where(i => i.Status == "Nothing")).SingleAsync(c => c.Id == stored.Customer),
                _ => await context.Customers.SingleAsync(c => c.Id == stored.Customer),
            };
            if (load == "explicit")
            {
                await context.Entry(customer).Collection(c => c.Invoices).LoadAsync();
            }

            Assert.True(context.Entry(customer).Collection(c => c.Invoices).IsLoaded);
            context.Customers.Remove(customer);
            await context.SaveChangesAsync();
        }

        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<Invoice>(stored.Invoice)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<Invoice>(stored.Archived)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<InvoiceLine>(stored.ArchivedLine)).Select(l => l.Operation));
        Assert.Single(await DeletesInOutboxAsync(stored.Archived));
    }

    /// <summary>With EF Core's cascade in the save, the invoices the context tracks are deleted there, and their lines are read all the same.</summary>
    [Fact]
    public async Task With_cascade_timing_on_save_changes_the_lines_of_tracked_invoices_are_logged()
    {
        var stored = await StoreAsync("on-save");
        await using (var context = database.Create())
        {
            context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
            var customer = await context.Customers.Include(c => c.Invoices).SingleAsync(c => c.Id == stored.Customer);
            _ = await context.Invoices.IgnoreQueryFilters().Where(i => i.Id == stored.Archived).ToListAsync();
            context.Customers.Remove(customer);
            await context.SaveChangesAsync();
        }

        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.Line))[^1].Operation);
        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.ArchivedLine))[^1].Operation);
    }

    /// <summary>
    /// With <see cref="ChangeTracker.DeleteOrphansTiming"/> at <see cref="CascadeTiming.OnSaveChanges"/>, an invoice taken out
    /// of its customer's collection is deleted by EF Core in the save: its lines, which the database deletes, are logged.
    /// </summary>
    [Fact]
    public async Task An_orphan_deleted_in_the_save_logs_the_lines_the_database_deletes_with_it()
    {
        var stored = await StoreAsync("orphan");
        await using (var context = database.Create())
        {
            context.ChangeTracker.DeleteOrphansTiming = CascadeTiming.OnSaveChanges;
            var customer = await context.Customers.Include(c => c.Invoices).SingleAsync(c => c.Id == stored.Customer);
            customer.Invoices.Remove(customer.Invoices.Single(i => i.Id == stored.Invoice));
            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            Assert.False(await check.Invoices.IgnoreQueryFilters().AnyAsync(i => i.Id == stored.Invoice));
        }

        Assert.Equal(AuditOperation.Delete, (await LogsOf<Invoice>(stored.Invoice))[^1].Operation);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<InvoiceLine>(stored.Line)).Select(l => l.Operation));
        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.OtherLine))[^1].Operation);
    }

    [Fact]
    public async Task A_customer_deleted_as_a_stub_logs_its_invoices_and_lines()
    {
        var stored = await StoreAsync("stub");
        await using (var context = database.Create())
        {
            context.Customers.Remove(new Customer { Id = stored.Customer });
            await context.SaveChangesAsync();
        }

        Assert.Equal(AuditOperation.Delete, (await LogsOf<Invoice>(stored.Invoice))[^1].Operation);
        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.Line))[^1].Operation);
    }

    /// <summary>
    /// An application's SaveChanges interceptor, which runs after ServerTools', turns the customer's delete into a soft delete
    /// (EF Core's documented pattern): the invoices loaded for the cascade are not deleted either, nor are their lines, a level
    /// further down, nor the invoices' links to their labels, and nothing logs a delete. Also with the cascade timing such an
    /// application sets (<see cref="CascadeTiming.OnSaveChanges"/>, where EF Core cascades after the interceptors) and the
    /// invoices (and their lines) loaded by the application, which ServerTools cascades before them; with the orphans'
    /// timing on the save as well; in both SaveChanges and SaveChangesAsync.
    /// </summary>
    [Theory]
    [InlineData(true, CascadeTiming.Immediate, CascadeTiming.Immediate, "customer", true)]
    [InlineData(true, CascadeTiming.Immediate, CascadeTiming.Immediate, "customer", false)]
    [InlineData(false, CascadeTiming.Immediate, CascadeTiming.Immediate, "customer", true)]
    [InlineData(true, CascadeTiming.Immediate, CascadeTiming.OnSaveChanges, "customer", false)]
    [InlineData(true, CascadeTiming.OnSaveChanges, CascadeTiming.Immediate, "invoices", true)]
    [InlineData(true, CascadeTiming.OnSaveChanges, CascadeTiming.Immediate, "invoices", false)]
    [InlineData(true, CascadeTiming.OnSaveChanges, CascadeTiming.Immediate, "lines", true)]
    [InlineData(true, CascadeTiming.OnSaveChanges, CascadeTiming.OnSaveChanges, "lines", false)]
    [InlineData(false, CascadeTiming.OnSaveChanges, CascadeTiming.Immediate, "invoices", true)]
    public async Task A_soft_delete_by_a_later_interceptor_keeps_the_invoices_and_their_lines(
        bool load, CascadeTiming cascade, CascadeTiming orphans, string loaded, bool async)
    {
        var stored = await StoreAsync($"soft-{load}-{cascade}-{orphans}-{loaded}-{async}");
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools(o => o.LoadCascadedDependents = load).AddInterceptors(new SoftDelete(invoices: false)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = cascade;
            context.ChangeTracker.DeleteOrphansTiming = orphans;
            IQueryable<Customer> customers = context.Customers;
            if (loaded == "invoices")
            {
                customers = customers.Include(c => c.Invoices);
            }
            else if (loaded == "lines")
            {
                customers = customers.Include(c => c.Invoices).ThenInclude(i => i.Lines).Include(c => c.Invoices).ThenInclude(i => i.Labels);
            }

            var customer = await customers.SingleAsync(c => c.Id == stored.Customer);
            context.Customers.Remove(customer);
            await AuditSuppressedConflictTests.SaveAsync(context, async, inTransaction: false);

            Assert.All(context.ChangeTracker.Entries(), entry => Assert.Equal(EntityState.Unchanged, entry.State));
        }

        await using (var check = database.Create())
        {
            Assert.Equal("(deleted)", (await check.Customers.SingleAsync(c => c.Id == stored.Customer)).Name);
            Assert.Equal(
                [stored.Archived, stored.Invoice],
                await check.Invoices.IgnoreQueryFilters().Where(i => i.CustomerId == stored.Customer).OrderBy(i => i.Number).Select(i => i.Id).ToListAsync());
            Assert.Equal(3, await check.Lines.CountAsync(l => l.Id == stored.Line || l.Id == stored.OtherLine || l.Id == stored.ArchivedLine));
            Assert.Equal([stored.Label], await check.Invoices.Where(i => i.Id == stored.Invoice).SelectMany(i => i.Labels).Select(l => l.Id).ToListAsync());
        }

        foreach (var invoice in new[] { stored.Invoice, stored.Archived })
        {
            Assert.Equal([AuditOperation.Create], (await LogsOf<Invoice>(invoice)).Select(l => l.Operation));
            Assert.Empty(await DeletesInOutboxAsync(invoice));
        }

        foreach (var line in new[] { stored.Line, stored.OtherLine, stored.ArchivedLine })
        {
            Assert.Equal([AuditOperation.Create], (await LogsOf<InvoiceLine>(line)).Select(l => l.Operation));
        }

        Assert.Equal([AuditOperation.Create], (await LogsOf<Label>(stored.Label)).Select(l => l.Operation));
    }

    /// <summary>
    /// An application's interceptor that soft-deletes every type (invoices archived, customers renamed), visiting the invoices
    /// first or last: the invoice it saw deleted only because ServerTools cascaded the customer's delete is kept as it was,
    /// once the customer's delete became a soft one, and nothing of it is logged. Also with the invoices loaded by the
    /// application and the cascade timing on the save, and in both SaveChanges and SaveChangesAsync.
    /// </summary>
    [Theory]
    [InlineData(true, CascadeTiming.Immediate, true)]
    [InlineData(true, CascadeTiming.Immediate, false)]
    [InlineData(false, CascadeTiming.Immediate, true)]
    [InlineData(true, CascadeTiming.OnSaveChanges, true)]
    [InlineData(true, CascadeTiming.OnSaveChanges, false)]
    [InlineData(false, CascadeTiming.OnSaveChanges, false)]
    public async Task A_soft_delete_of_every_type_by_a_later_interceptor_leaves_the_invoices_it_saw_only_through_the_cascade(
        bool invoicesFirst, CascadeTiming timing, bool async)
    {
        var stored = await StoreAsync($"soft-every-{invoicesFirst}-{timing}-{async}");
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new SoftDelete(invoices: true, invoicesFirst)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = timing;
            var customer = timing == CascadeTiming.OnSaveChanges
                ? await context.Customers.Include(c => c.Invoices).SingleAsync(c => c.Id == stored.Customer)
                : (await context.Customers.FindAsync(stored.Customer))!;
            context.Customers.Remove(customer);
            await AuditSuppressedConflictTests.SaveAsync(context, async, inTransaction: false);

            Assert.All(context.ChangeTracker.Entries(), entry => Assert.Equal(EntityState.Unchanged, entry.State));
        }

        await using var check = database.Create();
        Assert.Equal("(deleted)", (await check.Customers.SingleAsync(c => c.Id == stored.Customer)).Name);
        Assert.False((await check.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Id == stored.Invoice)).Archived);
        Assert.True(await check.Lines.AnyAsync(l => l.Id == stored.Line));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Invoice>(stored.Invoice)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await LogsOf<Invoice>(stored.Archived)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await LogsOf<InvoiceLine>(stored.Line)).Select(l => l.Operation));
    }

    /// <summary>
    /// Turns the deletes of customers and agents into updates (renames), as EF Core's docs show for soft deletes, and, when
    /// <paramref name="invoices"/>, those of invoices into archiving too, before or after the customers'.
    /// </summary>
    private sealed class SoftDelete(bool invoices, bool invoicesFirst = false, bool agentsFirst = false) : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            Soften(eventData.Context!);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Soften(eventData.Context!);
            return ValueTask.FromResult(result);
        }

        private void Soften(DbContext context)
        {
            if (invoices && invoicesFirst)
            {
                SoftenInvoices(context);
            }

            if (agentsFirst)
            {
                SoftenAgents(context);
            }

            foreach (var entry in context.ChangeTracker.Entries<Customer>().Where(e => e.State == EntityState.Deleted).ToList())
            {
                entry.State = EntityState.Modified;
                entry.Entity.Name = "(deleted)";
            }

            if (!agentsFirst)
            {
                SoftenAgents(context);
            }

            if (invoices && !invoicesFirst)
            {
                SoftenInvoices(context);
            }
        }

        private static void SoftenAgents(DbContext context)
        {
            foreach (var entry in context.ChangeTracker.Entries<Agent>().Where(e => e.State == EntityState.Deleted).ToList())
            {
                entry.State = EntityState.Modified;
                entry.Entity.Name = "(deleted)";
            }
        }

        private static void SoftenInvoices(DbContext context)
        {
            foreach (var entry in context.ChangeTracker.Entries<Invoice>().Where(e => e.State == EntityState.Deleted).ToList())
            {
                entry.State = EntityState.Modified;
                entry.Entity.Archived = true;
            }
        }
    }

    /// <summary>An agent assigned to the stored customer's open and archived invoices; its id.</summary>
    private async Task<int> AssignAgentAsync(Stored stored)
    {
        await using var context = database.Create();
        var agent = new Agent { Name = "agent" };
        context.Agents.Add(agent);
        await context.SaveChangesAsync();
        await foreach (var invoice in context.Invoices.IgnoreQueryFilters().Where(i => i.Id == stored.Invoice || i.Id == stored.Archived).AsAsyncEnumerable())
        {
            invoice.AgentId = agent.Id;
        }

        await context.SaveChangesAsync();
        return agent.Id;
    }

    private async Task<int> MessagesInOutboxAsync(int invoice)
    {
        await using var check = database.Create();
        var key = Key(invoice);
        return await check.Set<OutboxMessage>().CountAsync(m => m.EntityType == typeof(Invoice).FullName && m.EntityKey == key);
    }

    /// <summary>
    /// With the cascade timing on the save, an invoice the application loaded and changed before deleting its customer, and
    /// a later interceptor that turns the customer's delete (and, visiting the invoices first, every invoice's) into a soft
    /// one: the invoice is saved as EF Core, cascading after that interceptor, would save it, with its own change only. No
    /// archiving, which the interceptor did only because ServerTools' cascade showed it the invoice deleted; no other
    /// column written, so another transaction's change of one survives.
    /// </summary>
    [Theory]
    [InlineData(false, true)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public async Task A_soft_delete_by_a_later_interceptor_saves_a_changed_invoice_with_its_own_change_only(bool invoicesFirst, bool async)
    {
        var stored = await StoreAsync($"soft-changed-{invoicesFirst}-{async}");
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new SoftDelete(invoices: true, invoicesFirst)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
            var customer = await context.Customers.Include(c => c.Invoices).SingleAsync(c => c.Id == stored.Customer);
            customer.Invoices.Single(i => i.Id == stored.Invoice).Status = "Paid";
            await using (var other = database.Create())
            {
                (await other.Invoices.SingleAsync(i => i.Id == stored.Invoice)).Number = "renamed";
                await other.SaveChangesAsync();
            }

            context.Customers.Remove(customer);
            await AuditSuppressedConflictTests.SaveAsync(context, async, inTransaction: false);
        }

        await using (var check = database.Create())
        {
            var invoice = await check.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Id == stored.Invoice);
            Assert.Equal(("Paid", "renamed", false), (invoice.Status, invoice.Number, invoice.Archived));
        }

        var update = (await LogsOf<Invoice>(stored.Invoice))[^1];
        Assert.Equal(AuditOperation.Update, update.Operation);
        Assert.Equal([("Status", "Open", "Paid")], Lines(update));
    }

    [Fact]
    public async Task Deleting_an_agent_logs_the_foreign_key_the_database_sets_to_null()
    {
        var stored = await StoreAsync("set-null");
        var agent = await AssignAgentAsync(stored);
        await using (var context = database.Create())
        {
            context.Agents.Remove((await context.Agents.FindAsync(agent))!);
            await context.SaveChangesAsync();
        }

        var update = (await LogsOf<Invoice>(stored.Invoice))[^1];
        Assert.Equal(AuditOperation.Update, update.Operation);
        Assert.Equal([("AgentId", Key(agent), null)], Lines(update));
        await using var check = database.Create();
        Assert.Null((await check.Invoices.SingleAsync(i => i.Id == stored.Invoice)).AgentId);
    }

    /// <summary>
    /// A later interceptor turns the agent's delete into a soft delete (<c>ON DELETE SET NULL</c>): the invoices' foreign key,
    /// which ServerTools' cascade set to null, gets its value back, the database keeps it, and no update of it is logged or
    /// sent. Invoices loaded for the cascade, or by the application with the cascade timing on the save; in both
    /// SaveChanges and SaveChangesAsync.
    /// </summary>
    [Theory]
    [InlineData(CascadeTiming.Immediate, false, true)]
    [InlineData(CascadeTiming.Immediate, false, false)]
    [InlineData(CascadeTiming.OnSaveChanges, false, true)]
    [InlineData(CascadeTiming.OnSaveChanges, true, true)]
    [InlineData(CascadeTiming.OnSaveChanges, true, false)]
    public async Task A_soft_delete_of_an_agent_by_a_later_interceptor_keeps_the_invoices_foreign_key(CascadeTiming timing, bool loadInvoices, bool async)
    {
        var stored = await StoreAsync($"soft-agent-{timing}-{loadInvoices}-{async}");
        var agent = await AssignAgentAsync(stored);
        var logs = (await LogsOf<Invoice>(stored.Invoice)).Count;
        var messages = await MessagesInOutboxAsync(stored.Invoice);
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new SoftDelete(invoices: true)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = timing;
            if (loadInvoices)
            {
                _ = await context.Invoices.IgnoreQueryFilters().Where(i => i.AgentId == agent).ToListAsync();
            }

            context.Agents.Remove((await context.Agents.FindAsync(agent))!);
            await AuditSuppressedConflictTests.SaveAsync(context, async, inTransaction: false);

            Assert.All(context.ChangeTracker.Entries(), entry => Assert.Equal(EntityState.Unchanged, entry.State));
            Assert.Equal([agent, agent], context.Invoices.Local.Select(i => i.AgentId));
        }

        await using (var check = database.Create())
        {
            Assert.Equal("(deleted)", (await check.Agents.SingleAsync(a => a.Id == agent)).Name);
            Assert.Equal(
                [agent, agent],
                await check.Invoices.IgnoreQueryFilters().Where(i => i.Id == stored.Invoice || i.Id == stored.Archived).Select(i => i.AgentId).ToListAsync());
        }

        Assert.Equal(logs, (await LogsOf<Invoice>(stored.Invoice)).Count);
        Assert.Equal(logs, (await LogsOf<Invoice>(stored.Archived)).Count);
        Assert.Equal(messages, await MessagesInOutboxAsync(stored.Invoice));
    }

    /// <summary>
    /// With the cascade timing on the save, an invoice the application loaded and changed before deleting its agent, whose
    /// delete a later interceptor turns into a soft one: the invoice keeps its agent, as EF Core, cascading after that
    /// interceptor, would leave it, and is saved with its own change only.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_soft_delete_of_an_agent_keeps_the_foreign_key_of_an_invoice_the_application_changed(bool async)
    {
        var stored = await StoreAsync($"soft-agent-changed-{async}");
        var agent = await AssignAgentAsync(stored);
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new SoftDelete(invoices: true)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
            (await context.Invoices.SingleAsync(i => i.Id == stored.Invoice)).Status = "Paid";
            context.Agents.Remove((await context.Agents.FindAsync(agent))!);
            await AuditSuppressedConflictTests.SaveAsync(context, async, inTransaction: false);

            Assert.Equal(agent, context.Invoices.Local.Single(i => i.Id == stored.Invoice).AgentId);
        }

        await using (var check = database.Create())
        {
            var invoice = await check.Invoices.SingleAsync(i => i.Id == stored.Invoice);
            Assert.Equal(("Paid", agent), (invoice.Status, invoice.AgentId));
        }

        var update = (await LogsOf<Invoice>(stored.Invoice))[^1];
        Assert.Equal([("Status", "Open", "Paid")], Lines(update));
    }

    /// <summary>
    /// An invoice that depends on two principals removed in one save, its customer (<c>ON DELETE CASCADE</c>) and its agent
    /// (<c>ON DELETE SET NULL</c>), both of which a later interceptor soft-deletes, in either order: the database changes
    /// nothing, so the invoice keeps its agent, and is saved with the application's change only (none when it made none).
    /// The agent's cascade sets the foreign key to null and the customer's then deletes the invoice: the key is put back
    /// when the invoice stops being deleted, whichever principal is restored first.
    /// </summary>
    [Theory]
    [InlineData(true, true, true)]
    [InlineData(true, true, false)]
    [InlineData(true, false, true)]
    [InlineData(true, false, false)]
    [InlineData(false, true, true)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    [InlineData(false, false, false)]
    public async Task A_soft_delete_of_both_principals_of_an_invoice_keeps_its_agent(bool changed, bool agentRemovedFirst, bool agentsSoftenedFirst)
    {
        var stored = await StoreAsync($"soft-both-{changed}-{agentRemovedFirst}-{agentsSoftenedFirst}");
        var agent = await AssignAgentAsync(stored);
        var logs = (await LogsOf<Invoice>(stored.Invoice)).Count;
        var messages = await MessagesInOutboxAsync(stored.Invoice);
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new SoftDelete(invoices: false, agentsFirst: agentsSoftenedFirst)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
            var customer = await context.Customers.SingleAsync(c => c.Id == stored.Customer);
            var removedAgent = await context.Agents.SingleAsync(a => a.Id == agent);
            if (changed)
            {
                (await context.Invoices.SingleAsync(i => i.Id == stored.Invoice)).Status = "Paid";
            }

            if (agentRemovedFirst)
            {
                context.Remove(removedAgent);
                context.Remove(customer);
            }
            else
            {
                context.Remove(customer);
                context.Remove(removedAgent);
            }

            await context.SaveChangesAsync();
        }

        await using (var check = database.Create())
        {
            var invoice = await check.Invoices.SingleAsync(i => i.Id == stored.Invoice);
            Assert.Equal((changed ? "Paid" : "Open", (int?)agent), (invoice.Status, invoice.AgentId));
            Assert.Equal(agent, (await check.Invoices.IgnoreQueryFilters().SingleAsync(i => i.Id == stored.Archived)).AgentId);
        }

        var invoiceLogs = await LogsOf<Invoice>(stored.Invoice);
        if (changed)
        {
            Assert.Equal(logs + 1, invoiceLogs.Count);
            Assert.Equal([("Status", "Open", "Paid")], Lines(invoiceLogs[^1]));
            Assert.Equal(messages + 1, await MessagesInOutboxAsync(stored.Invoice));
        }
        else
        {
            Assert.Equal(logs, invoiceLogs.Count);
            Assert.Equal(messages, await MessagesInOutboxAsync(stored.Invoice));
        }
    }

    /// <summary>
    /// With the cascade timing on the save, an invoice the application changed (its status, which has a change hook) and
    /// whose customer it removed, which a later interceptor soft-deletes: the invoice is saved with its change, and its hook
    /// ran once, as without the loading, though ServerTools' early cascade had deleted it when the hooks ran. Also when the
    /// customer's delete stays (the invoice deleted), as EF Core, cascading after the hooks, would run them.
    /// </summary>
    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(false, false)]
    public async Task The_hook_of_a_changed_invoice_the_early_cascade_deleted_runs(bool load, bool soft)
    {
        var stored = await StoreAsync($"hook-{load}-{soft}");
        var builder = new DbContextOptionsBuilder<CascadeContext>().UseNpgsql(database.ConnectionString).UseServerTools(o => o.LoadCascadedDependents = load);
        if (soft)
        {
            builder.AddInterceptors(new SoftDelete(invoices: false));
        }

        int runs;
        await using (var context = new CascadeContext(builder.Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
            var customer = await context.Customers.Include(c => c.Invoices).SingleAsync(c => c.Id == stored.Customer);
            customer.Invoices.Single(i => i.Id == stored.Invoice).Status = "Paid";
            context.Remove(customer);
            var before = Invoice.StatusHookRuns;
            await context.SaveChangesAsync();
            runs = Invoice.StatusHookRuns - before;
        }

        await using (var check = database.Create())
        {
            Assert.Equal(soft ? "Paid" : null, (await check.Invoices.SingleOrDefaultAsync(i => i.Id == stored.Invoice))?.Status);
        }

        Assert.Equal(1, runs);
    }

    /// <summary>Moves the invoices of deleted agents to another agent, then turns the agents' deletes into soft ones.</summary>
    private sealed class Reassign(int fallback) : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            var context = (CascadeContext)eventData.Context!;
            foreach (var entry in context.ChangeTracker.Entries<Agent>().Where(e => e.State == EntityState.Deleted).ToList())
            {
                var id = entry.Entity.Id;
                foreach (var invoice in await context.Invoices.IgnoreQueryFilters().Where(i => i.AgentId == id).ToListAsync(cancellationToken))
                {
                    invoice.AgentId = fallback;
                }

                entry.State = EntityState.Modified;
                entry.Entity.Name = "(deleted)";
            }

            return result;
        }
    }

    /// <summary>
    /// A later interceptor moves the invoices of a deleted agent to another agent, then soft-deletes the agent: the invoices
    /// are saved with the other agent, as without ServerTools, also one the application changed (with its change), and
    /// with the cascade timing on the save or immediate. Putting the cascade's null back leaves a key changed since alone.
    /// </summary>
    [Theory]
    [InlineData(true, CascadeTiming.OnSaveChanges)]
    [InlineData(false, CascadeTiming.OnSaveChanges)]
    [InlineData(false, CascadeTiming.Immediate)]
    public async Task A_reassignment_by_a_later_interceptor_is_kept(bool changed, CascadeTiming timing)
    {
        var stored = await StoreAsync($"reassign-{changed}-{timing}");
        var agent = await AssignAgentAsync(stored);
        int fallback;
        await using (var setup = database.Create())
        {
            var other = new Agent { Name = "fallback" };
            setup.Agents.Add(other);
            await setup.SaveChangesAsync();
            fallback = other.Id;
        }

        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new Reassign(fallback)).Options))
        {
            context.ChangeTracker.CascadeDeleteTiming = timing;
            var removed = await context.Agents.SingleAsync(a => a.Id == agent);
            if (changed)
            {
                (await context.Invoices.SingleAsync(i => i.Id == stored.Invoice)).Status = "Paid";
            }

            context.Remove(removed);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        Assert.Equal(
            [fallback, fallback],
            await check.Invoices.IgnoreQueryFilters().Where(i => i.Id == stored.Invoice || i.Id == stored.Archived).Select(i => i.AgentId).ToListAsync());
        Assert.Equal(changed ? "Paid" : "Open", (await check.Invoices.SingleAsync(i => i.Id == stored.Invoice)).Status);
        var update = (await LogsOf<Invoice>(stored.Invoice))[^1];
        Assert.Equal(AuditOperation.Update, update.Operation);
        Assert.Contains(("AgentId", Key(agent), Key(fallback)), Lines(update));
    }

    [Fact]
    public async Task A_dependent_the_context_loaded_is_logged_once()
    {
        var stored = await StoreAsync("loaded");
        await using (var context = database.Create())
        {
            _ = await context.Invoices.SingleAsync(i => i.Id == stored.Invoice);
            await DeleteCustomerAsync(context, stored.Customer, async: true);
        }

        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<Invoice>(stored.Invoice)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<InvoiceLine>(stored.Line)).Select(l => l.Operation));
        Assert.Single(await DeletesInOutboxAsync(stored.Invoice));
    }

    [Fact]
    public async Task A_save_that_fails_logs_nothing_and_its_next_run_logs_each_row_once()
    {
        var stored = await StoreAsync("fails");
        await using (var context = database.Create())
        {
            context.Payments.Add(new Payment { InvoiceId = stored.Invoice });
            await context.SaveChangesAsync();
        }

        await using (var context = database.Create())
        {
            context.Customers.Remove((await context.Customers.FindAsync(stored.Customer))!);
            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());   // the payment restricts the invoice's delete

            Assert.Equal([AuditOperation.Create], (await LogsOf<Invoice>(stored.Invoice)).Select(l => l.Operation));
            Assert.Equal([AuditOperation.Create], (await LogsOf<InvoiceLine>(stored.Line)).Select(l => l.Operation));
            Assert.Empty(await DeletesInOutboxAsync(stored.Invoice));

            await using (var other = database.Create())
            {
                await other.Payments.Where(p => p.InvoiceId == stored.Invoice).ExecuteDeleteAsync();
            }

            await context.SaveChangesAsync();
        }

        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<Invoice>(stored.Invoice)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await LogsOf<InvoiceLine>(stored.Line)).Select(l => l.Operation));
        Assert.Single(await DeletesInOutboxAsync(stored.Invoice));
    }

    [Fact]
    public async Task With_LoadCascadedDependents_off_the_database_deletes_the_dependents_unlogged()
    {
        var stored = await StoreAsync("off");
        var counter = new QueryCounter();
        await using (var context = new CascadeContext(new DbContextOptionsBuilder<CascadeContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools(options => options.LoadCascadedDependents = false).AddInterceptors(counter).Options))
        {
            context.Customers.Remove((await context.Customers.FindAsync(stored.Customer))!);
            counter.Queries.Clear();
            await context.SaveChangesAsync();
        }

        Assert.Empty(counter.Queries);
        Assert.Equal(AuditOperation.Delete, (await LogsOf<Customer>(stored.Customer))[^1].Operation);
        Assert.Equal([AuditOperation.Create], (await LogsOf<Invoice>(stored.Invoice)).Select(l => l.Operation));
        Assert.Equal([AuditOperation.Create], (await LogsOf<InvoiceLine>(stored.Line)).Select(l => l.Operation));
        Assert.Empty(await DeletesInOutboxAsync(stored.Invoice));
    }

    [Fact]
    public async Task The_dependents_are_read_with_one_query_per_relationship_and_none_without_a_cascade_to_a_logged_type()
    {
        var stored = await StoreAsync("queries");
        var counter = new QueryCounter();
        await using var context = new CascadeContext(
            new DbContextOptionsBuilder<CascadeContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(counter).Options);

        // A line is the principal of nothing; a renamed customer is not deleted.
        context.Lines.Remove((await context.Lines.FindAsync(stored.OtherLine))!);
        var customer = (await context.Customers.FindAsync(stored.Customer))!;
        customer.Name = "renamed";
        counter.Queries.Clear();
        await context.SaveChangesAsync();
        Assert.Empty(counter.Queries);

        // The customer's invoices; then the two invoices' lines, and their label links: one query each.
        context.Customers.Remove(customer);
        await context.SaveChangesAsync();
        Assert.Equal(3, counter.Queries.Count);
        Assert.Equal(AuditOperation.Delete, (await LogsOf<InvoiceLine>(stored.ArchivedLine))[^1].Operation);
    }
}

/// <summary>Neither audited nor tracked; keyed by drive and number; its sub-folders are deleted with it by the database.</summary>
public sealed class Folder
{
    public string Drive { get; set; } = "";
    public int Number { get; set; }
    public string? ParentDrive { get; set; }
    public int? ParentNumber { get; set; }
    public Folder? Parent { get; set; }
}

/// <summary>Deleted by the database with its folder, which is reached only through folders that are not audited.</summary>
[Audited]
public partial class Document
{
    public int Id { get; set; }
    public string FolderDrive { get; set; } = "";
    public int FolderNumber { get; set; }
    public string Title { get; set; } = "";
}

public sealed class FolderContext(DbContextOptions<FolderContext> options) : DbContext(options)
{
    public DbSet<Folder> Folders => Set<Folder>();
    public DbSet<Document> Documents => Set<Document>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Folder>(folder =>
        {
            folder.HasKey(f => new { f.Drive, f.Number });
            folder.HasOne(f => f.Parent).WithMany().HasForeignKey(f => new { f.ParentDrive, f.ParentNumber }).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<Document>().HasOne<Folder>().WithMany().HasForeignKey(d => new { d.FolderDrive, d.FolderNumber });
    }
}

/// <summary>A cascade that reaches an audited type through a self-referencing type that is not logged, by composite keys.</summary>
public sealed class AuditDatabaseCascadeTreeTests(AuditDatabaseCascadeTreeTests.Database database) : IClassFixture<AuditDatabaseCascadeTreeTests.Database>
{
    public sealed class Database() : SchemaFixture<FolderContext>(options => new(options));

    [Fact]
    public async Task Deleting_a_folder_logs_the_documents_of_its_sub_folders_at_every_depth()
    {
        int top, deep;
        await using (var context = database.Create())
        {
            var root = new Folder { Drive = "c", Number = 1 };
            var child = new Folder { Drive = "c", Number = 2, Parent = root };
            var grandchild = new Folder { Drive = "d", Number = 2, Parent = child };
            var topDocument = new Document { FolderDrive = "c", FolderNumber = 1, Title = "top" };
            var deepDocument = new Document { FolderDrive = "d", FolderNumber = 2, Title = "deep" };
            context.AddRange(root, child, grandchild, topDocument, deepDocument, new Document { FolderDrive = "d", FolderNumber = 2, Title = "other" });
            await context.SaveChangesAsync();
            (top, deep) = (topDocument.Id, deepDocument.Id);
        }

        await using (var context = database.Create())
        {
            context.Folders.Remove((await context.Folders.FindAsync("c", 1))!);
            await context.SaveChangesAsync();
            Assert.Empty(await context.Folders.AsNoTracking().ToListAsync());
        }

        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], (await AuditLogText.Logs<Document>(() => database.Create(), top)).Select(l => l.Operation));
        var deepLogs = await AuditLogText.Logs<Document>(() => database.Create(), deep);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], deepLogs.Select(l => l.Operation));
        Assert.Equal([("Id", Key(deep), null), ("FolderDrive", "d", null), ("FolderNumber", "2", null), ("Title", "deep", null)], Lines(deepLogs[1]));
    }
}
