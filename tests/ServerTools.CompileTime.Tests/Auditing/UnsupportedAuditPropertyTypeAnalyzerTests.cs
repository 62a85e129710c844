using System.Threading.Tasks;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Auditing;
using ServerTools.Analyzers.CodeFixes.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class UnsupportedAuditPropertyTypeAnalyzerTests
{
    private static string Message(string property, string type)
        => $"The audit trail cannot write '{property}' of type '{type}', so its changes are not logged: mark it [AuditIgnore] to say so";

    [Fact]
    public Task Npgsql_value_types_without_a_text_alone_nullable_or_as_elements_are_reported_at_the_property_name() => DiagnosticAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        """
        using System;
        using System.Collections.Generic;
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public NpgsqlRange<int> [|Period|] { get; private set; }
            public NpgsqlPoint? [|Location|] { get; set; }
            public NpgsqlInet [|Network|] { get; set; }
            public NpgsqlRange<DateTime>[] [|Slots|] { get; set; } = [];
            public List<NpgsqlCidr> [|Subnets|] { get; set; } = [];
            public IList<NpgsqlInterval?>? [|Pauses|] { get; set; }
        }
        """,
        [
            new("ST1004", Message("Period", "NpgsqlRange<int>"), 0),
            new("ST1004", Message("Location", "NpgsqlPoint?"), 1),
            new("ST1004", Message("Network", "NpgsqlInet"), 2),
            new("ST1004", Message("Slots", "NpgsqlRange<DateTime>[]"), 3),
            new("ST1004", Message("Subnets", "List<NpgsqlCidr>"), 4),
            new("ST1004", Message("Pauses", "IList<NpgsqlInterval?>?"), 5),
        ]);

    [Fact]
    public Task Supported_types_navigations_and_properties_the_generator_skips_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using System.Numerics;
        using ServerTools;

        namespace Shop;

        public enum PartnerKind { Person, Company }

        public class Address
        {
            public string Street { get; set; } = "";
        }

        public abstract class Entity
        {
            [AuditIgnore] public virtual int[] Scores { get; set; } = [];
        }

        [Audited]
        public partial class Partner : Entity
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public PartnerKind? Kind { get; set; }
            public decimal CreditLimit { get; set; }
            public DateTimeOffset CreatedAt { get; set; }
            public DateOnly? Birthday { get; set; }
            public TimeSpan Timeout { get; set; }
            public Guid ExternalId { get; init; }
            public byte[]? Logo { get; set; }
            public Partner? Parent { get; set; }
            public List<Partner> Children { get; set; } = [];
            public Partner[] Siblings { get; set; } = [];
            public Address? Address { get; set; }
            [AuditIgnore] public List<string> Tags { get; set; } = [];
            [NotMapped] public BigInteger Balance { get; set; }
            public IReadOnlyList<int> Ratings => [];
            private BigInteger Reserve { get; set; }
            internal int[] Internal { get; set; } = [];
            public static int[] Shared { get; set; } = [];
            public override int[] Scores { get; set; } = [];
        }

        public class Product
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlRange<int> Stock { get; set; }
        }

        public readonly record struct OrderId(Guid Value);

        public struct Money
        {
            public decimal Amount { get; set; }
            public string Currency { get; set; }
        }

        // Logged as the model maps them: the value a converter stores, a primitive collection as a JSON array, an
        // IFormattable value by its invariant text.
        [Audited]
        public partial class Account
        {
            public int Id { get; set; }
            public BigInteger Balance { get; private set; }
            public BigInteger? Reserve { get; set; }
            public Money CreditLimit { get; set; }
            public OrderId LastOrderId { get; set; }
            public OrderId? FirstOrderId { get; set; }
            public int[] Scores { get; set; } = [];
            public string[]? Aliases { get; set; }
            public List<string> Tags { get; set; } = [];
            public IList<int> Ratings { get; set; } = [];
            public ICollection<Guid>? Contacts { get; set; }
            public List<OrderId> Orders { get; set; } = [];
            public NpgsqlTypes.NpgsqlDbType Kind { get; set; }
            [AuditIgnore] public NpgsqlTypes.NpgsqlRange<int> Period { get; set; }
            [AuditMask] public List<string> Secrets { get; set; } = [];
        }

        [Audited]
        public partial class Order
        {
            public OrderId Id { get; set; }
        }

        [Audited]
        public partial class Invoice
        {
            public OrderId InvoiceId { get; set; }
        }

        [Audited]
        public partial class Receipt
        {
            [System.ComponentModel.DataAnnotations.Key] public OrderId Number { get; set; }
        }

        [Audited]
        public partial class Vehicle
        {
            public OrderId VehicleId { get; set; }
        }

        [Audited]
        public partial class Van : Vehicle
        {
        }
        """,
        ["ST1004"]);

    [Fact]
    public Task Inherited_property_is_reported_once_at_the_base_class() => DiagnosticAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        """
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop;

        public abstract class Entity
        {
            public int Id { get; set; }
            public NpgsqlRange<int> [|Period|] { get; set; }
        }

        [Audited]
        public partial class Partner : Entity
        {
            public string Name { get; set; } = "";
        }

        [Audited]
        public partial class Product : Entity
        {
            public string Name { get; set; } = "";
        }
        """,
        [new("ST1004", Message("Period", "NpgsqlRange<int>"))]);

    [Fact]
    public async Task Property_inherited_from_a_referenced_project_is_not_reported_there_in_a_workspace()
    {
        // In the IDE a project reference is a compilation reference: the base class's property has a location in the other
        // project, where this compilation cannot report (the driver would throw, AD0001). A build, which references the
        // project's assembly, sees no location in source and reports nothing either.
        var domain = TestCompilation.Create(
            """
            using NpgsqlTypes;

            namespace Domain;

            public abstract class Booking
            {
                public int Id { get; set; }
                public NpgsqlRange<int> Seats { get; set; }
            }
            """).WithAssemblyName("Domain");
        var app = TestCompilation.Create(
            """
            using ServerTools;

            namespace App;

            [Audited]
            public partial class Reservation : Domain.Booking
            {
                public string Guest { get; set; } = "";
            }
            """).AddReferences(domain.ToMetadataReference());

        var diagnostics = await app.WithAnalyzers([new UnsupportedAuditPropertyTypeAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        Assert.Empty(diagnostics);
    }

    [Fact]
    public Task Fix_adds_AuditIgnore_on_its_own_line_below_the_doc_comment() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        using System.ComponentModel.DataAnnotations;
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop
        {
            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }

                /// <summary>When the partner may order.</summary>
                public NpgsqlRange<int> Period { get; set; }

                [MaxLength(3)]
                public NpgsqlPoint[] Path { get; set; } = [];
            }
        }
        """,
        """
        using System.ComponentModel.DataAnnotations;
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop
        {
            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }

                /// <summary>When the partner may order.</summary>
                [AuditIgnore]
                public NpgsqlRange<int> Period { get; set; }

                [AuditIgnore]
                [MaxLength(3)]
                public NpgsqlPoint[] Path { get; set; } = [];
            }
        }
        """);

    [Fact]
    public Task Fix_imports_ServerTools_when_the_file_does_not() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlInet Network { get; set; }
        }
        """,
        """
        using ServerTools;

        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet Network { get; set; }
        }
        """);

    [Fact]
    public Task Fix_keeps_a_one_line_class_on_one_line() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        "[ServerTools.Audited] public partial class Partner { public int Id { get; set; } public NpgsqlTypes.NpgsqlPoint Origin { get; set; } }\n",
        "using ServerTools;\n\n[ServerTools.Audited] public partial class Partner { public int Id { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlPoint Origin { get; set; } }\n");

    [Fact]
    public Task Fix_all_marks_every_property_of_a_file_that_a_global_using_imports_for() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        // Customers.
        namespace Shop;

        [Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlInet E { get; set; }
            public NpgsqlTypes.NpgsqlInet F { get; set; }
            public NpgsqlTypes.NpgsqlInet G { get; set; }
            public NpgsqlTypes.NpgsqlInet H { get; set; }
        }
        """,
        """
        // Customers.
        namespace Shop;

        [Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet E { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet F { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet G { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet H { get; set; }
        }
        """,
        "global using ServerTools;\n");

    [Fact]
    public Task Fix_all_imports_ServerTools_once_and_marks_every_property() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlInet E { get; set; }
            public NpgsqlTypes.NpgsqlInet F { get; set; }
            public NpgsqlTypes.NpgsqlInet G { get; set; }
        }
        """,
        """
        using ServerTools;

        namespace Shop;

        [ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet E { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet F { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet G { get; set; }
        }
        """);

    [Fact]
    public Task Fix_all_in_the_containing_type_marks_every_property_of_that_type_and_none_of_another() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited] public partial class Customer { public int Id { get; set; } public NpgsqlTypes.NpgsqlInet A { get; set; } public NpgsqlTypes.NpgsqlInet B { get; set; } public NpgsqlTypes.NpgsqlInet C { get; set; } public NpgsqlTypes.NpgsqlInet D { get; set; } }

        [ServerTools.Audited] public partial class Supplier { public int Id { get; set; } public NpgsqlTypes.NpgsqlInet E { get; set; } public NpgsqlTypes.NpgsqlInet F { get; set; } }
        """,
        """
        using ServerTools;

        namespace Shop;

        [ServerTools.Audited] public partial class Customer { public int Id { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlInet A { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlInet B { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlInet C { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlInet D { get; set; } }

        [ServerTools.Audited] public partial class Supplier { public int Id { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlInet E { get; set; } [AuditIgnore] public NpgsqlTypes.NpgsqlInet F { get; set; } }
        """);

    [Fact]
    public Task Fix_writes_the_namespace_and_no_using_where_another_AuditIgnore_is_in_scope() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop;

        public sealed class AuditIgnoreAttribute : System.Attribute { }

        [ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlInet Network { get; set; }
        }
        """,
        """
        namespace Shop;

        public sealed class AuditIgnoreAttribute : System.Attribute { }

        [ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            [ServerTools.AuditIgnore]
            public NpgsqlTypes.NpgsqlInet Network { get; set; }
        }
        """);

    [Fact]
    public Task Fix_writes_the_namespace_and_no_using_that_would_make_another_attribute_of_the_file_ambiguous() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        using Lib;

        namespace Lib
        {
            public sealed class AuditMaskAttribute : System.Attribute { }
        }

        namespace Shop
        {
            [ServerTools.Audited]
            public partial class Customer
            {
                public int Id { get; set; }
                [AuditMask]
                public string Email { get; set; } = "";
                public NpgsqlTypes.NpgsqlInet Network { get; set; }
            }
        }
        """,
        """
        using Lib;

        namespace Lib
        {
            public sealed class AuditMaskAttribute : System.Attribute { }
        }

        namespace Shop
        {
            [ServerTools.Audited]
            public partial class Customer
            {
                public int Id { get; set; }
                [AuditMask]
                public string Email { get; set; } = "";
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet Network { get; set; }
            }
        }
        """);

    [Fact]
    public Task Fix_all_writes_the_namespace_and_no_using_that_would_make_a_type_of_the_file_ambiguous() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        using Shop.Messaging;

        namespace Shop.Messaging
        {
            public sealed class OutboxMessage { public int Id { get; set; } }
        }

        namespace Shop
        {
            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public OutboxMessage? Last() => null;
            }
        }
        """,
        """
        using Shop.Messaging;

        namespace Shop.Messaging
        {
            public sealed class OutboxMessage { public int Id { get; set; } }
        }

        namespace Shop
        {
            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public OutboxMessage? Last() => null;
            }
        }
        """);

    [Fact]
    public Task Fix_writes_the_namespace_and_no_second_using_where_an_inactive_if_branch_imports_it() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        #if DEBUG
        using ServerTools;
        #endif

        namespace Shop;

        [ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlInet Network { get; set; }
        }
        """,
        """
        #if DEBUG
        using ServerTools;
        #endif

        namespace Shop;

        [ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
            [ServerTools.AuditIgnore]
            public NpgsqlTypes.NpgsqlInet Network { get; set; }
        }
        """);

    [Fact]
    public Task Fix_all_adds_the_using_in_each_namespace_declaration_where_the_file_keeps_its_usings_there() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop.Sales
        {
            using ServerTools;

            [Audited]
            public partial class Order
            {
                public int Id { get; set; }
            }
        }

        namespace Shop.Network
        {
            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public NpgsqlTypes.NpgsqlInet A { get; set; }
            }
        }

        namespace Shop.Sites
        {
            using System;

            /// <summary>A site.</summary>
            [ServerTools.Audited]
            public partial class Site
            {
                public int Id { get; set; }
                public DateTime Opened { get; set; }
                public NpgsqlTypes.NpgsqlInet B { get; set; }
            }
        }
        """,
        """
        namespace Shop.Sales
        {
            using ServerTools;

            [Audited]
            public partial class Order
            {
                public int Id { get; set; }
            }
        }

        namespace Shop.Network
        {
            using ServerTools;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                [AuditIgnore]
                public NpgsqlTypes.NpgsqlInet A { get; set; }
            }
        }

        namespace Shop.Sites
        {
            using System;
            using ServerTools;

            /// <summary>A site.</summary>
            [ServerTools.Audited]
            public partial class Site
            {
                public int Id { get; set; }
                public DateTime Opened { get; set; }
                [AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
            }
        }
        """);

    [Fact]
    public Task Fix_keeps_the_line_endings_and_indentation_of_the_file() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        "using NpgsqlTypes;\r\nusing ServerTools;\r\n\r\nnamespace Shop;\r\n\r\n[Audited]\r\npublic partial class Customer\r\n{\r\n\tpublic int Id { get; set; }\r\n\t// net\r\n\tpublic NpgsqlInet A { get; set; }\r\n\tpublic int X { get; set; } public NpgsqlInet B { get; set; }\r\n}\r\n",
        "using NpgsqlTypes;\r\nusing ServerTools;\r\n\r\nnamespace Shop;\r\n\r\n[Audited]\r\npublic partial class Customer\r\n{\r\n\tpublic int Id { get; set; }\r\n\t// net\r\n\t[AuditIgnore]\r\n\tpublic NpgsqlInet A { get; set; }\r\n\tpublic int X { get; set; } [AuditIgnore] public NpgsqlInet B { get; set; }\r\n}\r\n");

    [Fact]
    public Task Fix_marks_a_positional_record_parameter_for_its_property() => CodeFixAssert.VerifyAsync(
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial record Customer(
            int Id,
            NpgsqlInet Network);
        """,
        """
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial record Customer(
            int Id,
            [property: AuditIgnore] NpgsqlInet Network);
        """);
}
