using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading.Tasks;
using System.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>The audit trail written by SaveChanges, on PostgreSQL: what each operation and mode logs, and that it is atomic.</summary>
public sealed class AuditTrailTests(AuditTrailTests.Database database) : IClassFixture<AuditTrailTests.Database>
{
    // Microseconds, PostgreSQL's precision, so the binary timestamp the COPY sends is checked to the last digit.
    private static readonly DateTimeOffset s_now = new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero).AddTicks(1_234_567_0);

    /// <summary>One database for the class, with the schema created once.</summary>
    public sealed class Database() : SchemaFixture<AuditTrailContext>(options => new(options))
    {
        public FixedClock Clock { get; } = new(s_now);

        protected override void Configure(ServerToolsOptions options)
        {
            options.TimeProvider = Clock;
            options.Auditing.ExcludedUserIds.Add("system");
        }
    }

    [Fact]
    public async Task Create_logs_every_audited_field_with_the_key_the_database_generated()
    {
        await using var context = database.Create();
        var account = new Account { Name = "create-1", Balance = 12.50m, State = AccountState.Frozen, Reference = Guid.Parse("0b6f1c2e-9c52-4f43-8c3e-2a5d1a0e7b11"), Logo = [1, 2, 3], Iban = "FR76", Secret = "s" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();

        var log = Assert.Single(await Logs<Account>(account.Id));
        Assert.Equal(AuditOperation.Create, log.Operation);
        Assert.Equal("ServerTools.Tests.Auditing.Account", log.EntityType);
        Assert.Equal(account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), log.EntityKey);
        Assert.True(account.Id > 0);
        Assert.Equal(s_now, log.Timestamp);
        Assert.Equal(
            [
                ("Id", null, log.EntityKey), ("Name", null, "create-1"), ("Balance", null, "12.50"), ("State", null, "Frozen"),
                ("ClosedAt", null, null), ("Reference", null, "0b6f1c2e-9c52-4f43-8c3e-2a5d1a0e7b11"),
                ("Logo", null, "len=3;sha256=039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81"),
                ("Active", null, "true"), ("Iban", null, "***"),
            ],
            Lines(log));
    }

    [Fact]
    public async Task Update_in_changes_mode_logs_only_the_changed_fields_and_nothing_when_nothing_changed()
    {
        var id = await Insert(new Account { Name = "update-1", Balance = 10m });
        await using (var context = database.Create())
        {
            var account = await context.Accounts.SingleAsync(a => a.Id == id);
            account.Balance = 11.25m;
            account.State = AccountState.Closed;
            account.Secret = "changed but ignored";
            await context.SaveChangesAsync();

            account.Secret = "ignored again";
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Balance", "10", "11.25"), ("State", "Open", "Closed")], Lines(update));
    }

    [Fact]
    public async Task Masked_field_logs_that_it_changed_but_never_the_value()
    {
        var id = await Insert(new Account { Name = "mask-1", Iban = "FR76 0001" });
        await using (var context = database.Create())
        {
            (await context.Accounts.SingleAsync(a => a.Id == id)).Iban = "DE89 0002";
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Iban", "***", "***")], Lines(update));
        await using var check = database.Create();
        Assert.False(await check.Set<AuditLog>().SelectMany(l => l.Lines).AnyAsync(l => l.OldValue!.Contains("0001") || l.NewValue!.Contains("0002")));
    }

    [Fact]
    public async Task Delete_logs_the_old_values()
    {
        var id = await Insert(new Account { Name = "delete-1", Balance = 3m });
        await using (var context = database.Create())
        {
            context.Accounts.Remove(await context.Accounts.SingleAsync(a => a.Id == id));
            await context.SaveChangesAsync();
        }

        var delete = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Delete);
        Assert.Contains(("Name", "delete-1", null), Lines(delete));
        Assert.Contains(("Balance", "3", null), Lines(delete));
        Assert.All(delete.Lines, line => Assert.Null(line.NewValue));
    }

    [Fact]
    public async Task Full_mode_logs_every_field_old_and_new_on_every_operation()
    {
        await using var context = database.Create();
        var ledger = new Ledger { Code = "L-1", Version = 1 };
        context.Ledgers.Add(ledger);
        await context.SaveChangesAsync();
        ledger.Version = 2;
        await context.SaveChangesAsync();
        context.Ledgers.Remove(ledger);
        await context.SaveChangesAsync();

        var logs = await Logs<Ledger>(ledger.Id);
        var key = ledger.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Delete], logs.Select(l => l.Operation));
        Assert.Equal([("Id", null, key), ("Code", null, "L-1"), ("Version", null, "1")], Lines(logs[0]));
        Assert.Equal([("Id", key, key), ("Code", "L-1", "L-1"), ("Version", "1", "2")], Lines(logs[1]));
        Assert.Equal([("Id", key, null), ("Code", "L-1", null), ("Version", "2", null)], Lines(logs[2]));
    }

    [Fact]
    public async Task Operations_that_the_attribute_leaves_out_are_not_logged()
    {
        await using var context = database.Create();
        var note = new Note { Text = "first" };
        context.Notes.Add(note);
        await context.SaveChangesAsync();
        note.Text = "second";
        await context.SaveChangesAsync();

        Assert.Equal([AuditOperation.Create], (await Logs<Note>(note.Id)).Select(l => l.Operation));
    }

    [Fact]
    public async Task Composite_key_is_logged_as_its_parts_joined_with_a_bar_and_escaped()
    {
        await using var context = database.Create();
        context.Allocations.Add(new Allocation { AccountId = 7, Period = "2026|Q1\\x", Amount = 1m });
        await context.SaveChangesAsync();

        await using var check = database.Create();
        var log = await check.Set<AuditLog>().SingleAsync(l => l.EntityType == "ServerTools.Tests.Auditing.Allocation");
        Assert.Equal("7|2026\\|Q1\\\\x", log.EntityKey);
        Assert.Equal(log.EntityKey, AuditKey.Format(7, "2026|Q1\\x"));
    }

    [Fact]
    public async Task Entities_without_the_attribute_write_nothing()
    {
        await using var context = database.Create();
        await using var check = database.Create();
        var before = await check.Set<AuditLog>().CountAsync();

        context.Plains.Add(new Plain { Name = "plain" });
        await context.SaveChangesAsync();

        Assert.Equal(before, await check.Set<AuditLog>().CountAsync());
    }

    [Fact]
    public async Task Create_logs_the_keys_and_foreign_keys_the_database_gave_not_the_temporary_ones()
    {
        await using var context = database.Create();
        var account = new Account { Name = "posting-account" };
        var posting = new Posting { Account = account, Memo = "opening" };
        context.Postings.Add(posting);
        context.ChangeTracker.DetectChanges();
        Assert.True(context.Entry(posting).Property(p => p.AccountId).IsTemporary);
        await context.SaveChangesAsync();

        var log = Assert.Single(await Logs<Posting>(posting.Id));
        Assert.True(account.Id > 0);
        Assert.Equal(
            [("Id", null, Text(posting.Id)), ("AccountId", null, Text(account.Id)), ("Memo", null, "opening")],
            Lines(log));

        static string Text(int id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task An_update_whose_changed_values_read_the_same_as_text_logs_nothing()
    {
        await using var context = database.Create();
        var label = new Label { Text = "same" };
        context.Labels.Add(label);
        await context.SaveChangesAsync();

        // A new string instance with the same text: EF's reference comparer sees a change and saves it.
        label.Text = new string("same".AsSpan());
        context.ChangeTracker.DetectChanges();
        Assert.True(context.Entry(label).Property(l => l.Text).IsModified);
        await context.SaveChangesAsync();

        Assert.Equal([AuditOperation.Create], (await Logs<Label>(label.Id)).Select(l => l.Operation));
    }

    [Fact]
    public async Task Logs_of_one_save_are_ordered_as_the_changes_were_captured_whatever_their_operation()
    {
        await using (var setup = database.Create())
        {
            setup.Accounts.AddRange(new Account { Name = "order-updated" }, new Account { Name = "order-deleted" });
            await setup.SaveChangesAsync();
        }

        // The created entity first in the change tracker, where the encoding puts it last.
        await using var context = database.Create();
        var created = new Account { Name = "order-created" };
        context.Accounts.Add(created);
        var updated = await context.Accounts.SingleAsync(a => a.Name == "order-updated");
        var deleted = await context.Accounts.SingleAsync(a => a.Name == "order-deleted");
        updated.Balance += 1;
        context.Accounts.Remove(deleted);
        context.ChangeTracker.DetectChanges();
        var captured = context.ChangeTracker.Entries<Account>()
            .Where(static e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
            .Select(static e => e.Entity.Name)
            .ToList();
        await context.SaveChangesAsync();

        // Created entities are encoded last (their keys come from the database), the captured ones ahead: the ids
        // still follow the order of the change tracker.
        var names = new Dictionary<string, string> { [Key(updated)] = updated.Name, [Key(deleted)] = deleted.Name, [Key(created)] = created.Name };
        var transaction = (await Logs<Account>(created.Id)).Single().TransactionId;
        var logs = await context.Set<AuditLog>().Where(l => l.TransactionId == transaction).OrderBy(static l => l.Id).ToListAsync();
        Assert.Equal("order-created", captured[0]);
        Assert.Equal(captured, logs.Select(l => names[l.EntityKey]));
        Assert.Equal(3, logs.Select(static l => l.Operation).Distinct().Count());

        static string Key(Account account) => account.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Logs_of_one_save_share_the_transaction_id_and_carry_the_ambient_actor_and_trace()
    {
        using var activity = new Activity("audit-test").SetIdFormat(ActivityIdFormat.W3C).Start();
        using var actor = AuditActor.Use(new AuditActor("u-42", "Ada Lovelace", "203.0.113.7", "tenant-a"));
        await using var context = database.Create();
        var first = new Account { Name = "actor-1" };
        var second = new Account { Name = "actor-2" };
        context.Accounts.AddRange(first, second);
        await context.SaveChangesAsync();

        var logs = (await Logs<Account>(first.Id)).Concat(await Logs<Account>(second.Id)).ToList();
        Assert.Equal(2, logs.Count);
        Assert.Single(logs.Select(l => l.TransactionId).Distinct());
        Assert.All(logs, log =>
        {
            Assert.Equal(("u-42", "Ada Lovelace", "203.0.113.7", "tenant-a"), (log.UserId, log.UserName, log.IpAddress, log.TenantId));
            Assert.Equal(activity.TraceId.ToHexString(), log.TraceId);
        });
    }

    [Fact]
    public async Task Actor_comes_from_the_application_services_when_no_scope_is_set()
    {
        var services = new ServiceCollection()
            .AddSingleton<IAuditActorProvider>(new StaticActor(new AuditActor("web-7", "Grace")))
            .AddDbContext<AuditTrailContext>(options => options.UseNpgsql(database.ConnectionString).UseServerTools())
            .BuildServiceProvider();
        await using var scope = services.CreateAsyncScope();
        var context = scope.ServiceProvider.GetRequiredService<AuditTrailContext>();
        var account = new Account { Name = "di-actor-1" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();

        var log = Assert.Single(await Logs<Account>(account.Id));
        Assert.Equal(("web-7", "Grace"), (log.UserId, log.UserName));
    }

    [Fact]
    public async Task Changes_by_an_excluded_user_are_not_logged()
    {
        using var actor = AuditActor.Use(new AuditActor("system"));
        var id = await Insert(new Account { Name = "excluded-1" });

        Assert.Empty(await Logs<Account>(id));
    }

    [Fact]
    public async Task Save_that_fails_half_way_leaves_no_audit_rows_and_no_changes()
    {
        await using var check = database.Create();
        var logsBefore = await check.Set<AuditLog>().CountAsync();
        await using var context = database.Create();
        context.Accounts.AddRange(Enumerable.Range(0, 1000).Select(i => new Account { Name = i == 499 ? "halfway-0" : $"halfway-{i}" }));

        var error = await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());

        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(error.InnerException).SqlState);
        Assert.Equal(logsBefore, await check.Set<AuditLog>().CountAsync());
        Assert.False(await check.Accounts.AnyAsync(a => a.Name.StartsWith("halfway-")));
    }

    [Fact]
    public void A_database_whose_lines_column_is_still_jsonb_fails_the_save_with_what_to_do_and_keeps_nothing()
    {
        using (var context = database.Create())
        {
            // The column as a database made before the audit lines became json has it.
            context.Database.ExecuteSqlRaw("""ALTER TABLE servertools_audit_log ALTER COLUMN "Lines" TYPE jsonb USING "Lines"::jsonb""");
            try
            {
                context.Accounts.Add(new Account { Name = "jsonb-lines" });
                var error = Assert.Throws<InvalidOperationException>(() => context.SaveChanges());
                Assert.StartsWith("The model maps column 'Lines' of servertools_audit_log as json, but the database's column is jsonb,", error.Message, StringComparison.Ordinal);
                Assert.Contains(
                    """modelBuilder.Entity<AuditLog>().ComplexCollection(l => l.Lines, l => l.ToJson("Lines").HasColumnType("jsonb"))""",
                    error.Message,
                    StringComparison.Ordinal);
            }
            finally
            {
                context.Database.ExecuteSqlRaw("""ALTER TABLE servertools_audit_log ALTER COLUMN "Lines" TYPE json USING "Lines"::json""");
            }
        }

        using var check = database.Create();
        Assert.False(check.Accounts.Any(a => a.Name == "jsonb-lines"));
    }

    [Fact]
    public async Task Save_retried_by_the_execution_strategy_after_a_lost_connection_logs_each_change_once()
    {
        var id = await Insert(new Account { Name = "retry-1", Balance = 1m });
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString);
        await using var context = Retrying(killer);
        var account = await context.Accounts.SingleAsync(a => a.Id == id);
        account.Balance = 2m;
        var created = new Account { Name = "retry-2" };
        context.Accounts.Add(created);

        await context.SaveChangesAsync();

        Assert.Equal(2, killer.Commits);
        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Balance", "1", "2")], Lines(update));
        var create = Assert.Single(await Logs<Account>(created.Id));
        Assert.Equal(AuditOperation.Create, create.Operation);
        Assert.Contains(("Id", null, create.EntityKey), Lines(create));
        await using var check = database.Create();
        Assert.Equal(1, await check.Accounts.CountAsync(a => a.Name == "retry-2"));
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public async Task A_save_retried_after_a_concurrent_change_is_logged_at_the_retry_so_the_trail_ends_with_what_it_wrote(bool async, bool stub)
    {
        var clock = new FixedClock(new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero));
        int id;
        await using (var context = database.Create(options => options.TimeProvider = clock))
        {
            var created = new Account { Name = $"retry-after-change-{async}-{stub}", Balance = 1m };
            context.Accounts.Add(created);
            await context.SaveChangesAsync();
            id = created.Id;
        }

        // Bob's first attempt loses its connection at the commit. Before the execution strategy retries it, a minute
        // later, Carol changes the balance; the retry, another minute later, overwrites her change.
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString, async () =>
        {
            clock.Now = clock.Now.AddMinutes(1);
            using (AuditActor.Use(new AuditActor("carol")))
            {
                await using var carol = database.Create(options => options.TimeProvider = clock);
                (await carol.Accounts.SingleAsync(a => a.Id == id)).Balance = 5m;
                await carol.SaveChangesAsync();
            }

            clock.Now = clock.Now.AddMinutes(1);
        });
        await using var bob = Retrying(killer, clock);
        Account account;
        if (stub)
        {
            account = new Account { Id = id };
            bob.Accounts.Attach(account);
        }
        else
        {
            account = await bob.Accounts.SingleAsync(a => a.Id == id);
        }

        account.Balance = 2m;
        using (AuditActor.Use(new AuditActor("bob")))
        {
            if (async)
            {
                await bob.SaveChangesAsync();
            }
            else
            {
                bob.SaveChanges();
            }
        }

        Assert.Equal(2, killer.Commits);
        await using var check = database.Create();
        Assert.Equal(2m, (await check.Accounts.SingleAsync(a => a.Id == id)).Balance);

        // The old value is the one the save had before its first attempt: the loaded one, or a stub's stored one, read
        // then (docs/auditing.md). The log's time and place in the trail are the retry's.
        var trail = await check.AuditTrailByKey<Account>(id).ToListAsync();
        Assert.Equal(
            [
                (AuditOperation.Create, null, new DateTimeOffset(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), (string?)null, (string?)"1"),
                (AuditOperation.Update, "carol", new DateTimeOffset(2027, 1, 1, 0, 1, 0, TimeSpan.Zero), "1", "5"),
                (AuditOperation.Update, "bob", new DateTimeOffset(2027, 1, 1, 0, 2, 0, TimeSpan.Zero), "1", "2"),
            ],
            trail.Select(l => (l.Operation, l.UserId, l.Timestamp, Lines(l).Single(line => line.Field == "Balance").Old, Lines(l).Single(line => line.Field == "Balance").New)));
        Assert.Equal("2", (await check.AuditedValuesAsOfAsync<Account>(clock.Now, [id]))!["Balance"]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_the_application_retries_in_its_own_transaction_logs_the_values_of_the_attempt_that_committed(bool async)
    {
        var id = await Insert(new Account { Name = "retry-own-" + async, Balance = 1m });
        var killer = new KillConnectionAtFirstCommit(database.ConnectionString);
        await using var context = Retrying(killer);
        var account = await context.Accounts.SingleAsync(a => a.Id == id);
        var posting = new Posting { Account = new Account { Name = "retry-own-created-" + async }, Memo = "retry-own-" + async };
        context.Postings.Add(posting);

        // EF Core's pattern for an execution strategy with a transaction of the application's: each attempt sets the
        // balance again (as from a rate read in its transaction), and the first one loses its connection at the commit.
        var attempts = 0;
        await RetriedTransaction.SaveAsync(context, async, () => account.Balance = 10m * ++attempts);

        Assert.Equal((2, 2), (attempts, killer.Commits));
        await using var check = database.Create();
        Assert.Equal(20m, (await check.Accounts.SingleAsync(a => a.Id == id)).Balance);
        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Balance", "1", "20")], Lines(update));

        // The created entities are logged once, with the keys the committed attempt stored.
        var stored = await check.Postings.SingleAsync(p => p.Memo == "retry-own-" + async);
        Assert.Equal((stored.Id, stored.AccountId), (posting.Id, posting.AccountId));
        var created = Assert.Single(await Logs<Posting>(stored.Id));
        Assert.Contains(("Id", null, Key(stored.Id)), Lines(created));
        Assert.Contains(("AccountId", null, Key(stored.AccountId)), Lines(created));
        Assert.Equal(Key(stored.AccountId), Assert.Single(await Logs<Account>(stored.AccountId)).EntityKey);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_value_an_application_interceptor_sets_while_saving_is_saved_and_logged(bool async)
    {
        var id = await Insert(new Account { Name = "stamp-" + async, Balance = 1m });
        var closedAt = new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var context = new AuditTrailContext(
            new DbContextOptionsBuilder<AuditTrailContext>()
                .UseNpgsql(database.ConnectionString)
                .AddInterceptors(new StampClosedAt(closedAt))
                .UseServerTools(options => options.TimeProvider = database.Clock)
                .Options))
        {
            var account = await context.Accounts.SingleAsync(a => a.Id == id);
            account.Balance = 2m;
            if (async)
            {
                await context.SaveChangesAsync();
            }
            else
            {
                context.SaveChanges();
            }

            Assert.Equal(EntityState.Unchanged, context.Entry(account).State);
        }

        await using var check = database.Create();
        Assert.Equal(closedAt, (await check.Accounts.SingleAsync(a => a.Id == id)).ClosedAt);
        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Balance", "1", "2"), ("ClosedAt", null, "2031-01-01T00:00:00.0000000+00:00")], Lines(update));
    }

    [Fact]
    public async Task An_audited_entity_only_an_application_interceptor_changes_is_saved_and_logged()
    {
        var id = await Insert(new Account { Name = "stamp-unchanged", Balance = 1m });
        var closedAt = new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await using (var context = new AuditTrailContext(
            new DbContextOptionsBuilder<AuditTrailContext>()
                .UseNpgsql(database.ConnectionString)
                .AddInterceptors(new StampClosedAt(closedAt, unchangedToo: true))
                .UseServerTools(options => options.TimeProvider = database.Clock)
                .Options))
        {
            // The account is loaded and unchanged when ServerTools' interceptor runs; only a plain row is added.
            await context.Accounts.SingleAsync(a => a.Id == id);
            context.Plains.Add(new Plain { Name = "stamp-unchanged" });
            await context.SaveChangesAsync();
        }

        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("ClosedAt", null, "2032-01-01T00:00:00.0000000+00:00")], Lines(update));
    }

    [Fact]
    public async Task A_capture_that_fails_and_is_retried_by_the_execution_strategy_saves_with_its_logs_or_not_at_all()
    {
        var id = await Insert(new Account { Name = "flaky-actor", Balance = 1m });
        var actor = new FlakyActor();
        var services = new ServiceCollection()
            .AddSingleton<IAuditActorProvider>(actor)
            .AddDbContext<AuditTrailContext>(o => o
                .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), null))
                .UseServerTools(options => options.TimeProvider = database.Clock))
            .BuildServiceProvider();
        await using (var scope = services.CreateAsyncScope())
        {
            var context = scope.ServiceProvider.GetRequiredService<AuditTrailContext>();
            (await context.Accounts.SingleAsync(a => a.Id == id)).Balance = 5m;
            await context.SaveChangesAsync();
        }

        // The actor provider timed out once; the strategy retried the save, which captured its logs again.
        Assert.Equal(2, actor.Calls);
        await using var check = database.Create();
        Assert.Equal(5m, (await check.Accounts.SingleAsync(a => a.Id == id)).Balance);
        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal(("u1", "Balance"), (update.UserId, Assert.Single(update.Lines).Field));
    }

    /// <summary>An actor provider whose first call times out, as a directory service may.</summary>
    private sealed class FlakyActor : IAuditActorProvider
    {
        private int _calls;

        public int Calls => _calls;

        public AuditActor? GetCurrentActor()
            => System.Threading.Interlocked.Increment(ref _calls) == 1 ? throw new TimeoutException("The directory did not answer.") : new AuditActor("u1");
    }

    /// <summary>An application's interceptor that stamps an entity property (not through the entry) when an account is saved.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_in_a_transaction_an_application_interceptor_begins_is_logged_in_it(bool async)
    {
        // A unit-of-work interceptor, which EF runs after ServerTools': the save's statements run in the transaction it
        // begins, which EF does not commit; the application does, after the save.
        var id = await Insert(new Account { Name = "unit-of-work-" + async, Balance = 1m });
        await using (var context = new AuditTrailContext(
            new DbContextOptionsBuilder<AuditTrailContext>()
                .UseNpgsql(database.ConnectionString)
                .UseServerTools(options => options.TimeProvider = database.Clock)
                .AddInterceptors(new BeginUnitOfWork())
                .Options))
        {
            var account = await context.Accounts.SingleAsync(a => a.Id == id);
            account.Balance = 2m;
            if (async)
            {
                await context.SaveChangesAsync();
                Assert.NotNull(context.Database.CurrentTransaction);
                await context.Database.CommitTransactionAsync();
            }
            else
            {
                context.SaveChanges();
                Assert.NotNull(context.Database.CurrentTransaction);
                context.Database.CommitTransaction();
            }
        }

        var update = Assert.Single(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        Assert.Equal([("Balance", "1", "2")], Lines(update));
    }

    [Fact]
    public async Task A_save_in_a_transaction_an_application_interceptor_begins_and_rolls_back_leaves_no_log()
    {
        var id = await Insert(new Account { Name = "unit-of-work-rollback", Balance = 1m });
        await using (var context = new AuditTrailContext(
            new DbContextOptionsBuilder<AuditTrailContext>()
                .UseNpgsql(database.ConnectionString)
                .UseServerTools(options => options.TimeProvider = database.Clock)
                .AddInterceptors(new BeginUnitOfWork())
                .Options))
        {
            (await context.Accounts.SingleAsync(a => a.Id == id)).Balance = 2m;
            await context.SaveChangesAsync();
            await context.Database.RollbackTransactionAsync();
        }

        Assert.DoesNotContain(await Logs<Account>(id), l => l.Operation == AuditOperation.Update);
        await using var check = database.Create();
        Assert.Equal(1m, (await check.Accounts.SingleAsync(a => a.Id == id)).Balance);
    }

    private sealed class StampClosedAt(DateTimeOffset closedAt, bool unchangedToo = false) : Microsoft.EntityFrameworkCore.Diagnostics.SaveChangesInterceptor
    {
        public override Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> SavingChanges(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result)
        {
            Stamp(eventData.Context!);
            return result;
        }

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int>> SavingChangesAsync(
            Microsoft.EntityFrameworkCore.Diagnostics.DbContextEventData eventData, Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<int> result,
            System.Threading.CancellationToken cancellationToken = default)
        {
            Stamp(eventData.Context!);
            return ValueTask.FromResult(result);
        }

        private void Stamp(DbContext context)
        {
            foreach (var entry in context.ChangeTracker.Entries<Account>().Where(e => e.State == EntityState.Modified || unchangedToo).ToList())
            {
                entry.Entity.ClosedAt = closedAt;
            }
        }
    }

    [Fact]
    public async Task Deletes_EF_cascades_during_the_save_are_logged_as_deletes()
    {
        var id = await Insert(new Account { Name = "cascade-later" });
        int first, second;
        await using (var context = database.Create())
        {
            var one = new Posting { AccountId = id, Memo = "one" };
            var two = new Posting { AccountId = id, Memo = "two" };
            context.Postings.AddRange(one, two);
            await context.SaveChangesAsync();
            (first, second) = (one.Id, two.Id);
        }

        await using (var context = database.Create())
        {
            context.ChangeTracker.CascadeDeleteTiming = Microsoft.EntityFrameworkCore.ChangeTracking.CascadeTiming.OnSaveChanges;
            context.ChangeTracker.DeleteOrphansTiming = Microsoft.EntityFrameworkCore.ChangeTracking.CascadeTiming.OnSaveChanges;
            var postings = await context.Postings.Include(p => p.Account).Where(p => p.AccountId == id).OrderBy(p => p.Id).ToListAsync();

            // An orphan: its required principal is taken away.
            postings[0].Account = null;
            await context.SaveChangesAsync();

            // A dependent of a deleted principal.
            context.Accounts.Remove(postings[1].Account!);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        Assert.False(await check.Postings.AnyAsync(p => p.AccountId == id));
        foreach (var (posting, memo) in new[] { (first, "one"), (second, "two") })
        {
            var log = Assert.Single(await Logs<Posting>(posting), l => l.Operation != AuditOperation.Create);
            Assert.Equal(AuditOperation.Delete, log.Operation);
            Assert.Contains(("Memo", memo, null), Lines(log));
        }

        Assert.Equal(AuditOperation.Delete, (await Logs<Account>(id)).Last().Operation);
    }

    [Fact]
    public async Task A_strongly_typed_id_is_logged_and_delivered_as_the_value_its_converter_stores()
    {
        var id = new WidgetId(Guid.Parse("5d7a1c9e-3b1f-4e0a-9a61-0c2f8b4e7d10"));
        await using (var context = database.Create())
        {
            context.Widgets.Add(new Widget { Id = id, Name = "cog" });
            await context.SaveChangesAsync();
            var widget = await context.Widgets.SingleAsync(w => w.Id == id);
            widget.Name = "sprocket";
            await context.SaveChangesAsync();
            Assert.Equal(2, await context.AuditTrail(widget).CountAsync());
            context.Widgets.Remove(widget);
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        const string key = "5d7a1c9e-3b1f-4e0a-9a61-0c2f8b4e7d10";
        var logs = await check.Set<AuditLog>().Where(l => l.EntityType == typeof(Widget).FullName).OrderBy(l => l.Id).ToListAsync();
        Assert.Equal([(AuditOperation.Create, key), (AuditOperation.Update, key), (AuditOperation.Delete, key)], logs.Select(l => (l.Operation, l.EntityKey)));
        Assert.Equal([("Name", "cog", "sprocket")], Lines(logs[1]));
        Assert.Equal(3, await check.AuditTrailByKey<Widget>(id).CountAsync());
        Assert.Equal(3, await check.AuditTrailByKey<Widget>(id.Value).CountAsync());
        var messages = await check.Set<OutboxMessage>().Where(m => m.EntityType == typeof(Widget).FullName).ToListAsync();
        Assert.Equal([(TrackedOperation.Update, key)], messages.Select(m => (m.Operation, m.EntityKey)));
    }

    [Fact]
    public async Task Contexts_of_one_type_may_switch_auditing_off_and_on_whichever_is_built_first()
    {
        // EF caches one model per context type: the first context built decides it for all of them.
        DbContextOptions<LedgerContext> Options(bool enabled) => new DbContextOptionsBuilder<LedgerContext>()
            .UseNpgsql(database.ConnectionString)
            .UseServerTools(options => options.Auditing.Enabled = enabled)
            .Options;
        var off = new Ledger { Code = "switch-off" };
        await using (var context = new LedgerContext(Options(enabled: false)))
        {
            Assert.NotNull(context.Model.FindEntityType(typeof(AuditLog)));
            context.Ledgers.Add(off);
            await context.SaveChangesAsync();
        }

        var on = new Ledger { Code = "switch-on" };
        await using (var context = new LedgerContext(Options(enabled: true)))
        {
            context.Ledgers.Add(on);
            await context.SaveChangesAsync();
        }

        Assert.Empty(await Logs<Ledger>(off.Id));
        Assert.Equal(AuditOperation.Create, Assert.Single(await Logs<Ledger>(on.Id)).Operation);
    }

    [Fact]
    public async Task Logs_written_in_the_application_transaction_roll_back_and_commit_with_it()
    {
        await using var context = database.Create();
        await using (var rolledBack = await context.Database.BeginTransactionAsync())
        {
            context.Accounts.Add(new Account { Name = "tx-rolled-back" });
            await context.SaveChangesAsync();
            await rolledBack.RollbackAsync();
        }

        context.ChangeTracker.Clear();
        var committed = new Account { Name = "tx-committed" };
        await using (var transaction = await context.Database.BeginTransactionAsync())
        {
            context.Accounts.Add(committed);
            await context.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        await using var check = database.Create();
        Assert.False(await check.Set<AuditLog>().SelectMany(l => l.Lines).AnyAsync(l => l.NewValue == "tx-rolled-back"));
        Assert.Single(await Logs<Account>(committed.Id));
    }

    [Fact]
    public async Task Logs_join_an_ambient_transaction_scope()
    {
        using (new TransactionScope(TransactionScopeAsyncFlowOption.Enabled))
        {
            await using var context = database.Create();
            context.Accounts.Add(new Account { Name = "scope-not-completed" });
            await context.SaveChangesAsync();
        }

        await using var check = database.Create();
        Assert.False(await check.Accounts.AnyAsync(a => a.Name == "scope-not-completed"));
        Assert.False(await check.Set<AuditLog>().SelectMany(l => l.Lines).AnyAsync(l => l.NewValue == "scope-not-completed"));
    }

    [Fact]
    public async Task Synchronous_save_writes_the_same_trail()
    {
        await using var context = database.Create();
        var account = new Account { Name = "sync-1" };
        context.Accounts.Add(account);
        context.SaveChanges();
        account.Balance = 5m;
        context.SaveChanges();

        var logs = await Logs<Account>(account.Id);
        Assert.Equal([AuditOperation.Create, AuditOperation.Update], logs.Select(l => l.Operation));
        Assert.Equal([("Balance", "0", "5")], Lines(logs[1]));
    }

    [Fact]
    public async Task Eight_concurrent_writers_produce_exactly_one_log_per_change()
    {
        const int writers = 8;
        const int updatesPerWriter = 1000;
        const int perSave = 50;
        var ids = new List<int>();
        for (var w = 0; w < writers; w++)
        {
            ids.Add(await Insert(new Account { Name = $"concurrent-{w}" }));
        }

        await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            await using var context = database.Create();
            var account = await context.Accounts.SingleAsync(a => a.Id == id);
            for (var i = 1; i <= updatesPerWriter; i++)
            {
                account.Balance = i;
                if (i % perSave == 0)
                {
                    await context.SaveChangesAsync();
                }
            }
        })));

        await using var check = database.Create();
        var keys = ids.Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var updates = await check.Set<AuditLog>()
            .Where(l => l.EntityType == "ServerTools.Tests.Auditing.Account" && keys.Contains(l.EntityKey) && l.Operation == AuditOperation.Update)
            .GroupBy(l => l.EntityKey)
            .Select(g => new { g.Key, Count = g.Count(), Transactions = g.Select(l => l.TransactionId).Distinct().Count() })
            .ToListAsync();
        Assert.Equal(writers, updates.Count);
        Assert.All(updates, u => Assert.Equal((updatesPerWriter / perSave, updatesPerWriter / perSave), (u.Count, u.Transactions)));
    }

    /// <summary>A context whose saves an execution strategy retries after a lost connection (<paramref name="killer"/>), on the class's clock or on <paramref name="clock"/>.</summary>
    private AuditTrailContext Retrying(KillConnectionAtFirstCommit killer, TimeProvider? clock = null) => new(
        new DbContextOptionsBuilder<AuditTrailContext>()
            .UseNpgsql(database.ConnectionString, npgsql => npgsql.EnableRetryOnFailure(3, TimeSpan.FromMilliseconds(10), [PostgresErrorCodes.AdminShutdown]))
            .UseServerTools(options => options.TimeProvider = clock ?? database.Clock)
            .AddInterceptors(killer)
            .Options);

    private async Task<int> Insert(Account account)
    {
        await using var context = database.Create();
        context.Accounts.Add(account);
        await context.SaveChangesAsync();
        return account.Id;
    }

    private async Task<List<AuditLog>> Logs<TEntity>(int id)
    {
        await using var context = database.Create();
        var key = id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var type = typeof(TEntity).FullName!;
        var logs = await context.Set<AuditLog>()
            .Where(l => l.EntityType == type && l.EntityKey == key)
            .OrderBy(l => l.Id)
            .ToListAsync();
        return logs;
    }


    /// <summary>Lets the first commit of a context fail as a lost connection does: the server ends the session just before it.</summary>
    /// <summary>A context type of its own, so that the test decides which options build its model.</summary>
    private sealed class LedgerContext(DbContextOptions<LedgerContext> options) : DbContext(options)
    {
        public DbSet<Ledger> Ledgers => Set<Ledger>();
    }

    private sealed class StaticActor(AuditActor actor) : IAuditActorProvider
    {
        public AuditActor? GetCurrentActor() => actor;
    }
}
