using System;
using Microsoft.EntityFrameworkCore;
using ServerTools.Sample.Model;

namespace ServerTools.Sample.Data;

/// <summary>
/// The shop's database: partners, products, sale orders and their lines, and (mapped by <c>UseServerTools()</c>,
/// see <see cref="ShopDbContextFactory"/>) the audit trail, read with <c>Set&lt;AuditLog&gt;()</c>. The schema is made
/// by the migrations in <c>Migrations/</c>; change the model here and add a migration for it.
/// </summary>
/// <param name="options">The options, with the PostgreSQL provider (<c>UseNpgsql</c>) and ServerTools (<c>UseServerTools</c>).</param>
public sealed class ShopDbContext(DbContextOptions<ShopDbContext> options) : DbContext(options)
{
    /// <summary>Customers and suppliers.</summary>
    public DbSet<Partner> Partners => Set<Partner>();

    /// <summary>What the shop sells.</summary>
    public DbSet<Product> Products => Set<Product>();

    /// <summary>Customers' orders.</summary>
    public DbSet<SaleOrder> SaleOrders => Set<SaleOrder>();

    /// <summary>The lines of all sale orders.</summary>
    public DbSet<SaleOrderLine> SaleOrderLines => Set<SaleOrderLine>();

    /// <summary>The shop's stores and their opening hours.</summary>
    public DbSet<Store> Stores => Set<Store>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);

        modelBuilder.Entity<Partner>(partner =>
        {
            partner.Property(p => p.Name).HasMaxLength(200);
            partner.Property(p => p.Email).HasMaxLength(254);
            partner.Property(p => p.City).HasMaxLength(100);
            partner.Property(p => p.CountryCode).HasMaxLength(2).IsFixedLength();
            partner.Property(p => p.Iban).HasMaxLength(34);
        });

        modelBuilder.Entity<Product>(product =>
        {
            product.Property(p => p.Sku).HasMaxLength(32);
            product.HasIndex(p => p.Sku).IsUnique();
            product.Property(p => p.Name).HasMaxLength(200);
            product.Property(p => p.UnitPrice).HasPrecision(12, 2);
        });

        modelBuilder.Entity<SaleOrder>(order =>
        {
            order.Property(o => o.Number).HasMaxLength(20);
            order.HasIndex(o => o.Number).IsUnique();
            order.Property(o => o.State).HasConversion<string>().HasMaxLength(16);
            order.Property(o => o.AmountTotal).HasPrecision(14, 2);
            order.HasOne(o => o.Partner)
                .WithMany(p => p.Orders)
                .HasForeignKey(o => o.PartnerId)
                .OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Store>(store =>
        {
            store.Property(s => s.Name).HasMaxLength(100);
            store.Property(s => s.TimeZoneId).HasMaxLength(64);
        });

        modelBuilder.Entity<SaleOrderLine>(line =>
        {
            line.HasOne(l => l.SaleOrder)
                .WithMany(o => o.Lines)
                .HasForeignKey(l => l.SaleOrderId)
                .OnDelete(DeleteBehavior.Cascade);
            line.HasIndex(l => new { l.SaleOrderId, l.Position }).IsUnique();
            line.HasOne(l => l.Product)
                .WithMany()
                .HasForeignKey(l => l.ProductId)
                .OnDelete(DeleteBehavior.Restrict);
            line.Property(l => l.Description).HasMaxLength(200);
            line.Property(l => l.Quantity).HasPrecision(12, 3);
            line.Property(l => l.UnitPrice).HasPrecision(12, 2);
            line.Property(l => l.Subtotal).HasPrecision(14, 2);
        });
    }
}
