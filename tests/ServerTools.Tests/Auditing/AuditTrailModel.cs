using System;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Auditing;

public enum AccountState { Open, Frozen, Closed }

[Audited]
public partial class Account
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal Balance { get; set; }
    public AccountState State { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public Guid Reference { get; set; }
    public byte[]? Logo { get; set; }
    public bool Active { get; set; } = true;
    [AuditMask] public string? Iban { get; set; }
    [AuditIgnore] public string? Secret { get; set; }
}

[Audited(Mode = AuditMode.Full)]
public partial class Ledger
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public int Version { get; set; }
}

[Audited(Operations = AuditOperations.Create)]
public partial class Note
{
    public int Id { get; set; }
    public string Text { get; set; } = "";
}

/// <summary>A created entity whose foreign key the database decides: its principal is created in the same save.</summary>
[Audited]
public partial class Posting
{
    public int Id { get; set; }
    public int AccountId { get; set; }
    public Account? Account { get; set; }
    public string Memo { get; set; } = "";
}

/// <summary>An entity whose Text EF compares by reference: an equal string in a new instance counts as a change for EF.</summary>
[Audited]
public partial class Label
{
    public int Id { get; set; }
    public string Text { get; set; } = "";
}

[Audited]
public partial class Allocation
{
    public int AccountId { get; set; }
    public string Period { get; set; } = "";
    public decimal Amount { get; set; }
}

/// <summary>A strongly typed id, stored as its Guid through a value converter.</summary>
public readonly record struct WidgetId(Guid Value);

/// <summary>An entity whose key is a strongly typed id: audited, and one field tracked.</summary>
[Audited]
public partial class Widget
{
    public WidgetId Id { get; set; }
    [Tracked] public string Name { get; set; } = "";
}

public sealed class Plain
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

public sealed class AuditTrailContext(DbContextOptions<AuditTrailContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<Ledger> Ledgers => Set<Ledger>();
    public DbSet<Note> Notes => Set<Note>();
    public DbSet<Allocation> Allocations => Set<Allocation>();
    public DbSet<Posting> Postings => Set<Posting>();
    public DbSet<Label> Labels => Set<Label>();
    public DbSet<Plain> Plains => Set<Plain>();
    public DbSet<Widget> Widgets => Set<Widget>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>().HasIndex(a => a.Name).IsUnique();
        modelBuilder.Entity<Allocation>().HasKey(a => new { a.AccountId, a.Period });
        modelBuilder.Entity<Widget>().Property(w => w.Id).HasConversion(id => id.Value, value => new WidgetId(value));
        modelBuilder.Entity<Label>().Property(l => l.Text).Metadata.SetValueComparer(
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<string>((a, b) => ReferenceEquals(a, b), s => s.GetHashCode(StringComparison.Ordinal), s => s));
    }
}

/// <summary>A clock the tests set.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
