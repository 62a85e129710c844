using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.Tracking;
using ServerTools.Analyzers.Tracking;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Tracking;

public sealed class UntrackablePropertyAnalyzerTests
{
    private static string Message(string property, string type, string instead)
        => $"'{property}' is not tracked: tracking compares values of scalar types, not '{type}'; {instead}";

    private static string NotMapped(string property, string why, string instead) => $"'{property}' is not tracked: {why}; {instead}";

    [Fact]
    public Task Navigations_collections_and_other_types_are_reported_at_the_attribute() => DiagnosticAssert.VerifyAsync(
        new UntrackablePropertyAnalyzer(),
        """
        using System.Collections.Generic;
        using Microsoft.EntityFrameworkCore;
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop;

        public class Customer
        {
            public int Id { get; set; }
        }

        public class Warehouse
        {
            public int Id { get; set; }
        }

        public class OrderLine
        {
            public int Id { get; set; }
        }

        [Owned]
        public class Address
        {
            public string City { get; set; } = "";
        }

        public partial class Order
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            [[|Tracked|]] public Customer? Customer { get; set; }
            [[|Tracked|]] public Warehouse Warehouse { get; set; } = null!;
            [[|Tracked|]] public List<OrderLine> Lines { get; set; } = [];
            [[|Tracked|]] public ICollection<OrderLine>? Returns { get; set; }
            [[|ServerTools.TrackedAttribute|]] public Address ShipTo { get; set; } = new();
            [[|Tracked|]] public NpgsqlRange<int> Period { get; set; }
            [[|Tracked|]] public NpgsqlPoint[] Stops { get; set; } = [];
        }

        [Tracked]
        public partial class Invoice
        {
            public int Id { get; set; }
            public int CustomerId { get; set; }
            [[|Tracked|]] public Customer Customer { get; set; } = null!;
        }
        """,
        [
            new("ST2003", Message("Customer", "Customer?", "track its foreign key 'CustomerId' instead, or mark the fields of 'Customer' [Tracked] on that entity"), 0),
            new("ST2003", Message("Warehouse", "Warehouse", "track a foreign-key property such as 'WarehouseId' instead, or mark the fields of 'Warehouse' [Tracked] on that entity"), 1),
            new("ST2003", Message("Lines", "List<OrderLine>", "mark the fields of 'OrderLine' [Tracked] on that type instead"), 2),
            new("ST2003", Message("Returns", "ICollection<OrderLine>?", "mark the fields of 'OrderLine' [Tracked] on that type instead"), 3),
            new("ST2003", Message("ShipTo", "Address", "mark the fields of 'Address' [Tracked] on that type instead"), 4),
            new("ST2003", Message("Period", "NpgsqlRange<int>", "remove [Tracked]"), 5),
            new("ST2003", Message("Stops", "NpgsqlPoint[]", "remove [Tracked]"), 6),
            new("ST2003", Message("Customer", "Customer", "its foreign key 'CustomerId' is tracked already; remove [Tracked], or mark the fields of 'Customer' [Tracked] on that entity"), 7),
        ]);

    [Fact]
    public Task Properties_EF_Core_does_not_map_are_reported_at_the_attribute_with_the_reason() => DiagnosticAssert.VerifyAsync(
        new UntrackablePropertyAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public class Customer
        {
            public int Id { get; set; }
        }

        public partial class Invoice
        {
            public int Id { get; set; }
            [Tracked] public decimal Amount { get; set; }
            public decimal Discount { get; set; }
            [[|Tracked|]] public decimal Net => Amount - Discount;
            [[|Tracked|]] public string Number { get; } = "";
            [[|Tracked|], NotMapped] public string? Note { get; set; }
            [[|Tracked|]] public static string? Global { get; set; }
            [[|Tracked|]] internal string? Internal { get; set; }
            [[|Tracked|]] private string? Secret { get; set; }
            [[|Tracked|], NotMapped] public Customer? Customer { get; set; }
            public string First { get; set; } = "";
            public string Last { get; set; } = "";
            [[|Tracked|], NotMapped] public string Computed => First + Last;
            [[|Tracked|], NotMapped] public string Full { get { return First + " " + Last; } }
            [[|Tracked|], NotMapped] public string Code { get; } = "";
        }
        """,
        [
            new("ST2003", NotMapped("Net", "it is computed (it has no setter), so EF Core does not map it by convention", "remove [Tracked], and track the properties it is computed from"), 0),
            new("ST2003", NotMapped("Number", "it has no setter, so EF Core does not map it by convention", "add a setter ('{ get; private set; }' will do), or remove [Tracked]"), 1),
            new("ST2003", NotMapped("Note", "it is [NotMapped], so EF Core does not map it by convention", "remove [Tracked], or remove [NotMapped] to store the property and track it"), 2),
            new("ST2003", NotMapped("Global", "it is static, and EF Core maps instance properties only", "remove [Tracked]"), 3),
            new("ST2003", NotMapped("Internal", "its getter is not public, so EF Core does not map it by convention", "make the property public (its setter may stay private), or remove [Tracked]"), 4),
            new("ST2003", NotMapped("Secret", "its getter is not public, so EF Core does not map it by convention", "make the property public (its setter may stay private), or remove [Tracked]"), 5),
            new("ST2003", NotMapped("Customer", "it is [NotMapped], so EF Core does not map it by convention", "track a foreign-key property such as 'CustomerId' instead, or mark the fields of 'Customer' [Tracked] on that entity"), 6),
            new("ST2003", NotMapped("Computed", "it is [NotMapped] and computed (it has no setter), so EF Core cannot store it", "remove [Tracked], and track the properties it is computed from"), 7),
            new("ST2003", NotMapped("Full", "it is [NotMapped] and computed (it has no setter), so EF Core cannot store it", "remove [Tracked], and track the properties it is computed from"), 8),
            new("ST2003", NotMapped("Code", "it is [NotMapped], so EF Core does not map it by convention", "remove [Tracked], or remove [NotMapped] and add a setter ('{ get; private set; }' will do) to store the property and track it"), 9),
        ]);

    [Fact]
    public Task Mapped_properties_with_a_private_or_init_setter_or_an_inherited_one_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new UntrackablePropertyAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Document
        {
            public virtual string Title { get; set; } = "";
        }

        public partial class Invoice : Document
        {
            public int Id { get; set; }
            [Tracked] public decimal Amount { get; private set; }
            [Tracked] public string Number { get; init; } = "";
            [Tracked] public string? Reference { get; protected set; }
            [Tracked] public override string Title => base.Title;
        }
        """,
        ["ST2003"]);

