using System;
using System.Collections.Generic;
using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;

namespace ServerTools.Tests.Infrastructure;

[Audited]
public partial class Receipt
{
    public int Id { get; set; }
    public string Number { get; set; } = "";
}

public partial class Consignment
{
    public int Id { get; set; }

    [Tracked]
    public string State { get; set; } = "";

    /// <summary>How often <c>OnStateChanged</c> ran.</summary>
    [NotMapped]
    public int HookRuns { get; private set; }

    partial void OnStateChanged(string oldValue, string newValue) => HookRuns++;
}

/// <summary>Audited, with an owned address and many-to-many carriers: a change of either is a change of its trail.</summary>
[Audited]
public partial class Parcel
{
    public int Id { get; set; }
    public string Label { get; set; } = "";
    public ParcelAddress Address { get; set; } = new();
    public List<Carrier> Carriers { get; set; } = [];
}

[Owned]
public sealed class ParcelAddress
{
    public string City { get; set; } = "";
}

/// <summary>Not audited: the other end of <see cref="Parcel.Carriers"/>.</summary>
public class Carrier
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public List<Parcel> Parcels { get; set; } = [];
}

[FuzzySearchable(nameof(Name))]
public class Prospect
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>A key of its own (not generated): a save that inserts one clears its stored rule violations first.</summary>
public class Coupon
{
    [Key]
    public string Code { get; set; } = "";
}

/// <summary>An application's context with an audited, a tracked and a searchable entity, configured with or without ServerTools.</summary>
public sealed class SetupContext(DbContextOptions<SetupContext> options) : DbContext(options)
{
    public DbSet<Receipt> Receipts => Set<Receipt>();

    public DbSet<Consignment> Consignments => Set<Consignment>();

    public DbSet<Prospect> Prospects => Set<Prospect>();

    public DbSet<Coupon> Coupons => Set<Coupon>();

    public DbSet<Parcel> Parcels => Set<Parcel>();

    public DbSet<Carrier> Carriers => Set<Carrier>();
}

/// <summary>
/// A read model without <c>UseServerTools()</c>: it maps the audited <see cref="Receipt"/> on <see cref="SetupContext"/>'s
/// table to read it, and saves coupons of its own.
/// </summary>
public sealed class ReceiptReaderContext(DbContextOptions<ReceiptReaderContext> options) : DbContext(options)
{
    public DbSet<Receipt> Receipts => Set<Receipt>();

    public DbSet<Coupon> Coupons => Set<Coupon>();
}

/// <summary>A read model without <c>UseServerTools()</c> that maps the audited <see cref="Receipt"/> as a view, and saves coupons.</summary>
public sealed class ReceiptViewContext(DbContextOptions<ReceiptViewContext> options) : DbContext(options)
{
    public const string View = "setup_receipts_view";

    public DbSet<Receipt> Receipts => Set<Receipt>();

    public DbSet<Coupon> Coupons => Set<Coupon>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Receipt>().ToView(View);
}

/// <summary>A read model without <c>UseServerTools()</c> that maps the audited <see cref="Receipt"/> keyless (on its table), and saves coupons.</summary>
public sealed class KeylessReceiptContext(DbContextOptions<KeylessReceiptContext> options) : DbContext(options)
{
    public DbSet<Receipt> Receipts => Set<Receipt>();

    public DbSet<Coupon> Coupons => Set<Coupon>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Receipt>().HasNoKey().ToTable("Receipts");
}

/// <summary>A context whose model has no audited or tracked entity.</summary>
public sealed class UnmarkedContext(DbContextOptions<UnmarkedContext> options) : DbContext(options)
{
    public DbSet<Coupon> Coupons => Set<Coupon>();
}

public sealed class ConsignmentHandler : ITrackedChangeHandler<Consignment>
{
    public Task HandleAsync(TrackedChange<Consignment> change, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Two databases of <see cref="SetupContext"/>: <see cref="Bare"/>, made by a context without <c>UseServerTools()</c>
/// (none of ServerTools' tables, no pg_trgm, no trigram index), and <see cref="Full"/>, made with it.
/// </summary>
public sealed class SetupErrorDatabases : IAsyncLifetime
{
    private readonly DatabaseFixture _bare = new();
    private readonly DatabaseFixture _full = new();

    public string Bare => _bare.ConnectionString;

    public string Full => _full.ConnectionString;

    /// <summary>A context on <paramref name="connectionString"/> whose options do not call <c>UseServerTools()</c>.</summary>
    public static SetupContext Plain(string connectionString)
        => new(new DbContextOptionsBuilder<SetupContext>().UseNpgsql(connectionString).Options);

    /// <summary>A context on <paramref name="connectionString"/> with <c>UseServerTools(<paramref name="configure"/>)</c>.</summary>
    public static SetupContext WithServerTools(string connectionString, Action<ServerToolsOptions>? configure = null)
        => new(new DbContextOptionsBuilder<SetupContext>().UseNpgsql(connectionString).UseServerTools(configure).Options);

    public async Task InitializeAsync()
    {
        await _bare.InitializeAsync();
        await _full.InitializeAsync();
        await using (var bare = Plain(Bare))
        {
            await bare.Database.EnsureCreatedAsync();
        }

        await using var full = WithServerTools(Full);
        await full.Database.EnsureCreatedAsync();
    }

    public async Task DisposeAsync()
    {
        await _bare.DisposeAsync();
        await _full.DisposeAsync();
    }
}
