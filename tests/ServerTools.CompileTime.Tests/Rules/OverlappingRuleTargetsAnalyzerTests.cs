using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class OverlappingRuleTargetsAnalyzerTests
{
    private const string Model = """
        namespace Shop;

        public interface IPriced
        {
            decimal Total { get; }
        }

        public interface IArchived
        {
            bool Archived { get; }
        }

        public abstract class Document
        {
            public string Code { get; set; } = "";
        }

        public class SaleOrder : Document, IPriced
        {
            public decimal Total { get; set; }
        }

        public class Quote : IPriced
        {
            public decimal Total { get; set; }
        }

        public class Invoice : IPriced
        {
            public decimal Total { get; set; }
        }
        """;

    private static string Message(string rule, string narrow, string wide, string id)
        => $"'{rule}' implements IExceptionRule<{narrow}> and IExceptionRule<{wide}>, and each {narrow} is also of type {wide}: each {narrow} "
           + $"would be checked by two Applies methods under the one id '{id}', and which answer counts is not written anywhere, so the rule "
           + $"is not registered: implement only IExceptionRule<{wide}> and check in its Applies what is particular to {narrow}, or split the "
           + "class into two rules with ids of their own";

    [Fact]
    public Task A_rule_for_a_type_and_for_its_interface_base_class_or_object_is_reported_at_the_narrower_interface() => DiagnosticAssert.VerifyAsync(
        new OverlappingRuleTargetsAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("odd.two_targets")]
        public sealed class TwoTargets : [|IExceptionRule<SaleOrder>|], IExceptionRule<IPriced>
        {
            public bool Applies(SaleOrder order) => order.Code == "TT";
            public bool Applies(IPriced priced) => priced.Total == 7m;
        }

        [ExceptionRule("odd.document")]
        public sealed class DocumentAndOrder : IExceptionRule<Document>, [|IExceptionRule<SaleOrder>|]
        {
            public bool Applies(Document document) => document.Code.Length == 0;
            bool IExceptionRule<SaleOrder>.Applies(SaleOrder order) => order.Total < 0m;
        }

        public abstract class PricedRule : IExceptionRule<IPriced>
        {
            public abstract bool Applies(IPriced priced);
        }

        [ExceptionRule("odd.inherited")]
        public sealed class Inherited : PricedRule, [|IExceptionRule<Quote>|]
        {
            public override bool Applies(IPriced priced) => priced.Total > 10m;
            public bool Applies(Quote quote) => quote.Total > 5m;
        }

        [ExceptionRule("odd.anything")]
        public sealed class Anything : [|IExceptionRule<Invoice>|], IExceptionRule<object>
        {
            public bool Applies(Invoice invoice) => false;
            public bool Applies(object entity) => false;
        }
        """,
        [
            new("ST5009", Message("TwoTargets", "SaleOrder", "IPriced", "odd.two_targets"), 0),
            new("ST5009", Message("DocumentAndOrder", "SaleOrder", "Document", "odd.document"), 1),
            new("ST5009", Message("Inherited", "Quote", "IPriced", "odd.inherited"), 2),
            new("ST5009", Message("Anything", "Invoice", "object", "odd.anything"), 3),
        ],
        Model);

    [Fact]
    public Task Rules_for_unrelated_types_and_for_one_type_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new OverlappingRuleTargetsAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("total.negative")]
        public sealed class NegativeTotal : IExceptionRule<Quote>, IExceptionRule<Invoice>
        {
            public bool Applies(Quote quote) => quote.Total < 0m;
            bool IExceptionRule<Invoice>.Applies(Invoice invoice) => invoice.Total < 0m;
        }

        [ExceptionRule("order.archived")]
        public sealed class ArchivedOrder : IExceptionRule<SaleOrder>, IExceptionRule<IArchived>
        {
            public bool Applies(SaleOrder order) => false;
            public bool Applies(IArchived entity) => entity.Archived;
        }

        [ExceptionRule("priced.large")]
        public sealed class Large : IExceptionRule<IPriced>
        {
            public bool Applies(IPriced priced) => priced.Total > 1_000_000m;
        }
        """,
        ["ST5009"],
        Model);
}
