using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A "personal data" interface: its attributes protect the properties of its name in the classes that implement it.</summary>
public interface IHasBankSecrets
{
    [AuditMask] string? Iban { get; set; }
    [AuditIgnore] string? PasswordHash { get; set; }
    [AuditMask] string? Pin { get; set; }
}

/// <summary>Implements the interface implicitly (<c>Iban</c>, <c>PasswordHash</c>) and explicitly over a property of the same name (<c>Pin</c>).</summary>
[Audited]
[Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update)]
public partial class BankAccount : IHasBankSecrets
{
    public int Id { get; set; }
    public string Holder { get; set; } = "";
    public string? Iban { get; set; }
    public string? PasswordHash { get; set; }
    public string? Pin { get; set; }

    string? IHasBankSecrets.Pin { get => Pin; set => Pin = value; }
}

public sealed class BankContext(DbContextOptions<BankContext> options) : DbContext(options)
{
    public DbSet<BankAccount> Accounts => Set<BankAccount>();
}

/// <summary>
/// <c>[AuditMask]</c> and <c>[AuditIgnore]</c> on the properties of an interface apply, in the audit log and in the outbox,
/// to the properties of their names of an audited and tracked class that implements it, on PostgreSQL.
/// </summary>
public sealed class AuditInterfaceTests(AuditInterfaceTests.Database database) : IClassFixture<AuditInterfaceTests.Database>
{
    public sealed class Database() : SchemaFixture<BankContext>(options => new(options));

    [Fact]
    public async Task Created_and_updated_account_is_logged_masked_without_what_its_interface_leaves_out()
    {
        var id = await CreateAndUpdateAsync();

        var logs = await Logs<BankAccount>(() => database.Create(), id);
        Assert.Equal(2, logs.Count);
        Assert.Equal(
            [("Id", null, Key(id)), ("Holder", null, "Ada"), ("Iban", null, "***"), ("Pin", null, "***")],
            Lines(logs[0]));
        Assert.Equal(
            [("Holder", "Ada", "Ada L."), ("Iban", "***", "***"), ("Pin", "***", "***")],
            Lines(logs[1]));
    }

    [Fact]
    public async Task Created_and_updated_account_reaches_the_outbox_masked_without_what_its_interface_leaves_out()
    {
        var id = await CreateAndUpdateAsync();

        await using var check = database.Create();
        var key = Key(id);
        var messages = await check.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.EntityType == typeof(BankAccount).FullName && m.EntityKey == key)
            .OrderBy(m => m.Operation)
            .ToListAsync();
        Assert.Equal([TrackedOperation.Create, TrackedOperation.Update], messages.Select(static m => m.Operation));
        Assert.Equal(
            [("Id", null, key), ("Holder", null, "Ada"), ("Iban", null, "***"), ("Pin", null, "***")],
            Fields(messages[0]));
        Assert.Equal(
            [("Holder", "Ada", "Ada L."), ("Iban", "***", "***"), ("Pin", "***", "***")],
            Fields(messages[1]));
    }

    /// <summary>Creates an account, then changes every property but its key; returns its key.</summary>
    private async Task<int> CreateAndUpdateAsync()
    {
        await using var context = database.Create();
        var account = new BankAccount { Holder = "Ada", Iban = "DE89370400440532013000", PasswordHash = "$2a$hash-1", Pin = "1234" };
        context.Accounts.Add(account);
        await context.SaveChangesAsync();

        account.Iban = "FR7630006000011234567890189";
        account.PasswordHash = "$2a$hash-2";
        account.Pin = "9876";
        account.Holder = "Ada L.";
        await context.SaveChangesAsync();
        return account.Id;
    }

    private static List<(string Field, string? Old, string? New)> Fields(OutboxMessage message)
        => [.. message.Fields.Select(static f => (f.Field, f.OldValue, f.NewValue))];
}
