using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using ServerTools.Tests.Auditing;

namespace ServerTools.Tests.Infrastructure;

/// <summary>
/// How a save with <c>UseServerTools()</c> detects changes: once, unless another SaveChanges interceptor runs after
/// ServerTools' (then EF detects again, for what that one changed); and the context's setting is back when the save ends.
/// </summary>
public sealed class ChangeDetectionTests(UnloadedEntityTests.Database database) : IClassFixture<UnloadedEntityTests.Database>
{
    private async Task<int> StoreAsync(string title)
    {
        await using var context = database.Create();
        var lease = new Lease { Title = title, Amount = 1m, Party = new LeaseParty { Name = "n", City = "c" } };
        context.Leases.Add(lease);
        await context.SaveChangesAsync();
        return lease.Id;
    }

    [Fact]
    public async Task A_save_detects_changes_once_and_gives_automatic_detection_back()
    {
        var id = await StoreAsync("detect-once");
        await using var context = database.Create();
        var lease = await context.Leases.SingleAsync(l => l.Id == id);
        var detections = 0;
        context.ChangeTracker.DetectedAllChanges += (_, _) => detections++;

        // Title has no hook (a hook that runs is followed by a detection of what it changed).
        lease.Title = "detect-once-2";
        await context.SaveChangesAsync();
        Assert.Equal(1, detections);
        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);

        // Detection is on again: a change after the save is found by the next one (synchronous this time).
        lease.Title = "detect-once-3";
        context.SaveChanges();
        Assert.Equal(2, detections);
        await using var check = database.Create();
        Assert.Equal("detect-once-3", (await check.Leases.AsNoTracking().SingleAsync(l => l.Id == id)).Title);
    }

    [Fact]
    public async Task Another_interceptor_gets_its_change_detected_and_saved()
    {
        var id = await StoreAsync("detect-again");
        var options = new DbContextOptionsBuilder<LeaseContext>()
            .UseNpgsql(database.ConnectionString).UseServerTools().AddInterceptors(new StampNote()).Options;
        await using var context = new LeaseContext(options);
        var lease = await context.Leases.SingleAsync(l => l.Id == id);

        lease.Amount = 2m;
        await context.SaveChangesAsync();

        await using var check = database.Create();
        var stored = await check.Leases.AsNoTracking().SingleAsync(l => l.Id == id);
        Assert.Equal((2m, "stamped"), (stored.Amount, stored.Note));
        var trail = await check.AuditTrailByKey<Lease>(id).ToListAsync();
        Assert.Equal([("Amount", "1", "2"), ("Note", null, "stamped")], AuditLogText.Lines(trail[^1]));
    }

    [Fact]
    public async Task A_save_that_fails_in_the_database_gives_automatic_detection_back()
    {
        var id = await StoreAsync("detect-failed");
        await using var context = database.Create();
        var lease = await context.Leases.SingleAsync(l => l.Id == id);

        // 'Title' holds text; a NUL character is refused by PostgreSQL when the UPDATE runs.
        lease.Title = "bad\0title";
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => context.SaveChangesAsync());
        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
    }

    [Fact]
    public async Task A_context_with_automatic_detection_off_keeps_it_off()
    {
        var id = await StoreAsync("detect-off");
        await using var context = database.Create();
        var lease = await context.Leases.SingleAsync(l => l.Id == id);
        context.ChangeTracker.AutoDetectChangesEnabled = false;

        lease.Amount = 7m;
        context.ChangeTracker.DetectChanges();
        await context.SaveChangesAsync();
        Assert.False(context.ChangeTracker.AutoDetectChangesEnabled);
    }

    /// <summary>An application's interceptor that stamps every modified lease.</summary>
    private sealed class StampNote : SaveChangesInterceptor
    {
        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            foreach (var entry in eventData.Context!.ChangeTracker.Entries<Lease>())
            {
                if (entry.State == EntityState.Modified)
                {
                    entry.Entity.Note = "stamped";
                }
            }

            return ValueTask.FromResult(result);
        }
    }
}
