using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Tracking;

/// <summary>A value object whose IBAN is masked where it is declared.</summary>
public readonly record struct PayoutAccount(string Bank, [property: AuditMask] string Iban);

/// <summary>A value object with a secret no ServerTools record may hold.</summary>
public readonly record struct PayoutLogin(string Login, [property: AuditIgnore] string Secret);

/// <summary>Structs with marked members, tracked as a class; the context maps them with a converter or as complex types.</summary>
[Tracked(Operations = TrackedOperations.All)]
public partial class Payout
{
    public int Id { get; set; }
    public string Owner { get; set; } = "";
    public PayoutAccount Account { get; set; }
    public PayoutLogin Access { get; set; }
    public PayoutAccount[] Previous { get; set; } = [];

    /// <summary>Tracked by name: its struct's ignored member still keeps the field's values out (masked).</summary>
    [Tracked] public PayoutLogin Fallback { get; set; }
}

/// <summary>Every struct with a value converter: each is one column, whose text holds the marked members.</summary>
public sealed class ConvertedPayoutContext(DbContextOptions<ConvertedPayoutContext> options) : DbContext(options)
{
    public DbSet<Payout> Payouts => Set<Payout>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Payout>(payout =>
        {
            payout.Property(p => p.Account).HasConversion(a => a.Bank + "|" + a.Iban, text => ParseAccount(text));
            payout.Property(p => p.Access).HasConversion(a => a.Login + "|" + a.Secret, text => ParseLogin(text));
            payout.Property(p => p.Fallback).HasConversion(a => a.Login + "|" + a.Secret, text => ParseLogin(text));
            payout.Property(p => p.Previous).HasConversion(
                accounts => string.Join(";", accounts.Select(a => a.Bank + "|" + a.Iban)),
                text => text.Length == 0 ? new PayoutAccount[0] : text.Split(';', System.StringSplitOptions.None).Select(ParseAccount).ToArray());
        });

    private static PayoutAccount ParseAccount(string text) => new(text.Split('|', 2)[0], text.Split('|', 2)[1]);

    private static PayoutLogin ParseLogin(string text) => new(text.Split('|', 2)[0], text.Split('|', 2)[1]);
}

/// <summary>The same structs as complex types, which tracking does not follow.</summary>
public sealed class ComplexPayoutContext(DbContextOptions<ComplexPayoutContext> options) : DbContext(options)
{
    public DbSet<Payout> Payouts => Set<Payout>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Payout>(payout =>
        {
            payout.ComplexProperty(p => p.Account);
            payout.ComplexProperty(p => p.Access);
            payout.ComplexProperty(p => p.Fallback);
            payout.Ignore(p => p.Previous);
        });
}

/// <summary>
/// <c>[AuditMask]</c> and <c>[AuditIgnore]</c> on a member of a struct that a tracked class holds: mapped with a value
/// converter, the struct is one field whose text holds the member, so the outbox gets it masked, or not at all (ignore beats
/// mask; a property <c>[Tracked]</c> by name is masked), for the elements of a collection too; mapped as a complex type,
/// it is not tracked. Read back from the outbox rows stored in PostgreSQL.
/// </summary>
public sealed class TrackedMaskedStructTests(TrackedMaskedStructTests.Converted converted, TrackedMaskedStructTests.Complex complex)
    : IClassFixture<TrackedMaskedStructTests.Converted>, IClassFixture<TrackedMaskedStructTests.Complex>
{
    public sealed class Converted() : SchemaFixture<ConvertedPayoutContext>(options => new(options));

    public sealed class Complex() : SchemaFixture<ComplexPayoutContext>(options => new(options));

    private const string OldIban = "DE00000000000000000000";
    private const string NewIban = "DE89370400440532013000";
    private const string Secret = "hunter2";

    private static Payout NewPayout() => new()
    {
        Owner = "Alice",
        Account = new PayoutAccount("ING", OldIban),
        Access = new PayoutLogin("alice", Secret),
        Previous = [new PayoutAccount("BNP", OldIban)],
        Fallback = new PayoutLogin("alice2", Secret),
    };

    [Fact]
    public async Task A_converted_struct_with_a_masked_member_reaches_the_outbox_masked_and_one_with_an_ignored_member_not_at_all()
    {
        await using var context = converted.Create();
        var payout = NewPayout();
        context.Payouts.Add(payout);
        await context.SaveChangesAsync();

        payout.Account = new PayoutAccount("ING", NewIban);
        payout.Access = new PayoutLogin("alice", Secret + "!");
        payout.Previous = [new PayoutAccount("BNP", OldIban), new PayoutAccount("ING", NewIban)];
        payout.Fallback = new PayoutLogin("alice2", Secret + "!");
        await context.SaveChangesAsync();

        var messages = await MessagesAsync(context, payout.Id);
        Assert.Equal(2, messages.Count);
        Assert.Equal(
            new Dictionary<string, (string?, string?)>
            {
                ["Id"] = (null, payout.Id.ToString(CultureInfo.InvariantCulture)),
                ["Owner"] = (null, "Alice"),
                ["Account"] = (null, "***"),
                ["Previous"] = (null, "***"),
                ["Fallback"] = (null, "***"),
            },
            ByField(messages[0]));
        Assert.Equal(
            new Dictionary<string, (string?, string?)> { ["Account"] = ("***", "***"), ["Previous"] = ("***", "***"), ["Fallback"] = ("***", "***") },
            ByField(messages[1]));
        AssertNoSecret(messages);
    }

    [Fact]
    public async Task A_complex_struct_with_marked_members_is_not_tracked()
    {
        await using var context = complex.Create();
        var payout = NewPayout();
        context.Payouts.Add(payout);
        await context.SaveChangesAsync();

        payout.Owner = "Alice M.";
        payout.Account = new PayoutAccount("ING", NewIban);
        await context.SaveChangesAsync();

        var messages = await MessagesAsync(context, payout.Id);
        Assert.Equal(2, messages.Count);
        Assert.Equal(["Id", "Owner"], messages[0].Fields.Select(static f => f.Field));
        Assert.Equal(["Owner"], messages[1].Fields.Select(static f => f.Field));
        AssertNoSecret(messages);
    }

    private static Task<List<OutboxMessage>> MessagesAsync(DbContext context, int id)
    {
        var key = id.ToString(CultureInfo.InvariantCulture);
        return context.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.EntityType == typeof(Payout).FullName && m.EntityKey == key)
            .OrderBy(m => m.Sequence)
            .ToListAsync();
    }

    private static Dictionary<string, (string? Old, string? New)> ByField(OutboxMessage message)
        => message.Fields.ToDictionary(f => f.Field, f => (f.OldValue, f.NewValue));

    private static void AssertNoSecret(List<OutboxMessage> messages)
    {
        foreach (var field in messages.SelectMany(static m => m.Fields))
        {
            foreach (var value in new[] { field.OldValue, field.NewValue })
            {
                Assert.False(
                    value is not null && (value.Contains("DE", System.StringComparison.Ordinal) || value.Contains(Secret, System.StringComparison.Ordinal)),
                    $"The outbox field {field.Field} holds a secret: {value}");
            }
        }
    }
}
