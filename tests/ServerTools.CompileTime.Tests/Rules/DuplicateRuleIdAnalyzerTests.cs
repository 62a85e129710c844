using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class DuplicateRuleIdAnalyzerTests
{
    private const string Orders = """
        namespace Shop;

        public class SaleOrder
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }
        """;

    private static string Message(string id, string rule, string others)
        => $"Rule id '{id}' of '{rule}' is also the id of {others}: give each rule its own id";

    [Fact]
    public Task Each_rule_of_a_clash_is_reported_at_its_id_naming_the_others() => DiagnosticAssert.VerifyAsync(
        new DuplicateRuleIdAnalyzer(),
        """
        using ServerTools;

        namespace Shop.Pricing
        {
            public static class Ids
            {
                public const string Limit = "sale.discount_limit";
            }

            [ExceptionRule([|"sale.discount_limit"|])]
            public sealed class DiscountLimit : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Discount > 0.30m;
            }

            [ExceptionRule(id: [|Ids.Limit|], Severity = RuleSeverity.Blocking, Message = "Too much")]
            public sealed class DiscountCap : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Discount > 0.50m;
            }
        }

        namespace Shop.Sales
        {
            [ExceptionRule([|"sale.discount_limit"|])]
            public sealed class DiscountLimit : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Discount > 0.40m;
            }

            [ExceptionRule([|"sale.empty"|])]
            public sealed class Empty : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Id == 0;
            }

            [ExceptionRule([|"sale.empty"|])]
            public abstract class EmptyBase
            {
            }
        }
        """,
        [
            new("ST5001", Message("sale.discount_limit", "DiscountLimit", "'Shop.Pricing.DiscountCap', 'Shop.Sales.DiscountLimit'"), 0),
            new("ST5001", Message("sale.discount_limit", "DiscountCap", "'Shop.Pricing.DiscountLimit', 'Shop.Sales.DiscountLimit'"), 1),
            new("ST5001", Message("sale.discount_limit", "DiscountLimit", "'Shop.Pricing.DiscountCap', 'Shop.Pricing.DiscountLimit'"), 2),
            new("ST5001", Message("sale.empty", "Empty", "'Shop.Sales.EmptyBase'"), 3),
            new("ST5001", Message("sale.empty", "EmptyBase", "'Shop.Sales.Empty'"), 4),
        ],
        Orders);

    [Fact]
    public Task Ids_that_differ_in_case_or_only_by_blanks_and_a_partial_class_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new DuplicateRuleIdAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.discount_limit")]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("Sale.Discount_Limit")]
        public sealed class DiscountCap : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.50m;
        }

        [ExceptionRule("sale.big")]
        public sealed partial class Big : IExceptionRule<SaleOrder>
        {
        }

        public sealed partial class Big
        {
            public bool Applies(SaleOrder order) => order.Id > 1000;
        }

        [ExceptionRule("")] public sealed class Blank1 : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        [ExceptionRule("")] public sealed class Blank2 : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        ["ST5001"],
        Orders);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_id_of_a_referenced_assemblys_rule_is_reported_at_the_projects_own_rule(bool emitted)
    {
        var app = Referencing(emitted, """
            using ServerTools;

            namespace Shop.App;

            [ExceptionRule([|"sale.discount_limit"|], Severity = RuleSeverity.Warning, Message = "Discount is high")]
            public sealed class AppDiscount : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.20m;
            }

            [ExceptionRule([|"sale.discount_cap"|])]
            public sealed class AppCap : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.60m;
            }

            [ExceptionRule("Sale.Discount_Limit")]
            public sealed class AppLimit : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.70m;
            }
            """, out var marked);

        var diagnostics = await app.WithAnalyzers([new DuplicateRuleIdAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        DiagnosticAssert.Compare(
            marked,
            [
                new("ST5001", Message("sale.discount_limit", "AppDiscount", "'Shop.Domain.DiscountLimit' (in Shop.Domain)"), 0),
                new("ST5001", Message("sale.discount_cap", "AppCap", "'Shop.Domain.DiscountCap' (in Shop.Domain)"), 1),
            ],
            diagnostics);
    }

    [Fact]
    public async Task A_project_whose_ids_differ_from_those_of_a_referenced_assembly_reports_nothing()
    {
        var app = Referencing(emitted: true, """
            using ServerTools;

            namespace Shop.App;

            [ExceptionRule("app.discount_limit")]
            public sealed class AppDiscount : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.20m;
            }
            """, out _);

        Assert.Empty(await app.WithAnalyzers([new DuplicateRuleIdAnalyzer()]).GetAnalyzerDiagnosticsAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_id_of_a_referenced_assembly_built_without_the_rule_registry_is_not_compared(bool emitted)
    {
        // Its rules never register at run time, so they share no registry with the project's: the assembly is not read.
        var unregistered = CSharpCompilation.Create(
            "Shop.Domain",
            [TestCompilation.Parse(Orders, "Orders.cs"), TestCompilation.Parse("""
                using ServerTools;

                namespace Shop.Domain;

                [ExceptionRule("sale.discount_limit")]
                public sealed class DiscountLimit : IExceptionRule<Shop.SaleOrder>
                {
                    public bool Applies(Shop.SaleOrder order) => order.Discount > 0.30m;
                }
                """, "Rules.cs")],
            TestCompilation.References,
            TestCompilation.Options);
        var app = TestCompilation.Create("""
            using ServerTools;

            namespace Shop.App;

            [ExceptionRule("sale.discount_limit")]
            public sealed class AppDiscount : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.20m;
            }
            """).AddReferences(TestCompilation.Reference(unregistered, emitted));
        Assert.Empty(app.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));

        Assert.Empty(await app.WithAnalyzers([new DuplicateRuleIdAnalyzer()]).GetAnalyzerDiagnosticsAsync());
    }

    /// <summary>
    /// A compilation of <paramref name="markup"/> that references "Shop.Domain", with the rules "sale.discount_limit" and
    /// "sale.discount_cap", emitted (as from a package) or as a compilation (a project reference in the IDE).
    /// </summary>
    private static CSharpCompilation Referencing(bool emitted, string markup, out MarkedSource marked)
    {
        const string Domain = """
            using ServerTools;

            namespace Shop.Domain;

            [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "Too much")]
            public sealed class DiscountLimit : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.30m;
            }

            [ExceptionRule("sale.discount_cap")]
            internal sealed class DiscountCap : IExceptionRule<Shop.SaleOrder>
            {
                public bool Applies(Shop.SaleOrder order) => order.Discount > 0.50m;
            }
            """;
        var domain = ReferencedRulesTests.Built(CSharpCompilation.Create(
            "Shop.Domain", [TestCompilation.Parse(Orders, "Orders.cs"), TestCompilation.Parse(Domain, "Rules.cs")], TestCompilation.References, TestCompilation.Options));
        var reference = TestCompilation.Reference(domain, emitted);

        marked = MarkedSource.Parse(markup);
        var app = TestCompilation.Create(marked.Text).AddReferences(reference);
        Assert.Empty(app.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error));
        return app;
    }
}
