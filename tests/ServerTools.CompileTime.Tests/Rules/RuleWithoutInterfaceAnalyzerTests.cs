using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.Rules;
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
    public Task Rules_implementing_the_interface_directly_through_a_base_class_or_an_interface_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
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
        ["ST5002"]);

    [Theory]
    [InlineData("public sealed class DiscountLimit", "public sealed class DiscountLimit : IExceptionRule<SaleOrder>")]
    [InlineData("public sealed class DiscountLimit : IAudited", "public sealed class DiscountLimit : IAudited, IExceptionRule<SaleOrder>")]
    [InlineData("public sealed class DiscountLimit<TOptions> where TOptions : class", "public sealed class DiscountLimit<TOptions> : IExceptionRule<SaleOrder> where TOptions : class")]
    [InlineData("public sealed class DiscountLimit(IAudited audited)", "public sealed class DiscountLimit(IAudited audited) : IExceptionRule<SaleOrder>", "audited is not null && ")]
    [InlineData("public sealed record DiscountLimit(IAudited Audited)", "public sealed record DiscountLimit(IAudited Audited) : IExceptionRule<SaleOrder>")]
    [InlineData("public sealed class DiscountLimit<TOptions>(TOptions options) where TOptions : class", "public sealed class DiscountLimit<TOptions>(TOptions options) : IExceptionRule<SaleOrder> where TOptions : class", "options is not null && ")]
    public Task Fix_implements_IExceptionRule_for_the_type_the_Applies_method_takes(string header, string fixedHeader, string condition = "") => CodeFixAssert.VerifyAsync(
        new RuleWithoutInterfaceAnalyzer(),
        new ImplementRuleInterfaceCodeFixProvider(),
        Rule(header, $"public bool Applies(SaleOrder order) => {condition}order.Discount > 0.30m;"),
        Rule(fixedHeader, $"public bool Applies(SaleOrder order) => {condition}order.Discount > 0.30m;"));

    [Theory]
    [InlineData("public bool Check(SaleOrder order) => false;")]
    [InlineData("public bool Applies(SaleOrder order) => false; public bool Applies(Customer customer) => false;")]
    [InlineData("internal bool Applies(SaleOrder order) => false;")]
    [InlineData("public bool Applies(decimal discount) => false;")]
    [InlineData("public static bool Applies(SaleOrder order) => false;")]
    public Task Fix_is_not_offered_when_the_class_does_not_say_which_entity_it_checks(string members) => CodeFixAssert.VerifyNotOfferedAsync(
        new RuleWithoutInterfaceAnalyzer(),
        new ImplementRuleInterfaceCodeFixProvider(),
        Rule("public sealed class DiscountLimit", members));

    private static string Rule(string header, string members) => $$"""
        using ServerTools;

        namespace Shop
        {
            public interface IAudited
            {
            }

            public class SaleOrder
            {
                public decimal Discount { get; set; }
            }

            public class Customer
            {
                public string Name { get; set; } = "";
            }

            /// <summary>A discount over 30% needs a manager.</summary>
            [ExceptionRule("sale.discount_limit", Message = "Ask a manager")]
            {{header}}
            {
                {{members}}
            }
        }
        """;
}
