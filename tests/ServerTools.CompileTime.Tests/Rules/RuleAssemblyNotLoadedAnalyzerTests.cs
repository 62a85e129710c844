using System;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Rules;

namespace ServerTools.CompileTime.Tests.Rules;

/// <summary>
/// ST5012: a referenced assembly with code rules (or a loader of its references' rules) that the project's generated loader
/// cannot name, so its rules would not run; reported without a location, for exactly the assemblies the generator leaves out.
/// </summary>
public sealed class RuleAssemblyNotLoadedAnalyzerTests
{
    private const string App = """
        namespace Shop.App;

        public static class Entry
        {
            public static int Run() => 42;
        }
        """;

    private const string Holds = "holds exception rules";

    private const string AllInternal = "all its types are internal, and it has no [InternalsVisibleTo] for this project";

    private const string MakeOnePublic = "make one type of it public (a rule class, or a public static marker class), or suppress ST5012 for this project if the application loads it another way";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_assembly_whose_types_are_all_internal_is_reported_without_a_location(bool emitted) => DiagnosticAssert.VerifyAsync(
        new RuleAssemblyNotLoadedAnalyzer(),
        App,
        [new("ST5012", Message("Shop.Rules", Holds, AllInternal, MakeOnePublic), ExpectedDiagnostic.NoLocation)],
        [Reference("Shop.Rules", ReferencedRulesTests.InternalOnly, emitted)]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_assembly_referenced_only_through_an_extern_alias_is_reported(bool emitted) => DiagnosticAssert.VerifyAsync(
        new RuleAssemblyNotLoadedAnalyzer(),
        App,
        [
            new(
                "ST5012",
                Message(
                    "Shop.Rules",
                    Holds,
                    "this project references it only through an extern alias, which generated code cannot know",
                    "reference it without an alias as well (add 'global' to the reference's Aliases), or suppress ST5012 for this project if the application loads it another way"),
                ExpectedDiagnostic.NoLocation),
        ],
        [Reference("Shop.Rules", ReferencedRulesTests.PublicRules, emitted).WithAliases(["rules"])]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_assembly_whose_namespace_is_a_class_of_the_project_is_reported(bool emitted) => DiagnosticAssert.VerifyAsync(
        new RuleAssemblyNotLoadedAnalyzer(),
        App,
        [
            new(
                "ST5012",
                Message(
                    "Shop.Rules",
                    Holds,
                    "each of its types this project can see is generic, [Obsolete] or [Experimental], or has a name that means something "
                    + "else here (a type of this project or of another reference has the name of one of its namespaces, as a class "
                    + "'Shop.Rules' beside the namespace 'Shop.Rules')",
                    "add a public, non-generic type to it in a namespace that no type here is named after (a public static marker class), "
                    + "or suppress ST5012 for this project if the application loads it another way"),
                ExpectedDiagnostic.NoLocation),
        ],
        [Reference("Shop.Rules", ReferencedRulesTests.PublicRules, emitted)],
        "namespace Shop { public class Rules { } }");

    [Fact]
    public Task An_experimental_assembly_is_reported() => DiagnosticAssert.VerifyAsync(
        new RuleAssemblyNotLoadedAnalyzer(),
        App,
        [
            new(
                "ST5012",
                Message(
                    "Shop.Rules",
                    Holds,
                    "it (or its module) is marked [Experimental], so naming any of its types draws a diagnostic",
                    "remove [Experimental] from the assembly, or suppress ST5012 for this project if the application loads it another way"),
                ExpectedDiagnostic.NoLocation),
        ],
        [Reference("Shop.Rules", ReferencedRulesTests.PublicRules.Replace("namespace Shop.Rules;", "[assembly: System.Diagnostics.CodeAnalysis.Experimental(\"SHOP002\")]\n\nnamespace Shop.Rules;", StringComparison.Ordinal), emitted: true)]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_internal_assembly_that_loads_the_rules_of_its_references_is_reported(bool emitted)
    {
        var rules = ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules);
        var data = ReferencedRulesTests.Library("Shop.Data", "namespace Shop.Data; internal class Order { public int Id { get; set; } }", TestCompilation.Reference(rules, emitted));
        Assert.NotNull(data.GetTypeByMetadataName("ServerTools.Generated.ReferencedExceptionRules"));

        return DiagnosticAssert.VerifyAsync(
            new RuleAssemblyNotLoadedAnalyzer(),
            App,
            [
                new(
                    "ST5012",
                    Message(
                        "Shop.Data",
                        "has no rules of its own but loads those of the assemblies it references, and this project does not reference 'Shop.Rules' (which may hold rules only 'Shop.Data' loads)",
                        AllInternal,
                        "reference 'Shop.Rules' from this project if it holds rules (it is then loaded, or named by ST5012, itself), or " + MakeOnePublic),
                    ExpectedDiagnostic.NoLocation),
            ],
            [TestCompilation.Reference(data, emitted)]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_internal_assembly_that_loads_rules_the_project_references_itself_is_not_reported(bool emitted)
    {
        // The SDK passes a test project the references of the application it references: an application of top-level
        // statements (all internal) loads nothing the test project's own loader does not load already.
        var rules = ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules);
        var rulesReference = TestCompilation.Reference(rules, emitted);
        var data = ReferencedRulesTests.Library("Shop.Data", "namespace Shop.Data; internal class Order { public int Id { get; set; } }", rulesReference);
        Assert.NotNull(data.GetTypeByMetadataName("ServerTools.Generated.ReferencedExceptionRules"));

        return DiagnosticAssert.VerifyNotReportedAsync(new RuleAssemblyNotLoadedAnalyzer(), App, ["ST5012"], [TestCompilation.Reference(data, emitted), rulesReference]);
    }

    [Theory]
    [InlineData("namespace Shop.Pdf; public static class Writer { public static int Pages => 1; }")]
    [InlineData("[assembly: System.Runtime.CompilerServices.TypeForwardedTo(typeof(object))]")]
    public Task A_reference_of_a_project_reference_that_holds_no_rules_is_no_reason_to_report_it(string pdfSource)
    {
        // In the IDE a project reference is a compilation, whose own references are all seen: Shop.Data's reference to a
        // PDF library (or a project of type forwarders alone), which the application's test project does not have, holds
        // no rules.
        var rules = ReferencedRulesTests.Library("Shop.Rules", ReferencedRulesTests.PublicRules);
        var rulesReference = TestCompilation.Reference(rules, emitted: false);
        var pdf = TestCompilation.Reference(TestCompilation.Create(pdfSource).WithAssemblyName("Shop.Pdf"), emitted: false);
        var data = ReferencedRulesTests.Library("Shop.Data", "namespace Shop.Data; internal class Order { public int Id { get; set; } }", rulesReference, pdf);
        Assert.NotNull(data.GetTypeByMetadataName("ServerTools.Generated.ReferencedExceptionRules"));

        return DiagnosticAssert.VerifyNotReportedAsync(new RuleAssemblyNotLoadedAnalyzer(), App, ["ST5012"], [TestCompilation.Reference(data, emitted: false), rulesReference]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task Assemblies_the_loader_names_are_not_reported(bool emitted) => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleAssemblyNotLoadedAnalyzer(),
        App,
        ["ST5012"],
        [
            Reference("Shop.Rules", ReferencedRulesTests.PublicRules, emitted),
            Reference(
                "Billing.Rules",
                ReferencedRulesTests.InternalOnly
                    .Replace("Shop.Rules", "Billing.Rules", StringComparison.Ordinal)
                    .Replace("namespace Billing.Rules;", "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"TestProject\")]\n\nnamespace Billing.Rules;", StringComparison.Ordinal),
                emitted),
        ]);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Exactly_the_assemblies_the_generator_leaves_out_are_reported(bool emitted)
    {
        MetadataReference[] references =
        [
            Reference("Shop.Rules", ReferencedRulesTests.PublicRules, emitted),
            Reference("Billing.Rules", ReferencedRulesTests.InternalOnly.Replace("Shop.Rules", "Billing.Rules", StringComparison.Ordinal), emitted),
            Reference("Stock.Rules", ReferencedRulesTests.PublicRules.Replace("Shop.Rules", "Stock.Rules", StringComparison.Ordinal), emitted).WithAliases(["stock"]),
        ];
        var app = TestCompilation.Create(App).WithAssemblyName("Shop.App").AddReferences(references);

        var loaded = GeneratorHarness.Run(app).CompilesWithoutDiagnostics().Source(ExceptionRuleGenerator.ReferencedRulesHintName);
        var reported = await DiagnosticAssert.AnalyzeAsync(new RuleAssemblyNotLoadedAnalyzer(), references, App);

        Assert.Contains("typeof(global::Shop.Rules.BigDiscount)", loaded, StringComparison.Ordinal);
        Assert.DoesNotContain("Billing.Rules", loaded, StringComparison.Ordinal);
        Assert.DoesNotContain("Stock.Rules", loaded, StringComparison.Ordinal);
        Assert.Equal(
            ["Referenced assembly 'Billing.Rules'", "Referenced assembly 'Stock.Rules'"],
            reported.Select(static d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split(" holds")[0]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public Task An_assembly_without_the_generated_registry_or_loader_is_not_read_so_not_reported(bool emitted)
    {
        // Rules compiled without the ServerTools generator: no registry, so none of them registers at run time, and the
        // assembly is not walked at all (its [ExceptionRule] classes are not even seen). Before the registry was looked up
        // first, this all-internal assembly was walked, its rule found, and ST5012 reported.
        var unregistered = TestCompilation.Create(ReferencedRulesTests.InternalOnly).WithAssemblyName("Shop.Rules");
        Assert.Null(unregistered.GetTypeByMetadataName("ServerTools.Generated.ExceptionRuleRegistration"));

        return DiagnosticAssert.VerifyNotReportedAsync(new RuleAssemblyNotLoadedAnalyzer(), App, ["ST5012"], [TestCompilation.Reference(unregistered, emitted)]);
    }

    [Fact]
    public Task An_assembly_whose_rules_are_all_invalid_has_no_registry_and_is_not_reported()
    {
        // A rule without IExceptionRule<T> (ST5002 in its own build) is skipped by the generator: nothing registers.
        var invalid = ReferencedRulesTests.Library("Shop.Rules", """
            using ServerTools;

            namespace Shop.Rules;

            [ExceptionRule("sale.discount_limit")]
            internal sealed class DiscountLimit
            {
            }
            """);
        Assert.Null(invalid.GetTypeByMetadataName("ServerTools.Generated.ExceptionRuleRegistration"));

        return DiagnosticAssert.VerifyNotReportedAsync(new RuleAssemblyNotLoadedAnalyzer(), App, ["ST5012"], [TestCompilation.Reference(invalid, emitted: true)]);
    }

    private static MetadataReference Reference(string name, string source, bool emitted)
        => TestCompilation.Reference(ReferencedRulesTests.Library(name, source), emitted);

    private static string Message(string assembly, string holds, string why, string fix)
        => $"Referenced assembly '{assembly}' {holds}, but this project's loader of referenced rules can name none of its types ({why}), "
           + $"so they run only if something else loads it: {fix}";
}
