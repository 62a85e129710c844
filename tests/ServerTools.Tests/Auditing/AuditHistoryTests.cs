using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Auditing;

/// <summary>Reading an entity's history back from the trail, and purging old logs.</summary>
public sealed class AuditHistoryTests(AuditTrailTests.Database database) : IClassFixture<AuditTrailTests.Database>
{
    private static readonly DateTimeOffset s_monday = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Trail_field_history_and_values_as_of_an_instant_replay_the_changes()
    {
        database.Clock.Now = s_monday;
        await using var context = database.Create();
        using (AuditActor.Use(new AuditActor("u-1", "Mia")))
        {
            var account = new Account { Name = "history-1", Balance = 10m, Iban = "FR76" };
            context.Accounts.Add(account);
            await context.SaveChangesAsync();

            database.Clock.Now = s_monday.AddDays(1);
            account.Balance = 20m;
            await context.SaveChangesAsync();

            database.Clock.Now = s_monday.AddDays(2);
            account.Balance = 35m;
            account.Name = "history-1b";
            await context.SaveChangesAsync();

            database.Clock.Now = s_monday.AddDays(3);
            context.Accounts.Remove(account);
            await context.SaveChangesAsync();

            var trail = await context.AuditTrail(account).ToListAsync();
            Assert.Equal([AuditOperation.Create, AuditOperation.Update, AuditOperation.Update, AuditOperation.Delete], trail.Select(l => l.Operation));

            var balance = await context.FieldHistory<Account>(nameof(Account.Balance), account.Id).ToListAsync();
            Assert.Equal(
                [(s_monday, (string?)null, (string?)"10"), (s_monday.AddDays(1), "10", "20"), (s_monday.AddDays(2), "20", "35"), (s_monday.AddDays(3), "35", null)],
                balance.Select(c => (c.Timestamp, c.OldValue, c.NewValue)));
            Assert.All(balance, c => Assert.Equal("Mia", c.UserName));

            var tuesdayNoon = await context.AuditedValuesAsOfAsync<Account>(s_monday.AddDays(1).AddHours(4), [account.Id]);
            Assert.NotNull(tuesdayNoon);
            Assert.Equal(("history-1", "20", "***"), (tuesdayNoon["Name"], tuesdayNoon["Balance"], tuesdayNoon["Iban"]));
            Assert.Null(await context.AuditedValuesAsOfAsync<Account>(s_monday.AddHours(-1), [account.Id]));
            Assert.Null(await context.AuditedValuesAsOfAsync<Account>(s_monday.AddDays(4), [account.Id]));
        }
    }

    [Fact]
    public async Task Field_history_of_a_field_that_is_not_audited_says_which_fields_are()
    {
        await using var context = database.Create();

        var error = Assert.Throws<ArgumentException>(() => context.FieldHistory<Account>(nameof(Account.Secret), 1));

        Assert.Contains("'Secret' is not an audited field of 'ServerTools.Tests.Auditing.Account'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Audited fields: Id, Name, Balance", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Purge_deletes_old_logs_with_their_lines_in_batches_and_keeps_recent_ones()
    {
        await using var context = database.Create();
        var old = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        database.Clock.Now = old;
        context.Ledgers.AddRange(Enumerable.Range(0, 25).Select(i => new Ledger { Code = $"purge-{i}" }));
        await context.SaveChangesAsync();
        database.Clock.Now = old.AddYears(5);
        var recent = new Ledger { Code = "purge-recent" };
        context.Ledgers.Add(recent);
        await context.SaveChangesAsync();

        var deleted = await context.PurgeAuditLogsAsync(old.AddYears(1), batchSize: 10);

        Assert.Equal(25, deleted);
        Assert.False(await context.Set<AuditLog>().AnyAsync(l => l.Timestamp < old.AddYears(1)));
        Assert.False(await context.Set<AuditLog>().SelectMany(l => l.Lines).AnyAsync(l => l.NewValue != null && l.NewValue.StartsWith("purge-") && l.NewValue != "purge-recent"));
        Assert.Single(await context.AuditTrail(recent).ToListAsync());
    }
}