    [Fact]
    public Task Fix_removes_Tracked_from_a_property_EF_Core_does_not_map() => CodeFixAssert.VerifyFixAllAsync(
        new UntrackablePropertyAnalyzer(),
        new RemoveUntrackableTrackedCodeFixProvider(),
        Order("""
                    [Tracked] public decimal Net => Total * 2;
                    [Tracked, NotMapped] public string? Note { get; set; }
                    [Tracked] internal string? Internal { get; set; }
            """),
        Order("""
                    public decimal Net => Total * 2;
                    [NotMapped] public string? Note { get; set; }
                    internal string? Internal { get; set; }
            """));

    [Fact]
    public Task Scalar_properties_model_values_and_navigations_without_the_attribute_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new UntrackablePropertyAnalyzer(),
        """
        using System;
        using System.Collections.Generic;
        using System.Numerics;
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        public readonly record struct CustomerId(Guid Value);

        public class Customer
        {
            public int Id { get; set; }
        }

        [Tracked]
        public partial class Order
        {
            public int Id { get; set; }
            [Tracked] public OrderState State { get; set; }
            [Tracked] public OrderState? Previous { get; set; }
            [Tracked] public string? Note { get; set; }
            [Tracked] public decimal Total { get; set; }
            [Tracked] public DateTimeOffset? ShippedAt { get; set; }
            [Tracked] public Guid ExternalId { get; set; }
            [Tracked] public byte[]? Signature { get; set; }
            [Tracked] public CustomerId CustomerId { get; set; }
            [Tracked] public CustomerId? ReferrerId { get; set; }
            [Tracked] public BigInteger Points { get; set; }
            [Tracked] public int[] Scores { get; set; } = [];
            [Tracked] public List<string>? Tags { get; set; }
            public Customer? Customer { get; set; }
            public List<Customer> Contacts { get; set; } = [];
        }
        """,
        ["ST2003"]);

    [Fact]
    public Task Fix_removes_Tracked_from_values_that_are_not_scalar_and_keeps_the_other_attributes() => CodeFixAssert.VerifyAsync(
        new UntrackablePropertyAnalyzer(),
        new RemoveUntrackableTrackedCodeFixProvider(),
        Order("""
                    [Tracked] public NpgsqlRange<int> Period { get; set; }

                    /// <summary>The stops.</summary>
                    [Tracked]
                    public NpgsqlPoint[] Stops { get; set; } = [];

                    [Tracked, Column("area")] public List<NpgsqlBox> Areas { get; set; } = [];
            """),
        Order("""
                    public NpgsqlRange<int> Period { get; set; }

                    /// <summary>The stops.</summary>
                    public NpgsqlPoint[] Stops { get; set; } = [];

                    [Column("area")] public List<NpgsqlBox> Areas { get; set; } = [];
            """));

    [Fact]
    public Task Fix_all_removes_every_Tracked_it_can() => CodeFixAssert.VerifyFixAllAsync(
        new UntrackablePropertyAnalyzer(),
        new RemoveUntrackableTrackedCodeFixProvider(),
        Order("""
                    [Tracked] public NpgsqlRange<int> Period { get; set; }
                    [Tracked] public NpgsqlPoint[] Stops { get; set; } = [];
            """),
        Order("""
                    public NpgsqlRange<int> Period { get; set; }
                    public NpgsqlPoint[] Stops { get; set; } = [];
            """));

    [Fact]
    public Task Fix_is_not_offered_for_a_navigation_or_a_collection_of_entities() => CodeFixAssert.VerifyNotOfferedAsync(
        new UntrackablePropertyAnalyzer(),
        new RemoveUntrackableTrackedCodeFixProvider(),
        Order("""
                    public int CustomerId { get; set; }
                    [Tracked] public Customer? Customer { get; set; }
                    [Tracked] public List<Customer> Contacts { get; set; } = [];
            """));

    private static string Order(string members) => $$"""
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop
        {
            public class Customer
            {
                public int Id { get; set; }
            }

            public partial class Order
            {
                public int Id { get; set; }
                [Tracked] public decimal Total { get; set; }
        {{members}}
            }
        }
        """;
}
