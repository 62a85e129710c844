using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;
using static ServerTools.Tests.Auditing.AuditLogText;

namespace ServerTools.Tests.Auditing;

/// <summary>A base class, not mapped itself, whose properties the audited class overrides or hides.</summary>
public abstract class TaxParty
{
    public int Id { get; set; }
    public virtual string? TaxNumber { get; set; }
    public virtual string? PasswordHash { get; set; }
    public string? Code { get; set; }
    [AuditIgnore] public string? Secret { get; set; }
}

/// <summary>Marks its overrides and <c>new</c> properties, where the base class does not.</summary>
[Audited]
[Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update)]
public partial class TaxPartner : TaxParty
{
    public string Name { get; set; } = "";
    [AuditMask] public override string? TaxNumber { get; set; }
    [AuditIgnore] public override string? PasswordHash { get; set; }
    [AuditMask] public new string? Code { get; set; }
    public new string? Secret { get; set; }
}

public sealed class TaxContext(DbContextOptions<TaxContext> options) : DbContext(options)
{
    public DbSet<TaxPartner> Partners => Set<TaxPartner>();
}

/// <summary>
/// <c>[AuditMask]</c> and <c>[AuditIgnore]</c> on an override or a <c>new</c> property of an audited and tracked class
/// apply in the audit log and the outbox, as do those of the declarations it overrides or hides, on PostgreSQL.
/// </summary>
public sealed class AuditOverrideTests(AuditOverrideTests.Database database) : IClassFixture<AuditOverrideTests.Database>
{
    public sealed class Database() : SchemaFixture<TaxContext>(options => new(options));

    [Fact]
    public void Descriptor_masks_and_leaves_out_what_any_declaration_of_a_name_masks_or_leaves_out()
        => Assert.Equal(
            ["Id", "TaxNumber (masked)", "Code (masked)", "Name"],
            AuditDescriptors.Get<TaxPartner>().Fields.Select(static f => f.ToString()));

    [Fact]
    public async Task Created_and_updated_partner_is_logged_masked_without_its_ignored_overrides()
    {
        var id = await CreateAndUpdateAsync();

        var logs = await Logs<TaxPartner>(() => database.Create(), id);
        Assert.Equal(2, logs.Count);
        Assert.Equal(
            [("Id", null, Key(id)), ("TaxNumber", null, "***"), ("Code", null, "***"), ("Name", null, "Ada")],
            Lines(logs[0]));
        Assert.Equal(
            [("TaxNumber", "***", "***"), ("Code", "***", "***"), ("Name", "Ada", "Ada L.")],
            Lines(logs[1]));
    }

    [Fact]
    public async Task Created_and_updated_partner_reaches_the_outbox_masked_without_its_ignored_overrides()
    {
        var id = await CreateAndUpdateAsync();

        await using var check = database.Create();
        var key = Key(id);
        var messages = await check.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.EntityType == typeof(TaxPartner).FullName && m.EntityKey == key)
            .OrderBy(m => m.Operation)
            .ToListAsync();
        Assert.Equal([TrackedOperation.Create, TrackedOperation.Update], messages.Select(static m => m.Operation));
        Assert.Equal(
            [("Id", null, key), ("TaxNumber", null, "***"), ("Code", null, "***"), ("Name", null, "Ada")],
            Fields(messages[0]));
        Assert.Equal(
            [("TaxNumber", "***", "***"), ("Code", "***", "***"), ("Name", "Ada", "Ada L.")],
            Fields(messages[1]));
    }

    /// <summary>Creates a partner, then changes every property but its key; returns its key.</summary>
    private async Task<int> CreateAndUpdateAsync()
    {
        await using var context = database.Create();
        var partner = new TaxPartner { Name = "Ada", TaxNumber = "DE-TAX-123", PasswordHash = "$2a$hash-1", Code = "C-1", Secret = "s-1" };
        context.Partners.Add(partner);
        await context.SaveChangesAsync();

        partner.TaxNumber = "DE-TAX-456";
        partner.PasswordHash = "$2a$hash-2";
        partner.Code = "C-2";
        partner.Secret = "s-2";
        partner.Name = "Ada L.";
        await context.SaveChangesAsync();
        return partner.Id;
    }

    private static List<(string Field, string? Old, string? New)> Fields(OutboxMessage message)
        => [.. message.Fields.Select(static f => (f.Field, f.OldValue, f.NewValue))];
}
