using System.Threading.Tasks;
using ServerTools.Analyzers.FuzzySearch;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.FuzzySearch;

public sealed class SearchableClassNotSupportedAnalyzerTests
{
    private static string Hidden(string type, string where, string accessibility, string fix)
        => $"No FuzzySearch is generated for '{type}': {where} {accessibility}, and the extensions are generated in a static class at "
           + $"namespace level, which cannot see it; make '{fix}' internal or public";

    [Fact]
    public Task A_private_or_protected_class_is_reported_at_its_modifiers() => DiagnosticAssert.VerifyAsync(
        new SearchableClassNotSupportedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Store
        {
            [FuzzySearchable(nameof(Name))]
            [|private|] class Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [|protected|] class Supplier
            {
                public int Id { get; set; }
                [FuzzySearchable] public string Name { get; set; } = "";
            }

            [FuzzySearchable(nameof(Name))]
            [|private protected|] class Partner
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [FuzzySearchable(nameof(Name))]
            class [|Carrier|]
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }
        }
        """,
        [
            new("ST3006", Hidden("Customer", "it is", "private", "Customer"), 0),
            new("ST3006", Hidden("Supplier", "it is", "protected", "Supplier"), 1),
            new("ST3006", Hidden("Partner", "it is", "private protected", "Partner"), 2),
            new("ST3006", Hidden("Carrier", "it is", "private", "Carrier"), 3),
        ]);

    [Fact]
    public Task A_class_in_a_private_type_is_reported_at_that_type_s_modifier() => DiagnosticAssert.VerifyAsync(
        new SearchableClassNotSupportedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Store
        {
            [|private|] static class Catalog
            {
                [FuzzySearchable(nameof(Name))]
                public class Product
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                }
            }
        }
        """,
        [new("ST3006", Hidden("Product", "it is nested in 'Catalog', which is", "private", "Catalog"), 0)]);

    [Fact]
    public Task A_generic_class_or_one_nested_in_a_generic_type_is_reported_at_the_type_parameters() => DiagnosticAssert.VerifyAsync(
        new SearchableClassNotSupportedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(nameof(Name))]
        public class Tag[|<TKey>|]
        {
            public TKey Id { get; set; } = default!;
            public string Name { get; set; } = "";
        }

        public class Registry[|<T>|]
        {
            public class Entry
            {
                public int Id { get; set; }
                [FuzzySearchable] public string Name { get; set; } = "";
            }
        }
        """,
        [
            new("ST3006", "No FuzzySearch is generated for 'Tag': it is generic, and the extensions are written for one entity type; "
                          + "mark a non-generic entity class [FuzzySearchable] instead (a class derived from 'Tag' also searches the properties marked here)", 0),
            new("ST3006", "No FuzzySearch is generated for 'Entry': it is nested in 'Registry', which is generic, and the extensions are written "
                          + "for one entity type; declare 'Entry' outside 'Registry'", 1),
        ]);

    [Fact]
    public Task Visible_non_generic_classes_and_generic_base_classes_that_only_mark_properties_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new SearchableClassNotSupportedAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Tag<TKey>
        {
            public TKey Id { get; set; } = default!;
            [FuzzySearchable] public string Name { get; set; } = "";
        }

        [FuzzySearchable]
        public class ProductTag : Tag<int>
        {
        }

        [FuzzySearchable(nameof(Name))]
        internal class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public class Store
        {
            [FuzzySearchable(nameof(Name))]
            public class Supplier
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            internal class Partner
            {
                public int Id { get; set; }
                [FuzzySearchable] public string Name { get; set; } = "";
            }

            [FuzzySearchable(nameof(Name))]
            protected internal class Carrier
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            private class Helper
            {
                public string Name { get; set; } = "";
            }
        }
        """,
        ["ST3006"]);

    [Fact]
    public Task Generated_code_is_not_analyzed() => DiagnosticAssert.VerifyNotReportedAsync(
        new SearchableClassNotSupportedAnalyzer(),
        """
        // <auto-generated/>
        using ServerTools;

        namespace Shop;

        public class Store
        {
            [FuzzySearchable(nameof(Name))]
            private class Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }
        }
        """,
        ["ST3006"]);
}
