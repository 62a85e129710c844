using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Rules;

namespace ServerTools.CompileTime.Tests.Rules;

/// <summary>
/// The loader of the code rules of referenced assemblies: the generated module initializer names one type of each
/// referenced assembly that holds rules, so its module initializer (which registers them) runs although the application
/// never uses its types.
/// </summary>
public sealed class ReferencedRulesTests
{
    /// <summary>A rules-only assembly: the entity is elsewhere in a real solution; here beside its rules.</summary>
    internal const string PublicRules = """
        using ServerTools;

        namespace Shop.Rules;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "A discount above 30% needs a manager's approval")]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }

        [ExceptionRule("sale.big_discount", Message = "A big discount")]
        public sealed class BigDiscount : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.20m;
        }
        """;

    private const string InternalRulesAndPublicType = """
        using ServerTools;

        namespace Shop.Rules;

        public class SaleOrder
        {
            public decimal Discount { get; set; }
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "A discount above 30% needs a manager's approval")]
        internal sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }
        """;

    internal const string InternalOnly = """
        using ServerTools;

        namespace Shop.Rules;

        internal class SaleOrder
        {
            public decimal Discount { get; set; }
        }

        [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "A discount above 30% needs a manager's approval")]
        internal sealed class DiscountLimit : IExceptionRule<SaleOrder>
        {
            public bool Applies(SaleOrder order) => order.Discount > 0.30m;
        }
        """;

