using System.Threading.Tasks;
using ServerTools.Analyzers.General;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

public sealed class FileLocalClassOrStructAnalyzerTests
{
    [Fact]
    public Task File_local_class_is_reported_at_its_file_modifier_with_every_feature_it_asks_for() => DiagnosticAssert.VerifyAsync(
        new FileLocalClassOrStructAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited, TimeWindowed]
        [|file|] partial class Partner
        {
            public int Id { get; set; }
            [Tracked] public string Name { get; set; } = "";
        }

        [FuzzySearchable(nameof(Name))]
        [|file|] class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }
        """,
        [
            new("ST0003", "No code is generated for [Audited], [Tracked] and [TimeWindowed] on 'Partner': it is file-local, and the generated code is in a file of its own, which cannot see it; make 'Partner' internal instead of 'file'", 0),
            new("ST0003", "No code is generated for [FuzzySearchable] on 'Customer': it is file-local, and the generated code is in a file of its own, which cannot see it; make 'Customer' internal instead of 'file'", 1),
        ]);

    [Fact]
    public Task Class_nested_in_a_file_local_class_is_reported_at_that_class_s_file_modifier() => DiagnosticAssert.VerifyAsync(
        new FileLocalClassOrStructAnalyzer(),
        """
        namespace Shop;

        [|file|] partial class Module
        {
            public partial class Order
            {
                public int Id { get; set; }
                [ServerTools.Tracked] public string State { get; set; } = "";
            }
        }
        """,
        [new("ST0003", "No code is generated for [Tracked] on 'Order': it is nested in 'Module', which is file-local, and the generated code is in a file of its own, which cannot see it; make 'Module' internal instead of 'file'")]);

    [Fact]
    public Task Tracked_or_searchable_property_of_a_struct_or_record_struct_is_reported_at_its_attribute() => DiagnosticAssert.VerifyAsync(
        new FileLocalClassOrStructAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public partial record struct Money([property: [|Tracked|]] decimal Amount)
        {
            [[|FuzzySearchable|]] public string Currency { get; set; } = "";
        }

        public partial struct Point
        {
            [[|Tracked|]] public int X { get; set; }
        }
        """,
        [
            new("ST0003", "No code is generated for [Tracked] on 'Money.Amount': 'Money' is a record struct, and EF Core maps classes, not structs, as entities; declare 'Money' a record class ('record Money'), or mark the property of the entity instead", 0),
            new("ST0003", "No code is generated for [FuzzySearchable] on 'Money.Currency': 'Money' is a record struct, and EF Core maps classes, not structs, as entities; declare 'Money' a record class ('record Money'), or mark the property of the entity instead", 1),
            new("ST0003", "No code is generated for [Tracked] on 'Point.X': 'Point' is a struct, and EF Core maps classes, not structs, as entities; declare 'Point' a class, or mark the property of the entity instead", 2),
        ]);

    [Fact]
    public Task Internal_classes_records_and_file_local_types_without_a_feature_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new FileLocalClassOrStructAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [Audited, Tracked, TimeWindowed]
        internal partial class Partner { public int Id { get; set; } }

        [Audited]
        public partial record Order(int Id, [property: Tracked] string State);

        public partial record Invoice { public int Id { get; set; } [FuzzySearchable] public string Number { get; set; } = ""; }

        file sealed class Helper { public int Count { get; set; } }

        public record struct Money(decimal Amount, string Currency);
        """,
        ["ST0003"]);
}
