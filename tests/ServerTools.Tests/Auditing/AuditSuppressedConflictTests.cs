using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

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
            bob.Accounts.Remove(bobsCopy);
            bob.Accounts.Add(added);
            await SaveAsync(bob, async, inTransaction);
        }

        await using var check = database.Create();
        Assert.Equal(
            [(AuditOperation.Create, null), (AuditOperation.Delete, "alice")],
            await TrailAsync(check, gone.Id));
        Assert.Equal(
            [(AuditOperation.Create, "bob")],
            await TrailAsync(check, added.Id));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_delete_whose_conflict_was_suppressed_in_an_attempt_that_failed_is_logged_when_the_retry_deletes_the_row(bool async, bool inTransaction)
    {
        var account = await InsertAsync($"retry-restored-{async}-{inTransaction}");
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString, async () =>
        {
            // Alice undoes her delete: the account is back, under its key.
            using (AuditActor.Use(new AuditActor("alice")))
            {
                await using var restore = database.Create();
                restore.Accounts.Add(new Account { Id = account.Id, Name = account.Name });
                await restore.SaveChangesAsync();
            }
        });
        await using var bob = Retrying(killer);
        var bobsCopy = await bob.Accounts.SingleAsync(a => a.Id == account.Id);
        await DeleteAsync("alice", account.Id);

        // Bob's first attempt deletes a row that is gone (its conflict is suppressed) and loses its connection at the
        // commit; the execution strategy's retry deletes the restored row.
        var added = new Account { Name = $"retry-restored-added-{async}-{inTransaction}" };
        using (AuditActor.Use(new AuditActor("bob")))
        {
            bob.Accounts.Remove(bobsCopy);
            bob.Accounts.Add(added);
            await SaveRetriedAsync(bob, async, inTransaction);
        }

        Assert.Equal(2, killer.Commits);
        await using var check = database.Create();
        Assert.False(await check.Accounts.AnyAsync(a => a.Id == account.Id));
        Assert.Equal(
            [(AuditOperation.Create, null), (AuditOperation.Delete, "alice"), (AuditOperation.Create, "alice"), (AuditOperation.Delete, "bob")],
            await TrailAsync(check, account.Id));
        Assert.Equal(
            [(AuditOperation.Create, "bob")],
            await TrailAsync(check, added.Id));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_delete_whose_row_another_user_deleted_before_the_retry_is_not_logged_when_the_application_suppresses_its_conflict(bool async, bool inTransaction)
    {
        var account = await InsertAsync($"retry-gone-{async}-{inTransaction}");
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString, () => DeleteAsync("alice", account.Id));
        await using var bob = Retrying(killer);
        var bobsCopy = await bob.Accounts.SingleAsync(a => a.Id == account.Id);

        // Bob's first attempt deletes the row and loses its connection at the commit; Alice deletes the row before the
        // execution strategy's retry, whose delete then affects no row.
        var added = new Account { Name = $"retry-gone-added-{async}-{inTransaction}" };
        using (AuditActor.Use(new AuditActor("bob")))
        {
            bob.Accounts.Remove(bobsCopy);
            bob.Accounts.Add(added);
            await SaveRetriedAsync(bob, async, inTransaction);
        }

        Assert.Equal(2, killer.Commits);
        await using var check = database.Create();
        Assert.Equal(
            [(AuditOperation.Create, null), (AuditOperation.Delete, "alice")],
            await TrailAsync(check, account.Id));
        Assert.Equal(
            [(AuditOperation.Create, "bob")],
            await TrailAsync(check, added.Id));
    }

    /// <summary>Who did what to the account, in the trail's order.</summary>
    private static async Task<List<(AuditOperation Operation, string? UserId)>> TrailAsync(AuditTrailContext check, int id)
        => (await check.AuditTrailByKey<Account>(id).ToListAsync()).ConvertAll(static l => (l.Operation, l.UserId));

    private async Task<Account> InsertAsync(string name)
    {
        await using var context = database.Create();
        var account = new Account { Name = name, Balance = 3m };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();
        return account;
    }

    private async Task DeleteAsync(string user, int id)
    {
        using (AuditActor.Use(new AuditActor(user)))
        {
            await using var context = database.Create();
            context.Accounts.Remove(await context.Accounts.SingleAsync(a => a.Id == id));
            await context.SaveChangesAsync();
        }
    }

    /// <summary>A context whose saves an execution strategy retries after a lost connection, that suppresses the conflicts of deletes.</summary>
    private AuditTrailContext Retrying(KillConnectionAtFirstCommit killer) => new(
        new DbContextOptionsBuilder<AuditTrailContext>()
            .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]))
            .UseServerTools()
            .AddInterceptors(new SuppressDeleteConflicts(), killer)
            .Options);

    /// <summary>
    /// Saves through the context's execution strategy: with SaveChanges, which EF Core retries itself, or with EF Core's
    /// documented pattern for a transaction of the application's (<see cref="RetriedTransaction"/>).
    /// </summary>
    internal static Task SaveRetriedAsync(DbContext context, bool async, bool inTransaction)
        => inTransaction ? RetriedTransaction.SaveAsync(context, async) : SaveAsync(context, async, inTransaction: false);

    /// <summary>Saves with SaveChanges or SaveChangesAsync, in a transaction of the application's or not.</summary>
    internal static async Task SaveAsync(DbContext context, bool async, bool inTransaction)
    {
        await using var transaction = inTransaction ? await context.Database.BeginTransactionAsync() : null;
        if (async)
        {
            await context.SaveChangesAsync();
        }
        else
        {
            context.SaveChanges();
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync();
        }
    }
}