    private const string App = """
        namespace Shop.App;

        public static class Entry
        {
            public static int Run() => 42;
        }
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_public_rule_class_of_a_referenced_assembly_is_named_the_first_by_metadata_name(bool emitted)
    {
        var run = RunApp(emitted, Library("Shop.Rules", PublicRules));

        Assert.Equal(["global::Shop.Rules.BigDiscount"], LoadedTypes(run));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_assembly_whose_rules_are_internal_is_loaded_through_a_public_type(bool emitted)
    {
        var run = RunApp(emitted, Library("Shop.Rules", InternalRulesAndPublicType));

        Assert.Equal(["global::Shop.Rules.SaleOrder"], LoadedTypes(run));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_assembly_with_no_type_the_application_can_name_gets_no_loader(bool emitted)
    {
        var run = RunApp(emitted, Library("Shop.Rules", InternalOnly));

        Assert.DoesNotContain(run.GeneratedSources, static source => source.HintName == ExceptionRuleGenerator.ReferencedRulesHintName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_internal_rule_class_is_named_when_the_assembly_shows_its_internals_to_the_application(bool emitted)
    {
        var rules = Library("Shop.Rules", InternalOnly.Replace("namespace Shop.Rules;", "[assembly: System.Runtime.CompilerServices.InternalsVisibleTo(\"Shop.App\")]\n\nnamespace Shop.Rules;", StringComparison.Ordinal));

        var run = RunApp(emitted, rules);

        Assert.Equal(["global::Shop.Rules.DiscountLimit"], LoadedTypes(run));
    }

    [Fact]
    public void The_loader_runs_the_module_constructor_of_each_referenced_assembly_with_rules_in_name_order()
    {
        var rules = Library("Shop.Rules", PublicRules);
        var billing = Library("Billing.Rules", InternalRulesAndPublicType.Replace("Shop.Rules", "Billing.Rules", StringComparison.Ordinal));
        var run = GeneratorHarness.Run(AppCompilation(TestCompilation.Reference(rules, emitted: true), TestCompilation.Reference(billing, emitted: false)))
            .CompilesWithoutDiagnostics()
            .VerifySnapshots();

        Assert.Equal(["global::Billing.Rules.SaleOrder", "global::Shop.Rules.BigDiscount"], LoadedTypes(run));
    }

    [Fact]
    public void Assemblies_without_rules_and_the_runtime_itself_get_no_loader()
    {
        var run = RunApp(emitted: true, Library("Shop.Data", "namespace Shop.Data; public class Order { public int Id { get; set; } }"));

        Assert.DoesNotContain(run.GeneratedSources, static source => source.HintName == ExceptionRuleGenerator.ReferencedRulesHintName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_assembly_without_the_generated_registry_is_not_read_and_gets_no_loader_entry(bool emitted)
    {
        // Built without the ServerTools generator (or with only invalid rules): no registry, so no rule of it registers at
        // run time, and its types are not walked; before the registry was looked up first, its public rule was named here.
        var unregistered = TestCompilation.Create(PublicRules).WithAssemblyName("Shop.Rules");
        Assert.Null(unregistered.GetTypeByMetadataName("ServerTools.Generated.ExceptionRuleRegistration"));

        var run = GeneratorHarness.Run(AppCompilation(TestCompilation.Reference(unregistered, emitted))).CompilesWithoutDiagnostics();

        Assert.DoesNotContain(run.GeneratedSources, static source => source.HintName == ExceptionRuleGenerator.ReferencedRulesHintName);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void An_assembly_that_loads_the_rules_of_its_references_is_loaded_in_turn(bool emitted)
    {
        var rules = Library("Shop.Rules", PublicRules);
        var data = Library("Shop.Data", "namespace Shop.Data; public class Order { public int Id { get; set; } }", TestCompilation.Reference(rules, emitted));

        Assert.Contains(data.SyntaxTrees, static tree => tree.FilePath.EndsWith(ExceptionRuleGenerator.ReferencedRulesHintName, StringComparison.Ordinal));
        var run = RunApp(emitted, data);

        Assert.Equal(["global::Shop.Data.Order"], LoadedTypes(run));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_namespace_of_the_rules_that_is_also_a_type_of_the_application_or_of_another_reference_gets_no_loader_entry(bool emitted)
    {
        // global::Shop.Rules.BigDiscount would bind Shop.Rules to the class (CS0426) or clash with it (CS0434).
        var rules = TestCompilation.Reference(Library("Shop.Rules", PublicRules), emitted);
        var inApp = TestCompilation.Create(App, "namespace Shop { public class Rules { } }").WithAssemblyName("Shop.App").AddReferences(rules);
        var other = TestCompilation.Reference(Library("Shop.Other", "namespace Shop { public class Rules { } }"), emitted);

        foreach (var app in new[] { inApp, AppCompilation(rules, other) })
        {
            var run = GeneratorHarness.Run(app).CompilesWithoutDiagnostics();

            Assert.DoesNotContain(run.GeneratedSources, static source => source.HintName == ExceptionRuleGenerator.ReferencedRulesHintName);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Obsolete_and_experimental_types_are_not_named_and_an_experimental_assembly_gets_no_loader_entry(bool emitted)
    {
        // Any [Obsolete] is passed over (one with a DiagnosticId reports that id, which no pragma of the loader can know);
        // [Experimental] is an error.
        var obsolete = PublicRules.Replace("public sealed class BigDiscount", "[System.Obsolete(\"old\")]\npublic sealed class BigDiscount", StringComparison.Ordinal);
        Assert.Equal(["global::Shop.Rules.DiscountLimit"], LoadedTypes(RunApp(emitted, Library("Shop.Rules", obsolete))));

        var experimental = PublicRules.Replace(
            "namespace Shop.Rules;", "[assembly: System.Diagnostics.CodeAnalysis.Experimental(\"SHOP002\")]\n\nnamespace Shop.Rules;", StringComparison.Ordinal);
        var run = RunApp(emitted, Library("Shop.Rules", experimental));

        Assert.DoesNotContain(run.GeneratedSources, static source => source.HintName == ExceptionRuleGenerator.ReferencedRulesHintName);
    }

    [Fact]
    public void A_project_on_a_language_version_before_CSharp_9_gets_no_loader()
    {
        var csharp8 = CSharpCompilation.Create(
            "Shop.App",
            [CSharpSyntaxTree.ParseText(
                "namespace Shop.App { public static class Entry { public static int Run() => 42; } }",
                TestCompilation.ParseOptions.WithLanguageVersion(LanguageVersion.CSharp8),
                "Source0.cs")],
            TestCompilation.References.Add(TestCompilation.Reference(Library("Shop.Rules", PublicRules), emitted: true)),
            TestCompilation.Options);

        var run = GeneratorHarness.Run(csharp8).CompilesWithoutDiagnostics();

        Assert.DoesNotContain(run.GeneratedSources, static source => source.HintName == ExceptionRuleGenerator.ReferencedRulesHintName);
    }

    [Fact]
    public void An_edit_of_a_source_file_reuses_the_referenced_rule_types_and_the_loader()
    {
        var app = AppCompilation(TestCompilation.Reference(Library("Shop.Rules", PublicRules), emitted: true));
        var driver = GeneratorHarness.CreateDriver(new ExceptionRuleGenerator()).RunGenerators(app);
        Assert.Contains(driver.GetRunResult().GeneratedTrees, static tree => tree.FilePath.EndsWith(ExceptionRuleGenerator.ReferencedRulesHintName, StringComparison.Ordinal));

        var second = driver.RunGenerators(Edits.Replace("public static int Run() => 42;", "public static int Run() => 43;")(app)).GetRunResult();

        Incrementality.AssertQuiet(second, [ExceptionRuleGenerator.Steps.Referenced]);
    }

    [Fact]
    public void Pipeline_value_of_the_referenced_rule_types_holds_no_symbols()
    {
        var run = RunApp(emitted: true, Library("Shop.Rules", PublicRules));
        var step = run.Result.Results.Single(static result => result.Generator.GetGeneratorType() == typeof(ExceptionRuleGenerator))
            .TrackedSteps[ExceptionRuleGenerator.Steps.Referenced];

        PipelineModels.AssertOnlyValues(Assert.Single(step.SelectMany(static s => s.Outputs)).Value);
    }

    /// <summary>A library compiled with the ServerTools generators run over it, as a project that references ServerTools is built.</summary>
    internal static CSharpCompilation Library(string name, string source, params MetadataReference[] references)
        => Built(TestCompilation.Create(source).WithAssemblyName(name).AddReferences(references));

    /// <summary>
    /// <paramref name="project"/> with the output of the ServerTools generators (the rule registry, the loader), as a project
    /// that references ServerTools is built; only such an assembly's rules are read by the projects that reference it.
    /// </summary>
    internal static CSharpCompilation Built(CSharpCompilation project)
        => (CSharpCompilation)GeneratorHarness.Run(project).CompilesWithoutDiagnostics().OutputCompilation;

    internal static CSharpCompilation AppCompilation(params MetadataReference[] references)
        => TestCompilation.Create(App).WithAssemblyName("Shop.App").AddReferences(references);

    private static GeneratorRun RunApp(bool emitted, CSharpCompilation library)
        => GeneratorHarness.Run(AppCompilation(TestCompilation.Reference(library, emitted))).CompilesWithoutDiagnostics();

    /// <summary>The types whose modules the generated loader runs, as written in it.</summary>
    private static string[] LoadedTypes(GeneratorRun run)
    {
        const string Prefix = "RunModuleConstructor(typeof(";
        return run.Source(ExceptionRuleGenerator.ReferencedRulesHintName)
            .Split('\n')
            .Where(static line => line.Contains(Prefix, StringComparison.Ordinal))
            .Select(static line => line[(line.IndexOf(Prefix, StringComparison.Ordinal) + Prefix.Length)..line.IndexOf(").Module", StringComparison.Ordinal)])
            .ToArray();
    }
}
