using System;
using System.Threading.Tasks;
using ServerTools.Analyzers.CodeFixes.FuzzySearch;
using ServerTools.Analyzers.FuzzySearch;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.FuzzySearch;

public sealed class FuzzySearchFieldAnalyzerTests
{
    private const string NotMapped = "EF Core does not map it (it is static, [NotMapped], an indexer or an override, or has no public getter or no setter)";

    private static string LeftOut(string field, string type, string why) => $"'{field}' is left out of the fuzzy search of '{type}': {why}";

    private static string NotString(string field, string type, string fieldType, string remove)
        => LeftOut(field, type, $"it is '{fieldType}', and pg_trgm compares text; map a string property instead, or {remove}");

    private static string Meant(string type, string property)
        => $"'{type}' has no property of that name; did you mean '{property}'? Write nameof({property}) so that the compiler checks the name";

    private static string Twice(string field, string type, string why) => $"'{field}' is a searchable field of '{type}' already: {why}";

    private static string Weight(string weight, string what, string type)
        => $"Weight = {weight} is outside (0, 1], so {what} left out of the fuzzy search of '{type}': give a weight greater than 0 and at most 1, or none for 1";

    private static string Mode(string mode, string what, string type)
        => $"Mode = (TrigramMatch){mode} is none of TrigramMatch's comparisons, so {what} left out of the fuzzy search of '{type}': "
           + "use TrigramMatch.Similarity, WordSimilarity or StrictWordSimilarity, or none for Similarity";

    [Fact]
    public Task A_nameof_through_a_navigation_of_the_class_is_named_as_a_navigation_path() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Address
        {
            public int Id { get; set; }
            public string City { get; set; } = "";
        }

