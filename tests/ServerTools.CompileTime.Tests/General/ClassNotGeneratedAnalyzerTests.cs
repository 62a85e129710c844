using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.General;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

public sealed class ClassNotGeneratedAnalyzerTests
{
    private static string Message(string attributes, string type, string reason, string remedy)
        => $"No code is generated for {attributes} on '{type}': {reason}; {remedy}";

    private const string OneEntityType = "and the generated code registers one entity type";

    private const string CannotSee = "and the generated code registers it from namespace level, which cannot see it";

    [Fact]
    public Task Generic_class_or_class_nested_in_a_generic_type_is_reported_at_the_type_parameters() => DiagnosticAssert.VerifyAsync(
        new ClassNotGeneratedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited, Tracked, TimeWindowed]
        public partial class Label[|<TKey>|] { public TKey Id { get; set; } = default!; public string Name { get; set; } = ""; }

        [Audited]
        public partial class Tagged[|<T>|] { public int Id { get; set; } public T? Value { get; set; } }

        public partial class Outer[|<T>|]
        {
            [Tracked]
            public partial class Inner { public int Id { get; set; } public string State { get; set; } = ""; }
        }
        """,
        [
            new("ST0002", Message("[Audited], [Tracked] and [TimeWindowed]", "Label", $"it is generic, {OneEntityType}",
                "move [Audited], [Tracked] and [TimeWindowed] to the non-generic entity classes derived from 'Label'"), 0),
            new("ST0002", Message("[Audited]", "Tagged", $"it is generic, {OneEntityType}", "move [Audited] to the non-generic entity classes derived from 'Tagged'"), 1),
            new("ST0002", Message("[Tracked]", "Inner", $"it is nested in 'Outer', which is generic, {OneEntityType}", "declare 'Inner' outside 'Outer'"), 2),
        ]);

    [Fact]
    public Task Private_or_protected_class_is_reported_at_the_accessibility_that_hides_it() => DiagnosticAssert.VerifyAsync(
        new ClassNotGeneratedAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        public partial class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
        {
            [Audited]
            [|private|] partial class LegacyNote { public int Id { get; set; } public string Text { get; set; } = ""; }

            [|protected|] partial class LegacyFlag { public int Id { get; set; } [Tracked] public bool On { get; set; } }

            [TimeWindowed]
            [|private protected|] partial class LegacyDesk { public int Id { get; set; } }

            [|protected|] partial class Legacy
            {
                [Audited]
                public partial class Archive { public int Id { get; set; } }
            }

            [Audited]
            partial class [|Implicit|] { public int Id { get; set; } }
        }
        """,
        [
            new("ST0002", Message("[Audited]", "LegacyNote", $"it is private, {CannotSee}", "make 'LegacyNote' internal or public"), 0),
            new("ST0002", Message("[Tracked]", "LegacyFlag", $"it is protected, {CannotSee}", "make 'LegacyFlag' internal or public"), 1),
            new("ST0002", Message("[TimeWindowed]", "LegacyDesk", $"it is private protected, {CannotSee}", "make 'LegacyDesk' internal or public"), 2),
            new("ST0002", Message("[Audited]", "Archive", $"it is nested in 'Legacy', which is protected, {CannotSee}", "make 'Legacy' internal or public"), 3),
            new("ST0002", Message("[Audited]", "Implicit", $"it is private, {CannotSee}", "make 'Implicit' internal or public"), 4),
        ]);

    [Fact]
    public Task Class_inheriting_the_Tracked_properties_of_a_generic_class_is_reported_at_its_name() => DiagnosticAssert.VerifyAsync(
        new ClassNotGeneratedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract partial class Versioned<T>
        {
            public int Id { get; set; }
            public T? Payload { get; set; }
            [Tracked] public string Status { get; set; } = "";
        }

        public partial class [|Revision|] : Versioned<string> { }

        public abstract class Draft : Versioned<int> { }

        [Tracked]
        public partial class Release : Versioned<int> { }

        public partial class Patch : Versioned<long>
        {
            [Tracked] public string? Author { get; set; }
        }
        """,
        [
            new("ST0002", Message("[Tracked]", "Revision",
                "it inherits the [Tracked] properties of 'Versioned', which is generic, so no tracking code is generated for 'Versioned' and nothing tracks 'Revision' through it",
                "mark 'Revision' [Tracked] (and partial), or one of its own properties")),
        ]);

    [Fact]
    public async Task Class_nested_in_the_Program_of_top_level_statements_is_reported_at_its_name()
    {
        var marked = MarkedSource.Parse("""
            using ServerTools;

            System.Console.WriteLine("app");

            public partial class Program
            {
                [Audited, Tracked, TimeWindowed]
                internal partial class [|Note|] { public int Id { get; set; } public string Text { get; set; } = ""; }
            }
            """);
        var compilation = TestCompilation.Create(marked.Text).WithOptions(TestCompilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        Assert.DoesNotContain(compilation.GetDiagnostics(), static d => d.Severity == DiagnosticSeverity.Error);
        Assert.Empty(GeneratorHarness.Run(compilation).GeneratedSources);

        var actual = await compilation.WithAnalyzers([new ClassNotGeneratedAnalyzer()]).GetAnalyzerDiagnosticsAsync();

        DiagnosticAssert.Compare(
            marked,
            [new("ST0002", Message("[Audited], [Tracked] and [TimeWindowed]", "Note",
                "it is nested in 'Program', the class of the top-level statements, which ServerTools does not extend", "declare 'Note' outside 'Program'"))],
            actual);
    }

    [Fact]
    public Task Classes_the_generators_extend_and_generic_base_classes_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new ClassNotGeneratedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited, Tracked, TimeWindowed]
        public partial class Store { public int Id { get; set; } }

        public partial class Catalog
        {
            [Audited]
            internal partial class Item { public int Id { get; set; } }

            [Tracked]
            protected internal partial class Offer { public int Id { get; set; } public decimal Price { get; set; } }
        }

        public abstract partial class Versioned<T>
        {
            public int Id { get; set; }
            [Tracked] public string Status { get; set; } = "";
        }

        [Tracked]
        public partial class Release : Versioned<int> { }

        public abstract class Entity<TKey> { public TKey Id { get; set; } = default!; }

        [Audited]
        public partial class Partner : Entity<int> { public string Name { get; set; } = ""; }

        public partial class Program
        {
            [Audited]
            internal partial class Note { public int Id { get; set; } }
        }

        [Audited]
        file partial class Secret { public int Id { get; set; } }
        """,
        ["ST0002"]);

    [Theory]
    [InlineData("[ServerTools.Audited] public partial class Partner<T> { public int Id { get; set; } }")]
    [InlineData("public partial class Shop<T> { [ServerTools.Tracked] public partial class Partner { public int Id { get; set; } } }")]
    [InlineData("public partial class Shop { [ServerTools.TimeWindowed] private partial class Partner { public int Id { get; set; } } }")]
    [InlineData("public partial class Shop { protected partial class Partner { public int Id { get; set; } [ServerTools.Tracked] public int State { get; set; } } }")]
    [InlineData("public abstract partial class Base<T> { public int Id { get; set; } [ServerTools.Tracked] public int State { get; set; } } public partial class Partner : Base<int> { }")]
    public async Task Class_the_analyzer_reports_gets_no_generated_code(string source)
    {
        Assert.Empty(GeneratorHarness.Run(source).GeneratedSources);
        Assert.Contains(await DiagnosticAssert.AnalyzeAsync(new ClassNotGeneratedAnalyzer(), source), static d => d.Id == "ST0002");
    }
}
