using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.TimeWindows;

/// <summary>An audited branch with opening hours, which tickets refer to (a delete the database can refuse).</summary>
[Audited]
[TimeWindowed(TimeZoneProperty = nameof(TimeZoneId))]
public partial class Branch
{
    public int Id { get; set; }

    public string Name { get; set; } = "";

    public string TimeZoneId { get; set; } = "UTC";

    public int? GroupId { get; set; }
}

/// <summary>A group of branches: deleting it deletes them (a cascade).</summary>
public class BranchGroup
{
    public int Id { get; set; }
}

/// <summary>A ticket of a branch: the foreign key stops the branch's delete while the ticket exists.</summary>
public class BranchTicket
{
    public int Id { get; set; }

    public int BranchId { get; set; }
}

/// <summary>A slot of a hall: an element of a plain JSON complex collection, mapped without ServerTools.</summary>
public class HallSlot
{
    public int Day { get; set; }

    public string From { get; set; } = "";
}

/// <summary>A hall with a JSON complex collection of its own, nothing to do with time windows.</summary>
public class Hall
{
    public int Id { get; set; }

    public List<HallSlot> Slots { get; set; } = [];
}

public sealed class BranchContext(DbContextOptions<BranchContext> options) : DbContext(options)
{
    public DbSet<Branch> Branches => Set<Branch>();

    public DbSet<BranchTicket> Tickets => Set<BranchTicket>();

    public DbSet<BranchGroup> Groups => Set<BranchGroup>();

    public DbSet<Hall> Halls => Set<Hall>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Branch>().HasOne<BranchGroup>().WithMany().HasForeignKey(b => b.GroupId).OnDelete(DeleteBehavior.Cascade);
        modelBuilder.Entity<BranchTicket>().HasOne<Branch>().WithMany().HasForeignKey(t => t.BranchId).OnDelete(DeleteBehavior.Restrict);
        modelBuilder.Entity<Hall>().ComplexCollection(h => h.Slots, slots => slots.ToJson());
    }
}

/// <summary>The hall alone, without ServerTools: EF Core's own behaviour.</summary>
public sealed class HallContext(DbContextOptions<HallContext> options) : DbContext(options)
{
    public DbSet<Hall> Halls => Set<Hall>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Hall>().ComplexCollection(h => h.Slots, slots => slots.ToJson());
}

/// <summary>
/// Deleting <c>[TimeWindowed]</c> entities with SaveChanges, alone and with the application's interceptors: the rows go,
/// the entities keep their schedules in memory, and the audit trail logs the deletes. (EF Core 10.0.0 could not delete an
/// entity whose JSON complex collection has an element, dotnet/efcore#37373; ServerTools requires a version with the fix.)
/// </summary>
public sealed class TimeWindowDeleteTests(TimeWindowDeleteTests.Database database) : IClassFixture<TimeWindowDeleteTests.Database>
{
    public sealed class Database() : SchemaFixture<BranchContext>(options => new(options));

    private static Branch NewBranch(string name)
    {
        var branch = new Branch { Name = name, TimeZoneId = "Europe/Paris" };
        branch.TimeWindows.Add(new TimeWindow(DayOfWeek.Monday, new TimeOnly(9, 0), new TimeOnly(17, 0)));
        branch.TimeWindows.Add(new TimeWindow(DayOfWeek.Friday, new TimeOnly(18, 0), new TimeOnly(2, 0)));
        branch.SpecialDays.Add(SpecialDay.Closed(new DateOnly(2026, 12, 25)));
        branch.SpecialDays.Add(SpecialDay.Open(new DateOnly(2026, 12, 24), new TimeOnly(9, 0), new TimeOnly(12, 0)));
        return branch;
    }

    private static async Task<int[]> AddAsync(Database database, params Branch[] branches)
    {
        await using var context = database.Create();
        context.Branches.AddRange(branches);
        await context.SaveChangesAsync();
        return [.. branches.Select(static b => b.Id)];
    }

    private static void AssertHasItsSchedule(Branch branch)
    {
        Assert.Equal(2, branch.TimeWindows.Count);
        Assert.Equal(new TimeWindow(DayOfWeek.Friday, new TimeOnly(18, 0), new TimeOnly(2, 0)), branch.TimeWindows[1]);
        Assert.Equal(2, branch.SpecialDays.Count);
        Assert.Equal(SpecialDay.Closed(new DateOnly(2026, 12, 25)), branch.SpecialDays[0]);
    }

