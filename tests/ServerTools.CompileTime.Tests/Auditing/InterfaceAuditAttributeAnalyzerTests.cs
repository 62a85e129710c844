using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class InterfaceAuditAttributeAnalyzerTests
{
    private static string Message(string attribute, string property, string type)
        => $"[{attribute}] on '{property}' protects no value of '{type}', which has no property named '{property.Substring(property.IndexOf('.') + 1)}' "
           + $"that EF Core maps: mark the property of '{type}' that holds the value [{attribute}]";

    [Fact]
    public Task Interface_property_a_class_implements_over_a_property_of_another_name_is_reported_at_the_implementation() => DiagnosticAssert.VerifyAsync(
        new InterfaceAuditAttributeAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public interface IHasSecrets
        {
            [AuditMask] string? Iban { get; set; }
            [AuditIgnore] string? PasswordHash { get; }
            [AuditMask] string? Phone { get; set; }
        }

        [Audited]
        public partial class Account : IHasSecrets
        {
            public int Id { get; set; }
            public string? BankAccount { get; set; }
            public string? Hash { get; set; }
            string? IHasSecrets.[|Iban|] { get => BankAccount; set => BankAccount = value; }
            public string? [|PasswordHash|] => Hash;
            [NotMapped] public string? [|Phone|] { get; set; }
        }

        public class Person : IHasSecrets
        {
            public int Id { get; set; }
            public string? Iban { get; set; }
            public string? Code { get; set; }
            string? IHasSecrets.PasswordHash => Code;
            public string? Phone { get; set; }
        }

        [Tracked]
        public partial class [|Employee|] : Person
        {
            public string Name { get; set; } = "";
        }
        """,
        [
            new("ST1008", Message("AuditMask", "IHasSecrets.Iban", "Account"), 0),
            new("ST1008", Message("AuditIgnore", "IHasSecrets.PasswordHash", "Account"), 1),
            new("ST1008", Message("AuditMask", "IHasSecrets.Phone", "Account"), 2),
            new("ST1008", Message("AuditIgnore", "IHasSecrets.PasswordHash", "Employee"), 3),
        ]);

    [Fact]
    public Task Interface_property_implemented_by_a_mapped_property_of_its_name_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new InterfaceAuditAttributeAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public interface IHasSecrets
        {
            [AuditMask] string? Iban { get; set; }
            [AuditIgnore] string? PasswordHash { get; set; }
        }

        public interface INamed
        {
            string Name { get; }
        }

        [Audited]
        public partial class Account : IHasSecrets, INamed
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string? Iban { get; set; }
            public string? PasswordHash { get; set; }
        }

        [Audited]
        public partial class Wallet : IHasSecrets
        {
            public int Id { get; set; }
            public string? Iban { get; set; }
            public string? PasswordHash { get; set; }
            string? IHasSecrets.Iban { get => Iban; set => Iban = value; }
        }

        public class Person : IHasSecrets
        {
            public int Id { get; set; }
            public string? Secret { get; set; }
            string? IHasSecrets.Iban { get => Secret; set => Secret = value; }
            string? IHasSecrets.PasswordHash { get => Secret; set => Secret = value; }
        }
        """,
        ["ST1008"]);
}
