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
    public Task Partial_class_is_not_reported() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        [ServerTools.Audited]
        public partial class Partner { public int Id { get; set; } }
        public class Unrelated { }
        """,
        []);

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
    public Task Partial_class_declared_in_two_files_is_not_reported() => DiagnosticAssert.VerifyAsync(
        new PartialEntityAnalyzer(),
        """
        [ServerTools.Audited]
        public partial class Partner { public int Id { get; set; } }
        """,
        [],
        "public partial class Partner { public string Name { get; set; } = \"\"; }");

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
