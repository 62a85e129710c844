using System;
using System.Linq;
using ServerTools.Auditing;

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

/// <summary>The descriptors the generator wrote for this assembly's entities, found at run time without reflection.</summary>
public sealed class AuditDescriptorTests
{
    [Fact]
    public void Generated_descriptor_is_registered_when_the_assembly_loads()
    {
        Assert.True(AuditDescriptors.TryGet(typeof(Customer), out var descriptor));

        Assert.Equal("ServerTools.Tests.Auditing.Customer", descriptor.EntityName);
        Assert.Equal((AuditMode.Changes, AuditOperations.Writes), (descriptor.Mode, descriptor.Operations));
        Assert.Equal(["Id", "Name", "Tier", "CreditLimit", "Iban (masked)"], descriptor.Fields.Select(static f => f.ToString()));
    }

    [Fact]
    public void Attribute_arguments_reach_the_descriptor()
    {
        var full = AuditDescriptors.Get<Ledger>();
        var createOnly = AuditDescriptors.Get<Note>();

        Assert.Equal((AuditMode.Full, AuditOperations.Writes), (full.Mode, full.Operations));
        Assert.Equal((AuditMode.Changes, AuditOperations.Create), (createOnly.Mode, createOnly.Operations));
    }

    [Fact]
    public void Type_without_attribute_has_no_descriptor_and_asking_for_one_says_how_to_fix_it()
    {
        Assert.False(AuditDescriptors.TryGet(typeof(NotAudited), out _));

        var error = Assert.Throws<InvalidOperationException>(AuditDescriptors.Get<NotAudited>);

        Assert.Contains("Mark the class [Audited] and declare it partial", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Descriptor_with_a_field_listed_twice_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new AuditDescriptor<Customer>(
            "Customer",
            AuditMode.Changes,
            AuditOperations.Writes,
            new AuditField("Name", false),
            new AuditField("Name", false)));

        Assert.Contains("'Name' of 'Customer' is listed twice", error.Message, StringComparison.Ordinal);
    }
}
