using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Rules;
using ServerTools.Rules;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class ExceptionRuleGeneratorTests
{
    private const string Sales = """
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
            public decimal Total { get; set; }
            public string Customer { get; set; } = "";
        }

        public interface ICreditService
        {
            decimal LimitOf(string customer);
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Sequence = 10,
                       Message = "A discount above 30% needs a manager's approval", RuleSets = new[] { "confirm" })]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.credit_limit", Name = "Credit limit", Description = "The customer's open credit covers the order.",
                       Tags = new[] { "finance", "credit" }, RuleSets = new[] { "confirm", "invoice" })]
        public class CreditLimit(ICreditService credit) : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Total > credit.LimitOf(order.Customer);
        }

        [ExceptionRule("sale.empty", Sequence = 1, Message = "The order is empty")]
        internal sealed record EmptyOrder : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Total == 0m;

            public static string Describe() => "empty";
        }
        """;

    [Fact]
    public void Rules_of_an_entity_are_described_created_and_evaluated_in_sequence_then_id_order()
    {
        var run = GeneratorHarness.Run(Sales).CompilesWithoutDiagnostics().VerifySnapshots();
        var text = run.Source(ExceptionRuleGenerator.HintName);

        AssertInOrder(text, "id: \"sale.empty\"", "id: \"sale.credit_limit\"", "id: \"sale.discount_limit\"");
        AssertInOrder(text, "new global::Shop.EmptyOrder()", "new global::Shop.CreditLimit(", "new global::Shop.DiscountLimit()");
        Assert.Contains(
            "new global::Shop.CreditLimit(global::ServerTools.Rules.RuleServices.Get<global::Shop.ICreditService>(services, \"sale.credit_limit\", \"Shop.CreditLimit\"))",
            text,
            StringComparison.Ordinal);
        Assert.Contains("private readonly global::Shop.DiscountLimit _rule2;", text, StringComparison.Ordinal);
        Assert.Contains("if (_rule2.Applies(target))", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_set_describes_the_rules_and_creates_them_with_services_at_run_time()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad(Sales, "namespace Shop; public sealed class CreditService : ICreditService { public decimal LimitOf(string customer) => 100m; }");
        var set = Assert.Single(RuleSets(assembly));
        var credit = assembly.GetType("Shop.CreditLimit", throwOnError: true)!;

        Assert.Equal("Shop.SaleOrder", set.EntityType.FullName);
        Assert.Equal(["sale.empty", "sale.credit_limit", "sale.discount_limit"], set.Rules.Select(static rule => rule.Id));
        var creditInfo = set.Rules[1];
        Assert.Equal((RuleSeverity.Warning, 10, "Credit limit", "The customer's open credit covers the order."), (creditInfo.Severity, creditInfo.Sequence, creditInfo.Name, creditInfo.Description));
        Assert.Equal(["finance", "credit"], creditInfo.Tags);
        Assert.Equal(["confirm", "invoice"], creditInfo.RuleSets);
        Assert.Same(credit, creditInfo.RuleType);
        Assert.Equal((RuleSeverity.Blocking, "A discount above 30% needs a manager's approval"), (set.Rules[2].Severity, set.Rules[2].Message));

        var creditService = Activator.CreateInstance(assembly.GetTypes().Single(static type => type.Name == "CreditService"))!;
        var rules = set.CreateRules(new Services(new() { [assembly.GetType("Shop.ICreditService", throwOnError: true)!] = creditService }));

        var fields = rules.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic).OrderBy(static field => field.MetadataToken).ToList();
        Assert.Equal(["EmptyOrder", "CreditLimit", "DiscountLimit"], fields.Select(field => field.GetValue(rules)!.GetType().Name));
        Assert.Equal(fields.Select(static field => field.FieldType), fields.Select(field => field.GetValue(rules)!.GetType()));
        var missing = Assert.Throws<InvalidOperationException>(() => set.CreateRules(new Services([])));
        Assert.Contains("'sale.credit_limit' (Shop.CreditLimit)", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Entity_types_with_the_same_simple_name_get_distinct_sets()
    {
        var run = GeneratorHarness.Run("""
            using ServerTools;
            namespace A { public class Order { public int Lines { get; set; } } }
            namespace B { public class Order { public int Lines { get; set; } } }
            namespace Rules
            {
                [ExceptionRule("a.lines")]
                public sealed class ALines : IExceptionRule<A.Order> { public bool Applies(A.Order order) => order.Lines == 0; }

                [ExceptionRule("b.lines")]
                public sealed class BLines : IExceptionRule<B.Order> { public bool Applies(B.Order order) => order.Lines == 0; }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();
        var text = run.Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("private sealed class A_Order_ExceptionRules : global::ServerTools.Rules.CodeRuleSet<global::A.Order>", text, StringComparison.Ordinal);
        Assert.Contains("private sealed class B_Order_ExceptionRules : global::ServerTools.Rules.CodeRuleSet<global::B.Order>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Entity_types_whose_full_names_flatten_alike_get_numbered_sets()
    {
        var text = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop_Sale { public class Order { } }
            namespace Shop { public class Sale_Order { } }
            [ExceptionRule("one")]
            public sealed class One : IExceptionRule<Shop_Sale.Order> { public bool Applies(Shop_Sale.Order order) => false; }
            [ExceptionRule("two")]
            public sealed class Two : IExceptionRule<Shop.Sale_Order> { public bool Applies(Shop.Sale_Order order) => false; }
            """).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("class Shop_Sale_Order_ExceptionRules : global::ServerTools.Rules.CodeRuleSet<global::Shop.Sale_Order>", text, StringComparison.Ordinal);
        Assert.Contains("class Shop_Sale_Order_ExceptionRules2 : global::ServerTools.Rules.CodeRuleSet<global::Shop_Sale.Order>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Class_implementing_two_rule_interfaces_is_in_both_sets_and_an_explicit_implementation_is_called_through_the_interface()
    {
        var run = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public interface IPriced { decimal Total { get; } }
            public class Quote : IPriced { public decimal Total { get; set; } }
            public class Invoice : IPriced { public decimal Total { get; set; } }

            [ExceptionRule("total.negative", Severity = RuleSeverity.Blocking, Message = "The total is negative")]
            public sealed class NegativeTotal : IExceptionRule<Quote>, IExceptionRule<Invoice>
            {
                public bool Applies(Quote quote) => quote.Total < 0m;

                bool IExceptionRule<Invoice>.Applies(Invoice invoice) => invoice.Total < 0m;
            }

            [ExceptionRule("priced.large", Sequence = 20)]
            public sealed class Large : IExceptionRule<IPriced>
            {
                public bool Applies(IPriced priced) => priced.Total > 1_000_000m;
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();
        var text = run.Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("if (_rule0.Applies(target))", text, StringComparison.Ordinal);
        Assert.Contains("if (((global::ServerTools.IExceptionRule<global::Shop.Invoice>)_rule0).Applies(target))", text, StringComparison.Ordinal);
        Assert.Contains("CodeRuleSet<global::Shop.IPriced>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_internal_and_global_namespace_rules_of_a_base_class_are_registered()
    {
        var run = GeneratorHarness.Run("""
            using ServerTools;

            public abstract class Document { public string Number { get; set; } = ""; }
            public class Delivery : Document { }

            [ExceptionRule("document.number")]
            internal class NumberMissing : IExceptionRule<Document>
            {
                public bool Applies(Document document) => document.Number.Length == 0;
            }

            public class Warehouse
            {
                internal static class Checks
                {
                    [ExceptionRule("document.number.long", Sequence = 5)]
                    public sealed class NumberTooLong(System.TimeProvider clock) : IExceptionRule<Document>
                    {
                        public bool Applies(Document document) => document.Number.Length > 20 && clock.GetUtcNow().Year > 2000;
                    }
                }

                [ExceptionRule("delivery.protected_internal")]
                protected internal sealed class Reachable : IExceptionRule<Delivery>
                {
                    public bool Applies(Delivery delivery) => false;
                }
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();
        var text = run.Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("new global::Warehouse.Checks.NumberTooLong(global::ServerTools.Rules.RuleServices.Get<global::System.TimeProvider>(services, \"document.number.long\", \"Warehouse.Checks.NumberTooLong\"))", text, StringComparison.Ordinal);
        Assert.Contains("new global::NumberMissing()", text, StringComparison.Ordinal);
        Assert.Contains("CodeRuleSet<global::Delivery>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_inheriting_Applies_from_a_generic_base_class_is_called_through_that_class()
    {
        var text = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public class Order { public int Lines { get; set; } }
            public abstract class LineRule<T> : IExceptionRule<T> where T : Order
            {
                public virtual bool Applies(T entity) => entity.Lines > Limit;
                protected abstract int Limit { get; }
            }

            [ExceptionRule("order.lines")]
            public class TooManyLines : LineRule<Order>
            {
                protected override int Limit => 100;
                public new bool Applies(Order order) => true;
            }
            """).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("if (((global::Shop.LineRule<global::Shop.Order>)_rule0).Applies(target))", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Rule_that_lists_the_interface_again_is_called_through_the_class_whose_Applies_implements_it()
    {
        var text = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public class Order { public int Lines { get; set; } }
            public class BaseRule : IExceptionRule<Order> { public bool Applies(Order order) => order.Lines > 10; }

            [ExceptionRule("order.own")]
            public sealed class Own : BaseRule, IExceptionRule<Order> { public new bool Applies(Order order) => order.Lines > 20; }

            [ExceptionRule("order.inherited")]
            public sealed class Inherited : BaseRule, IExceptionRule<Order> { public bool Applies(int lines) => lines > 30; }

            [ExceptionRule("order.explicit")]
            public sealed class Explicit : BaseRule, IExceptionRule<Order>
            {
                public new bool Applies(Order order) => false;
                bool IExceptionRule<Order>.Applies(Order order) => order.Lines > 40;
            }

            [ExceptionRule("order.static")]
            public sealed class Static : BaseRule, IExceptionRule<Order> { public static new bool Applies(Order order) => false; }
            """).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.HintName);

        // In id order: order.explicit, order.inherited, order.own, order.static (each twice: Evaluate and the single-rule check).
        Assert.Equal(2, CountOf(text, "if (((global::ServerTools.IExceptionRule<global::Shop.Order>)_rule0).Applies(target))"));
        Assert.Equal(2, CountOf(text, "if (((global::Shop.BaseRule)_rule1).Applies(target))"));
        Assert.Equal(2, CountOf(text, "if (_rule2.Applies(target))"));
        Assert.Equal(2, CountOf(text, "if (((global::Shop.BaseRule)_rule3).Applies(target))"));
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [Fact]
    public void Constructor_with_the_most_parameters_is_called_and_optional_parameters_are_handled()
    {
        var run = GeneratorHarness.Run("""
            using System.Collections.Generic;
            using ServerTools;
            namespace Shop;
            public class Order { }
            public interface IClock { }
            public interface IAudit { }

            [ExceptionRule("order.longest")]
            public sealed class Longest : IExceptionRule<Order>
            {
                public Longest() { }
                public Longest(IClock clock) { }
                internal Longest(IClock clock, List<string?> names, int? limit, IAudit? audit = null, int retries = 3, params string[] extra) { }
                private Longest(IClock a, IClock b, IClock c, IClock d, IClock e, IClock f, IClock g) { }
                public Longest(out int x) { x = 0; }
                public bool Applies(Order order) => false;
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();
        var text = run.Source(ExceptionRuleGenerator.HintName);

        Assert.Contains(
            "new global::Shop.Longest(global::ServerTools.Rules.RuleServices.Get<global::Shop.IClock>(services, \"order.longest\", \"Shop.Longest\"), "
            + "global::ServerTools.Rules.RuleServices.Get<global::System.Collections.Generic.List<string?>>(services, \"order.longest\", \"Shop.Longest\"), "
            + "global::ServerTools.Rules.RuleServices.Get<int>(services, \"order.longest\", \"Shop.Longest\"), "
            + "global::ServerTools.Rules.RuleServices.Find<global::Shop.IAudit>(services))",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_marked_ActivatorUtilitiesConstructor_is_called_and_later_arguments_after_a_left_out_one_are_named()
    {
        var text = GeneratorHarness.Run("""
            using ServerTools;
            namespace Microsoft.Extensions.DependencyInjection
            {
                [System.AttributeUsage(System.AttributeTargets.Constructor)]
                public sealed class ActivatorUtilitiesConstructorAttribute : System.Attribute { }
            }
            namespace Shop
            {
                public class Order { }
                public interface IClock { }

                [ExceptionRule("order.marked")]
                public sealed class Marked : IExceptionRule<Order>
                {
                    [Microsoft.Extensions.DependencyInjection.ActivatorUtilitiesConstructor]
                    public Marked(int limit = 5, IClock? @class = null) { }
                    public Marked(IClock a, IClock b, IClock c) { }
                    public bool Applies(Order order) => false;
                }
            }
            """).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("new global::Shop.Marked(@class: global::ServerTools.Rules.RuleServices.Find<global::Shop.IClock>(services))", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Messages_names_and_sets_with_quotes_backslashes_and_newlines_are_escaped()
    {
        const string Source = """"
            using ServerTools;
            namespace Shop;
            public class Order { }
            [ExceptionRule("odd\"id\\", Message = "Say \"no\"\\\nthen\r\n\ttab \u00e9 {0}", Name = "A \"name\"",
                           Description = @"C:\path\""quoted""", Tags = new[] { "t\"1" }, RuleSets = new[] { "set\\one" })]
            public sealed class Odd : IExceptionRule<Order> { public bool Applies(Order order) => false; }
            """";
        GeneratorHarness.Run(Source).CompilesWithoutDiagnostics().VerifySnapshots();

        var rule = Assert.Single(Assert.Single(RuleSets(GeneratedCodeAssert.CompileAndLoad(Source))).Rules);

        Assert.Equal(("odd\"id\\", "Say \"no\"\\\nthen\r\n\ttab \u00e9 {0}", "A \"name\"", "C:\\path\\\"quoted\""), (rule.Id, rule.Message, rule.Name, rule.Description));
        Assert.Equal(["t\"1"], rule.Tags);
        Assert.Equal(["set\\one"], rule.RuleSets);
    }

    [Theory]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public abstract class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R<T> : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("public class Outer<T> { [ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; } }")]
    [InlineData("public class Outer { [ExceptionRule(\"r\")] private sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; } }")]
    [InlineData("public class Outer { [ExceptionRule(\"r\")] protected sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; } }")]
    [InlineData("public class Outer { [ExceptionRule(\"r\")] private protected sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; } }")]
    [InlineData("internal class Outer { private class Inner { [ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; } } }")]
    [InlineData("[ExceptionRule(\"r\")] file sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { private R() { } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public class R : IExceptionRule<Order> { protected R() { } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public R(out int x) { x = 0; } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public R(System.Span<int> span) { } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public R(dynamic value) { } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public R(string a) { } public R(int b) { } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public required string Name { get; init; } public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"\")] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"  \")] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(null)] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\", Tags = new[] { \"a\", \" \" })] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\", RuleSets = new[] { \"\" })] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\", RuleSets = new string[] { null })] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\", RuleSets = new[] { \" confirm\" })] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\", Tags = new[] { \"pricing \" })] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\", Severity = (RuleSeverity)7)] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<int> { public bool Applies(int value) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<int[]> { public bool Applies(int[] value) => false; }")]
    [InlineData("public class Outer { private class Hidden { } [ExceptionRule(\"r\")] internal sealed class R : IExceptionRule<Hidden> { public bool Applies(Hidden value) => false; } }")]
    [InlineData("[System.Obsolete(\"gone\", true)] [ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { public bool Applies(Order order) => false; }")]
    [InlineData("[ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Order> { [System.Obsolete(\"gone\", true)] public R() { } public bool Applies(Order order) => false; }")]
    [InlineData("[System.Obsolete(\"gone\", true)] public class Old { } [ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Old> { public bool Applies(Old old) => false; }")]
    [InlineData("public interface IPriced { } public class Quote : Order, IPriced { } [ExceptionRule(\"r\")] public sealed class R : IExceptionRule<Quote>, IExceptionRule<IPriced> { public bool Applies(Quote quote) => false; public bool Applies(IPriced priced) => false; }")]
    public void Class_the_registry_cannot_create_or_describe_gets_no_code(string declaration)
        => Assert.Empty(GeneratorHarness.Run("using ServerTools;\nnamespace Shop;\npublic class Order { }\n" + declaration).GeneratedSources);

    [Fact]
    public void Class_with_required_members_and_a_constructor_that_sets_them_is_registered()
        => Assert.Contains(
            "new global::Shop.R()",
            GeneratorHarness.Run("""
                using ServerTools;
                namespace Shop;
                public class Order { }
                [ExceptionRule("r")]
                public sealed class R : IExceptionRule<Order>
                {
                    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
                    public R() => Name = "r";
                    public required string Name { get; init; }
                    public bool Applies(Order order) => false;
                }
                """).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.HintName),
            StringComparison.Ordinal);

    [Fact]
    public void Record_with_a_primary_constructor_and_a_nullable_annotated_entity_type_is_registered()
    {
        var text = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public class Order { public string? Note { get; set; } }
            public interface INotes { bool Allowed(string note); }

            [ExceptionRule("order.note")]
            public record NoteRule(INotes Notes) : IExceptionRule<Order?>
            {
                public bool Applies(Order? order) => order?.Note is { } note && !Notes.Allowed(note);
            }
            """).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("CodeRuleSet<global::Shop.Order>", text, StringComparison.Ordinal);
        Assert.Contains("new global::Shop.NoteRule(global::ServerTools.Rules.RuleServices.Get<global::Shop.INotes>(services, \"order.note\", \"Shop.NoteRule\"))", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_rule_next_to_an_invalid_one_is_still_registered()
    {
        var text = GeneratorHarness.Run("""
            using ServerTools;
            namespace Shop;
            public class Order { }
            [ExceptionRule("valid")] public sealed class Valid : IExceptionRule<Order> { public bool Applies(Order order) => false; }
            [ExceptionRule("")] public sealed class Invalid : IExceptionRule<Order> { public bool Applies(Order order) => false; }
            """).Source(ExceptionRuleGenerator.HintName);

        Assert.Contains("new global::Shop.Valid()", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Invalid", text, StringComparison.Ordinal);
    }

    private const string MarkedRule = """
        using ServerTools;
        namespace Shop;
        $ENTITY$ public class Order { public int Total { get; set; } }
        $SERVICE$ public interface ILimits { int Max { get; } }
        $BASE$ public abstract class LimitBase : IExceptionRule<Order>
        {
            protected LimitBase(int max) => Max = max;
            protected int Max { get; }
            $APPLIES$ public bool Applies(Order order) => order.Total > Max;
        }
        $OUTER$ public static class Rules
        {
            $RULE$ [ExceptionRule("order.limit")]
            public sealed class Limit : LimitBase
            {
                $CONSTRUCTOR$ public Limit(ILimits limits) : base(limits.Max) { }
            }
        }
        """;

    public static TheoryData<string, string> MarkedRuleCases => ObsoleteMarks.Cases("ENTITY", "SERVICE", "BASE", "OUTER", "RULE", "CONSTRUCTOR", "APPLIES");

    [Theory]
    [MemberData(nameof(MarkedRuleCases))]
    public void Rule_class_that_is_or_uses_an_obsolete_or_experimental_type_is_registered_without_a_diagnostic_in_the_registry(string place, string mark)
    {
        var run = GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedRule, place, mark)).GeneratedTreesCompileWithoutDiagnostics();

        Assert.Contains("new global::Shop.Rules.Limit(", run.Source(ExceptionRuleGenerator.HintName), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("X-1")]
    [InlineData("1X")]
    [InlineData("X1 // comment")]
    [InlineData("disable")]
    [InlineData("X1\n#error injected")]
    public void Diagnostic_id_a_pragma_cannot_name_is_not_written_into_the_registry(string id)
    {
        var source = ObsoleteMarks.Apply(MarkedRule, "RULE", "[System.Obsolete(\"Use the new one.\", DiagnosticId = " + Microsoft.CodeAnalysis.CSharp.SymbolDisplay.FormatLiteral(id, quote: true) + ")]");
        var run = GeneratorHarness.Run(source);
        var generated = run.Result.GeneratedTrees.Select(static tree => tree.FilePath).ToHashSet(StringComparer.Ordinal);

        // The class still warns where the registry names it, with the attribute's id (as in the project's own code, the
        // project silences such an id with NoWarn or .editorconfig); nothing else of the attribute reaches the file.
        var inGenerated = run.OutputCompilation.GetDiagnostics().Where(d => d.Location.SourceTree is { } tree && generated.Contains(tree.FilePath)).ToList();
        Assert.NotEmpty(inGenerated);
        Assert.All(inGenerated, diagnostic => Assert.Equal(id, diagnostic.Id));
        Assert.DoesNotContain(id, run.Source(ExceptionRuleGenerator.HintName), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ENTITY")]
    [InlineData("SERVICE")]
    [InlineData("BASE")]
    [InlineData("OUTER")]
    [InlineData("RULE")]
    [InlineData("CONSTRUCTOR")]
    [InlineData("APPLIES")]
    public void Rule_class_that_is_or_uses_a_type_obsolete_as_an_error_adds_no_error_to_the_registry(string place)
        => GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedRule, place, ObsoleteMarks.Error)).GeneratedTreesCompileWithoutDiagnostics();

    [Fact]
    public void Registry_of_an_assembly_that_sees_another_s_internals_does_not_clash_with_that_assembly_s_registry()
    {
        const string Rule = """
            namespace {0}
            {{
                public class Order {{ public int Id {{ get; set; }} }}

                [ServerTools.ExceptionRule("{0}.order")]
                public sealed class OrderRule : ServerTools.IExceptionRule<Order> {{ public bool Applies(Order order) => order.Id < 0; }}
            }}
            """;
        var sharedRun = GeneratorHarness.Run(
            TestCompilation.Create(
                "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"TestProject\")]",
                string.Format(System.Globalization.CultureInfo.InvariantCulture, Rule, "Shared")).WithAssemblyName("Shared"),
            new ExceptionRuleGenerator()).CompilesWithoutDiagnostics();
        using var image = new System.IO.MemoryStream();
        Assert.True(sharedRun.OutputCompilation.Emit(image).Success);

        var run = GeneratorHarness.Run(
            TestCompilation.Create(string.Format(System.Globalization.CultureInfo.InvariantCulture, Rule, "Shop"))
                .AddReferences(MetadataReference.CreateFromImage(image.ToArray())),
            new ExceptionRuleGenerator()).CompilesWithoutDiagnostics();

        Assert.Contains("internal static class ExceptionRuleRegistration", run.Source(ExceptionRuleGenerator.HintName), StringComparison.Ordinal);
    }

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.AddFile("namespace Shop; public class Invoice { public int Id { get; set; } }"), [Sales]);

    [Fact]
    public void Editing_a_method_body_of_a_rule_class_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.Replace("order.Discount > 0.30m", "order.Discount >= 0.31m"), [Sales]);

    [Fact]
    public void Adding_an_unrelated_class_beside_the_rules_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.Replace("public interface ICreditService", "public sealed class Unrelated { public int Id { get; set; } }\n\npublic interface ICreditService"), [Sales]);

    [Fact]
    public void Editing_a_member_of_a_rule_class_that_is_not_its_constructor_reuses_every_step()
        => Incrementality.AssertCachedAfter(Edits.Replace("public static string Describe() => \"empty\";", "public static string Describe() => \"empty\";\n    public static int Count => 1;"), [Sales]);

    [Fact]
    public void Changing_an_attribute_argument_regenerates_the_registry()
    {
        var compilation = TestCompilation.Create(Sales);
        var driver = GeneratorHarness.CreateDriver(new ExceptionRuleGenerator()).RunGenerators(compilation);
        var edited = Edits.Replace("Sequence = 1, Message = \"The order is empty\"", "Sequence = 99, Message = \"The order has no lines\"")(compilation);

        var result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        Assert.Equal(
            [IncrementalStepRunReason.Modified],
            result.TrackedSteps[ExceptionRuleGenerator.Steps.Registry].SelectMany(static step => step.Outputs).Select(static output => output.Reason));
        var text = result.GeneratedSources.Single().SourceText.ToString();
        Assert.Contains("message: \"The order has no lines\"", text, StringComparison.Ordinal);
        AssertInOrder(text, "id: \"sale.credit_limit\"", "id: \"sale.discount_limit\"", "id: \"sale.empty\"");
    }

    [Fact]
    public void Changing_a_rule_constructor_regenerates_the_registry()
    {
        var compilation = TestCompilation.Create(Sales);
        var driver = GeneratorHarness.CreateDriver(new ExceptionRuleGenerator()).RunGenerators(compilation);
        var edited = Edits.Replace("public sealed class DiscountLimit : IExceptionRule<SaleOrder>\n{", "public sealed class DiscountLimit(ICreditService? credit = null) : IExceptionRule<SaleOrder>\n{\n    public ICreditService? Credit => credit;")(compilation);

        var result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        Assert.Contains(
            "new global::Shop.DiscountLimit(global::ServerTools.Rules.RuleServices.Find<global::Shop.ICreditService>(services))",
            result.GeneratedSources.Single().SourceText.ToString(),
            StringComparison.Ordinal);
    }

    [Fact]
    public void Compilation_without_rules_generates_nothing()
        => Assert.Empty(GeneratorHarness.Run(TestCompilation.Create("namespace Shop; public class Order { }"), new ExceptionRuleGenerator()).GeneratedSources);

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var result = Assert.Single(GeneratorHarness.Run(TestCompilation.Create(Sales), new ExceptionRuleGenerator()).Result.Results);
        var rules = result.TrackedSteps[ExceptionRuleGenerator.Steps.Rules].SelectMany(static step => step.Outputs).Select(static output => output.Value).ToList();
        var registry = Assert.Single(result.TrackedSteps[ExceptionRuleGenerator.Steps.Registry].SelectMany(static step => step.Outputs)).Value;

        Assert.Equal(3, rules.Count);
        Assert.All(rules, PipelineModels.AssertOnlyValues);
        PipelineModels.AssertOnlyValues(registry);
    }

    private static void AssertInOrder(string text, params string[] parts)
    {
        var positions = parts.Select(part => text.IndexOf(part, StringComparison.Ordinal)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    /// <summary>The generated rule sets of a loaded test assembly (file-local classes, found by their base type).</summary>
    private static List<CodeRuleSet> RuleSets(System.Reflection.Assembly assembly) => assembly.GetTypes()
        .Where(static type => typeof(CodeRuleSet).IsAssignableFrom(type))
        .Select(static type => (CodeRuleSet)Activator.CreateInstance(type)!)
        .ToList();

    /// <summary>A service provider over a fixed map of services.</summary>
    private sealed class Services(Dictionary<Type, object> services) : IServiceProvider
    {
        public object? GetService(Type serviceType) => services.GetValueOrDefault(serviceType);
    }
}
