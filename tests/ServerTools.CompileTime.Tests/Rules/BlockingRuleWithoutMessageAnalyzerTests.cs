using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class BlockingRuleWithoutMessageAnalyzerTests
{
    private const string Orders = """
        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }
        """;

    private static string Message(string rule, string shownAs)
        => $"'{rule}' blocks the action without a Message, so users read only \"The rule '{shownAs}' is broken.\": set Message to "
           + "say what is wrong and what to do about it";

    [Fact]
    public Task Blocking_rules_without_a_message_or_with_a_blank_one_are_reported_at_Severity() => DiagnosticAssert.VerifyAsync(
        new BlockingRuleWithoutMessageAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.discount_limit", [|Severity = RuleSeverity.Blocking|], Sequence = 10)]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.discount_cap", Message = " ", Name = "Discount cap", [|Severity = (RuleSeverity)1|])]
        public sealed class DiscountCap : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.50m;
        }

        [ExceptionRule("sale.negative", [|Severity = ServerTools.RuleSeverity.Blocking|], Message = "", Name = "")]
        public sealed class Negative : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount < 0;
        }

        [ExceptionRule("sale.null", [|Severity = RuleSeverity.Blocking|], Message = null)]
        public sealed class NullMessage : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount < 0;
        }
        """,
        [
            new("ST5003", Message("DiscountLimit", "sale.discount_limit"), 0),
            new("ST5003", Message("DiscountCap", "Discount cap"), 1),
            new("ST5003", Message("Negative", "sale.negative"), 2),
            new("ST5003", Message("NullMessage", "sale.null"), 3),
        ],
        Orders);

    [Fact]
    public Task Blocking_rules_with_a_message_and_warnings_without_one_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new BlockingRuleWithoutMessageAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Texts
        {
            public const string Limit = "A discount above 30% needs a manager's approval";
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = Texts.Limit, RuleSets = new[] { "confirm" })]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.discount_high")]
        public sealed class DiscountHigh : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.20m;
        }

        [ExceptionRule("sale.discount_warning", Severity = RuleSeverity.Warning, Message = "")]
        public sealed class DiscountWarning : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.10m;
        }
        """,
        ["ST5003"],
        Orders);
}
