using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class RuleNotCreatableAnalyzerTests
{
    private const string Orders = """
        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }

        public interface IPricing
        {
            decimal MaxDiscount { get; }
        }
        """;

    private static string Message(string rule, string reason)
        => $"'{rule}' is not registered as a rule, because the registry cannot create it: it {reason}";

    [Fact]
    public Task Rule_classes_the_registry_cannot_create_are_reported_at_their_name_with_the_reason() => DiagnosticAssert.VerifyAsync(
        new RuleNotCreatableAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.abstract")]
        public abstract class [|AbstractRule|] : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => false;
        }

        [ExceptionRule("sale.generic")]
        public sealed class [|GenericRule|]<T> : IExceptionRule<T>
        {
            public bool Applies(T entity) => false;
        }

        public class Outer
        {
            [ExceptionRule("sale.private")]
            private sealed class [|Hidden|] : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => false;
            }
        }

        [ExceptionRule("sale.private_constructor")]
        public sealed class [|Singleton|] : IExceptionRule<SaleOrder>
        {
            private Singleton()
            {
            }

            public bool Applies(SaleOrder order) => false;
        }

        [ExceptionRule("sale.ambiguous")]
        public sealed class [|Ambiguous|] : IExceptionRule<SaleOrder>
        {
            private readonly decimal _max;

            public Ambiguous(IPricing pricing) => _max = pricing.MaxDiscount;

            public Ambiguous(decimal max) => _max = max;

            public bool Applies(SaleOrder order) => order.Discount > _max;
        }

        public sealed partial class Split : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => false;
        }

        [ExceptionRule("sale.split")]
        public sealed partial class [|Split|]
        {
            private Split(int unused)
            {
            }
        }
        """,
        [
            new("ST5005", Message("AbstractRule", "is abstract"), 0),
            new("ST5005", Message("GenericRule", "is generic"), 1),
            new("ST5005", Message("Hidden", "is private or protected, so the rest of the assembly cannot create it"), 2),
            new("ST5005", Message("Singleton", "has no public or internal constructor (that is not obsolete as an error)"), 3),
            new("ST5005", Message("Ambiguous", "has several constructors with the most parameters; mark one with [ActivatorUtilitiesConstructor]"), 4),
            new("ST5005", Message("Split", "has no public or internal constructor (that is not obsolete as an error)"), 5),
        ],
        Orders);

    [Fact]
    public Task Rule_class_in_a_type_obsolete_as_an_error_is_reported_as_one_the_registry_cannot_name() => DiagnosticAssert.VerifyAsync(
        new RuleNotCreatableAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [System.Obsolete("Replaced by the new pricing.", true)]
        public static class Legacy
        {
            [ExceptionRule("sale.legacy")]
            public sealed class [|Discount|] : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => false;
            }
        }
        """,
        [new("ST5005", Message("Discount", "is nested in or made of a type that is obsolete (as an error)"))],
        Orders);

    [Fact]
    public Task Rule_classes_with_a_constructor_the_registry_can_call_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleNotCreatableAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.default")]
        public sealed class DefaultConstructor : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => false;
        }

        [ExceptionRule("sale.services")]
        internal sealed class WithServices : IExceptionRule<SaleOrder>
        {
            private readonly IPricing _pricing;

            public WithServices(IPricing pricing, decimal margin = 0.05m) => _pricing = pricing;

            public WithServices() : this(null!)
            {
            }

            public bool Applies(SaleOrder order) => order.Discount > _pricing.MaxDiscount;
        }

        public partial class Outer
        {
            [ExceptionRule("sale.nested")]
            internal sealed class Nested : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => false;
            }
        }

        [ExceptionRule("sale.record")]
        public sealed record RecordRule(IPricing Pricing) : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > Pricing.MaxDiscount;
        }
        """,
        ["ST5005"],
        Orders);
}