    [Fact]
    public async Task Loaded_branches_with_windows_are_deleted_in_a_save_that_adds_and_modifies_others_and_keep_their_schedules_in_memory()
    {
        var ids = await AddAsync(database, NewBranch("first deleted"), NewBranch("second deleted"), NewBranch("modified"), new Branch { Name = "deleted, no windows" });

        await using (var context = database.Create())
        {
            var branches = await context.Branches.Where(b => ids.Contains(b.Id)).OrderBy(b => b.Id).ToListAsync();
            var windowsList = branches[0].TimeWindows;
            context.Branches.Remove(branches[0]);
            context.Remove(branches[1]);
            context.Remove(branches[3]);
            branches[2].Name = "modified, saved";
            branches[2].TimeWindows.RemoveAt(0);
            var added = NewBranch("added");
            context.Branches.Add(added);

            Assert.Equal(5, await context.SaveChangesAsync());

            // The entities are as the application left them: same lists, same elements.
            Assert.Same(windowsList, branches[0].TimeWindows);
            AssertHasItsSchedule(branches[0]);
            AssertHasItsSchedule(branches[1]);
            AssertHasItsSchedule(added);
            Assert.Equal(EntityState.Detached, context.Entry(branches[0]).State);
            Assert.True(added.IsOpenAt(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)));
            ids = [.. ids, added.Id];
        }

        await using var check = database.Create();
        var left = await check.Branches.Where(b => ids.Contains(b.Id)).OrderBy(b => b.Id).ToListAsync();
        Assert.Equal(["modified, saved", "added"], left.Select(static b => b.Name));
        Assert.Single(left[0].TimeWindows);
        AssertHasItsSchedule(left[1]);

