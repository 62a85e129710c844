using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A value object whose IBAN is masked where it is declared.</summary>
public readonly record struct SalaryAccount(string Bank, [property: AuditMask] string Iban);

/// <summary>A value object with a secret the trail must never hold.</summary>
public readonly record struct SalaryLogin(string Login, [property: AuditIgnore] string Secret);

/// <summary>A value object that holds a masked one: the mark counts however deep it is.</summary>
public readonly record struct SalaryPayee(string Name, SalaryAccount Account);

/// <summary>Structs with marked members, mapped with a value converter or as complex types (the context decides).</summary>
[Audited]
public partial class Payroll
{
    public int Id { get; set; }
    public string Owner { get; set; } = "";
    public SalaryAccount Account { get; set; }
    public SalaryLogin Access { get; set; }
    public List<SalaryAccount> Previous { get; set; } = [];
    public SalaryPayee Payee { get; set; }
}

/// <summary>Every struct with a value converter: each is one column, whose text holds the marked members.</summary>
public sealed class ConvertedPayrollContext(DbContextOptions<ConvertedPayrollContext> options) : DbContext(options)
{
    public DbSet<Payroll> Payrolls => Set<Payroll>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Payroll>(payroll =>
        {
            payroll.Property(p => p.Account).HasConversion(a => a.Bank + "|" + a.Iban, text => ParseAccount(text));
            payroll.Property(p => p.Access).HasConversion(a => a.Login + "|" + a.Secret, text => new SalaryLogin(text.Split('|', 2)[0], text.Split('|', 2)[1]));
            payroll.Property(p => p.Previous).HasConversion(
                list => string.Join(";", list.Select(a => a.Bank + "|" + a.Iban)),
                text => text.Length == 0 ? new List<SalaryAccount>() : text.Split(';', System.StringSplitOptions.None).Select(ParseAccount).ToList());
            payroll.Property(p => p.Payee).HasConversion(
                p => p.Name + "|" + p.Account.Bank + "|" + p.Account.Iban,
                text => new SalaryPayee(text.Split('|', 3)[0], new SalaryAccount(text.Split('|', 3)[1], text.Split('|', 3)[2])));
        });

    private static SalaryAccount ParseAccount(string text) => new(text.Split('|', 2)[0], text.Split('|', 2)[1]);
}

/// <summary>The same structs as complex types: each member is a column and a field of its own.</summary>
public sealed class ComplexPayrollContext(DbContextOptions<ComplexPayrollContext> options) : DbContext(options)
{
    public DbSet<Payroll> Payrolls => Set<Payroll>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
        => modelBuilder.Entity<Payroll>(payroll =>
        {
            payroll.ComplexProperty(p => p.Account);
            payroll.ComplexProperty(p => p.Access);
            payroll.Ignore(p => p.Previous);
            payroll.Ignore(p => p.Payee);
        });
}

/// <summary>
/// <c>[AuditMask]</c> and <c>[AuditIgnore]</c> on a member of a struct: mapped with a value converter, the struct is one
/// field whose text holds the member, so the field is masked or left out whole (ignore beats mask, at any depth, for the
/// elements of a collection too); mapped as a complex type, each member is a field and keeps its own mark. Read back
/// from the trail stored in PostgreSQL.
/// </summary>
public sealed class AuditMaskedStructTests(AuditMaskedStructTests.Converted converted, AuditMaskedStructTests.Complex complex)
    : IClassFixture<AuditMaskedStructTests.Converted>, IClassFixture<AuditMaskedStructTests.Complex>
{
    public sealed class Converted() : SchemaFixture<ConvertedPayrollContext>(options => new(options));

    public sealed class Complex() : SchemaFixture<ComplexPayrollContext>(options => new(options));

    private const string OldIban = "DE00000000000000000000";
    private const string NewIban = "DE89370400440532013000";
    private const string Secret = "hunter2";

    private static Payroll NewPayroll() => new()
    {
        Owner = "Alice",
        Account = new SalaryAccount("ING", OldIban),
        Access = new SalaryLogin("alice", Secret),
        Previous = [new SalaryAccount("BNP", OldIban)],
        Payee = new SalaryPayee("Alice", new SalaryAccount("ING", OldIban)),
    };

    [Fact]
    public async Task A_converted_struct_with_a_masked_member_is_logged_masked_and_one_with_an_ignored_member_is_left_out()
    {
        int id;
        await using (var context = converted.Create())
        {
            var payroll = NewPayroll();
            context.Payrolls.Add(payroll);
            await context.SaveChangesAsync();
            id = payroll.Id;

            payroll.Account = new SalaryAccount("ING", NewIban);
            payroll.Access = new SalaryLogin("alice", Secret + "!");
            payroll.Previous = [new SalaryAccount("BNP", OldIban), new SalaryAccount("ING", NewIban)];
            payroll.Payee = new SalaryPayee("Alice", new SalaryAccount("ING", NewIban));
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Payroll>(() => converted.Create(), id);
        Assert.Equal(2, logs.Count);
        Assert.Equal(
            [("Id", null, Key(id)), ("Owner", null, "Alice"), ("Account", null, "***"), ("Previous", null, "***"), ("Payee", null, "***")],
            Lines(logs[0]));
        Assert.Equal([("Account", "***", "***"), ("Previous", "***", "***"), ("Payee", "***", "***")], Lines(logs[1]));
        AssertNoSecret(logs);
    }

    [Fact]
    public async Task A_complex_struct_keeps_the_mark_of_each_member()
    {
        int id;
        await using (var context = complex.Create())
        {
            var payroll = NewPayroll();
            context.Payrolls.Add(payroll);
            await context.SaveChangesAsync();
            id = payroll.Id;

            payroll.Account = new SalaryAccount("BNP", NewIban);
            payroll.Access = new SalaryLogin("alice.m", Secret + "!");
            await context.SaveChangesAsync();
        }

        var logs = await Logs<Payroll>(() => complex.Create(), id);
        Assert.Equal(2, logs.Count);
        Assert.Equal(
            [("Id", null, Key(id)), ("Owner", null, "Alice"), ("Account.Bank", null, "ING"), ("Account.Iban", null, "***"), ("Access.Login", null, "alice")],
            Lines(logs[0]));
        Assert.Equal([("Account.Bank", "ING", "BNP"), ("Account.Iban", "***", "***"), ("Access.Login", "alice", "alice.m")], Lines(logs[1]));
        AssertNoSecret(logs);
    }

    [Fact]
    public void Descriptor_masks_or_leaves_out_the_struct_as_one_field_and_keeps_the_members_own_marks_flattened()
        => Assert.Equal(
            [
                "Id", "Owner", "Account (masked)", "Account.Bank", "Account.Iban (masked)", "Access.Login", "Previous (masked)",
                "Payee (masked)", "Payee.Name", "Payee.Account (masked)", "Payee.Account.Bank", "Payee.Account.Iban (masked)",
            ],
            AuditDescriptors.Get<Payroll>().Fields.Select(static f => f.ToString()));

    private static void AssertNoSecret(List<AuditLog> logs)
    {
        foreach (var line in logs.SelectMany(static l => l.Lines))
        {
            foreach (var value in new[] { line.OldValue, line.NewValue })
            {
                Assert.False(
                    value is not null && (value.Contains("DE", System.StringComparison.Ordinal) || value.Contains(Secret, System.StringComparison.Ordinal)),
                    $"The line {line.Field} holds a secret: {value}");
            }
        }
    }
}
