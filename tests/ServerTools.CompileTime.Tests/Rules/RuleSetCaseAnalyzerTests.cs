using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class RuleSetCaseAnalyzerTests
{
    /// <summary>An entity.</summary>
    private const string Invoice = """
        namespace Shop;

        public class Invoice
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }
        """;

    /// <summary>An entity and a code rule in the set "post".</summary>
    private const string Rules = """
        using ServerTools;

        namespace Shop;

        public class Invoice
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }

        [ExceptionRule("invoice.discount_limit", Severity = RuleSeverity.Blocking, Message = "Discount above 20%", RuleSets = ["post"])]
        public sealed class DiscountLimit : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Discount > 0.20m;
        }
        """;

    private static string Message(string set, string rule, string others, string owners)
        => $"Rule set '{set}' of '{rule}' differs only in case from {others}, a rule set of {owners}: rule sets are compared as written "
           + $"(case-sensitive), so Evaluate(entity, \"{set}\") checks only the rules that write '{set}': spell the set the same way in every rule";

    [Fact]
    public Task Each_set_that_differs_only_in_case_from_another_rules_set_is_reported_at_its_entry() => DiagnosticAssert.VerifyAsync(
        new RuleSetCaseAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Actions
        {
            public const string Ship = "Ship";
        }

        [ExceptionRule("invoice.discount_limit", Severity = RuleSeverity.Blocking, Message = "Discount above 20%", RuleSets = [[|"post"|]])]
        public sealed class DiscountLimit : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Discount > 0.20m;
        }

        [ExceptionRule("invoice.credit_limit", RuleSets = new[] { "draft", [|"Post"|] })]
        public sealed class CreditLimit : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }

        [ExceptionRule("invoice.ship", RuleSets = [[|"ship"|], [|Actions.Ship|]])]
        public sealed class Shipping : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 1;
        }
        """,
        [
            new("ST5011", Message("post", "DiscountLimit", "'Post'", "'Shop.CreditLimit'"), 0),
            new("ST5011", Message("Post", "CreditLimit", "'post'", "'Shop.DiscountLimit'"), 1),
            new("ST5011", Message("ship", "Shipping", "'Ship'", "'Shop.Shipping'"), 2),
            new("ST5011", Message("Ship", "Shipping", "'ship'", "'Shop.Shipping'"), 3),
        ],
        Invoice);

    [Fact]
    public Task Every_rule_of_the_clash_is_reported_naming_every_other_spelling_and_its_rules() => DiagnosticAssert.VerifyAsync(
        new RuleSetCaseAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Invoice
        {
            public int Id { get; set; }
        }

        [ExceptionRule("invoice.discount_limit", RuleSets = [[|"post"|]])]
        public sealed class DiscountLimit : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id > 1;
        }

        [ExceptionRule("invoice.credit_limit", RuleSets = [[|"Post"|]])]
        public sealed class CreditLimit : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }

        [ExceptionRule("invoice.export", RuleSets = [[|"POST"|]])]
        public sealed class Export : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }
        """,
        [
            new("ST5011", Message("post", "DiscountLimit", "'POST' and 'Post'", "'Shop.CreditLimit', 'Shop.Export'"), 0),
            new("ST5011", Message("Post", "CreditLimit", "'POST' and 'post'", "'Shop.DiscountLimit', 'Shop.Export'"), 1),
            new("ST5011", Message("POST", "Export", "'Post' and 'post'", "'Shop.CreditLimit', 'Shop.DiscountLimit'"), 2),
        ]);

    [Fact]
    public Task Sets_written_alike_or_differing_by_more_than_case_and_rules_without_sets_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleSetCaseAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Actions
        {
            public const string Post = "post";
        }

        [ExceptionRule("invoice.credit_limit", RuleSets = ["post", "posted", " Post", ""])]
        public sealed class CreditLimit : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }

        [ExceptionRule("invoice.export", RuleSets = new[] { Actions.Post, "export" })]
        public sealed class Export : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }

        [ExceptionRule("invoice.any")]
        public sealed class Any : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }

        // Not a rule: its attribute is not [ExceptionRule].
        [System.ComponentModel.Category("Post")]
        public sealed class Other
        {
        }
        """,
        ["ST5011"],
        Rules);

    [Fact]
    public Task A_set_of_a_rule_the_registry_refuses_is_no_other_spelling() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleSetCaseAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        // ST5006 (a padded tag) and ST5008 (no such severity): the registry skips both, so only the set "post" is written.
        [ExceptionRule("invoice.refused", RuleSets = ["Post"], Tags = ["billing "])]
        public sealed class Refused : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }

        [ExceptionRule("invoice.severity", Severity = (RuleSeverity)7, RuleSets = ["POST"])]
        public sealed class NoSeverity : IExceptionRule<Invoice>
        {
            public bool Applies(Invoice invoice) => invoice.Id == 0;
        }
        """,
        ["ST5011"],
        Rules);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_set_of_a_referenced_assemblys_rule_is_compared_and_reported_at_the_projects_own_rule(bool emitted)
    {
        var domain = ReferencedRulesTests.Built(CSharpCompilation.Create("Shop.Domain", [TestCompilation.Parse(Rules, "Rules.cs")], TestCompilation.References, TestCompilation.Options));
        var reference = TestCompilation.Reference(domain, emitted);

        var marked = MarkedSource.Parse("""
            using ServerTools;

            namespace Shop.App;

            [ExceptionRule("app.credit_limit", RuleSets = [[|"Post"|], "draft"])]
            public sealed class CreditLimit : IExceptionRule<Shop.Invoice>
            {
                public bool Applies(Shop.Invoice invoice) => invoice.Id == 0;
            }
            """);
        var app = TestCompilation.Create(marked.Text).AddReferences(reference);
        Assert.Empty(app.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await app.WithAnalyzers([new RuleSetCaseAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        DiagnosticAssert.Compare(
            marked,
            [new("ST5011", Message("Post", "CreditLimit", "'post'", "'Shop.DiscountLimit' (in Shop.Domain)"))],
            diagnostics);
    }
}
