using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.Analyzers.CodeFixes.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class DerivedClassPropertiesNotAuditedAnalyzerTests
{
    private static string Message(string type, string auditedBase, string properties)
        => Reported(type, $"its own properties ({properties}) are not logged", auditedBase);

    private static string Reported(string type, string problems, string auditedBase = "Partner")
        => $"'{type}' is audited as its base class '{auditedBase}', so {problems}: "
           + $"mark '{type}' [Audited] (and partial) to log it with its own properties and attributes";

    [Fact]
    public Task Class_derived_from_an_audited_class_that_adds_a_value_object_is_reported() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public sealed class Address { public string City { get; set; } = ""; }

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public class [|Customer|] : Partner
        {
            public Address Shipping { get; set; } = new();
        }
        """,
        [new("ST1005", Message("Customer", "Partner", "'Shipping'"))]);

    [Fact]
    public Task Class_derived_from_an_audited_class_with_properties_of_its_own_is_reported_at_its_name() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using System;
        using System.Collections.Generic;
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public class [|Customer|] : Partner
        {
            public decimal CreditLimit { get; set; }
            public string? Segment { get; init; }
            public List<Partner> Contacts { get; set; } = [];
            [AuditIgnore] public string? PasswordHash { get; set; }
            [NotMapped] public DateTime? LastSeen { get; set; }
            public int Orders => 0;
        }

        public sealed class [|VipCustomer|] : Customer
        {
            public Guid Manager { get; set; }
        }
        """,
        [
            new("ST1005", Message("Customer", "Partner", "'CreditLimit', 'Segment'"), 0),
            new("ST1005", Message("VipCustomer", "Partner", "'Manager'"), 1),
        ]);

    [Fact]
    public Task Structs_and_collections_of_values_count_as_properties_the_derived_class_adds() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using System;
        using System.Collections.Generic;
        using NpgsqlTypes;
        using ServerTools;

        namespace Shop;

        public readonly record struct RegionId(Guid Value);

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public class [|Customer|] : Partner
        {
            public RegionId RegionId { get; set; }
            public List<string> Tags { get; set; } = [];
            public NpgsqlRange<int> Period { get; set; }
        }
        """,
        [new("ST1005", Message("Customer", "Partner", "'RegionId', 'Tags'"))]);

    [Fact]
    public Task Properties_of_an_abstract_class_between_the_two_count_as_the_derived_class_own() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public abstract class Organisation : Partner
        {
            public string? VatNumber { get; set; }
        }

        public class [|Company|] : Organisation
        {
            public int Employees { get; set; }
        }

        public class [|Charity|] : Organisation
        {
        }
        """,
        [
            new("ST1005", Message("Company", "Partner", "'VatNumber', 'Employees'"), 0),
            new("ST1005", Message("Charity", "Partner", "'VatNumber'"), 1),
        ]);

    [Fact]
    public Task Override_that_adds_a_mask_or_an_ignore_the_audited_base_does_not_apply_is_reported() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public virtual string? TaxNumber { get; set; }
            public virtual string? PasswordHash { get; set; }
            [AuditMask] public virtual string? Iban { get; set; }
            [AuditIgnore] public virtual string? Pin { get; set; }
        }

        public abstract class Organisation : Partner
        {
            [AuditMask] public override string? TaxNumber { get; set; }
            [AuditIgnore] public new string? PasswordHash { get; set; }
        }

        public class [|Company|] : Organisation
        {
            [AuditMask] public override string? Iban { get; set; }
            [AuditMask] public override string? Pin { get; set; }
            public string? Website { get; set; }
        }
        """,
        [new("ST1005", Reported(
            "Company",
            "its own properties ('Website') are not logged, and the [AuditMask] or [AuditIgnore] it adds to 'TaxNumber', 'PasswordHash' "
            + "is not applied (the values are logged as 'Partner' logs them)"))]);

    [Fact]
    public Task Audited_derived_class_derived_class_adding_no_logged_property_and_classes_outside_audited_hierarchies_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using System.Collections.Generic;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public virtual string Name { get; set; } = "";
        }

        [Audited]
        public partial class Customer : Partner
        {
            public decimal CreditLimit { get; set; }
        }

        public class Supplier : Partner
        {
            public override string Name { get; set; } = "";
            public List<Partner> Contacts { get; set; } = [];
            [AuditIgnore] public string? PasswordHash { get; set; }
        }

        public abstract class Organisation : Partner
        {
            public string? VatNumber { get; set; }
        }

        public class Party
        {
            public int Id { get; set; }
        }

        public class Person : Party
        {
            public string? FirstName { get; set; }
        }
        """,
        ["ST1005"]);

    [Fact]
    public Task Interface_that_the_derived_class_adds_with_a_mask_or_an_ignore_is_reported_as_not_applied() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public interface IHasSecrets
        {
            [AuditMask] string? Iban { get; set; }
            [AuditIgnore] string? PasswordHash { get; set; }
        }

        public interface IHasPhone
        {
            string? Phone { get; set; }
        }

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public string? Iban { get; set; }
            public string? PasswordHash { get; set; }
            public string? Phone { get; set; }
        }

        public class [|Customer|] : Partner, IHasSecrets
        {
        }

        public class [|Supplier|] : Partner, IHasPhone
        {
            [AuditMask] string? IHasPhone.Phone { get => Phone; set => Phone = value; }
        }

        public class Agent : Partner, IHasPhone
        {
        }
        """,
        [
            new("ST1005", Reported("Customer", "the [AuditMask] or [AuditIgnore] it adds to 'Iban', 'PasswordHash' is not applied (the values are logged as 'Partner' logs them)"), 0),
            new("ST1005", Reported("Supplier", "the [AuditMask] or [AuditIgnore] it adds to 'Phone' is not applied (the values are logged as 'Partner' logs them)"), 1),
        ]);

    [Fact]
    public Task Class_the_generators_skip_is_told_what_would_log_its_properties() => DiagnosticAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public class [|Revision|]<TPayload> : Partner
        {
            public TPayload? Payload { get; set; }
            public string? Author { get; set; }
        }

        public partial class Catalog
        {
            private class [|Supplier|] : Partner
            {
                public string? Iban { get; set; }
            }
        }

        file class [|Archive|] : Partner
        {
            public string? Note { get; set; }
        }
        """,
        [
            new("ST1005", "'Revision' is audited as its base class 'Partner', so its own properties ('Author') are not logged: it is generic, and the "
                          + "generated code registers one entity type, so [Audited] on 'Revision' would generate nothing; mark the non-generic entity "
                          + "classes derived from 'Revision' [Audited] (and partial)", 0),
            new("ST1005", "'Supplier' is audited as its base class 'Partner', so its own properties ('Iban') are not logged: it is private, and the "
                          + "generated code registers it from namespace level, which cannot see it, so [Audited] on 'Supplier' would generate nothing; "
                          + "make 'Supplier' internal or public and mark 'Supplier' [Audited] (and partial)", 1),
            new("ST1005", "'Archive' is audited as its base class 'Partner', so its own properties ('Note') are not logged: it is file-local, and the "
                          + "generated code, in a file of its own, cannot see it, so [Audited] on 'Archive' would generate nothing; "
                          + "make 'Archive' internal instead of file-local and mark 'Archive' [Audited] (and partial)", 2),
        ]);

    [Fact]
    public Task Fix_is_not_offered_for_a_class_the_generators_skip() => CodeFixAssert.VerifyNotOfferedAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Document
        {
            public int Id { get; set; }
        }

        public class Revision<TPayload> : Document
        {
            public string? Author { get; set; }
        }
        """);

    [Fact]
    public Task Fix_marks_the_class_Audited_below_its_doc_comment_and_makes_it_partial() => CodeFixAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        using ServerTools;

        namespace Shop
        {
            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
            }

            /// <summary>A partner who buys.</summary>
            public sealed class Customer : Partner
            {
                public decimal CreditLimit { get; set; }
            }
        }
        """,
        """
        using ServerTools;

        namespace Shop
        {
            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
            }

            /// <summary>A partner who buys.</summary>
            [Audited]
            public sealed partial class Customer : Partner
            {
                public decimal CreditLimit { get; set; }
            }
        }
        """);

    [Fact]
    public Task Fix_imports_ServerTools_when_the_file_does_not_and_makes_containing_types_partial() => CodeFixAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        class Catalog
        {
            // buys from us
            internal class Customer : Partner
            {
                public decimal CreditLimit { get; set; }
            }
        }
        """,
        """
        using ServerTools;

        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        partial class Catalog
        {
            // buys from us
            [Audited]
            internal partial class Customer : Partner
            {
                public decimal CreditLimit { get; set; }
            }
        }
        """);

    [Fact]
    public Task Fix_writes_Audited_with_a_using_and_adds_no_blank_line() => CodeFixAssert.VerifyAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        namespace Shop.Model;
        public class VipCustomer : Customer { public string? Tier { get; set; } }

        [global::ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
        }
        """,
        """
        using ServerTools;

        namespace Shop.Model;
        [Audited]
        public partial class VipCustomer : Customer { public string? Tier { get; set; } }

        [global::ServerTools.Audited]
        public partial class Customer
        {
            public int Id { get; set; }
        }
        """);

    [Fact]
    public Task Fix_all_adds_the_using_once() => CodeFixAssert.VerifyFixAllAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public class Customer : Partner
        {
            public decimal CreditLimit { get; set; }
        }

        public class Supplier : Partner
        {
            public string? Iban { get; set; }
        }
        """,
        """
        using ServerTools;

        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        [Audited]
        public partial class Customer : Partner
        {
            public decimal CreditLimit { get; set; }
        }

        [Audited]
        public partial class Supplier : Partner
        {
            public string? Iban { get; set; }
        }
        """);

    [Fact]
    public Task Fix_all_writes_the_namespace_and_no_using_where_the_file_keeps_its_usings_in_a_namespace_declaration() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        // Review 36, finding 1: 'using ServerTools;' in Shop.Sales would make typeof(AuditLog) mean ServerTools.AuditLog.
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        namespace Shop
        {
            public sealed class AuditLog { public int Id { get; set; } }
        }

        namespace Shop.Sales
        {
            using System;

            [ServerTools.Audited]
            public partial class Partner
            {
                public int Id { get; set; }
                public static Type Log() => typeof(AuditLog);
            }

            public class Customer : Partner { public decimal CreditLimit { get; set; } }
            public class Supplier : Partner { public string? Iban { get; set; } }
        }
        """,
        """
        namespace Shop
        {
            public sealed class AuditLog { public int Id { get; set; } }
        }

        namespace Shop.Sales
        {
            using System;

            [ServerTools.Audited]
            public partial class Partner
            {
                public int Id { get; set; }
                public static Type Log() => typeof(AuditLog);
            }

            [ServerTools.Audited]
            public partial class Customer : Partner { public decimal CreditLimit { get; set; } }
            [ServerTools.Audited]
            public partial class Supplier : Partner { public string? Iban { get; set; } }
        }
        """);

    [Fact]
    public Task Fix_all_marks_three_derived_classes_of_a_file_without_usings() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public class Customer : Partner { public decimal CreditLimit { get; set; } }
        public class Supplier : Partner { public string? Iban { get; set; } }
        public class Carrier : Partner { public string? Scac { get; set; } }
        """,
        """
        using ServerTools;

        namespace Shop;

        [ServerTools.Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        [Audited]
        public partial class Customer : Partner { public decimal CreditLimit { get; set; } }
        [Audited]
        public partial class Supplier : Partner { public string? Iban { get; set; } }
        [Audited]
        public partial class Carrier : Partner { public string? Scac { get; set; } }
        """);

    [Fact]
    public async Task Fix_title_says_which_classes_it_makes_partial()
    {
        const string source = """
            using ServerTools;

            namespace Shop;

            [Audited] public partial class Vehicle { public int Id { get; set; } }

            public static class Fleet
            {
                public class Van : Vehicle { public int Seats { get; set; } }
                public partial class Truck : Vehicle { public int Axles { get; set; } }
            }

            public partial class Car : Vehicle { public int Doors { get; set; } }
            """;

        Assert.Equal(
            ["Mark 'Van' [Audited], make 'Fleet' and 'Van' partial", "Mark 'Truck' [Audited], make 'Fleet' partial", "Mark 'Car' [Audited]"],
            await CodeFixAssert.TitlesAsync(new DerivedClassPropertiesNotAuditedAnalyzer(), new AddAuditedCodeFixProvider(), source));
    }

    [Fact]
    public Task Fix_all_makes_the_containing_class_partial_once_for_two_nested_classes() => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new DerivedClassPropertiesNotAuditedAnalyzer(),
        new AddAuditedCodeFixProvider(),
        """
        using ServerTools;

        namespace Shop;

        [Audited] public partial class Vehicle { public int Id { get; set; } }

        public static class Fleet
        {
            public class Van : Vehicle { public int Seats { get; set; } }
            public class Truck : Vehicle { public int Axles { get; set; } }
        }
        """,
        """
        using ServerTools;

        namespace Shop;

        [Audited] public partial class Vehicle { public int Id { get; set; } }

        public static partial class Fleet
        {
            [Audited]
            public partial class Van : Vehicle { public int Seats { get; set; } }
            [Audited]
            public partial class Truck : Vehicle { public int Axles { get; set; } }
        }
        """);
}
