using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class RuleWithoutInterfaceAnalyzerTests
{
    private static string Message(string rule)
        => $"'{rule}' is marked [ExceptionRule] but does not implement IExceptionRule<TEntity>, so it is never run: implement "
           + "IExceptionRule<TEntity> with 'bool Applies(TEntity entity)', where TEntity is the entity the rule checks";

    [Fact]
    public Task A_rule_class_without_IExceptionRule_is_reported_at_the_attribute() => DiagnosticAssert.VerifyAsync(
        new RuleWithoutInterfaceAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }

        [[|ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "Ask a manager")|]]
        public sealed class DiscountLimit
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [[|ServerTools.ExceptionRuleAttribute("sale.other")|], System.Serializable]
        public sealed class Other
        {
        }
        """,
        [
            new("ST5002", Message("DiscountLimit"), 0),
            new("ST5002", Message("Other"), 1),
        ]);

    [Fact]
    public Task Rules_implementing_the_interface_directly_through_a_base_class_or_an_interface_are_not_reported() => DiagnosticAssert.VerifyAsync(
        new RuleWithoutInterfaceAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }

        public interface IOrderRule : IExceptionRule<SaleOrder>
        {
        }

        public abstract class OrderRule : IExceptionRule<SaleOrder>
        {
            public abstract bool Applies(SaleOrder entity);
        }

        [ExceptionRule("sale.discount_limit")]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.derived")]
        public sealed class Derived : OrderRule
        {
            public override bool Applies(SaleOrder entity) => entity.Discount > 0.5m;
        }

        [ExceptionRule("sale.through_interface")]
        public sealed class ThroughInterface : IOrderRule
        {
            public bool Applies(SaleOrder entity) => entity.Discount < 0;
        }

        public sealed class NotARule
        {
        }
        """,
        []);
}
