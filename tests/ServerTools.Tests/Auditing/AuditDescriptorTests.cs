using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Auditing;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Auditing;

public enum CustomerTier { Standard, Gold }

[Audited]
public partial class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public CustomerTier Tier { get; set; }
    public decimal? CreditLimit { get; set; }
    [AuditMask] public string? Iban { get; set; }
    [AuditIgnore] public string? PasswordHash { get; set; }
}

public sealed class NotAudited
{
    public int Id { get; set; }
}

public sealed class AuditTestContext(DbContextOptions<AuditTestContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
}

/// <summary>The descriptors the generator wrote for this assembly's entities, used at run time against PostgreSQL.</summary>
public sealed class AuditDescriptorTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public void Generated_descriptor_is_registered_when_the_assembly_loads()
    {
        Assert.True(AuditDescriptors.TryGet(typeof(Customer), out var descriptor));

        Assert.Equal("ServerTools.Tests.Auditing.Customer", descriptor.EntityName);
        Assert.Equal(["Id", "Name", "Tier", "CreditLimit", "Iban (masked)"], descriptor.Fields.Select(static f => f.ToString()));
    }

    [Fact]
    public void Type_without_attribute_has_no_descriptor_and_asking_for_one_says_how_to_fix_it()
    {
        Assert.False(AuditDescriptors.TryGet(typeof(NotAudited), out _));

        var error = Assert.Throws<InvalidOperationException>(AuditDescriptors.Get<NotAudited>);

        Assert.Contains("Mark the class [Audited] and declare it partial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Descriptor_reads_the_values_of_an_entity_saved_to_and_loaded_from_PostgreSQL()
    {
        var options = new DbContextOptionsBuilder<AuditTestContext>().UseNpgsql(database.ConnectionString).Options;
        await using (var setup = new AuditTestContext(options))
        {
            await setup.Database.EnsureCreatedAsync();
            setup.Customers.Add(new Customer { Name = "Ada", Tier = CustomerTier.Gold, CreditLimit = 1500.50m, Iban = "FR76", PasswordHash = "x" });
            await setup.SaveChangesAsync();
        }

        await using var context = new AuditTestContext(options);
        var loaded = await context.Customers.SingleAsync();
        var descriptor = AuditDescriptors.Get<Customer>();

        var values = Enumerable.Range(0, descriptor.Fields.Count).Select(i => descriptor.GetValue(loaded, i)).ToArray();

        Assert.Equal([loaded.Id, "Ada", CustomerTier.Gold, 1500.50m, "FR76"], values);
        Assert.True(loaded.Id > 0);
    }

    [Fact]
    public void Reading_with_an_entity_of_another_type_is_refused_with_both_type_names()
    {
        var descriptor = AuditDescriptors.Get<Customer>();

        var error = Assert.Throws<ArgumentException>(() => ((AuditDescriptor)descriptor).GetValue(new NotAudited(), 0));

        Assert.Contains("'ServerTools.Tests.Auditing.Customer'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ServerTools.Tests.Auditing.NotAudited'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_with_a_field_listed_twice_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AuditDescriptor<Customer>(
            "Customer",
            new AuditField<Customer>("Name", false, static c => c.Name),
            new AuditField<Customer>("Name", false, static c => c.Name)));

        Assert.Contains("'Name' of 'Customer' is listed twice", error.Message, StringComparison.Ordinal);
    }
}