/// <summary>
/// A link removed by two users at once: the second user's delete of the join row affects no row, and the application
/// suppresses the conflict. The database holds nothing of that link's removal by the second user, so neither side's log
/// of that save has it.
/// </summary>
public sealed class AuditSuppressedLinkConflictTests(AuditLinkTests.Database database) : IClassFixture<AuditLinkTests.Database>
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_link_someone_else_removed_is_not_logged_when_the_application_suppresses_the_conflict(bool async, bool inTransaction)
    {
        var (partner, gone, kept) = await SeedAsync($"link-conflict-{async}-{inTransaction}");
        await using var alice = database.Create();
        await using var bob = Suppressing();
        var alicesCopy = await alice.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == partner);
        var bobsCopy = await bob.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == partner);
        using (AuditActor.Use(new AuditActor("alice")))
        {
            alicesCopy.Tags.RemoveAll(t => t.Id == gone);
            await alice.SaveChangesAsync();
        }

        // Bob removes the link Alice removed already, and the other one.
        using (AuditActor.Use(new AuditActor("bob")))
        {
            bobsCopy.Tags.Clear();
            await AuditSuppressedConflictTests.SaveAsync(bob, async, inTransaction);
        }

        await using var check = database.Create();
        Assert.Empty(await check.Partners.Where(p => p.Id == partner).SelectMany(p => p.Tags).ToListAsync());
        Assert.Equal([("alice", "Tags", Json(gone), "[]"), ("bob", "Tags", Json(kept), "[]")], await UpdatesAsync<Partner>(check, partner));
        Assert.Equal([("alice", "Partners", Json(partner), "[]")], await UpdatesAsync<Tag>(check, gone));
        Assert.Equal([("bob", "Partners", Json(partner), "[]")], await UpdatesAsync<Tag>(check, kept));
    }

    /// <summary>An update made only for the link (the entity is otherwise unchanged) is not logged at all, in Full mode too.</summary>
    [Fact]
    public async Task An_update_made_only_for_a_link_someone_else_removed_is_not_logged()
    {
        var (partner, gone, _) = await SeedAsync("link-conflict-only");
        int squad, player;
        await using (var context = database.Create())
        {
            var p = new Player();
            var s = new Squad { Name = "link-conflict-only", Players = [p] };
            context.Add(s);
            await context.SaveChangesAsync();
            (squad, player) = (s.Id, p.Id);
        }

        await using var alice = database.Create();
        await using var bob = Suppressing();
        var alicesPartner = await alice.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == partner);
        var alicesSquad = await alice.Squads.Include(s => s.Players).SingleAsync(s => s.Id == squad);
        var bobsPartner = await bob.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == partner);
        var bobsSquad = await bob.Squads.Include(s => s.Players).SingleAsync(s => s.Id == squad);
        using (AuditActor.Use(new AuditActor("alice")))
        {
            alicesPartner.Tags.RemoveAll(t => t.Id == gone);
            alicesSquad.Players.Clear();
            await alice.SaveChangesAsync();
        }

        using (AuditActor.Use(new AuditActor("bob")))
        {
            bobsPartner.Tags.RemoveAll(t => t.Id == gone);
            bobsSquad.Players.Clear();
            await bob.SaveChangesAsync();
        }

        await using var check = database.Create();
        Assert.Equal(["alice"], (await UpdatesAsync<Partner>(check, partner)).Select(u => u.User));
        Assert.Equal(["alice"], (await UpdatesAsync<Tag>(check, gone)).Select(u => u.User));
        var squadUpdates = await UpdatesAsync<Squad>(check, squad);
        Assert.All(squadUpdates, u => Assert.Equal("alice", u.User));
        Assert.Equal(("alice", "Players", Json(player), "[]"), squadUpdates[^1]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_link_whose_removal_was_suppressed_in_an_attempt_that_failed_is_logged_when_the_retry_removes_it(bool async, bool inTransaction)
    {
        var (partner, gone, kept) = await SeedAsync($"link-retry-{async}-{inTransaction}");

        // Alice undoes her removal while Bob's save waits for its retry: the link is back.
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString, () => LinkAsync("alice", partner, gone, linked: true));
        await using var bob = Suppressing(killer);
        var bobsCopy = await bob.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == partner);
        await LinkAsync("alice", partner, gone, linked: false);

        // Bob's first attempt removes both links, one of them gone already (its conflict is suppressed), and loses its
        // connection at the commit; the execution strategy's retry removes both, the restored one too.
        using (AuditActor.Use(new AuditActor("bob")))
        {
            bobsCopy.Tags.Clear();
            await AuditSuppressedConflictTests.SaveRetriedAsync(bob, async, inTransaction);
        }

        Assert.Equal(2, killer.Commits);
        await using var check = database.Create();
        Assert.Empty(await check.Partners.Where(p => p.Id == partner).SelectMany(p => p.Tags).ToListAsync());
        Assert.Equal(
            [("alice", "Tags", Json(gone), "[]"), ("alice", "Tags", "[]", Json(gone)), ("bob", "Tags", Json(gone, kept), "[]")],
            await UpdatesAsync<Partner>(check, partner));
        Assert.Equal(
            [("alice", "Partners", Json(partner), "[]"), ("alice", "Partners", "[]", Json(partner)), ("bob", "Partners", Json(partner), "[]")],
            await UpdatesAsync<Tag>(check, gone));
        Assert.Equal([("bob", "Partners", Json(partner), "[]")], await UpdatesAsync<Tag>(check, kept));
    }

    /// <summary>A context that suppresses the conflicts of deletes; with <paramref name="killer"/>, whose saves an execution strategy retries after a lost connection.</summary>
    private LinkContext Suppressing(KillConnectionAtFirstCommit? killer = null) => new(
        new DbContextOptionsBuilder<LinkContext>()
            .UseNpgsql(database.ConnectionString, npgsql =>
            {
                if (killer is not null)
                {
                    npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]);
                }
            })
            .UseServerTools()
            .AddInterceptors(killer is null ? [new SuppressDeleteConflicts()] : [new SuppressDeleteConflicts(), killer])
            .Options);

    /// <summary>A user's link of the partner to the tag, added or removed in a context of its own.</summary>
    private async Task LinkAsync(string user, int partner, int tag, bool linked)
    {
        using (AuditActor.Use(new AuditActor(user)))
        {
            await using var context = database.Create();
            var tags = (await context.Partners.Include(p => p.Tags).SingleAsync(p => p.Id == partner)).Tags;
            if (linked)
            {
                tags.Add(await context.Tags.SingleAsync(t => t.Id == tag));
            }
            else
            {
                tags.RemoveAll(t => t.Id == tag);
            }

            await context.SaveChangesAsync();
        }
    }

    /// <summary>A partner linked to two tags.</summary>
    private async Task<(int Partner, int Gone, int Kept)> SeedAsync(string name)
    {
        await using var context = database.Create();
        var gone = new Tag { Label = name + "-gone" };
        var kept = new Tag { Label = name + "-kept" };
        var partner = new Partner { Name = name, Tags = [gone, kept] };
        context.Add(partner);
        await context.SaveChangesAsync();
        return (partner.Id, gone.Id, kept.Id);
    }

    /// <summary>The lines of the updates of an entity, oldest first, each with the user who made it.</summary>
    private static async Task<List<(string? User, string Field, string? Old, string? New)>> UpdatesAsync<TEntity>(LinkContext context, int id)
        where TEntity : class
        => [.. (await context.AuditTrailByKey<TEntity>(id).Where(l => l.Operation == AuditOperation.Update).ToListAsync())
            .SelectMany(l => Lines(l).Select(line => (l.UserId, line.Field, line.Old, line.New)))];

    private static string Json(params int[] keys) => "[" + string.Join(",", keys.Select(k => "\"" + Key(k) + "\"")) + "]";
}

/// <summary>The interceptor of EF Core's documentation: a delete of a row someone else deleted is no conflict.</summary>
internal sealed class SuppressDeleteConflicts : SaveChangesInterceptor
{
    public override InterceptionResult ThrowingConcurrencyException(ConcurrencyExceptionEventData eventData, InterceptionResult result)
        => eventData.Entries.All(e => e.State == EntityState.Deleted) ? InterceptionResult.Suppress() : result;

    public override ValueTask<InterceptionResult> ThrowingConcurrencyExceptionAsync(
        ConcurrencyExceptionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        => ValueTask.FromResult(ThrowingConcurrencyException(eventData, result));
}
