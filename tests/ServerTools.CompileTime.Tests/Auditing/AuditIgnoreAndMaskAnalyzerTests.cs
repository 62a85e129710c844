using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.Analyzers.CodeFixes.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class AuditIgnoreAndMaskAnalyzerTests
{
    private static string Message(string property)
        => $"'{property}' is both [AuditIgnore] and [AuditMask]: [AuditIgnore] wins and the property is not logged at all; "
           + "remove [AuditMask], or remove [AuditIgnore] to log its changes without the values";

    [Fact]
    public Task Both_attributes_are_reported_at_AuditMask_in_its_own_list_or_a_shared_one() => DiagnosticAssert.VerifyAsync(
        new AuditIgnoreAndMaskAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }

            [AuditIgnore]
            [[|AuditMask|]]
            public string? Iban { get; set; }

            [[|ServerTools.AuditMask|], AuditIgnore] public string? TaxNumber { get; set; }
        }
        """,
        [new("ST1003", Message("Iban"), 0), new("ST1003", Message("TaxNumber"), 1)]);

    [Fact]
    public Task One_attribute_alone_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new AuditIgnoreAndMaskAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            [AuditMask] public string? Iban { get; set; }
            [AuditIgnore] public string? PasswordHash { get; set; }
        }
        """,
        ["ST1003"]);

    [Theory]
    [InlineData(
        """
                /// <summary>The bank account.</summary>
                [AuditIgnore]
                [AuditMask]
                public string? Iban { get; set; }
        """,
        """
                /// <summary>The bank account.</summary>
                [AuditIgnore]
                public string? Iban { get; set; }
        """)]
    [InlineData(
        """
                /// <summary>The bank account.</summary>
                [AuditMask]
                [AuditIgnore]
                public string? Iban { get; set; }
        """,
        """
                /// <summary>The bank account.</summary>
                [AuditIgnore]
                public string? Iban { get; set; }
        """)]
    [InlineData(
        """
                // masked once, now left out
                [AuditMask]
                [AuditIgnore] public string? Iban { get; set; }
        """,
        """
                // masked once, now left out
                [AuditIgnore] public string? Iban { get; set; }
        """)]
    [InlineData("        [AuditIgnore, AuditMask] public string? Iban { get; set; }", "        [AuditIgnore] public string? Iban { get; set; }")]
    [InlineData("        [AuditMask, AuditIgnore] public string? Iban { get; set; }", "        [AuditIgnore] public string? Iban { get; set; }")]
    [InlineData("        [AuditIgnore] [AuditMask] public string? Iban { get; set; }", "        [AuditIgnore] public string? Iban { get; set; }")]
    [InlineData("        [AuditMask] [AuditIgnore] public string? Iban { get; set; }", "        [AuditIgnore] public string? Iban { get; set; }")]
    [InlineData(
        """
                [AuditIgnore] [AuditMask]
                public string? Iban { get; set; }
        """,
        """
                [AuditIgnore]
                public string? Iban { get; set; }
        """)]
    public Task Fix_removes_AuditMask_and_keeps_the_formatting(string property, string fixedProperty) => CodeFixAssert.VerifyAsync(
        new AuditIgnoreAndMaskAnalyzer(),
        new RemoveAuditMaskCodeFixProvider(),
        InClass(property),
        InClass(fixedProperty));

    private static string InClass(string property) => $$"""
        using ServerTools;

        namespace Shop
        {
            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }

        {{property}}
            }
        }
        """;
}