        [FuzzySearchable(nameof(Name), [|nameof(Address.City)|])]
        public class Order
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public Address Address { get; set; } = new();
        }
        """,
        [
            new("ST3001", LeftOut("City", "Order", "'Order' has no property of that name: the nameof names a property of its navigation 'Address', and navigation "
                + "paths are not supported; a field is a string property of 'Order' itself; to search a related entity's text, mark that entity [FuzzySearchable] and search it"), 0),
        ]);

    [Fact]
    public Task Names_the_class_does_not_have_or_EF_Core_does_not_map_are_reported_at_the_name_or_the_attribute() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using System.ComponentModel.DataAnnotations.Schema;
        using ServerTools;

        namespace Shop;

        public class Address
        {
            public string City { get; set; } = "";
        }

        [FuzzySearchable(nameof(Name), [|"Nmae"|], [|nameof(Address.City)|], [|nameof(Code)|], [|nameof(Secret)|], [|nameof(Hash)|], [|nameof(Display)|], [|"Address.City"|], [|nameof(Customer.Fax)|], [|nameof(Fax)|])]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public static string Code { get; set; } = "";
            [NotMapped] public string Secret { get; set; } = "";
            public string Hash { private get; set; } = "";
            public string Display => Name;
            public const string Fax = "";

            [[|FuzzySearchable|]] public string Label => Name;
            [[|FuzzySearchable|]] [NotMapped] public string? Hint { get; set; }
            [[|FuzzySearchable|]] public static string? Default { get; set; }
        }
        """,
        [
            new("ST3001", LeftOut("Nmae", "Customer", "'Customer' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 0),
            new("ST3001", LeftOut("City", "Customer", "'Customer' has no property of that name: the nameof names a property of 'Address', another class; name one of the properties of 'Customer'"), 1),
            new("ST3001", LeftOut("Code", "Customer", NotMapped + "; search a mapped string property instead, or remove 'Code' from the class's [FuzzySearchable]"), 2),
            new("ST3001", LeftOut("Secret", "Customer", NotMapped + "; search a mapped string property instead, or remove 'Secret' from the class's [FuzzySearchable]"), 3),
            new("ST3001", LeftOut("Hash", "Customer", NotMapped + "; search a mapped string property instead, or remove 'Hash' from the class's [FuzzySearchable]"), 4),
            new("ST3001", LeftOut("Display", "Customer", NotMapped + "; search a mapped string property instead, or remove 'Display' from the class's [FuzzySearchable]"), 5),
            new("ST3001", LeftOut("Address.City", "Customer", "'Customer' has no property of that name, and navigation paths are not supported: a field is a string property of 'Customer' itself; to search a related entity's text, mark that entity [FuzzySearchable] and search it"), 6),
            new("ST3001", LeftOut("Fax", "Customer", "'Customer' has no property of that name; name one of its own properties"), 7),
            new("ST3001", LeftOut("Fax", "Customer", "'Customer' has no property of that name; name one of its own properties"), 8),
            new("ST3001", LeftOut("Label", "Customer", NotMapped + "; search a mapped string property instead, or remove [FuzzySearchable]"), 9),
            new("ST3001", LeftOut("Hint", "Customer", NotMapped + "; search a mapped string property instead, or remove [FuzzySearchable]"), 10),
            new("ST3001", LeftOut("Default", "Customer", NotMapped + "; search a mapped string property instead, or remove [FuzzySearchable]"), 11),
        ]);

    [Fact]
    public Task Names_passed_as_an_array_are_reported_at_the_element() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(new[] { "Name", [|"Emial"|] })]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string Email { get; set; } = "";
        }

        [FuzzySearchable(["Name", [|"Nmae"|]])]
        public class Supplier
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }
        """,
        [
            new("ST3001", LeftOut("Emial", "Customer", Meant("Customer", "Email")), 0),
            new("ST3001", LeftOut("Nmae", "Supplier", "'Supplier' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 1),
        ]);

    [Fact]
    public Task A_misspelt_name_suggests_only_the_one_mapped_string_property_a_typo_away() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Entity
        {
            public int Id { get; set; }
            public string Reference { get; set; } = "";
        }

        [FuzzySearchable(nameof(Name), [|"name"|], [|"Xode"|], [|"Rnak"|], [|"Refrence"|], [|"Nmae"|], [|"Descr"|])]
        public class Customer : Entity
        {
            public string Name { get; set; } = "";
            public string Code { get; set; } = "";
            public string Mode { get; set; } = "";
            public int Rank { get; set; }
            public string? Description { get; set; }
        }
        """,
        [
            new("ST3001", LeftOut("name", "Customer", "'Customer' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 0),
            new("ST3001", LeftOut("Xode", "Customer", "'Customer' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 1),
            new("ST3001", LeftOut("Rnak", "Customer", "'Customer' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 2),
            new("ST3001", LeftOut("Refrence", "Customer", Meant("Customer", "Reference")), 3),
            new("ST3001", LeftOut("Nmae", "Customer", "'Customer' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 4),
            new("ST3001", LeftOut("Descr", "Customer", "'Customer' has no property of that name; check the spelling, and write nameof(Property) so that the compiler checks the name"), 5),
        ]);

    [Fact]
    public Task Fields_that_are_not_strings_are_reported_with_their_type() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        public enum Country { Germany, France }

        [FuzzySearchable(nameof(Name), [|nameof(Number)|], [|nameof(Born)|])]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public int Number { get; set; }
            public DateOnly? Born { get; set; }

            [[|FuzzySearchable|]] public Country Country { get; set; }
            [[|FuzzySearchable(Weight = 0.5)|]] public char[]? Initials { get; set; }
        }
        """,
        [
            new("ST3002", NotString("Number", "Customer", "int", "remove 'Number' from the class's [FuzzySearchable]"), 0),
            new("ST3002", NotString("Born", "Customer", "DateOnly?", "remove 'Born' from the class's [FuzzySearchable]"), 1),
            new("ST3002", NotString("Country", "Customer", "Country", "remove [FuzzySearchable]"), 2),
            new("ST3002", NotString("Initials", "Customer", "char[]?", "remove [FuzzySearchable]"), 3),
        ]);

    [Fact]
    public Task A_field_named_twice_is_reported_at_its_second_occurrence() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(nameof(Name), nameof(Email), [|nameof(Name)|], [|"Email"|])]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string Email { get; set; } = "";
        }

        [FuzzySearchable(nameof(Name))]
        public class Supplier
        {
            public int Id { get; set; }

            [[|FuzzySearchable(Weight = 0.5, Mode = TrigramMatch.WordSimilarity)|]]
            public string Name { get; set; } = "";
        }
        """,
        [
            new("ST3003", Twice("Name", "Customer", "it is named earlier in the class's [FuzzySearchable], so this name is ignored; remove it"), 0),
            new("ST3003", Twice("Email", "Customer", "it is named earlier in the class's [FuzzySearchable], so this name is ignored; remove it"), 1),
            new("ST3003", Twice("Name", "Supplier", "the class's [FuzzySearchable] names it, so this attribute and its Weight and Mode are ignored; remove the attribute, or 'Name' from the class's list"), 2),
        ]);

    [Fact]
    public Task A_property_marked_in_a_base_class_and_named_in_the_derived_class_is_reported_at_the_name() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public class Person
        {
            public int Id { get; set; }

            [FuzzySearchable(Weight = 0.5)]
            public string Name { get; set; } = "";
        }

        [FuzzySearchable([|nameof(Name)|], nameof(Email))]
        public class Customer : Person
        {
            public string Email { get; set; } = "";
        }
        """,
        [
            new("ST3003", Twice("Name", "Customer", "it is marked [FuzzySearchable] in 'Person', whose Weight and Mode this name replaces; remove the name to search it as marked there"), 0),
        ]);

    [Fact]
    public Task Weights_outside_0_to_1_are_reported_once_at_the_Weight_argument() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(nameof(Name), nameof(Email), [|Weight = 2|])]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string Email { get; set; } = "";

            [FuzzySearchable([|Weight = 0|])] public string? Notes { get; set; }
            [FuzzySearchable(Mode = TrigramMatch.WordSimilarity, [|Weight = -0.5|])] public string? Remarks { get; set; }
            [FuzzySearchable([|Weight = double.NaN|])] public string? Comment { get; set; }
            [FuzzySearchable([|Weight = 1.0000001|])] public string? Memo { get; set; }
        }
        """,
        [
            new("ST3004", Weight("2", "the fields named here are", "Customer"), 0),
            new("ST3004", Weight("0", "'Notes' is", "Customer"), 1),
            new("ST3004", Weight("-0.5", "'Remarks' is", "Customer"), 2),
            new("ST3004", Weight("NaN", "'Comment' is", "Customer"), 3),
            new("ST3004", Weight("1.0000001", "'Memo' is", "Customer"), 4),
        ]);

    [Fact]
    public Task Modes_that_are_no_TrigramMatch_value_are_reported_once_at_the_Mode_argument() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(nameof(Name), nameof(Email), [|Mode = (TrigramMatch)7|])]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public string Email { get; set; } = "";

            [FuzzySearchable([|Mode = (TrigramMatch)(-1)|])] public string? Notes { get; set; }
            [FuzzySearchable(Weight = 0.5, [|Mode = (TrigramMatch)3|])] public string? Remarks { get; set; }
            [FuzzySearchable([|Weight = 2|], [|Mode = (TrigramMatch)int.MaxValue|])] public string? Memo { get; set; }
        }
        """,
        [
            new("ST3007", Mode("7", "the fields named here are", "Customer"), 0),
            new("ST3007", Mode("-1", "'Notes' is", "Customer"), 1),
            new("ST3007", Mode("3", "'Remarks' is", "Customer"), 2),
            new("ST3004", Weight("2", "'Memo' is", "Customer"), 3),
            new("ST3007", Mode("2147483647", "'Memo' is", "Customer"), 4),
        ]);

    [Fact]
    public Task A_field_with_two_problems_is_reported_for_both() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(nameof(Name), [|nameof(Rank)|], [|Weight = 1.5|])]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public int Rank { get; set; }
        }
        """,
        [
            new("ST3002", NotString("Rank", "Customer", "int", "remove 'Rank' from the class's [FuzzySearchable]"), 0),
            new("ST3004", Weight("1.5", "the fields named here are", "Customer"), 1),
        ]);

    [Fact]
    public Task The_problems_of_a_base_class_are_reported_once_with_the_base_class() => DiagnosticAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Person
        {
            public int Id { get; set; }
            [[|FuzzySearchable|]] public int Age { get; set; }
            [FuzzySearchable([|Weight = 3|])] public string Name { get; set; } = "";
            [[|FuzzySearchable|]] public string Initials => "";
        }

        [FuzzySearchable(nameof(Email))]
        public class Customer : Person
        {
            public string Email { get; set; } = "";
        }

        [FuzzySearchable(nameof(Phone))]
        public class Supplier : Person
        {
            public string Phone { get; set; } = "";
        }
        """,
        [
            new("ST3002", NotString("Age", "Person", "int", "remove [FuzzySearchable]"), 0),
            new("ST3004", Weight("3", "'Name' is", "Person"), 1),
            new("ST3001", LeftOut("Initials", "Person", NotMapped + "; search a mapped string property instead, or remove [FuzzySearchable]"), 2),
        ]);

    [Fact]
    public Task Valid_fields_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract class Entity
        {
            public int Id { get; set; }
            public string Code { get; set; } = "";

            [FuzzySearchable(Weight = 0.8)]
            public string? Alias { get; set; }
        }

        [FuzzySearchable(nameof(Name), nameof(Email), nameof(Code), "Phone", Weight = 1)]
        public class Customer : Entity
        {
            public string Name { get; set; } = "";
            public string? Email { get; set; }
            public string Phone { get; set; } = "";

            [FuzzySearchable(Weight = 0.5, Mode = TrigramMatch.WordSimilarity)]
            public string? Notes { get; set; }

            [FuzzySearchable(Mode = TrigramMatch.StrictWordSimilarity, Weight = 0.001)]
            public string Description { get; set; } = "";

            [FuzzySearchable(Weight = 1)]
            public string Tags { get; init; } = "";
        }

        public class Supplier : Entity
        {
            [FuzzySearchable] public string Name { get; set; } = "";
        }

        public class Contact : Supplier
        {
            [FuzzySearchable(Weight = 0.5, Mode = (TrigramMatch)1)] public string? Title { get; set; }
            [FuzzySearchable(Mode = TrigramMatch.Similarity)] public string? Subtitle { get; set; }
        }
        """,
        ["ST3001", "ST3002", "ST3003", "ST3004", "ST3007"]);

    [Fact]
    public Task Generated_code_is_not_analyzed() => DiagnosticAssert.VerifyNotReportedAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        // <auto-generated/>
        using ServerTools;

        namespace Shop;

        [FuzzySearchable("Nmae", nameof(Rank), nameof(Name), nameof(Name), Weight = 2)]
        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
            public int Rank { get; set; }
            [FuzzySearchable(Weight = 0)] public int Age { get; set; }
            [FuzzySearchable(Mode = (TrigramMatch)7)] public string? Notes { get; set; }
        }
        """,
        ["ST3001", "ST3002", "ST3003", "ST3004", "ST3007"]);

    [Theory]
    [InlineData("nameof(Name), nameof(Email), nameof(Name)", "nameof(Name), nameof(Email)")]
    [InlineData("nameof(Name), nameof(Name), nameof(Email)", "nameof(Name), nameof(Email)")]
    [InlineData("nameof(Name), nameof(Name), nameof(Name)", "nameof(Name)")]
    [InlineData("nameof(Name), \"Name\", Weight = 0.5", "nameof(Name), Weight = 0.5")]
    [InlineData("new[] { nameof(Name), nameof(Email), nameof(Name) }", "new[] { nameof(Name), nameof(Email) }")]
    [InlineData("[nameof(Name), nameof(Name), nameof(Email)]", "[nameof(Name), nameof(Email)]")]
    [InlineData(
        """

                nameof(Name),
                nameof(Email),
                nameof(Name)
        """,
        """

                nameof(Name),
                nameof(Email)
        """)]
    [InlineData(
        """

                nameof(Name), // the display name
                nameof(Name), // again
                nameof(Email)
        """,
        """

                nameof(Name), // the display name
                nameof(Email)
        """)]
    public Task Fix_removes_the_repeated_name_and_keeps_the_formatting(string names, string fixedNames) => CodeFixAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        new RemoveRepeatedSearchableFieldCodeFixProvider(),
        Customer(names),
        Customer(fixedNames));

    [Theory]
    [InlineData("nameof(Email), \"Nmae\"", "nameof(Email), nameof(Name)")]
    [InlineData("new[] { \"Emial\", \"Nmae\" }", "new[] { nameof(Email), nameof(Name) }")]
    [InlineData("\"Name\", \"Emial\", Weight = 0.5", "\"Name\", nameof(Email), Weight = 0.5")]
    public Task Fix_replaces_a_misspelt_name_with_nameof_the_property_it_means(string names, string fixedNames) => CodeFixAssert.VerifyAsync(
        new FuzzySearchFieldAnalyzer(),
        new UseNameofForSearchableFieldCodeFixProvider(),
        Customer(names),
        Customer(fixedNames));

    private static string Customer(string names) => $$"""
        using ServerTools;

        namespace Shop
        {
            [FuzzySearchable({{names}})]
            public class Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                public string Email { get; set; } = "";
            }
        }
        """;

    private static string ObsoleteField(string field, string type, string why, string remove)
        => LeftOut(field, type, $"{why}, and the search extensions beside '{type}' cannot read it (CS0619, which no pragma silences); "
                                + $"make that [Obsolete] a warning (without 'true'), mark '{type}' [Obsolete(..., true)] too, or {remove}");

    /// <summary>Fields and a key obsolete as an error, in a class that is obsolete as an error where $OBSOLETE$ says so.</summary>
    private const string ObsoletePartner = """
        using System;
        using ServerTools;

        namespace Shop;

        $OBSOLETE$ [FuzzySearchable(nameof(Name), [|"Code"|])]
        public class Partner
        {
            [Obsolete("Use Number.", true)] public int [|Id|] { get; set; }
            public string Name { get; set; } = "";
            [Obsolete("Gone.", true)] public string Code { get; set; } = "";
            [[|FuzzySearchable|]] public string Notes { [Obsolete("Gone.", true)] get; set; } = "";
        }
        """;

    [Fact]
    public async Task Fields_and_key_obsolete_as_an_error_are_reported_where_the_generator_leaves_them_out()
    {
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new FuzzySearchFieldAnalyzer(),
            ObsoletePartner.Replace("$OBSOLETE$", "", StringComparison.Ordinal),
            [
                new("ST3008", ObsoleteField("Code", "Partner", "it is obsolete as an error", "remove 'Code' from the class's [FuzzySearchable]"), 0),
                new(
                    "ST3008",
                    "'Id' is left out of the order of ties in the fuzzy search of 'Partner': it is obsolete as an error, and the search extensions beside "
                    + "'Partner' cannot read it (CS0619, which no pragma silences); results of equal score come back in no set order; make that [Obsolete] "
                    + "a warning (without 'true'), or mark 'Partner' [Obsolete(..., true)] too",
                    1),
                new("ST3008", ObsoleteField("Notes", "Partner", "its getter is obsolete as an error", "remove [FuzzySearchable]"), 2),
            ]);

        var search = Assert.Single(run.GeneratedSources).Text;
        Assert.Contains("entity.Name", search, StringComparison.Ordinal);
        Assert.DoesNotContain("entity.Code", search, StringComparison.Ordinal);
        Assert.DoesNotContain("entity.Notes", search, StringComparison.Ordinal);
        Assert.DoesNotContain("entity.Id", search, StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_a_class_obsolete_as_an_error_the_generator_searches_them_and_nothing_is_reported()
    {
        var source = MarkedSource.Parse(ObsoletePartner.Replace("$OBSOLETE$", "[Obsolete(\"Old partners.\", true)]", StringComparison.Ordinal)).Text;
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(new FuzzySearchFieldAnalyzer(), source, []);

        var search = Assert.Single(run.GeneratedSources).Text;
        Assert.Contains("entity.Code", search, StringComparison.Ordinal);
        Assert.Contains("entity.Notes", search, StringComparison.Ordinal);
        Assert.Contains("entity.Id", search, StringComparison.Ordinal);
    }

    [Fact]
    public Task Fields_and_key_obsolete_as_a_warning_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new FuzzySearchFieldAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        [FuzzySearchable(nameof(Name), "Code")]
        public class Partner
        {
            [Obsolete("Use Number.")] public int Id { get; set; }
            public string Name { get; set; } = "";
            [Obsolete("Going.")] public string Code { get; set; } = "";
            [FuzzySearchable] public string Notes { [Obsolete("Going.")] get; set; } = "";
        }

        [Obsolete("Old partners.", true)]
        [FuzzySearchable(nameof(Name))]
        public class OldPartner
        {
            [Obsolete("Use Number.", true)] public int Id { get; set; }
            [Obsolete("Gone.", true)] public string Name { get; set; } = "";
        }
        """,
        ["ST3008"]);

    [Fact]
    public async Task Members_of_a_base_class_obsolete_as_an_error_are_searched_as_the_compiler_allows_reading_them()
    {
        // Only the class that declares 'Name' and 'Id' is obsolete as an error: 'store.Name' draws no CS0619.
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new FuzzySearchFieldAnalyzer(),
            """
            using System;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Site.", true)]
            public class Place
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [Obsolete("Old stores.")]
            [FuzzySearchable(nameof(Name))]
            public class Store : Place
            {
            }
            """,
            []);

        var search = Assert.Single(run.GeneratedSources).Text;
        Assert.Contains("entity.Name", search, StringComparison.Ordinal);
        Assert.Contains("entity.Id", search, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Key_of_a_base_class_obsolete_as_an_error_is_reported_at_the_first_searchable_property_of_a_class_without_its_own_attribute()
    {
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new FuzzySearchFieldAnalyzer(),
            """
            using System;
            using ServerTools;

            namespace Shop;

            public class Entity
            {
                [Obsolete("Use Number.", true)] public int Id { get; set; }
            }

            public class Partner : Entity
            {
                public int Number { get; set; }
                [[|FuzzySearchable|]] public string Name { get; set; } = "";
                [FuzzySearchable] public string City { get; set; } = "";
            }
            """,
            [
                new(
                    "ST3008",
                    "'Id' is left out of the order of ties in the fuzzy search of 'Partner': it is obsolete as an error, and the search extensions beside "
                    + "'Partner' cannot read it (CS0619, which no pragma silences); results of equal score come back in no set order; make that [Obsolete] "
                    + "a warning (without 'true'), or mark 'Partner' [Obsolete(..., true)] too"),
            ]);

        Assert.DoesNotContain("entity.Id", Assert.Single(run.GeneratedSources).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Field_that_only_the_search_of_a_derived_class_leaves_out_is_reported_at_that_class()
    {
        // 'Place' is obsolete as an error, so its own search may read 'Code' and reports nothing; that of 'Store' may not.
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new FuzzySearchFieldAnalyzer(),
            """
            using System;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Site.", true)]
            public class Place
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
                [FuzzySearchable] [Obsolete("Gone.", true)] public string Code { get; set; } = "";
            }

            [Obsolete("Old stores.")]
            [[|FuzzySearchable(nameof(Name))|]]
            public class Store : Place
            {
            }
            """,
            [
                new(
                    "ST3008",
                    "'Code' is left out of the fuzzy search of 'Store', which inherits it from 'Place': it is obsolete as an error, and the search "
                    + "extensions beside 'Store' cannot read it (CS0619, which no pragma silences); make that [Obsolete] a warning (without 'true'), "
                    + "mark 'Store' [Obsolete(..., true)] too, or remove [FuzzySearchable] from it in 'Place'"),
            ]);

        Assert.Contains("entity.Code", run.Source("Shop.Place.FuzzySearch.g.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("entity.Code", run.Source("Shop.Store.FuzzySearch.g.cs"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"Name\", \"Name\", \"Name\"", "\"Name\"")]
    [InlineData("nameof(Name), nameof(Email), nameof(Name), nameof(Email)", "nameof(Name), nameof(Email)")]
    [InlineData("new[] { \"Name\", \"Name\", \"Name\" }", "new[] { \"Name\" }")]
    [InlineData("[\"Email\", \"Email\", \"Name\", \"Name\"]", "[\"Email\", \"Name\"]")]
    public Task Fix_all_removes_repeats_next_to_each_other(string names, string fixedNames) => CodeFixAssert.VerifyFixAllInEveryScopeAsync(
        new FuzzySearchFieldAnalyzer(),
        new RemoveRepeatedSearchableFieldCodeFixProvider(),
        Customer(names),
        Customer(fixedNames));
}
