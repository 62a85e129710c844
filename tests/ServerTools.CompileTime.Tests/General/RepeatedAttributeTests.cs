using System.Linq;
using Microsoft.CodeAnalysis;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

/// <summary>
/// A class whose partial declarations each carry the same ServerTools attribute is a compile error of its own (CS0579);
/// the generators must not add a crash (CS8785, a duplicate hint name) or a second copy of the generated members beside it.
/// </summary>
public sealed class RepeatedAttributeTests
{
    [Theory]
    [InlineData("Audited", "[Audited]")]
    [InlineData("Tracked", "[Tracked]")]
    [InlineData("FuzzySearch", "[FuzzySearchable(\"Name\")]")]
    [InlineData("TimeWindows", "[TimeWindowed]")]
    public void Attribute_repeated_on_two_partial_declarations_generates_once(string hintPart, string attribute)
    {
        var run = GeneratorHarness.Run(
            $$"""
            using ServerTools;

            namespace Shop;

            {{attribute}}
            public partial class Store
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }
            """,
            $$"""
            using ServerTools;

            namespace Shop;

            {{attribute}}
            public partial class Store
            {
                public string City { get; set; } = "";
            }
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Single(run.GeneratedSources, source => source.HintName.Contains(hintPart) && source.HintName.Contains("Store"));
        var errors = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id).Distinct();
        Assert.Equal(["CS0579"], errors);
    }

    [Fact]
    public void Rule_attribute_repeated_on_two_partial_declarations_registers_the_rule_once()
    {
        var run = GeneratorHarness.Run(
            """
            using ServerTools;

            namespace Shop;

            public class Order { public int Id { get; set; } public decimal Total { get; set; } }

            [ExceptionRule("sale.total")]
            public sealed partial class PositiveTotal : IExceptionRule<Order>
            {
                public bool Applies(Order order) => order.Total < 0;
            }
            """,
            """
            using ServerTools;

            namespace Shop;

            [ExceptionRule("sale.total")]
            public sealed partial class PositiveTotal;
            """);

        Assert.Empty(run.GeneratorDiagnostics);
        var registry = Assert.Single(run.GeneratedSources, static source => source.Text.Contains("sale.total")).Text;
        Assert.Single(registry.Split("\"sale.total\"").Skip(1));
        var errors = run.OutputCompilation.GetDiagnostics().Where(static d => d.Severity == DiagnosticSeverity.Error).Select(static d => d.Id).Distinct();
        Assert.Equal(["CS0579"], errors);
    }
}
