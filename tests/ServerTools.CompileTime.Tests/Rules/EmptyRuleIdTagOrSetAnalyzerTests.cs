using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.Rules;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class EmptyRuleIdTagOrSetAnalyzerTests
{
    private const string Orders = """
        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }
        """;

    private const string IdFix = "give the rule a stable id, such as \"sale.discount_limit\"";
    private const string TagFix = "give each tag a name, such as \"pricing\", or remove the empty one";
    private const string SetFix = "name each rule set after the action that checks it, such as \"confirm\", or remove the empty one";

    [Fact]
    public Task Empty_blank_and_null_ids_are_reported_at_the_id() => DiagnosticAssert.VerifyAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Ids
        {
            public const string None = "";
        }

        [ExceptionRule([|""|])] public sealed class Empty : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        [ExceptionRule([|"  "|], Severity = RuleSeverity.Blocking)] public sealed class Blank : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        [ExceptionRule([|null!|])] public sealed class Null : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        [ExceptionRule(id: [|Ids.None|])] public sealed class Constant : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        [
            new("ST5006", $"The id of 'Empty' is empty: {IdFix}", 0),
            new("ST5006", $"The id of 'Blank' is blank: {IdFix}", 1),
            new("ST5006", $"The id of 'Null' is null: {IdFix}", 2),
            new("ST5006", $"The id of 'Constant' is empty: {IdFix}", 3),
        ],
        Orders);

    [Fact]
    public Task Empty_tags_and_rule_sets_are_reported_at_their_element() => DiagnosticAssert.VerifyAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Sets
        {
            public const string Blank = " ";
        }

        [ExceptionRule("sale.a", Tags = new[] { "pricing", [|""|] }, RuleSets = new string[] { [|Sets.Blank|], "confirm", [|null!|] })]
        public sealed class A : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.b", RuleSets = ["confirm", [|"\t"|]], Tags = [[|""|]])]
        public sealed class B : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        [
            new("ST5006", $"A tag of 'A' is empty: {TagFix}", 0),
            new("ST5006", $"A rule set of 'A' is blank: {SetFix}", 1),
            new("ST5006", $"A rule set of 'A' is null: {SetFix}", 2),
            new("ST5006", $"A rule set of 'B' is blank: {SetFix}", 3),
            new("ST5006", $"A tag of 'B' is empty: {TagFix}", 4),
        ],
        Orders);

    [Fact]
    public Task Tags_and_rule_sets_that_start_or_end_with_whitespace_are_reported_with_the_name_to_write() => DiagnosticAssert.VerifyAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public static class Sets
        {
            public const string Padded = "invoice\t";
        }

        [ExceptionRule("sale.a", RuleSets = new[] { [|" confirm"|], [|Sets.Padded|], "ship" }, Tags = [[|"pricing "|]])]
        public sealed class A : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        [
            new("ST5006", "A rule set of 'A' is padded with whitespace: rule sets are compared as written, so write \"confirm\"", 0),
            new("ST5006", "A rule set of 'A' is padded with whitespace: rule sets are compared as written, so write \"invoice\"", 1),
            new("ST5006", "A tag of 'A' is padded with whitespace: tags are compared as written, so write \"pricing\"", 2),
        ],
        Orders);

    [Theory]
    [InlineData("RuleSets = [\"post \"]", "RuleSets = [\"post\"]")]
    [InlineData("RuleSets = new[] { \"confirm\", @\"\tinvoice\" }", "RuleSets = new[] { \"confirm\", \"invoice\" }")]
    [InlineData("Tags = new[] { \" pricing  \" }, RuleSets = [\"confirm\"]", "Tags = new[] { \"pricing\" }, RuleSets = [\"confirm\"]")]
    public Task Fix_trims_a_padded_tag_or_rule_set(string arguments, string fixedArguments) => CodeFixAssert.VerifyAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules(arguments),
        Rules(fixedArguments));

    [Fact]
    public Task Fix_all_trims_every_padded_tag_and_rule_set() => CodeFixAssert.VerifyFixAllAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules("Tags = [\"pricing \"], RuleSets = [\" confirm\", \"invoice\\t\"]"),
        Rules("Tags = [\"pricing\"], RuleSets = [\"confirm\", \"invoice\"]"));

    [Fact]
    public Task Fix_is_not_offered_for_a_padded_constant() => CodeFixAssert.VerifyNotOfferedAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules("RuleSets = [Sets.Padded]").Replace(
            "    public class SaleOrder", "    public static class Sets { public const string Padded = \"post \"; }\n\n    public class SaleOrder", System.StringComparison.Ordinal));

    [Fact]
    public Task Named_ids_tags_and_rule_sets_and_no_or_null_arrays_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "Ask a manager", Tags = new[] { "pricing" }, RuleSets = ["confirm", "invoice"])]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.none", Tags = null, RuleSets = new string[0])]
        public sealed class None : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }

        [ExceptionRule("sale.plain")]
        public sealed class Plain : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => false; }
        """,
        ["ST5006"],
        Orders);

    [Theory]
    [InlineData("Tags = new[] { \"pricing\", \"\" }", "Tags = new[] { \"pricing\" }")]
    [InlineData("Tags = new[] { \"\", \"pricing\" }", "Tags = new[] { \"pricing\" }")]
    [InlineData("RuleSets = new string[] { \"confirm\", null!, \"invoice\" }", "RuleSets = new string[] { \"confirm\", \"invoice\" }")]
    [InlineData("RuleSets = [\"confirm\", \" \"]", "RuleSets = [\"confirm\"]")]
    [InlineData("Tags = new[] { \"\" }, Message = \"Ask a manager\"", "Message = \"Ask a manager\"")]
    [InlineData("Message = \"Ask a manager\", RuleSets = [\"\\t\"]", "Message = \"Ask a manager\"")]
    public Task Fix_removes_the_empty_tag_or_rule_set(string arguments, string fixedArguments) => CodeFixAssert.VerifyAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules(arguments),
        Rules(fixedArguments));

    [Fact]
    public Task Fix_all_removes_every_empty_tag_and_rule_set() => CodeFixAssert.VerifyFixAllAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules("Tags = new[] { \"\", \"pricing\", \" \" }, RuleSets = [\"confirm\", \"\"]"),
        Rules("Tags = new[] { \"pricing\" }, RuleSets = [\"confirm\"]"));

    [Fact]
    public Task Fix_all_removes_empty_entries_and_trims_padded_ones_at_once() => CodeFixAssert.VerifyFixAllAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules("Tags = [\"pricing \", \"\"], RuleSets = [\" \", \" confirm\"]"),
        Rules("Tags = [\"pricing\"], RuleSets = [\"confirm\"]"));

    [Fact]
    public Task Fix_all_asked_as_dotnet_format_asks_fixes_the_entries_after_an_empty_id_it_cannot_fix() => CodeFixAssert.VerifyFixAllAsDotnetFormatAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules("Tags = [\"pricing \", \"\"], RuleSets = [\" \", \" confirm\"]").Replace("\"sale.discount_limit\"", "\"\"", System.StringComparison.Ordinal),
        Rules("Tags = [\"pricing\"], RuleSets = [\"confirm\"]").Replace("\"sale.discount_limit\"", "\"\"", System.StringComparison.Ordinal),
        unfixed: 1);

    [Fact]
    public Task Fix_is_not_offered_for_an_empty_id() => CodeFixAssert.VerifyNotOfferedAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules("Message = \"Ask a manager\"").Replace("\"sale.discount_limit\"", "\" \"", System.StringComparison.Ordinal));

    private static string Rules(string arguments) => $$"""
        using ServerTools;

        namespace Shop
        {
            public class SaleOrder
            {
                public decimal Discount { get; set; }
            }

            [ExceptionRule("sale.discount_limit", {{arguments}})]
            public sealed class DiscountLimit : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Discount > 0.30m;
            }
        }
        """;

    [Theory]
    [InlineData("Tags = [\"\", \"\"]", "")]
    [InlineData("Tags = new[] { \"\" }, RuleSets = [\" \"]", "")]
    [InlineData("Message = \"Ask a manager\", Tags = [\"\", null!, \" \"], RuleSets = [\"\", \"confirm\", \"\"]", "Message = \"Ask a manager\", RuleSets = [\"confirm\"]")]
    public Task Fix_all_removes_empty_entries_next_to_each_other(string arguments, string fixedArguments) => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new EmptyRuleIdTagOrSetAnalyzer(),
        new RemoveOrTrimTagOrRuleSetCodeFixProvider(),
        Rules(arguments),
        Rules(fixedArguments).Replace("\"sale.discount_limit\", )", "\"sale.discount_limit\")", System.StringComparison.Ordinal));
}
