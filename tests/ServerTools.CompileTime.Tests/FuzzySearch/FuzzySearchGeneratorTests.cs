using System;
using System.Collections;
using System.Linq;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using ServerTools.CompileTime.Tests.Harness;
using ServerTools.Generators.Common;
using ServerTools.Generators.FuzzySearch;

namespace ServerTools.CompileTime.Tests.FuzzySearch;

public sealed class FuzzySearchGeneratorTests
{
    private const string Partner = """
        using ServerTools;

        namespace Shop;

        public abstract class Entity
        {
            public int Id { get; set; }
        }

        [FuzzySearchable(nameof(Name), nameof(Email))]
        public class Partner : Entity
        {
            public string Name { get; set; } = "";
            public string? Email { get; set; }

            [FuzzySearchable(Mode = TrigramMatch.WordSimilarity, Weight = 0.5)]
            public string? Notes { get; set; }

            public int Rank { get; set; }

            public string Describe() => Name + " " + Email;
        }
        """;

    private const string City = """
        using ServerTools;

        namespace Shop;

        internal class City
        {
            public long CityId { get; set; }
            [FuzzySearchable] public string Name { get; set; } = "";
            [FuzzySearchable(Mode = TrigramMatch.StrictWordSimilarity, Weight = 0.75)] public string Description { get; set; } = "";
            public int Population { get; set; }
        }
        """;

    private const string MarkedPartner = """
        using ServerTools;
        namespace Shop;
        $OUTER$ public class Sales
        {
            $ENTITY$ public class Partner
            {
                $KEY$ public int Id { $KEYGET$ get; set; }
                $PROPERTY$ [FuzzySearchable] public string Name { $GET$ get; set; } = "";
            }
        }
        """;

    public static TheoryData<string, string> MarkedPartnerCases => ObsoleteMarks.Cases("OUTER", "ENTITY", "KEY", "PROPERTY", "KEYGET", "GET");

