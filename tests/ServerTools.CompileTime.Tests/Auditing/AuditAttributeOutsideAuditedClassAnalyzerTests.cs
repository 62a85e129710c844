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
            new("ST1002", "[AuditIgnore] on 'PasswordHash' has no effect: 'Partner' is not [Audited]; mark 'Partner' [Audited] or remove [AuditIgnore]", 0),
            new("ST1002", "[AuditMask] on 'Iban' has no effect: 'Partner' is not [Audited]; mark 'Partner' [Audited] or remove [AuditMask]", 1),
            new("ST1002", "[AuditMask] on 'TaxNumber' has no effect: 'Partner' is not [Audited]; mark 'Partner' [Audited] or remove [AuditMask]", 2),
        ]);

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
        }

        public class Company : Partner
        {
            [[|AuditMask|]] public string? VatNumber { get; set; }
        }
        """,
        [new("ST1002", "[AuditMask] on 'VatNumber' has no effect: 'Company' is not [Audited]; mark 'Company' [Audited] or remove [AuditMask]")]);

    [Fact]
    public Task Audited_class_and_abstract_base_class_are_not_reported() => DiagnosticAssert.VerifyAsync(
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
        []);
}
