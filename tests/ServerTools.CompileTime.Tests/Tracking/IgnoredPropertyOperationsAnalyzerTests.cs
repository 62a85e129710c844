using System.Threading.Tasks;
using ServerTools.Analyzers.Tracking;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Tracking;

public sealed class IgnoredPropertyOperationsAnalyzerTests
{
    private static string Message(string property, string type, string applied, string asked)
        => $"'{property}' is tracked with the Operations of '{type}' ({applied}), and the Operations on the property ({asked}) is ignored; "
           + $"set Operations on the [Tracked] of '{type}' to what the class delivers, or remove it from the property";

    [Fact]
    public Task Operations_on_a_property_of_a_tracked_class_that_differ_from_the_class_s_are_reported_at_the_argument() => DiagnosticAssert.VerifyAsync(
        new IgnoredPropertyOperationsAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        [Tracked]
        public partial class SaleOrder
        {
            public int Id { get; set; }
            [Tracked([|Operations = TrackedOperations.All|])] public OrderState Status { get; set; }
            [Tracked([|Operations = TrackedOperations.Create | TrackedOperations.Delete|])] public decimal Total { get; set; }
        }

        [Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update)]
        public partial class Invoice
        {
            public int Id { get; set; }
            [Tracked([|Operations = TrackedOperations.Update|])] public decimal Amount { get; set; }
            [ServerTools.Tracked([|Operations = (TrackedOperations)9|])] public string? Number { get; set; }
        }
        """,
        [
            new("ST2007", Message("Status", "SaleOrder", "TrackedOperations.Update", "TrackedOperations.All"), 0),
            new("ST2007", Message("Total", "SaleOrder", "TrackedOperations.Update", "TrackedOperations.Create | TrackedOperations.Delete"), 1),
            new("ST2007", Message("Amount", "Invoice", "TrackedOperations.Create | TrackedOperations.Update", "TrackedOperations.Update"), 2),
            new("ST2007", Message("Number", "Invoice", "TrackedOperations.Create | TrackedOperations.Update", "(TrackedOperations)9"), 3),
        ]);

    [Fact]
    public Task Operations_the_class_has_too_none_on_the_property_and_properties_of_a_class_not_tracked_itself_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new IgnoredPropertyOperationsAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        [Tracked(Operations = TrackedOperations.All)]
        public partial class SaleOrder
        {
            public int Id { get; set; }
            [Tracked(Operations = TrackedOperations.All)] public OrderState Status { get; set; }
            [Tracked(Operations = TrackedOperations.Create | TrackedOperations.Update | TrackedOperations.Delete)] public decimal Total { get; set; }
            [Tracked, AuditIgnore] public string? Secret { get; set; }
        }

        [Tracked]
        public partial class Invoice
        {
            public int Id { get; set; }
            [Tracked(Operations = TrackedOperations.Update)] public decimal Amount { get; set; }
        }

        public partial class Shipment
        {
            public int Id { get; set; }
            [Tracked(Operations = TrackedOperations.All)] public OrderState Status { get; set; }
            [Tracked(Operations = TrackedOperations.None)] public string? Note { get; set; }
        }

        [Tracked(Operations = TrackedOperations.Create)]
        public partial class Parcel : Shipment
        {
        }
        """,
        ["ST2007"]);
}