    [Theory]
    [MemberData(nameof(MarkedPartnerCases))]
    public void Obsolete_or_experimental_class_or_property_adds_no_diagnostic_to_the_search_extensions(string place, string mark)
        => Assert.Contains(
            "static entity => entity.Id,",
            GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedPartner, place, mark)).GeneratedTreesCompileWithoutDiagnostics().GeneratedSources.Single().Text,
            StringComparison.Ordinal);

    [Theory]
    [InlineData("OUTER")]
    [InlineData("ENTITY")]
    [InlineData("KEY")]
    [InlineData("PROPERTY")]
    [InlineData("KEYGET")]
    [InlineData("GET")]
    public void Class_or_property_obsolete_as_an_error_adds_no_error_to_the_search_extensions(string place)
        => GeneratorHarness.Run(ObsoleteMarks.Apply(MarkedPartner, place, ObsoleteMarks.Error)).GeneratedTreesCompileWithoutDiagnostics();

    [Fact]
    public void Class_with_listed_and_marked_fields_gets_searches_best_first_weighted_and_tie_broken_by_its_key()
        => GeneratorHarness.Run(Partner).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Internal_class_with_marked_properties_gets_internal_searches_with_each_field_s_comparison()
        => GeneratorHarness.Run(City).CompilesWithoutDiagnostics().VerifySnapshots();

    [Fact]
    public void Nested_classes_and_the_global_namespace_get_extensions_at_namespace_level()
        => GeneratorHarness.Run(
            """
            using ServerTools;

            namespace Shop
            {
                public class Outer
                {
                    [FuzzySearchable(nameof(@event))]
                    public class Line
                    {
                        public string Code { get; set; } = "";
                        public string @event { get; set; } = "";
                    }
                }
            }
            """,
            """
            using ServerTools;

            [FuzzySearchable(nameof(Title))]
            public class Note
            {
                public string Title { get; set; } = "";
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    [Theory]
    [InlineData("[FuzzySearchable(nameof(Name))] public class Box<T> { public string Name { get; set; } = \"\"; }")]
    [InlineData("public class Outer { [FuzzySearchable(nameof(Name))] private class Hidden { public string Name { get; set; } = \"\"; } }")]
    [InlineData("[FuzzySearchable(\"Nmae\")] public class Typo { public string Name { get; set; } = \"\"; }")]
    [InlineData("[FuzzySearchable(nameof(Count))] public class Counter { public int Count { get; set; } }")]
    [InlineData("[FuzzySearchable] public class Nothing { public string Name { get; set; } = \"\"; }")]
    [InlineData("[FuzzySearchable(nameof(Name), Weight = 0)] public class Weightless { public string Name { get; set; } = \"\"; }")]
    [InlineData("[FuzzySearchable(nameof(Name), Mode = (TrigramMatch)7)] public class Modeless { public string Name { get; set; } = \"\"; }")]
    [InlineData("public class Computed { [FuzzySearchable] public string Name => \"x\"; }")]
    [InlineData("[FuzzySearchable(nameof(Name))] file class Local { public string Name { get; set; } = \"\"; }")]
    [InlineData("public record struct Tag { [FuzzySearchable] public string Name { get; set; } }")]
    public void Class_without_a_valid_field_or_that_cannot_be_seen_gets_no_code(string declaration)
        => Assert.Empty(GeneratorHarness.Run("using ServerTools;\nnamespace Shop;\n" + declaration).GeneratedSources);

    [Fact]
    public void Invalid_fields_are_left_out_and_valid_ones_kept()
    {
        var source = Assert.Single(GeneratorHarness.Run(
            """
            using ServerTools;
            namespace Shop;
            [FuzzySearchable("Nmae", nameof(Code), nameof(Size), nameof(Code))]
            public class Product
            {
                public string Guid { get; set; } = "";
                public string Code { get; set; } = "";
                public int Size { get; set; }
                [FuzzySearchable(Mode = (TrigramMatch)7)] public string? Remarks { get; set; }
            }
            """).CompilesWithoutDiagnostics().GeneratedSources).Text;

        Assert.Contains("new global::ServerTools.FuzzySearchField(\"Code\", global::ServerTools.TrigramMatch.Similarity, 1d));", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Nmae", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Size", source, StringComparison.Ordinal);
        Assert.DoesNotContain("Remarks", source, StringComparison.Ordinal);
        Assert.DoesNotContain("ThenBy", source, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_searches_run_in_memory_with_the_documented_score_and_register_the_fields()
    {
        var assembly = GeneratedCodeAssert.CompileAndLoad(Partner);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
        var partnerType = assembly.GetType("Shop.Partner", throwOnError: true)!;
        Assert.True(FuzzySearchDescriptors.TryGet(partnerType, out var fields));
        Assert.Equal(
            [new FuzzySearchField("Name", TrigramMatch.Similarity, 1), new FuzzySearchField("Email", TrigramMatch.Similarity, 1), new FuzzySearchField("Notes", TrigramMatch.WordSimilarity, 0.5)],
            fields);

        var partners = Array.CreateInstance(partnerType, 4);
        (string Name, string? Email, string? Notes)[] rows =
        [
            ("John Smith", "john@example.com", null),
            ("Jon Smyth", null, null),
            ("Alice", "alice@example.com", "Ask John Smith about invoices"),
            ("Bob", "bob@example.com", null),
        ];
        for (var i = 0; i < rows.Length; i++)
        {
            var partner = Activator.CreateInstance(partnerType)!;
            partnerType.GetProperty("Id")!.SetValue(partner, i + 1);
            partnerType.GetProperty("Name")!.SetValue(partner, rows[i].Name);
            partnerType.GetProperty("Email")!.SetValue(partner, rows[i].Email);
            partnerType.GetProperty("Notes")!.SetValue(partner, rows[i].Notes);
            partners.SetValue(partner, i);
        }

        var source = typeof(Queryable).GetMethods().Single(m => m.Name == nameof(Queryable.AsQueryable) && m.IsGenericMethod)
            .MakeGenericMethod(partnerType).Invoke(null, [partners]);
        var extensions = assembly.GetType("Shop.PartnerFuzzySearchExtensions", throwOnError: true)!;
        var hits = ((IEnumerable)extensions.GetMethod("FuzzySearchScored")!.Invoke(null, [source, "john smith", 0.3])!).Cast<object>().ToList();

        var found = hits.Select(hit => (
            Name: (string)partnerType.GetProperty("Name")!.GetValue(hit.GetType().GetProperty("Entity")!.GetValue(hit))!,
            Score: (double)hit.GetType().GetProperty("Score")!.GetValue(hit)!)).ToList();
        double Score(int row) => Math.Max(
            Math.Max(Trigram.Similarity(rows[row].Name, "john smith"), rows[row].Email is { } email ? Trigram.Similarity(email, "john smith") : 0),
            rows[row].Notes is { } notes ? Trigram.WordSimilarity("john smith", notes) * 0.5 : 0);
        var expected = Enumerable.Range(0, rows.Length)
            .Where(row => Trigram.Similarity(rows[row].Name, "john smith") >= 0.3
                          || (rows[row].Email is { } email && Trigram.Similarity(email, "john smith") >= 0.3)
                          || (rows[row].Notes is { } notes && Trigram.WordSimilarity("john smith", notes) >= 0.3))
            .OrderByDescending(Score).ThenBy(row => row)
            .Select(row => (rows[row].Name, Score(row)))
            .ToList();
        Assert.Equal(["John Smith", "Alice", "Jon Smyth"], found.Select(f => f.Name));
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Records_are_searched_as_classes_are_also_by_a_positional_property()
        => GeneratorHarness.Run("""
            using ServerTools;

            namespace Shop;

            [FuzzySearchable(nameof(Name))]
            public record Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            public sealed record Supplier(int Id, [property: FuzzySearchable(Mode = TrigramMatch.WordSimilarity)] string Name, string? Email);
            """).CompilesWithoutDiagnostics().VerifySnapshots();

    /// <summary>One class listed on the class, one with marked properties, so that every step of the generator runs.</summary>
    private static readonly string[] s_incrementalSources = [Partner, City];

    private static void AssertCachedAfter(Edit edit) => Incrementality.AssertCachedAfter(edit, s_incrementalSources, new FuzzySearchGenerator());

    [Fact]
    public void Adding_an_unrelated_file_reuses_every_step()
        => AssertCachedAfter(Edits.AddFile("namespace Shop; public class Payment { public int Id { get; set; } }"));

    [Fact]
    public void Editing_a_method_body_of_a_searchable_class_reuses_every_step()
        => AssertCachedAfter(Edits.Replace("Name + \" \" + Email", "Email + Name"));

    [Fact]
    public void Editing_a_property_that_is_not_searched_reuses_every_step()
        => AssertCachedAfter(Edits.Replace("public int Population { get; set; }", "public int Population { get; set; } = 1;"));

    [Fact]
    public void Listing_another_field_regenerates_that_class_only()
    {
        var compilation = TestCompilation.Create(s_incrementalSources);
        var driver = GeneratorHarness.CreateDriver(new FuzzySearchGenerator()).RunGenerators(compilation);
        var edited = Edits.Replace("[FuzzySearchable] public string Name", "[FuzzySearchable(Weight = 0.9)] public string Name")(compilation);

        var result = Assert.Single(driver.RunGenerators(edited).GetRunResult().Results);

        Assert.Equal(
            [("Shop.City", IncrementalStepRunReason.Modified), ("Shop.Partner", IncrementalStepRunReason.Unchanged)],
            result.TrackedSteps[FuzzySearchGenerator.Steps.Entities].SelectMany(static step => step.Outputs)
                .Select(static output => (((GeneratedFile<FuzzySearchEntitySpec>)output.Value).Model.Hierarchy.MetadataName, output.Reason)));
        Assert.Equal(
            [IncrementalStepRunReason.Modified, IncrementalStepRunReason.Cached],
            result.TrackedOutputSteps.SelectMany(static step => step.Value).SelectMany(static step => step.Outputs).Select(static output => output.Reason));
        Assert.Contains("TrigramMatch.Similarity, 0.9d)", result.GeneratedSources.Single(static s => s.HintName == "Shop.City.FuzzySearch.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_models_hold_no_symbols_syntax_or_compilations()
    {
        var result = Assert.Single(GeneratorHarness.Run(TestCompilation.Create(s_incrementalSources), new FuzzySearchGenerator()).Result.Results);
        var models = result.TrackedSteps[FuzzySearchGenerator.Steps.Entities].SelectMany(static step => step.Outputs).Select(static output => output.Value).ToList();

        Assert.Equal(2, models.Count);
        models.ForEach(PipelineModels.AssertOnlyValues);
    }
}
