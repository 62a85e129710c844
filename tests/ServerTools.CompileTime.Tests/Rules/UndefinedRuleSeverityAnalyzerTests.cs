using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class UndefinedRuleSeverityAnalyzerTests
{
    private const string Orders = """
        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }
        """;

    [Fact]
    public Task A_severity_cast_from_a_number_that_is_no_member_is_reported_at_Severity() => DiagnosticAssert.VerifyAsync(
        new UndefinedRuleSeverityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.discount_limit", [|Severity = (RuleSeverity)2|], Message = "Ask a manager")]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.negative", Message = "No", [|Severity = (RuleSeverity)(-1)|])]
        public sealed class Negative : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        [
            new("ST5008", "The severity of 'DiscountLimit' is 2, which is not a member of RuleSeverity, so the rule is not registered: "
                          + "use RuleSeverity.Warning or RuleSeverity.Blocking", 0),
            new("ST5008", "The severity of 'Negative' is -1, which is not a member of RuleSeverity, so the rule is not registered: "
                          + "use RuleSeverity.Warning or RuleSeverity.Blocking", 1),
        ],
        Orders);

    [Fact]
    public Task Members_of_RuleSeverity_and_casts_to_a_member_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new UndefinedRuleSeverityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.a", Severity = RuleSeverity.Blocking, Message = "Ask a manager")]
        public sealed class A : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.b", Severity = RuleSeverity.Warning)]
        public sealed class B : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.c", Severity = (RuleSeverity)1, Message = "Ask a manager")]
        public sealed class C : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.d")]
        public sealed class D : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        ["ST5008"],
        Orders);
}
