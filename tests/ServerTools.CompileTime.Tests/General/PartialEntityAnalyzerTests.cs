using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.General;
using ServerTools.Analyzers.General;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

public sealed class PartialEntityAnalyzerTests
{
    [Fact]
    public Task Audited_class_that_is_not_partial_is_reported_at_its_name() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public class [|Partner|]
        {
            public int Id { get; set; }
        }
        """,
        [new("ST0001", "'Partner' must be declared partial: ServerTools generates code for [Audited] on 'Partner'")]);

    [Fact]
    public Task Partial_class_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new PartialEntityAnalyzer(),
        """
        [ServerTools.Audited]
        public partial class Partner { public int Id { get; set; } }
        public class Unrelated { }
        """,
        ["ST0001"]);

    [Fact]
    public Task Containing_type_that_is_not_partial_is_reported_too() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        public class [|Shop|]
        {
            [ServerTools.Audited]
            public class [|Partner|] { public int Id { get; set; } }
        }
        """,
        [
            new("ST0001", "'Shop' must be declared partial: ServerTools generates code for [Audited] on 'Partner'", 0),
            new("ST0001", "'Partner' must be declared partial: ServerTools generates code for [Audited] on 'Partner'", 1),
        ]);

    [Fact]
    public Task Partial_class_declared_in_two_files_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new PartialEntityAnalyzer(),
        """
        [ServerTools.Audited]
        public partial class Partner { public int Id { get; set; } }
        """,
        ["ST0001"],
        "public partial class Partner { public string Name { get; set; } = \"\"; }");

    [Fact]
    public Task Tracked_class_that_is_not_partial_is_reported() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        [ServerTools.Tracked]
        public class [|Order|] { public int Id { get; set; } }
        """,
        [new("ST0001", "'Order' must be declared partial: ServerTools generates code for [Tracked] on 'Order'")]);

    [Fact]
    public Task Class_with_a_tracked_property_that_is_not_partial_is_reported_with_its_containing_types() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class [|Sales|]
        {
            public class [|Order|]
            {
                public int Id { get; set; }
                public string? Note { get; set; }
                [Tracked] public int State { get; set; }
                [Tracked] public decimal Total { get; set; }
            }
        }
        """,
        [
            new("ST0001", "'Sales' must be declared partial: ServerTools generates code for [Tracked] on 'Order.State'", 0),
            new("ST0001", "'Order' must be declared partial: ServerTools generates code for [Tracked] on 'Order.State'", 1),
        ]);

    [Fact]
    public Task Partial_class_with_a_tracked_property_and_classes_with_none_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new PartialEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public partial class Order
        {
            public int Id { get; set; }
            [Tracked] public int State { get; set; }
        }

        public class RushOrder : Order
        {
            public bool Express { get; set; }
        }

        public struct Money
        {
            [Tracked] public decimal Amount { get; set; }
        }
        """,
        ["ST0001"]);

    [Fact]
    public Task Fix_makes_a_class_with_a_tracked_property_partial() => CodeFixAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        new MakePartialCodeFixProvider(),
        """
        namespace Shop;

        public class Order
        {
            public int Id { get; set; }
            [ServerTools.Tracked] public int State { get; set; }
        }
        """,
        """
        namespace Shop;

        public partial class Order
        {
            public int Id { get; set; }
            [ServerTools.Tracked] public int State { get; set; }
        }
        """);

    [Fact]
    public Task Fix_adds_partial_after_the_other_modifiers() => CodeFixAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        new MakePartialCodeFixProvider(),
        """
        namespace Shop;

        [ServerTools.Audited]
        public sealed class Partner
        {
            public int Id { get; set; }
        }
        """,
        """
        namespace Shop;

        [ServerTools.Audited]
        public sealed partial class Partner
        {
            public int Id { get; set; }
        }
        """);

    [Fact]
    public Task Fix_keeps_indentation_when_there_are_no_modifiers_and_fixes_containing_types() => CodeFixAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        new MakePartialCodeFixProvider(),
        """
        namespace Shop
        {
            class Outer
            {
                [ServerTools.Audited]
                // the customer
                class Partner
                {
                    public int Id { get; set; }
                }
            }
        }
        """,
        """
        namespace Shop
        {
            partial class Outer
            {
                [ServerTools.Audited]
                // the customer
                partial class Partner
                {
                    public int Id { get; set; }
                }
            }
        }
        """);
}
