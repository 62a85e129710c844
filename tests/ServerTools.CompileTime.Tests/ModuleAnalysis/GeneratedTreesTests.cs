using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.Analyzers.ModuleAnalysis;
using ServerTools.CompileTime.Tests.Harness;
using static ServerTools.CompileTime.Tests.ModuleAnalysis.ModuleAssert;

namespace ServerTools.CompileTime.Tests.ModuleAnalysis;

public sealed class GeneratedTreesTests
{
    [Fact]
    public async Task The_summary_counts_the_files_and_lines_the_ServerTools_generators_add()
    {
        var marked = MarkedSource.Parse("""
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            [Audited]
            [FuzzySearchable(nameof(Name))]
            public partial class [|Partner|]
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            public class ShopContext : DbContext
            {
                public DbSet<Partner> Partners => Set<Partner>();
            }
            """);
        var run = GeneratorHarness.Run(marked.Text);
        var generated = run.GeneratedSources;
        var lines = generated.Sum(static source => source.Text.Count(static c => c == '\n') + (source.Text.EndsWith('\n') ? 0 : 1));
        Assert.True(generated.Count >= 2, "The generators wrote no code for the audited, searchable entity.");

        var summary = Compare(
            marked,
            [
                // At the class as written, not at the partial declaration the generators add.
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Partner' of 'Shop.ShopContext': Audited, FuzzySearchable; no exception rule", 0),
                    ("type", "Shop.Partner"), ("features", "Audited\nFuzzySearchable"), ("rules", ""), ("contexts", "Shop.ShopContext")),
            ],
            await AnalyzeAsync(run.OutputCompilation));

        Summary(
            summary,
            "Module 'TestProject': 1 entity (1 audited, 0 tracked, 1 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 1), ("audited", 1), ("fuzzySearchable", 1), ("generatedFiles", generated.Count), ("generatedLines", lines)));
        Assert.All(run.OutputCompilation.SyntaxTrees.Skip(1), static tree => Assert.True(GeneratedTrees.IsGeneratorOutput(tree.FilePath), tree.FilePath));
        Assert.False(GeneratedTrees.IsGeneratorOutput(run.OutputCompilation.SyntaxTrees.First().FilePath));
    }

    [Theory]
    [InlineData("/src/Shop/obj/Debug/net10.0/ServerTools.Generators/ServerTools.Generators.Auditing.AuditedGenerator/Shop.Partner.Audited.g.cs")]
    [InlineData(@"C:\src\Shop\obj\Debug\net10.0\System.Text.RegularExpressions.Generator\System.Text.RegularExpressions.Generator.RegexGenerator\RegexGenerator.g.cs")]
    [InlineData("/src/Shop/obj/Debug/net10.0/Microsoft.Interop.LibraryImportGenerator/Microsoft.Interop.LibraryImportGenerator/LibraryImports.g.cs")]
    [InlineData("/src/Shop/obj/Debug/net10.0/Microsoft.CodeAnalysis.Razor.Compiler/Microsoft.NET.Sdk.Razor.SourceGenerators.RazorSourceGenerator/Pages_Index_razor.g.cs")]
    [InlineData("ServerTools.Generators/ServerTools.Generators.Rules.ExceptionRuleGenerator/ServerTools.ExceptionRules.g.cs")]
    [InlineData("/src/Shop/obj/Debug/net10.0/Microsoft.CodeAnalysis.Razor.Compiler/Microsoft.NET.Sdk.Razor.SourceGenerators.RazorSourceGenerator/Components/Hello_razor.g.cs")]
    [InlineData(@"C:\src\Shop\obj\Debug\net10.0\Microsoft.CodeAnalysis.Razor.Compiler\Microsoft.NET.Sdk.Razor.SourceGenerators.RazorSourceGenerator\Pages/Shared/_Layout_cshtml.g.cs")]
    public void A_path_under_a_generator_assembly_and_type_folder_is_generator_output(string path)
        => Assert.True(GeneratedTrees.IsGeneratorOutput(path));

