using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

/// <summary>ST1007, reported by the analyzer of ST1002 in the same pass over the attributes.</summary>
public sealed class MaskedKeyWrittenInClearAnalyzerTests
{
    private static string Message(string attribute, string property, string type)
        => $"'{property}' is the key of '{type}': [{attribute}] keeps its value out of the lines, but the key is written in clear as the "
           + $"EntityKey of every audit log and outbox message of '{type}' (and of its stored rule violations); key '{type}' by a "
           + $"value that is not personal data (a generated 'Id') and keep '{property}' an ordinary [AuditMask] property with a unique index";

    [Fact]
    public Task Mask_or_ignore_on_a_key_of_an_audited_tracked_or_base_class_is_reported_at_the_attribute() => DiagnosticAssert.VerifyAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Citizen
        {
            [Key, [|AuditMask|]] public string NationalId { get; set; } = "";
            public string Name { get; set; } = "";
        }

        [Audited]
        public partial class Subscriber
        {
            [[|AuditMask|]] public string Id { get; set; } = "";
        }

        [Audited]
        public partial class Member
        {
            [[|AuditIgnore|]] public string MemberId { get; set; } = "";
        }

        [Audited]
        [PrimaryKey(nameof(Country), nameof(Number))]
        public partial class Passport
        {
            public string Country { get; set; } = "";
            [[|AuditMask|]] public string Number { get; set; } = "";
        }

        public abstract class Person
        {
            [Key, [|AuditMask|]] public string Email { get; set; } = "";
        }

        [Audited]
        public partial class Employee : Person
        {
            public string Name { get; set; } = "";
        }

        [Tracked]
        public partial class Patient
        {
            [Key, [|AuditMask|]] public string InsuranceNumber { get; set; } = "";
        }
        """,
        [
            new("ST1007", Message("AuditMask", "NationalId", "Citizen"), 0),
            new("ST1007", Message("AuditMask", "Id", "Subscriber"), 1),
            new("ST1007", Message("AuditIgnore", "MemberId", "Member"), 2),
            new("ST1007", Message("AuditMask", "Number", "Passport"), 3),
            new("ST1007", Message("AuditMask", "Email", "Person"), 4),
            new("ST1007", Message("AuditMask", "InsuranceNumber", "Patient"), 5),
        ]);

    [Fact]
    public Task Masks_on_properties_that_are_not_the_key_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditAttributeOutsideAuditedClassAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Citizen
        {
            public int Id { get; set; }
            [AuditMask] public string NationalId { get; set; } = "";
            [AuditMask] public int? PartnerId { get; set; }
        }

        [Audited]
        public partial class Subscriber
        {
            [Key] public int Number { get; set; }
            [AuditMask] public string Id { get; set; } = "";
        }

        [Audited]
        [PrimaryKey(nameof(Country), nameof(Number))]
        public partial class Passport
        {
            public string Country { get; set; } = "";
            public string Number { get; set; } = "";
            [AuditMask] public string Id { get; set; } = "";
        }

        [Tracked]
        public partial class Patient
        {
            public int Id { get; set; }
            [AuditMask] public string InsuranceNumber { get; set; } = "";
        }
        """,
        ["ST1007", "ST1002"]);
}
