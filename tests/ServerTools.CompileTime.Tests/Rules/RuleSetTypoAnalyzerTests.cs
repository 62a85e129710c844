using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.CodeFixes.Rules;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class RuleSetTypoAnalyzerTests
{
    /// <summary>An entity.</summary>
    private const string SaleOrder = """
        namespace Shop;

        public class SaleOrder
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }
        """;

    /// <summary>The entity and two code rules in the sets "confirm" and "credit_review".</summary>
    private const string Rules = """
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "A discount above 30% needs approval", RuleSets = ["confirm", "credit_review"])]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.discount_review", RuleSets = new[] { "confirm", "credit_review" })]
        public sealed class DiscountReview : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.20m;
        }
        """;

    /// <summary>Rule A in the set <paramref name="one"/>, rules B and C in the set <paramref name="other"/>.</summary>
    private static string OneRuleAndTwo(string one, string other) => $$"""
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.a", RuleSets = ["{{one}}"])]
        public sealed class A : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        [ExceptionRule("sale.b", RuleSets = ["{{other}}"])]
        public sealed class B : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 1;
        }

        [ExceptionRule("sale.c", RuleSets = ["{{other}}"])]
        public sealed class C : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 2;
        }
        """;

    private static string Message(string set, string rule, string near, string owners)
        => $"Rule set '{set}' of '{rule}' is written by no other code rule and is a typo away from {near}, a rule set of {owners}: rule "
           + $"sets are compared as written, so if '{set}' is misspelt, '{rule}' is skipped where {near} is checked: write the set "
           + $"as the other rules do, or suppress this warning where '{set}' is meant";

    [Fact]
    public Task A_set_one_rule_writes_a_typo_away_from_the_set_of_other_rules_is_reported_at_its_entry() => DiagnosticAssert.VerifyAsync(
        new RuleSetTypoAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Actions
        {
            public const string Review = "credti_reveiw";
        }

        [ExceptionRule("sale.credit_limit", Severity = RuleSeverity.Blocking, Message = "Over the credit limit", RuleSets = ["draft", [|"confrim"|]])]
        public sealed class CreditLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        [ExceptionRule("sale.margin", RuleSets = [[|"Confirn"|], [|Actions.Review|]])]
        public sealed class Margin : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.50m;
        }
        """,
        [
            new("ST5013", Message("confrim", "CreditLimit", "'confirm'", "'Shop.DiscountLimit', 'Shop.DiscountReview'"), 0),
            new("ST5013", Message("Confirn", "Margin", "'confirm'", "'Shop.DiscountLimit', 'Shop.DiscountReview'"), 1),
            new("ST5013", Message("credti_reveiw", "Margin", "'credit_review'", "'Shop.DiscountLimit', 'Shop.DiscountReview'"), 2),
        ],
        Rules);

    [Fact]
    public Task Two_sets_a_typo_apart_that_one_rule_each_writes_are_both_reported_and_a_refused_rule_is_neither() => DiagnosticAssert.VerifyAsync(
        new RuleSetTypoAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("a", RuleSets = [[|"confirm"|]])]
        public sealed class A : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        [ExceptionRule("b", RuleSets = [[|"confrim"|]])]
        public sealed class B : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 1;
        }

        // ST5006: padded, so the registry skips the rule: ' confirm' is no set at run time, and no third peer of the two.
        [ExceptionRule("c", RuleSets = [" confirm"])]
        public sealed class C : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 2;
        }
        """,
        [
            new("ST5013", Message("confirm", "A", "'confrim'", "'Shop.B'"), 0),
            new("ST5013", Message("confrim", "B", "'confirm'", "'Shop.A'"), 1),
        ],
        SaleOrder);

    [Fact]
    public Task Sets_of_rules_the_registry_refuses_are_no_peers_of_a_set() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleSetTypoAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("a", RuleSets = ["confirm"])]
        public sealed class A : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        // ST5006 (padded set), ST5006 (padded tag) and ST5008 (no such severity): none of them is registered.
        [ExceptionRule("b", RuleSets = [" confirm"])]
        public sealed class B : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 1;
        }

        [ExceptionRule("c", RuleSets = ["confrim"], Tags = ["sale "])]
        public sealed class C : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 2;
        }

        [ExceptionRule("d", Severity = (RuleSeverity)5, RuleSets = ["confirn"])]
        public sealed class D : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 3;
        }
        """,
        ["ST5013"],
        SaleOrder);

    [Fact]
    public Task Sets_several_rules_write_sets_of_one_rule_alone_and_case_differences_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleSetTypoAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.a", RuleSets = ["sale", "post"])]
        public sealed class A : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        [ExceptionRule("sale.b", RuleSets = ["sale", "sales"])]
        public sealed class B : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 1;
        }

        [ExceptionRule("sale.c", RuleSets = ["sales", "Post", "ship", "shipped", "approve", "approval"])]
        public sealed class C : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 2;
        }

        [ExceptionRule("sale.d", RuleSets = ["archive", "archives", "  "])]
        public sealed class D : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 3;
        }

        [ExceptionRule("sale.any")]
        public sealed class Any : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 4;
        }
        """,
        ["ST5013"],
        SaleOrder);

    [Theory]
    [InlineData("confir", "confirm")]
    [InlineData("confirmm", "confirm")]
    [InlineData("cancell", "cancel")]
    [InlineData("confirm_", "confirm")]
    [InlineData("credit_reveiw", "credit_review")]
    [InlineData("sale.cnofirm", "sale.confirm")]
    [InlineData("stgae1", "stage1")]
    [InlineData("approvedd", "approved")]
    [InlineData("orderss", "orders")]
    [InlineData("reviewd", "reviewed")]
    [InlineData("cancelld", "cancelled")]
    [InlineData("region_ue", "region_eu")]
    [InlineData("region_euu", "region_eu")]
    [InlineData("currency_uds", "currency_usd")]
    [InlineData("tier.ba", "tier.ab")]
    [InlineData("lang-us", "lang-su")]
    public async Task Typos_at_the_end_or_in_the_last_part_of_a_name_are_reported(string typo, string meant)
    {
        var diagnostics = await DiagnosticAssert.AnalyzeAsync(
            new RuleSetTypoAnalyzer(),
            OneRuleAndTwo(typo, meant),
            SaleOrder);

        var reported = Assert.Single(diagnostics);
        Assert.Equal("ST5013", reported.Id);
        Assert.StartsWith($"Rule set '{typo}' of 'A' is written by no other code rule and is a typo away from '{meant}'", reported.GetMessage(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("stage1", "stage2")]
    [InlineData("region_eu", "region_us")]
    [InlineData("create", "created")]
    [InlineData("draft", "drafts")]
    [InlineData("approved", "approve")]
    [InlineData("approver", "approve")]
    [InlineData("draft2", "draft")]
    [InlineData("region_north", "region_south")]
    [InlineData("confirms", "confirmed")]
    [InlineData("closed", "closer")]
    [InlineData("sale.confirms", "sale.confirmed")]
    [InlineData("process", "processes")]
    [InlineData("region_us", "region_uk")]
    [InlineData("region_de", "region_dk")]
    [InlineData("tier_a", "tier_b")]
    [InlineData("v1", "v2")]
    [InlineData("api_v1", "api_v2")]
    [InlineData("size_s", "size_xs")]
    [InlineData("size_xl", "size_xxl")]
    [InlineData("rating_a", "rating_aa")]
    [InlineData("rating_bb", "rating_bbb")]
    [InlineData("currency_usd", "currency_usn")]
    public Task Sets_that_differ_as_names_of_different_sets_do_are_not_reported(string one, string other) => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleSetTypoAnalyzer(),
        OneRuleAndTwo(one, other),
        ["ST5013"],
        SaleOrder);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_sets_of_a_referenced_assemblys_rules_are_compared_and_reported_at_the_projects_own_rule(bool emitted)
    {
        var domain = ReferencedRulesTests.Built(CSharpCompilation.Create("Shop.Domain", [TestCompilation.Parse(Rules, "Rules.cs")], TestCompilation.References, TestCompilation.Options));
        var reference = TestCompilation.Reference(domain, emitted);

        var marked = MarkedSource.Parse("""
            using ServerTools;

            namespace Shop.App;

            [ExceptionRule("app.credit_limit", RuleSets = [[|"confrim"|], "draft"])]
            public sealed class CreditLimit : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Id == 0;
            }
            """);
        var app = TestCompilation.Create(marked.Text).AddReferences(reference);
        Assert.Empty(app.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await app.WithAnalyzers([new RuleSetTypoAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        DiagnosticAssert.Compare(
            marked,
            [new("ST5013", Message("confrim", "CreditLimit", "'confirm'", "'Shop.DiscountLimit' (in Shop.Domain), 'Shop.DiscountReview' (in Shop.Domain)"))],
            diagnostics);
    }

    [Fact]
    public Task A_set_near_the_set_of_many_rules_names_the_first_three_and_counts_the_others() => DiagnosticAssert.VerifyAsync(
        new RuleSetTypoAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("a", RuleSets = ["ship"])]
        public sealed class A : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Id == 0; }

        [ExceptionRule("b", RuleSets = ["ship"])]
        public sealed class B : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Id == 1; }

        [ExceptionRule("c", RuleSets = ["ship"])]
        public sealed class C : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Id == 2; }

        [ExceptionRule("d", RuleSets = ["ship"])]
        public sealed class D : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Id == 3; }

        [ExceptionRule("e", RuleSets = ["ship"])]
        public sealed class E : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Id == 4; }

        [ExceptionRule("f", RuleSets = [[|"shp"|]])]
        public sealed class F : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Id == 5; }
        """,
        [new("ST5013", Message("shp", "F", "'ship'", "'Shop.A', 'Shop.B', 'Shop.C' and 2 other rules"))],
        SaleOrder);

    [Fact]
    public Task Fix_writes_the_set_the_other_rules_write() => CodeFixAssert.VerifyAsync(
        new RuleSetTypoAnalyzer(),
        new UseOtherRulesSetCodeFixProvider(),
        Rules + Rule("RuleSets = [\"draft\", \"confrim\"]"),
        Rules + Rule("RuleSets = [\"draft\", \"confirm\"]"));

    [Fact]
    public Task Fix_is_not_offered_for_a_constant_or_for_sets_of_one_rule_each() => CodeFixAssert.VerifyNotOfferedAsync(
        new RuleSetTypoAnalyzer(),
        new UseOtherRulesSetCodeFixProvider(),
        Rules + Rule("RuleSets = [Actions.Confirm, \"shipping\"]") + """

            [ExceptionRule("sale.ship", RuleSets = ["shiping"])]
            public sealed class Ship : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Id == 2;
            }

            public static class Actions
            {
                public const string Confirm = "confrim";
            }
            """);

    /// <summary>A third rule, in the sets <paramref name="sets"/> (a <c>RuleSets = ...</c> argument).</summary>
    private static string Rule(string sets) => $$"""


        [ExceptionRule("sale.credit_limit", {{sets}})]
        public sealed class CreditLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 1;
        }
        """;
}
