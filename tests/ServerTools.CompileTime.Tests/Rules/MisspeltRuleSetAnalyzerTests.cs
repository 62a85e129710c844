using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.CodeFixes.Rules;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class MisspeltRuleSetAnalyzerTests
{
    /// <summary>An entity and code rules in the sets "confirm", "invoice" and "credit_review".</summary>
    private const string Rules = """
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "A discount above 30% needs approval", RuleSets = ["confirm"])]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.discount_review", RuleSets = new[] { "invoice", "credit_review" })]
        public sealed class DiscountReview : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.20m;
        }
        """;

    private static string Message(string ruleSet, string method, string meant)
        => $"{method} is given the rule set '{ruleSet}', which no code rule uses, so the rules of the set meant do not run (rule sets "
           + $"are compared as written, case-sensitive): did you mean {meant}?";

    [Fact]
    public async Task The_misspelt_set_is_reported_when_only_the_file_with_the_call_is_analysed_as_the_IDE_does_while_typing()
    {
        const string checkout = """
            using ServerTools;

            namespace Shop;

            public class Checkout(IExceptionRuleEngine engine)
            {
                public void Confirm(SaleOrder order) => engine.Enforce(order, "Confrim");
            }
            """;
        var compilation = TestCompilation.Create(checkout, Rules);
        var tree = compilation.SyntaxTrees.First();
        var analysis = compilation.WithAnalyzers([new MisspeltRuleSetAnalyzer()]);

        // The semantic diagnostics of one file, without the compilation-end actions an IDE runs only with full solution analysis.
        var diagnostics = await analysis.GetAnalyzerSemanticDiagnosticsAsync(compilation.GetSemanticModel(tree), filterSpan: null, default);

        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal("ST5010", diagnostic.Id);
        Assert.Equal("\"Confrim\"", tree.GetText().ToString(diagnostic.Location.SourceSpan));
    }

    [Fact]
    public Task A_rule_set_a_typo_or_a_case_away_from_a_code_rules_set_is_reported_at_the_argument() => DiagnosticAssert.VerifyAsync(
        new MisspeltRuleSetAnalyzer(),
        """
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        public static class Actions
        {
            public const string Invoice = "Invoice";
        }

        public class Checkout(IExceptionRuleEngine engine, DbContext db)
        {
            public async Task ConfirmAsync(SaleOrder order)
            {
                engine.Enforce(order, [|"Confrim"|]);
                engine.Evaluate(order, [|"Confirm"|]);
                engine.Enforce<SaleOrder>(ruleSet: [|"confim"|], entity: order);
                engine.RulesFor(typeof(SaleOrder), [|Actions.Invoice|]);
                await db.CheckRulesAsync(engine, order, [|"credti_reveiw"|]);
                await db.IgnoreRuleWarningsAsync(engine, order, [|"invoce"|]);
                _ = db.EntitiesViolatingRuleSet<SaleOrder>([|"CONFIRM"|]);
                _ = engine.RulesFor(typeof(SaleOrder)).Any(rule => rule.IsIn([|" confirm"|]));
                _ = await db.EvaluateRulesAsync(engine, order, [|"Confrim"|]);
            }
        }
        """,
        [
            new("ST5010", Message("Confrim", "Enforce", "'confirm'"), 0),
            new("ST5010", Message("Confirm", "Evaluate", "'confirm'"), 1),
            new("ST5010", Message("confim", "Enforce", "'confirm'"), 2),
            new("ST5010", Message("Invoice", "RulesFor", "'invoice'"), 3),
            new("ST5010", Message("credti_reveiw", "CheckRulesAsync", "'credit_review'"), 4),
            new("ST5010", Message("invoce", "IgnoreRuleWarningsAsync", "'invoice'"), 5),
            new("ST5010", Message("CONFIRM", "EntitiesViolatingRuleSet", "'confirm'"), 6),
            new("ST5010", Message(" confirm", "IsIn", "'confirm'"), 7),
            new("ST5010", Message("Confrim", "EvaluateRulesAsync", "'confirm'"), 8),
        ],
        Rules);

    [Fact]
    public Task A_set_only_a_rule_the_registry_refuses_writes_is_reported_as_no_rule_uses_it() => DiagnosticAssert.VerifyAsync(
        new MisspeltRuleSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        // ST5006 (a padded tag): the registry skips the rule, so no rule is in the set "confrim" at run time.
        [ExceptionRule("sale.refused", RuleSets = ["confrim"], Tags = [" sale"])]
        public sealed class Refused : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        public class Checkout(IExceptionRuleEngine engine)
        {
            public void Confirm(SaleOrder order) => engine.Enforce(order, [|"confrim"|]);
        }
        """,
        [new("ST5010", Message("confrim", "Enforce", "'confirm'"), 0)],
        Rules);

    [Fact]
    public Task Rule_sets_of_code_rules_and_names_close_to_none_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new MisspeltRuleSetAnalyzer(),
        """
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        public class Checkout(IExceptionRuleEngine engine, DbContext db)
        {
            public async Task ConfirmAsync(SaleOrder order, string action)
            {
                engine.Enforce(order, "confirm");
                engine.Evaluate(order, "invoice");
                engine.Evaluate(order);
                engine.Evaluate(order, null);
                engine.Enforce(order, action);
                await db.CheckRulesAsync(engine, order, "credit_review");

                // Sets that only data rules may define: no code rule's set is close.
                engine.Enforce(order, "archive");
                engine.Enforce(order, "ship");
                engine.Enforce(order, "confirmation_by_manager");
                engine.Enforce(order, "confirmed_twice");
            }

            // Another method named like the engine's, with a parameter named like its.
            public static void Evaluate(SaleOrder order, string ruleSet)
            {
            }

            public void Elsewhere(SaleOrder order) => Evaluate(order, "Confirm");
        }
        """,
        ["ST5010"],
        Rules);

    [Fact]
    public Task A_project_without_code_rules_reports_nothing() => DiagnosticAssert.VerifyNotReportedAsync(
        new MisspeltRuleSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public int Id { get; set; }
        }

        public class Checkout(IExceptionRuleEngine engine)
        {
            public void Confirm(SaleOrder order) => engine.Enforce(order, "Confrim");
        }
        """,
        ["ST5010"]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_rule_sets_of_a_referenced_assembly_count_as_the_compilations_own(bool emitted)
    {
        var domain = ReferencedRulesTests.Built(CSharpCompilation.Create("Shop.Domain", [TestCompilation.Parse(Rules, "Rules.cs")], TestCompilation.References, TestCompilation.Options));
        var reference = TestCompilation.Reference(domain, emitted);

        var marked = MarkedSource.Parse("""
            using ServerTools;

            namespace Shop.Web;

            public class Checkout(IExceptionRuleEngine engine)
            {
                public void Confirm(Shop.SaleOrder order)
                {
                    engine.Enforce(order, "confirm");
                    engine.Enforce(order, "credit_review");
                    engine.Enforce(order, [|"Confirm"|]);
                }
            }
            """);
        var web = TestCompilation.Create(marked.Text).AddReferences(reference);
        Assert.Empty(web.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));

        var diagnostics = await web.WithAnalyzers([new MisspeltRuleSetAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        DiagnosticAssert.Compare(marked, [new("ST5010", Message("Confirm", "Enforce", "'confirm'"))], diagnostics);
    }

    [Fact]
    public Task A_name_as_close_to_two_sets_names_both() => DiagnosticAssert.VerifyAsync(
        new MisspeltRuleSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.pack", RuleSets = ["pack", "park"])]
        public sealed class Packing : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        public class Warehouse(IExceptionRuleEngine engine)
        {
            public void Ship(SaleOrder order) => engine.Enforce(order, [|"pank"|]);
        }
        """,
        [new("ST5010", Message("pank", "Enforce", "'pack' or 'park'"))],
        Rules);

    [Fact]
    public Task A_set_that_one_rule_misspells_is_not_suggested_but_sets_of_one_rule_each_are() => DiagnosticAssert.VerifyAsync(
        new MisspeltRuleSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.confirm", RuleSets = ["confirm"])]
        public sealed class Confirmation : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 0;
        }

        // ST5013: a typo of the set two rules write, so no call is pointed to it.
        [ExceptionRule("sale.confirm_typo", RuleSets = ["confrim"])]
        public sealed class ConfirmationTypo : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 1;
        }

        // One rule each: which one is misspelt cannot be told, so both are suggested.
        [ExceptionRule("sale.ship", RuleSets = ["shipping"])]
        public sealed class Shipping : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 2;
        }

        [ExceptionRule("sale.ship_typo", RuleSets = ["shiping"])]
        public sealed class ShippingTypo : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Id == 3;
        }

        public class Checkout(IExceptionRuleEngine engine)
        {
            public void Confirm(SaleOrder order) => engine.Enforce(order, [|"confim"|]);

            public void ConfirmCased(SaleOrder order) => engine.Enforce(order, [|"Confrim"|]);

            public void Ship(SaleOrder order) => engine.Enforce(order, [|"shiiping"|]);
        }
        """,
        [
            new("ST5010", Message("confim", "Enforce", "'confirm'"), 0),
            new("ST5010", Message("Confrim", "Enforce", "'confirm'"), 1),
            new("ST5010", Message("shiiping", "Enforce", "'shiping' or 'shipping'"), 2),
        ],
        Rules);

    [Fact]
    public Task Fix_writes_the_rule_set_meant() => CodeFixAssert.VerifyAsync(
        new MisspeltRuleSetAnalyzer(),
        new UseMeantRuleSetCodeFixProvider(),
        Checkout("engine.Enforce(order, \"Confrim\");", "engine.Evaluate(order, ruleSet: @\"Invoice\");"),
        Checkout("engine.Enforce(order, \"confirm\");", "engine.Evaluate(order, ruleSet: \"invoice\");"));

    [Fact]
    public Task Fix_is_not_offered_for_a_constant_or_a_name_two_sets_are_as_close_to() => CodeFixAssert.VerifyNotOfferedAsync(
        new MisspeltRuleSetAnalyzer(),
        new UseMeantRuleSetCodeFixProvider(),
        Checkout("engine.Enforce(order, Actions.Confirm);", "engine.Enforce(order, \"pank\");"));

    /// <summary>One file with the rules, a class of constants and a method that runs <paramref name="statements"/>.</summary>
    private static string Checkout(params string[] statements) => $$"""
        {{Rules}}

        [ExceptionRule("sale.pack", RuleSets = ["pack", "park"])]
        public sealed class Packing : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.50m;
        }

        public static class Actions
        {
            public const string Confirm = "Confirm";
        }

        public class Checkout(IExceptionRuleEngine engine)
        {
            public void Confirm(SaleOrder order)
            {
                {{string.Join("\n        ", statements)}}
            }
        }
        """;
}
