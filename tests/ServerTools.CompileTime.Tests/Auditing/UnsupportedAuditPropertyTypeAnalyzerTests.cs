using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Auditing;
using ServerTools.Analyzers.CodeFixes.Auditing;
using ServerTools.Analyzers.CodeFixes.Common;
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
    public Task Fix_all_writes_the_namespace_and_no_using_where_the_file_keeps_its_usings_in_namespace_declarations() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
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
            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                [ServerTools.AuditIgnore]
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
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
            }
        }
        """);

    [Fact]
    public Task Fix_all_adds_no_using_to_a_namespace_declaration_where_it_would_hide_a_type_of_the_enclosing_namespace() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // Review 36, finding 1: 'using ServerTools;' in Shop.Network would make typeof(AuditLog) mean ServerTools.AuditLog.
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop
        {
            public sealed class AuditLog { public int Id { get; set; } }
        }

        namespace Shop.Network
        {
            using System;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public static Type Log() => typeof(AuditLog);
            }
        }
        """,
        """
        namespace Shop
        {
            public sealed class AuditLog { public int Id { get; set; } }
        }

        namespace Shop.Network
        {
            using System;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public static Type Log() => typeof(AuditLog);
            }
        }
        """);

    [Fact]
    public Task Fix_all_adds_no_using_to_a_namespace_declaration_where_it_would_hide_a_type_of_a_global_using() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // Review 36, finding 1: in Shop.Network, 'using ServerTools;' would make TimeWindow mean ServerTools.TimeWindow, not Lib's.
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop.Network
        {
            using System;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public static string W() => nameof(TimeWindow) + typeof(TimeWindow).FullName + DateTime.MinValue;
            }
        }
        """,
        """
        namespace Shop.Network
        {
            using System;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public static string W() => nameof(TimeWindow) + typeof(TimeWindow).FullName + DateTime.MinValue;
            }
        }
        """,
        "global using Lib;\n\nnamespace Lib\n{\n    public sealed class TimeWindow { }\n}\n");

    [Fact]
    public async Task Fix_all_adds_no_using_where_a_name_of_an_if_branch_the_compiler_does_not_see_would_become_ambiguous()
    {
        // Review 36, finding 2: with 'using ServerTools;', [AuditMask] under #if DEBUG would be CS0104 in Debug.
        const string Expected = """
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
            #if DEBUG
                    [AuditMask]
                    public string Email { get; set; } = "";
            #endif
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet A { get; set; }
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet B { get; set; }
                }
            }
            """;
        await CodeFixAssert.VerifyFixAllInEveryScopeAsync(
            new UnsupportedAuditPropertyTypeAnalyzer(),
            new AddAuditIgnoreCodeFixProvider(),
            Expected.Replace("[ServerTools.AuditIgnore]\n        ", string.Empty, StringComparison.Ordinal),
            Expected);
        Assert.Empty(CodeFixAssert.CompileWithGenerators(Expected, "DEBUG"));
    }

    [Fact]
    public async Task Fix_all_writes_the_namespace_where_the_using_that_imports_it_stands_in_an_if_branch()
    {
        // Review 36, finding 3: [AuditIgnore] would be CS0246 where DEBUG is defined and the using is gone.
        const string Expected = """
            #if !DEBUG
            using ServerTools;
            #endif

            namespace Shop;

            [ServerTools.Audited]
            public partial class Customer
            {
                public int Id { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
            }
            """;
        await CodeFixAssert.VerifyFixAllInEveryScopeAsync(
            new UnsupportedAuditPropertyTypeAnalyzer(),
            new AddAuditIgnoreCodeFixProvider(),
            Expected.Replace("[ServerTools.AuditIgnore]\n    ", string.Empty, StringComparison.Ordinal),
            Expected);
        Assert.Empty(CodeFixAssert.CompileWithGenerators(Expected, "DEBUG"));
    }

    [Fact]
    public async Task Fix_adds_no_using_that_removes_one_error_and_adds_another()
    {
        // Review 36, finding 4: the using would resolve TimeWindow (CS0246 gone) and make [AuditMask] ambiguous (CS0104).
        const string Expected = """
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
                    public NpgsqlTypes.NpgsqlInet A { get; set; }
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet B { get; set; }
                    public static object Window() => default(TimeWindow)!;
                }
            }
            """;
        var source = Expected.Replace("[ServerTools.AuditIgnore]\n        ", string.Empty, StringComparison.Ordinal);
        Assert.Equal(["CS0246"], CodeFixAssert.CompileWithGenerators(source));
        foreach (var fixAll in new[] { false, true })
        {
            var fixedText = await FixWithErrorsAsync(source, fixAll);
            Assert.Equal(Expected, fixedText);
            Assert.Equal(["CS0246"], CodeFixAssert.CompileWithGenerators(fixedText));
        }
    }

    [Fact]
    public async Task Fix_adds_no_using_that_makes_a_name_of_a_doc_comment_ambiguous()
    {
        // Review 37, finding 1: with 'using ServerTools;' the cref TimeWindow would mean Lib's or ServerTools' (CS1574, an
        // error with TreatWarningsAsErrors and a documentation file).
        const string Expected = """
            using Lib;

            namespace Lib
            {
                /// <summary>A window.</summary>
                public sealed class TimeWindow
                {
                    /// <summary>None.</summary>
                    public static readonly int Zero;
                }
            }

            namespace Shop
            {
                /// <summary>A device.</summary>
                [ServerTools.Audited]
                public partial class Device
                {
                    /// <summary>The key.</summary>
                    public int Id { get; set; }

                    /// <summary>An address.</summary>
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet A { get; set; }

                    /// <summary>Starts at <see cref="TimeWindow.Zero"/>.</summary>
                    public static int Start() => 0;
                }
            }
            """;
        var source = Expected.Replace("[ServerTools.AuditIgnore]\n        ", string.Empty, StringComparison.Ordinal);
        var warnings = CodeFixAssert.CompileWithGenerators(source);
        foreach (var fixAll in new[] { false, true })
        {
            var fixedText = await FixWithErrorsAsync(source, fixAll);
            Assert.Equal(Expected, fixedText);
            Assert.Equal(warnings, CodeFixAssert.CompileWithGenerators(fixedText));
        }
    }

    [Fact]
    public async Task Fix_adds_no_using_where_an_internal_type_of_the_project_in_the_namespace_would_make_a_name_ambiguous()
    {
        // Review 37, finding 2: the project's own internal ServerTools.Clock is in scope with the using, as Lib.Clock is.
        const string Expected = """
            using Lib;

            namespace Lib
            {
                public sealed class Clock { }
            }

            namespace ServerTools
            {
                internal sealed class Clock { }
            }

            namespace Shop
            {
                [ServerTools.Audited]
                public partial class Device
                {
                    public int Id { get; set; }
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet A { get; set; }
                    public static System.Type Kind() => typeof(Clock);
                }
            }
            """;
        var source = Expected.Replace("[ServerTools.AuditIgnore]\n        ", string.Empty, StringComparison.Ordinal);
        var warnings = CodeFixAssert.CompileWithGenerators(source);
        foreach (var fixAll in new[] { false, true })
        {
            var fixedText = await FixWithErrorsAsync(source, fixAll);
            Assert.Equal(Expected, fixedText);
            Assert.Equal(warnings, CodeFixAssert.CompileWithGenerators(fixedText));
        }
    }

    [Fact]
    public Task Fix_all_adds_no_using_that_would_give_an_extension_method_call_another_method() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // ServerTools' AuditTrail<TEntity>(DbContext, TEntity) is a better match than Lib's AuditTrail(DbContext, object):
        // with 'using ServerTools;' the call would silently call it, with no error.
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        using Lib;

        namespace Lib
        {
            public static class Trails
            {
                public static string AuditTrail(this Microsoft.EntityFrameworkCore.DbContext context, object entity) => entity.ToString() ?? "";
            }
        }

        namespace Shop
        {
            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public object Trail(Microsoft.EntityFrameworkCore.DbContext context) => context.AuditTrail(this);
            }
        }
        """,
        """
        using Lib;

        namespace Lib
        {
            public static class Trails
            {
                public static string AuditTrail(this Microsoft.EntityFrameworkCore.DbContext context, object entity) => entity.ToString() ?? "";
            }
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
                public object Trail(Microsoft.EntityFrameworkCore.DbContext context) => context.AuditTrail(this);
            }
        }
        """);

    [Fact]
    public Task Fix_all_adds_the_using_where_a_name_the_namespace_also_has_keeps_its_meaning() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // The file's own AuditLog, in the namespace around it, still wins over ServerTools.AuditLog of a using at the top.
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        using System;

        namespace Shop;

        public sealed class AuditLog { public int Id { get; set; } }

        [ServerTools.Audited]
        public partial class Device
        {
            public int Id { get; set; }
            public NpgsqlTypes.NpgsqlInet A { get; set; }
            public NpgsqlTypes.NpgsqlInet B { get; set; }
            public static Type Log() => typeof(AuditLog);
        }
        """,
        """
        using System;
        using ServerTools;

        namespace Shop;

        public sealed class AuditLog { public int Id { get; set; } }

        [ServerTools.Audited]
        public partial class Device
        {
            public int Id { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet A { get; set; }
            [AuditIgnore]
            public NpgsqlTypes.NpgsqlInet B { get; set; }
            public static Type Log() => typeof(AuditLog);
        }
        """);

    [Fact]
    public void Fix_compiles_the_file_to_check_the_using_only_where_the_file_uses_a_name_of_the_namespace()
    {
        // Review 36, finding 5: the two compilations of the file are paid only where the using could change a name.
        static bool Checked(string source)
        {
            var compilation = TestCompilation.Create(source);
            return AttributeLists.UsesNamesOf(compilation.SyntaxTrees[0].GetRoot(), compilation, "ServerTools");
        }

        Assert.False(Checked("""
            namespace Shop;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public ServerTools.TimeWindow? Window { get; set; }
                public object? Log(Device other) => other.Window;
            }
            """));
        Assert.True(Checked("namespace Shop; public sealed class C { public object? Log() => default(AuditLog); }"));
        Assert.True(Checked("namespace Shop; public sealed class C { [AuditMask] public string E { get; set; } = \"\"; }"));
        Assert.True(Checked("namespace Shop; public sealed class C { public object T(Microsoft.EntityFrameworkCore.DbContext c) => c.AuditTrail(this); }"));
    }

    [Fact]
    public Task Fix_all_adds_no_using_to_a_nested_namespace_declaration() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // Review 36, finding 6: the using went into the outer namespace Shop, not Network, which has the usings.
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop
        {
            namespace Network
            {
                using System;

                [ServerTools.Audited]
                public partial class Device
                {
                    public int Id { get; set; }
                    public DateTime Seen { get; set; }
                    public NpgsqlTypes.NpgsqlInet A { get; set; }
                    public NpgsqlTypes.NpgsqlInet B { get; set; }
                }
            }
        }
        """,
        """
        namespace Shop
        {
            namespace Network
            {
                using System;

                [ServerTools.Audited]
                public partial class Device
                {
                    public int Id { get; set; }
                    public DateTime Seen { get; set; }
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet A { get; set; }
                    [ServerTools.AuditIgnore]
                    public NpgsqlTypes.NpgsqlInet B { get; set; }
                }
            }
        }
        """);

    [Fact]
    public Task Fix_all_leaves_a_comment_over_the_usings_of_a_namespace_declaration_where_it_is() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // Review 36, finding 7: 'using ServerTools;' went in before 'using Shop.Lib;', below the comment that heads the usings.
        new UnsupportedAuditPropertyTypeAnalyzer(),
        new AddAuditIgnoreCodeFixProvider(),
        """
        namespace Shop.Lib
        {
            public sealed class Tag { }
        }

        namespace Shop.Network
        {
            // Our own libraries.
            using Shop.Lib;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public Tag? Label() => null;
            }
        }
        """,
        """
        namespace Shop.Lib
        {
            public sealed class Tag { }
        }

        namespace Shop.Network
        {
            // Our own libraries.
            using Shop.Lib;

            [ServerTools.Audited]
            public partial class Device
            {
                public int Id { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet A { get; set; }
                [ServerTools.AuditIgnore]
                public NpgsqlTypes.NpgsqlInet B { get; set; }
                public Tag? Label() => null;
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


    /// <summary>
    /// <paramref name="source"/> with the ST1004 fix applied to each diagnostic in turn, or with fix-all in document scope
    /// when <paramref name="fixAll"/>: for a file with an error of its own, which <see cref="CodeFixAssert"/> does not accept.
    /// </summary>
    private static async Task<string> FixWithErrorsAsync(string source, bool fixAll)
    {
        using var workspace = new AdhocWorkspace();
        var document = CodeFixAssert.AddDocument(workspace, source);
        var fix = new AddAuditIgnoreCodeFixProvider();
        for (var round = 0; round < 5; round++)
        {
            var compilation = await document.Project.GetCompilationAsync();
            var diagnostics = await compilation!.WithAnalyzers([new UnsupportedAuditPropertyTypeAnalyzer()]).GetAnalyzerDiagnosticsAsync();
            if (diagnostics.IsEmpty)
            {
                break;
            }

            CodeAction? action = null;
            await fix.RegisterCodeFixesAsync(new CodeFixContext(document, diagnostics[0], (registered, _) => action ??= registered, CancellationToken.None));
            Assert.NotNull(action);
            if (fixAll)
            {
                var context = new FixAllContext(
                    document, fix, FixAllScope.Document, action.EquivalenceKey!, ["ST1004"], new CodeFixAssert.FixedDiagnostics(diagnostics), CancellationToken.None);
                action = await fix.GetFixAllProvider().GetFixAsync(context);
                Assert.NotNull(action);
            }

            var operation = Assert.Single((await action.GetOperationsAsync(CancellationToken.None)).OfType<ApplyChangesOperation>());
            document = operation.ChangedSolution.GetDocument(document.Id)!;
        }

        return (await document.GetTextAsync()).ToString();
    }

}