    [Theory]
    [InlineData("/src/Shop/Model/Partner.cs")]
    [InlineData("/src/Shop/obj/Debug/net10.0/Shop.AssemblyInfo.cs")]
    [InlineData("/src/Shop/obj/Debug/net10.0/Shop.GlobalUsings.g.cs")]
    [InlineData(@"C:\src\Shop\Data\Migrations\20250101_Initial.Designer.cs")]
    [InlineData("Source0.cs")]
    [InlineData("/Partner.cs")]
    [InlineData("")]
    public void A_project_file_is_not_generator_output(string path)
        => Assert.False(GeneratedTrees.IsGeneratorOutput(path));

    [Fact]
    public void Only_the_trees_after_the_project_files_count_so_a_project_folder_shaped_like_generator_output_does_not()
    {
        var compilation = CSharpCompilation.Create(
            "TestProject",
            [
                TestCompilation.Parse("namespace Shop; class A { }\n", "/src/Shop/Shop.Models/Shop.Models.Sales/A.cs"),
                TestCompilation.Parse("namespace Shop; class B { }\n", "/src/Shop/B.cs"),
                TestCompilation.Parse("namespace Shop;\npartial class B\n{\n}\n", "/src/Shop/obj/ServerTools.Generators/ServerTools.Generators.Tracking.TrackedGenerator/Shop.B.Tracked.g.cs"),
                TestCompilation.Parse("", "/src/Shop/obj/ServerTools.Generators/ServerTools.Generators.Tracking.TrackedGenerator/Empty.g.cs"),
            ]);

        Assert.Equal((2, 4), GeneratedTrees.Count(compilation, CancellationToken.None));
        Assert.Equal((0, 0), GeneratedTrees.Count(compilation.RemoveSyntaxTrees(compilation.SyntaxTrees.Skip(2)), CancellationToken.None));
    }

    [Fact]
    public void Generated_trees_whose_hint_names_have_folders_count_with_the_others()
    {
        // Razor names its trees after the page's folder; one such tree once stopped the count, and the other generators' went with it.
        const string Output = "/src/Shop/Shop.Web/obj/Debug/net10.0/";
        const string Razor = Output + "Microsoft.CodeAnalysis.Razor.Compiler/Microsoft.NET.Sdk.Razor.SourceGenerators.RazorSourceGenerator/";
        var compilation = CSharpCompilation.Create(
            "TestProject",
            [
                TestCompilation.Parse("namespace Shop; class A { }\n", "/src/Shop/Shop.Web/Pages/A.cs"),
                TestCompilation.Parse("namespace Shop;\npartial class A\n{\n}\n", Output + "ServerTools.Generators/ServerTools.Generators.Tracking.TrackedGenerator/Shop.A.Tracked.g.cs"),
                TestCompilation.Parse("namespace Shop;\nclass Index\n{\n}\n", Razor + "Pages/Index_cshtml.g.cs"),
                // A hint folder shaped like generator folders, not the last tree: still under the same base.
                TestCompilation.Parse("namespace Shop;\nclass Edit\n{\n}\n", Razor + "Admin/Admin.Users/Edit_razor.g.cs"),
                TestCompilation.Parse("namespace Shop;\nclass Hello { }\n", Razor + "Components/Hello_razor.g.cs"),
            ]);

        Assert.Equal((4, 14), GeneratedTrees.Count(compilation, CancellationToken.None));
    }

    [Fact]
    public void Lines_end_at_the_last_line_break_and_a_last_line_without_one_counts()
    {
        var compilation = CSharpCompilation.Create(
            "TestProject",
            [TestCompilation.Parse("class A\r\n{\r\n}", "/obj/Gen/Gen.Generator/A.g.cs")]);

        Assert.Equal((1, 3), GeneratedTrees.Count(compilation, CancellationToken.None));
    }
}
