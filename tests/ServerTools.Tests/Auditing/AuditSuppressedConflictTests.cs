using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ServerTools.Tests.Auditing;

/// <summary>
/// A concurrency conflict that the application suppresses with the interceptor of EF Core's documentation: the save goes
/// on, and the trail holds what it committed only.
/// </summary>
public sealed class AuditSuppressedConflictTests(AuditTrailTests.Database database) : IClassFixture<AuditTrailTests.Database>
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_delete_that_affected_no_row_is_not_logged_when_the_application_suppresses_its_conflict(bool async, bool inTransaction)
    {
        var gone = new Account { Name = $"conflict-gone-{async}-{inTransaction}" };
        await using (var context = database.Create())
        {
            context.Accounts.Add(gone);
            await context.SaveChangesAsync();
        }

        var options = new DbContextOptionsBuilder<AuditTrailContext>()
            .UseNpgsql(database.ConnectionString)
            .UseServerTools()
            .AddInterceptors(new SuppressDeleteConflicts())
            .Options;
        await using var alice = database.Create();
        await using var bob = new AuditTrailContext(options);
        var alicesCopy = await alice.Accounts.SingleAsync(a => a.Id == gone.Id);
        var bobsCopy = await bob.Accounts.SingleAsync(a => a.Id == gone.Id);
        using (AuditActor.Use(new AuditActor("alice")))
        {
            alice.Accounts.Remove(alicesCopy);
            await alice.SaveChangesAsync();
        }

        // Bob deletes the row Alice deleted already, and adds one in the same save.
        var added = new Account { Name = $"conflict-added-{async}-{inTransaction}" };
        using (AuditActor.Use(new AuditActor("bob")))
        {
            await using var transaction = inTransaction ? await bob.Database.BeginTransactionAsync() : null;
            bob.Accounts.Remove(bobsCopy);
            bob.Accounts.Add(added);
            if (async)
            {
                await bob.SaveChangesAsync();
            }
            else
            {
                bob.SaveChanges();
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync();
            }
        }

        await using var check = database.Create();
        Assert.Equal(
            [(AuditOperation.Create, null), (AuditOperation.Delete, "alice")],
            (await check.AuditTrailByKey<Account>(gone.Id).ToListAsync()).Select(l => (l.Operation, l.UserId)));
        Assert.Equal(
            [(AuditOperation.Create, "bob")],
            (await check.AuditTrailByKey<Account>(added.Id).ToListAsync()).Select(l => (l.Operation, l.UserId)));
    }

    /// <summary>The interceptor of EF Core's documentation: a delete of a row someone else deleted is no conflict.</summary>
    private sealed class SuppressDeleteConflicts : SaveChangesInterceptor
    {
        public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
            => eventData.Entries.All(e => e.State == EntityState.Deleted) ? InterceptionResult.Suppress() : result;

        public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
            ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            => ValueTask.FromResult(ThrowingConcurrencyException(eventData, result));
    }
}
