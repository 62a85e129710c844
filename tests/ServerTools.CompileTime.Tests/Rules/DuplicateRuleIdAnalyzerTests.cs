using System.Threading.Tasks;
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
}
