using System;
using System.Threading.Tasks;
using ServerTools.Analyzers.Tracking;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Tracking;

public sealed class ObsoleteTrackedMemberAnalyzerTests
{
    private const string CannotName = "CS0619, which no pragma silences";

    private static string Property(string property, string type, string why, string fix)
        => $"'{property}' is not tracked: {why}, and the code that tracking generates in '{type}' cannot name it ({CannotName}); "
           + $"make that [Obsolete] a warning (without 'true'), mark '{type}' [Obsolete] too, or {fix}";

    private static string Hook(string hook, string property, string type)
        => $"'{hook}' is not called when '{property}' changes: it is obsolete as an error, and the code that tracking generates in '{type}' "
           + $"cannot name it ({CannotName}); make its [Obsolete] a warning (without 'true'), mark '{type}' [Obsolete] too, or remove '{hook}'";

    /// <summary>A type obsolete as an error, the properties that hold it (obsolete themselves, so that they compile), and a hook.</summary>
    private const string Shop = """
        using System;
        using ServerTools;

        namespace Shop;

        [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }
        public enum Stage { New, Done }

        public class Document
        {
            public int Id { get; set; }
            [Obsolete("Use Stage.")] public Status Legacy { get; set; }
        }

        $OBSOLETE$ [Tracked]
        public partial class Order
        {
            public int Id { get; set; }
            [Obsolete("Use Stage.")] public Status [|Status|] { get; set; }
            [Obsolete("Use Stage.")] public Status? [|Previous|] { get; set; }
            public Stage Stage { get; set; }
            [Obsolete("Gone.", true)] partial void [|OnStageChanged|](Stage oldValue, Stage newValue) { }
        }

        $OBSOLETE$ public partial class Invoice
        {
            public int Id { get; set; }
            [Obsolete("Use Stage.")] [[|Tracked|]] public Status Status { get; set; }
            [Tracked] public Stage Stage { get; set; }
        }

        $OBSOLETE$ [[|Tracked|]]
        public partial class Receipt : Document
        {
            public Stage Stage { get; set; }
        }
        """;

    [Fact]
    public async Task Properties_of_a_type_and_hooks_obsolete_as_an_error_are_reported_where_the_generator_leaves_them_out()
    {
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new ObsoleteTrackedMemberAnalyzer(),
            Shop.Replace("$OBSOLETE$", "", StringComparison.Ordinal),
            [
                new("ST2006", Property("Status", "Order", "its type 'Status' is obsolete as an error", "leave it out of the tracking of 'Order' with [AuditIgnore]"), 0),
                new("ST2006", Property("Previous", "Order", "its type 'Status?' names a type that is obsolete as an error", "leave it out of the tracking of 'Order' with [AuditIgnore]"), 1),
                new("ST2006", Hook("OnStageChanged", "Stage", "Order"), 2),
                new("ST2006", Property("Status", "Invoice", "its type 'Status' is obsolete as an error", "remove [Tracked]"), 3),
                new("ST2006", Property("Legacy", "Receipt", "its type 'Status' is obsolete as an error", "leave it out of the tracking of 'Receipt' with [AuditIgnore]")
                    .Replace("'Legacy' is", "'Legacy' (of 'Document') is", StringComparison.Ordinal), 4),
            ]);

        var order = run.Source("Shop.Order.Tracked.g.cs");
        Assert.DoesNotContain("Status", order, StringComparison.Ordinal);
        Assert.DoesNotContain("Previous", order, StringComparison.Ordinal);
        Assert.DoesNotContain("entity.OnStageChanged", order, StringComparison.Ordinal);
        Assert.DoesNotContain("Status", run.Source("Shop.Invoice.Tracked.g.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("Legacy", run.Source("Shop.Receipt.Tracked.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task In_obsolete_classes_the_generator_tracks_them_and_nothing_is_reported()
    {
        var source = MarkedSource.Parse(Shop.Replace("$OBSOLETE$", "[Obsolete(\"Old shop.\")]", StringComparison.Ordinal)).Text;
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(new ObsoleteTrackedMemberAnalyzer(), source, []);

        var order = run.Source("Shop.Order.Tracked.g.cs");
        Assert.Contains("Status", order, StringComparison.Ordinal);
        Assert.Contains("Previous", order, StringComparison.Ordinal);
        Assert.Contains("entity.OnStageChanged", order, StringComparison.Ordinal);
        Assert.Contains("Status", run.Source("Shop.Invoice.Tracked.g.cs"), StringComparison.Ordinal);
        Assert.Contains("Legacy", run.Source("Shop.Receipt.Tracked.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Property_of_a_base_class_left_out_of_a_class_tracked_by_its_properties_is_reported_at_its_first_tracked_property()
    {
        // 'Document' is obsolete, so its own tracking names 'Status'; 'Receipt', which is not, leaves 'Legacy' out.
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new ObsoleteTrackedMemberAnalyzer(),
            """
            using System;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }
            public enum Stage { New, Done }

            [Obsolete("Old documents.")]
            public partial class Document
            {
                public int Id { get; set; }
                [Obsolete("Use Stage.")] [Tracked] public Status Legacy { get; set; }
            }

            #pragma warning disable CS0618
            public partial class Receipt : Document
            #pragma warning restore CS0618
            {
                [[|Tracked|]] public Stage Stage { get; set; }
            }
            """,
            [
                new("ST2006", Property("Legacy", "Receipt", "its type 'Status' is obsolete as an error", "remove its [Tracked] in 'Document'")
                    .Replace("'Legacy' is", "'Legacy' (of 'Document') is", StringComparison.Ordinal)),
            ]);

        Assert.Contains("Legacy", run.Source("Shop.Document.Tracked.g.cs"), StringComparison.Ordinal);
        Assert.DoesNotContain("Legacy", run.Source("Shop.Receipt.Tracked.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public Task Types_and_hooks_obsolete_as_a_warning_and_an_obsolete_class_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new ObsoleteTrackedMemberAnalyzer(),
        """
        using System;
        using ServerTools;

        namespace Shop;

        [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }
        [Obsolete("Use Stage.")] public enum Phase { Draft, Sent }
        public enum Stage { New, Done }

        [Tracked]
        public partial class Order
        {
            public int Id { get; set; }
            public Phase Phase { get; set; }
            public Stage Stage { get; set; }
            [Obsolete("Going.")] void OnStageChanged(Stage oldValue, Stage newValue) { }
        }

        [Obsolete("Old orders.")]
        [Tracked]
        public partial class OldOrder
        {
            public int Id { get; set; }
            public Status Status { get; set; }
            public Stage Stage { get; set; }
            [Obsolete("Gone.", true)] void OnStageChanged(Stage oldValue, Stage newValue) { }
        }
        """,
        ["ST2006"]);
}