        // WhereOpenAt reads the columns ServerTools wrote for the added branch in the same save (Monday 10:00 in Paris).
        var open = await check.Branches.Where(b => ids.Contains(b.Id)).WhereOpenAt(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)).Select(b => b.Name).ToListAsync();
        Assert.Equal(["added"], open);
    }

    [Fact]
    public async Task The_delete_log_of_a_branch_with_windows_holds_the_old_values_of_every_field_its_create_log_wrote()
    {
        var ids = await AddAsync(database, NewBranch("audited, windows"), new Branch { Name = "audited, none", TimeZoneId = "Europe/Paris" });
        await using (var context = database.Create())
        {
            context.Branches.RemoveRange(await context.Branches.Where(b => ids.Contains(b.Id)).ToListAsync());
            await context.SaveChangesAsync();
        }

        foreach (var id in ids)
        {
            var logs = await Logs<Branch>(() => database.Create(), id);
            Assert.Equal([AuditOperation.Create, AuditOperation.Delete], logs.Select(static l => l.Operation));
            var created = Lines(logs[0]);
            Assert.Equal(["GroupId", "Id", "Name", "TimeZoneId"], created.Select(static l => l.Field).Order());
            Assert.Equal(created.Select(static l => (l.Field, l.New, (string?)null)), Lines(logs[1]));
        }
    }

    [Fact]
    public async Task A_branch_added_saved_and_deleted_in_one_context_is_deleted_synchronously_too()
    {
        await using var context = database.Create();
        var branch = NewBranch("one context");
        context.Branches.Add(branch);
        context.SaveChanges();
        branch.TimeWindows.Add(new TimeWindow(DayOfWeek.Sunday, new TimeOnly(10, 0), new TimeOnly(12, 0)));
        context.SaveChanges();
        context.Branches.Remove(branch);

        Assert.Equal(1, context.SaveChanges());

        Assert.Equal(3, branch.TimeWindows.Count);
        Assert.False(await context.Branches.AnyAsync(b => b.Id == branch.Id));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_delete_the_database_refuses_leaves_the_entry_deleted_and_the_schedule_in_place_and_a_retry_deletes_it(bool otherInterceptor)
    {
        var id = (await AddAsync(database, NewBranch("referenced")))[0];
        await using (var setup = database.Create())
        {
            setup.Tickets.Add(new BranchTicket { BranchId = id });
            await setup.SaveChangesAsync();
        }

        await using var context = otherInterceptor
            ? new BranchContext(new DbContextOptionsBuilder<BranchContext>().UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new TouchingInterceptor()).Options)
            : database.Create();
        var branch = await context.Branches.SingleAsync(b => b.Id == id);
        var windows = branch.TimeWindows;
        context.Branches.Remove(branch);

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        Assert.Equal(EntityState.Deleted, context.Entry(branch).State);
        Assert.Same(windows, branch.TimeWindows);
        AssertHasItsSchedule(branch);

        await context.Tickets.Where(t => t.BranchId == id).ExecuteDeleteAsync();
        Assert.Equal(1, await context.SaveChangesAsync());

        AssertHasItsSchedule(branch);
        Assert.Equal(EntityState.Detached, context.Entry(branch).State);
        var logs = await Logs<Branch>(() => database.Create(), id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Delete], logs.Select(static l => l.Operation));
    }

    [Fact]
    public async Task Branches_deleted_by_a_cascade_that_ef_runs_during_the_save_are_deleted_and_keep_their_schedules()
    {
        int groupId;
        await using (var setup = database.Create())
        {
            var group = new BranchGroup();
            setup.Groups.Add(group);
            await setup.SaveChangesAsync();
            groupId = group.Id;
            var first = NewBranch("in a group");
            var second = NewBranch("in a group, second");
            first.GroupId = second.GroupId = groupId;
            setup.Branches.AddRange(first, second);
            await setup.SaveChangesAsync();
        }

        await using var context = database.Create();
        context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
        var branches = await context.Branches.Where(b => b.GroupId == groupId).ToListAsync();
        context.Groups.Remove(await context.Groups.SingleAsync(g => g.Id == groupId));
        Assert.All(branches, b => Assert.Equal(EntityState.Unchanged, context.Entry(b).State));

        Assert.Equal(3, await context.SaveChangesAsync());

        Assert.All(branches, AssertHasItsSchedule);
        Assert.False(await context.Branches.AnyAsync(b => b.GroupId == groupId));
        Assert.Equal(
            [AuditOperation.Create, AuditOperation.Delete],
            (await Logs<Branch>(() => database.Create(), branches[0].Id)).Select(static l => l.Operation));
    }

    [Fact]
    public async Task A_save_that_does_not_accept_its_changes_leaves_the_entry_deleted_with_its_schedule()
    {
        var id = (await AddAsync(database, NewBranch("not accepted")))[0];
        await using var context = database.Create();
        var branch = await context.Branches.SingleAsync(b => b.Id == id);
        context.Branches.Remove(branch);

        Assert.Equal(1, await context.SaveChangesAsync(acceptAllChangesOnSuccess: false));

        AssertHasItsSchedule(branch);
        Assert.Equal(EntityState.Deleted, context.Entry(branch).State);
        context.ChangeTracker.AcceptAllChanges();
        Assert.Equal(EntityState.Detached, context.Entry(branch).State);
        AssertHasItsSchedule(branch);
    }

    /// <summary>
    /// EF Core alone, without ServerTools, deletes an entity whose JSON complex collection has an element: the EF Core
    /// ServerTools requires has the fix of dotnet/efcore#37373 (10.0.0 failed with "the containing entry is in the deleted
    /// state"), which ServerTools used to work around.
    /// </summary>
    [Fact]
    public async Task Ef_core_deletes_an_entity_with_a_json_complex_collection()
    {
        var options = new DbContextOptionsBuilder<HallContext>().UseNpgsql(database.ConnectionString).Options;
        int id;
        await using (var context = new HallContext(options))
        {
            var hall = new Hall { Slots = [new HallSlot { Day = 1, From = "09:00" }] };
            context.Halls.Add(hall);
            await context.SaveChangesAsync();
            id = hall.Id;
        }

        await using var deleting = new HallContext(options);
        deleting.Halls.Remove(await deleting.Halls.SingleAsync(h => h.Id == id));

        Assert.Equal(1, await deleting.SaveChangesAsync());

        Assert.False(await deleting.Halls.AnyAsync(h => h.Id == id));
    }

    [Fact]
    public async Task A_soft_delete_interceptor_after_servertools_saves_the_branch_with_its_schedule()
    {
        // EF runs the application's interceptor after ServerTools' one: turned into an update, the branch is saved with its
        // opening hours (the workaround ServerTools had for dotnet/efcore#37373 once saved it with none).
        var id = (await AddAsync(database, NewBranch("soft deleted")))[0];
        await using (var context = new BranchContext(new DbContextOptionsBuilder<BranchContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new SoftDeleteInterceptor()).Options))
        {
            var branch = await context.Branches.SingleAsync(b => b.Id == id);
            context.Branches.Remove(branch);

            Assert.Equal(1, await context.SaveChangesAsync());

            AssertHasItsSchedule(branch);
        }

        await using var check = database.Create();
        var stored = await check.Branches.SingleAsync(b => b.Id == id);
        Assert.Equal("soft deleted (archived)", stored.Name);
        AssertHasItsSchedule(stored);

        // The columns WhereOpenAt reads agree with the stored schedule (Monday 10:00 in Paris).
        Assert.True(await check.Branches.Where(b => b.Id == id).WhereOpenAt(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)).AnyAsync());
    }

    [Fact]
    public async Task When_a_later_interceptor_throws_before_the_save_an_undone_delete_keeps_its_schedule()
    {
        var id = (await AddAsync(database, NewBranch("undone")))[0];
        await using var context = new BranchContext(new DbContextOptionsBuilder<BranchContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new RefusingInterceptor()).Options);
        var branch = await context.Branches.SingleAsync(b => b.Id == id);
        context.Branches.Remove(branch);

        // EF reports no end of a save whose SavingChanges interceptor threw.
        await Assert.ThrowsAsync<InvalidOperationException>(() => context.SaveChangesAsync());
        context.Entry(branch).State = EntityState.Unchanged;

        AssertHasItsSchedule(branch);
    }

    /// <summary>An application's soft delete: a deleted branch is kept, renamed, as an update.</summary>
    private sealed class SoftDeleteInterceptor : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            foreach (var entry in eventData.Context!.ChangeTracker.Entries<Branch>().Where(static e => e.State == EntityState.Deleted).ToList())
            {
                entry.State = EntityState.Modified;
                entry.Entity.Name += " (archived)";
            }

            return ValueTask.FromResult(result);
        }
    }

    /// <summary>An application's interceptor that refuses every save before it starts.</summary>
    private sealed class RefusingInterceptor : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("Saves are refused here.");
    }

    /// <summary>An application's SaveChanges interceptor, which makes EF detect changes again after ServerTools' own.</summary>
    private sealed class TouchingInterceptor : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(result);
    }
}
