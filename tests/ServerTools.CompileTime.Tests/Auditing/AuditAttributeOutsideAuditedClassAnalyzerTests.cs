using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class AuditAttributeOutsideAuditedClassAnalyzerTests
{
    [Fact]
    public Task Attributes_on_a_class_that_is_not_audited_are_reported_at_each_attribute() => DiagnosticAssert.VerifyAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations;
        using ServerTools;

        namespace Shop;

        public class Partner
        {
            public int Id { get; set; }
            [[|AuditIgnore|]] public string? PasswordHash { get; set; }
            [Required, [|AuditMask|]] public string Iban { get; set; } = "";
            [[|ServerTools.AuditMaskAttribute|]]
            public string? TaxNumber { get; set; }
        }
        """,
        [
            new("ST1002", "[AuditIgnore] on 'PasswordHash' only keeps it from data rules: 'Partner' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Partner' [Audited] if its changes should be logged", 0),
            new("ST1002", "[AuditMask] on 'Iban' only keeps it from data rules: 'Partner' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Partner' [Audited] if its changes should be logged", 1),
            new("ST1002", "[AuditMask] on 'TaxNumber' only keeps it from data rules: 'Partner' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Partner' [Audited] if its changes should be logged", 2),
        ]);

    [Fact]
    public Task Value_objects_an_audited_class_logs_flattened_are_not_reported_and_entities_it_references_are() => DiagnosticAssert.VerifyAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public sealed class Geo
        {
            [AuditMask] public double Lat { get; set; }
        }

        public sealed class Address
        {
            [AuditIgnore] public string? Line2 { get; set; }
            public Geo? Geo { get; set; }
        }

        public sealed class Region
        {
            public int Id { get; set; }
            [[|AuditMask|]] public string? Code { get; set; }
        }

        public sealed class Unused
        {
            [[|AuditMask|]] public string? Code { get; set; }
        }

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public Address Address { get; set; } = new();
            public Region? Region { get; set; }
        }
        """,
        [
            new("ST1002", "[AuditMask] on 'Code' only keeps it from data rules: 'Region' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Region' [Audited] if its changes should be logged", 0),
            new("ST1002", "[AuditMask] on 'Code' only keeps it from data rules: 'Unused' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Unused' [Audited] if its changes should be logged", 1),
        ]);

    [Fact]
    public Task Value_object_deeper_than_the_generator_flattens_is_reported() => DiagnosticAssert.VerifyAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public sealed class Level1 { public Level2? Next { get; set; } }
        public sealed class Level2 { public Level3? Next { get; set; } }
        public sealed class Level3 { [AuditMask] public string? Code { get; set; } public Level4? Next { get; set; } }
        public sealed class Level4 { [[|AuditMask|]] public string? Code { get; set; } }

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public Level1 Level1 { get; set; } = new();
        }
        """,
        [new("ST1002", "[AuditMask] on 'Code' only keeps it from data rules: 'Level4' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Level4' [Audited] if its changes should be logged")]);

    [Fact]
    public Task Class_derived_from_an_audited_class_is_not_audited_itself() => DiagnosticAssert.VerifyAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public virtual string? TaxNumber { get; set; }
        }

        public class Company : Partner
        {
            [[|AuditMask|]] public string? VatNumber { get; set; }
            [[|AuditMask|]] public override string? TaxNumber { get; set; }
        }
        """,
        [
            new("ST1002", "[AuditMask] on 'VatNumber' only keeps it from data rules: 'Company' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Company' [Audited] if its changes should be logged", 0),
            new("ST1002", "[AuditMask] on 'TaxNumber' only keeps it from data rules: 'Company' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Company' [Audited] if its changes should be logged", 1),
        ]);

    [Fact]
    public Task Audited_class_and_abstract_base_class_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Entity
        {
            public int Id { get; set; }
            [AuditIgnore] public byte[]? RowVersion { get; set; }
        }

        [Audited]
        public partial class Partner : Entity
        {
            [AuditMask] public string? Iban { get; set; }
            [AuditIgnore] public string? PasswordHash { get; set; }
        }
        """,
        ["ST1002"]);

    [Fact]
    public Task Concrete_base_class_of_an_audited_class_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Party
        {
            public int Id { get; set; }
            [AuditMask] public string? TaxNumber { get; set; }
        }

        [Audited]
        public partial class Partner : Party
        {
            public string Name { get; set; } = "";
        }

        public class Record<TKey>
        {
            public TKey Key { get; set; } = default!;
            [AuditIgnore] public byte[]? RowVersion { get; set; }
        }

        public class Document : Record<int>
        {
            [AuditMask] public string? Title { get; set; }
        }

        [Audited]
        public partial class Invoice : Document
        {
            public decimal Total { get; set; }
        }
        """,
        ["ST1002"]);

    [Fact]
    public Task Tracked_classes_and_their_base_classes_are_not_reported_as_their_outbox_applies_the_attributes() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Tracked]
        public partial class Account
        {
            public int Id { get; set; }
            [AuditMask] public string? Iban { get; set; }
            [AuditIgnore] public string? PasswordHash { get; set; }
        }

        public class Party
        {
            public int Id { get; set; }
            [AuditMask] public string? TaxNumber { get; set; }
        }

        public partial class Supplier : Party
        {
            [Tracked] public string Name { get; set; } = "";
            [AuditMask] public string? Pin { get; set; }
        }
        """,
        ["ST1002"]);

    [Fact]
    public Task Structs_an_audited_class_logs_flattened_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public struct Fee { [AuditMask] public string? Account { get; set; } }
        public struct Money { [AuditMask] public decimal Amount { get; set; } }
        public struct Slot { [AuditIgnore] public int? Code { get; set; } }

        [Audited]
        public partial class Site
        {
            public int Id { get; set; }
            public Fee Fee { get; set; }
            public Money? Price { get; set; }
            public Slot? Slot { get; set; }
        }
        """,
        ["ST1002"]);

    [Fact]
    public Task Members_of_structs_a_tracked_or_audited_class_holds_as_one_value_are_not_reported_as_they_protect_the_whole_field() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using System.Collections.Generic;
        using ServerTools;

        namespace Shop;

        public readonly record struct BankDetails(string Bank, [property: AuditMask] string Iban);
        public readonly record struct Login(string Name, [property: AuditIgnore] string Secret);
        public readonly record struct Holder(string Name, Login Login);
        public readonly record struct Card([property: AuditMask] string Number);

        [Tracked]
        public partial class Payout
        {
            public int Id { get; set; }
            public BankDetails Details { get; set; }
            public Holder Holder { get; set; }
        }

        [Audited]
        public partial class Wallet
        {
            public int Id { get; set; }
            public List<Card> Cards { get; set; } = new();
        }
        """,
        ["ST1002"]);

    [Fact]
    public Task Unrelated_sealed_struct_and_base_of_unaudited_classes_are_still_reported() => DiagnosticAssert.VerifyAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
        }

        public class Product
        {
            public int Id { get; set; }
            [[|AuditMask|]] public string? Cost { get; set; }
        }

        public class Service : Product
        {
            public int Hours { get; set; }
        }

        public sealed class Warehouse
        {
            [[|AuditIgnore|]] public string? Code { get; set; }
        }

        public struct Money
        {
            [[|AuditMask|]] public decimal Amount { get; set; }
        }
        """,
        [
            new("ST1002", "[AuditMask] on 'Cost' only keeps it from data rules: 'Product' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Product' [Audited] if its changes should be logged", 0),
            new("ST1002", "[AuditIgnore] on 'Code' only keeps it from data rules: 'Warehouse' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Warehouse' [Audited] if its changes should be logged", 1),
            new("ST1002", "[AuditMask] on 'Amount' only keeps it from data rules: 'Money' is not [Audited] or tracked, so no audit trail or outbox logs it; mark 'Money' [Audited] if its changes should be logged", 2),
        ]);
}
