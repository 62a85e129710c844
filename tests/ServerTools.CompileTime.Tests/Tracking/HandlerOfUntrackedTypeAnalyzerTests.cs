using System;
using System.Threading.Tasks;
using ServerTools.Analyzers.Tracking;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Tracking;

public sealed class HandlerOfUntrackedTypeAnalyzerTests
{
    private const string Handlers = """
        using System.Threading;
        using System.Threading.Tasks;
        using ServerTools;

        namespace Shop;

        public abstract class Handler<T> : ITrackedChangeHandler<T>
            where T : class
        {
            public Task HandleAsync(TrackedChange<T> change, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """;

    private static string Message(string handler, string entity)
        => $"'{handler}' handles the tracked changes of '{entity}', but '{entity}' has no tracked fields, so it never receives a change: "
           + $"mark '{entity}' or some of its properties [Tracked]";

    [Fact]
    public Task Handlers_of_types_without_tracked_fields_are_reported_at_the_interface() => DiagnosticAssert.VerifyAsync(
        new HandlerOfUntrackedTypeAnalyzer(),
        """
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using ServerTools;

        namespace Shop;

        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        [Tracked]
        public partial class Basket
        {
            public List<Customer> Items { get; set; } = [];
            public NpgsqlTypes.NpgsqlRange<int> Period { get; set; }
        }

        [Tracked]
        public partial class Order
        {
            public int Id { get; set; }
        }

        public class RushOrder : Order
        {
            public bool Express { get; set; }
        }

        public sealed class NotifyCrm : [|ITrackedChangeHandler<Customer>|]
        {
            public Task HandleAsync(TrackedChange<Customer> change, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public sealed class Several : ITrackedChangeHandler<Order>, [|ServerTools.ITrackedChangeHandler<Shop.Basket>|], [|ITrackedChangeHandler<RushOrder>|]
        {
            public Task HandleAsync(TrackedChange<Order> change, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task HandleAsync(TrackedChange<Basket> change, CancellationToken cancellationToken) => Task.CompletedTask;
            public Task HandleAsync(TrackedChange<RushOrder> change, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public class GreetCustomer : [|Handler<Customer>|]
        {
        }

        public sealed class GreetCustomerAgain : GreetCustomer
        {
        }
        """,
        [
            new("ST2001", Message("NotifyCrm", "Customer"), 0),
            new("ST2001", Message("Several", "Basket"), 1),
            new("ST2001", "'Several' handles the tracked changes of 'RushOrder', but 'RushOrder' is tracked as its base class 'Order', so its "
                          + "changes reach the handlers of 'Order': handle 'Order', or mark 'RushOrder' [Tracked] to give it changes of its own", 2),
            new("ST2001", Message("GreetCustomer", "Customer"), 3),
        ],
        Handlers);

    [Fact]
    public Task Handlers_of_classes_the_generator_skips_are_reported_with_what_would_work() => DiagnosticAssert.VerifyAsync(
        new HandlerOfUntrackedTypeAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        public abstract partial class Versioned<T>
        {
            public int Id { get; set; }
            public T? Payload { get; set; }
            [Tracked] public string Status { get; set; } = "";
        }

        public partial class Revision : Versioned<string> { }

        public partial class Catalog
        {
            [Tracked]
            private protected partial class Offer { public int Id { get; set; } public decimal Price { get; set; } }

            private sealed class OnOffer : [|Handler<Offer>|] { }
        }

        public sealed class OnRevision : [|Handler<Revision>|] { }

        public sealed class OnVersioned : [|Handler<Versioned<string>>|] { }
        """,
        [
            new("ST2001", "'OnOffer' handles the tracked changes of 'Offer', but no tracking code is generated for 'Offer': it is private protected, "
                          + "and the generated code registers it from namespace level, which cannot see it; make 'Offer' internal or public", 0),
            new("ST2001", "'OnRevision' handles the tracked changes of 'Revision', but 'Revision' inherits the [Tracked] properties of 'Versioned', "
                          + "which gets no tracking code (ST0002), so nothing tracks 'Revision' through it: mark 'Revision' [Tracked] to give it changes of its own", 1),
            new("ST2001", "'OnVersioned' handles the tracked changes of 'Versioned', but no tracking code is generated for 'Versioned': it is generic, "
                          + "and the generated code registers one entity type; mark the non-generic entity classes derived from 'Versioned' [Tracked] "
                          + "(and partial) and handle them", 2),
        ],
        Handlers);

    [Fact]
    public Task Handlers_of_tracked_types_and_of_type_parameters_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new HandlerOfUntrackedTypeAnalyzer(),
        """
        using System;
        using System.Threading;
        using System.Threading.Tasks;
        using ServerTools;

        namespace Shop;

        public enum OrderState { Draft, Confirmed }

        [Tracked(Operations = TrackedOperations.All)]
        public partial class Order
        {
            public int Id { get; set; }
            public OrderState State { get; set; }
        }

        public partial class Invoice
        {
            public int Id { get; set; }
            [Tracked] public DateOnly? PaidOn { get; set; }
        }

        public abstract class Entity
        {
            public Guid Id { get; set; }
        }

        [Tracked]
        public partial class Partner : Entity
        {
        }

        public sealed class NotifyWarehouse : ITrackedChangeHandler<Order>
        {
            public Task HandleAsync(TrackedChange<Order> change, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public sealed class RemindCustomer : Handler<Invoice>
        {
        }

        public sealed class Forward<T> : ITrackedChangeHandler<T>
            where T : class
        {
            public Task HandleAsync(TrackedChange<T> change, CancellationToken cancellationToken) => Task.CompletedTask;
        }

        public sealed class SyncPartners : ITrackedChangeHandler<Partner>
        {
            public Task HandleAsync(TrackedChange<Partner> change, CancellationToken cancellationToken) => Task.CompletedTask;
        }
        """,
        ["ST2001"],
        Handlers);

    [Fact]
    public async Task Handler_of_a_class_whose_tracked_properties_are_all_left_out_as_obsolete_is_reported_with_why()
    {
        var run = await DiagnosticAssert.VerifyWithGeneratorsAsync(
            new HandlerOfUntrackedTypeAnalyzer(),
            """
            using System;
            using System.Threading;
            using System.Threading.Tasks;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }

            public partial class Order
            {
                public int Id { get; set; }
                [Obsolete("Use Stage.")] [Tracked] public Status Status { get; set; }
                [Obsolete("Use Stage.")] [Tracked] public Status Previous { get; set; }
            }

            public sealed class NotifyShipping : [|ITrackedChangeHandler<Order>|]
            {
                public Task HandleAsync(TrackedChange<Order> change, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,
            [
                new(
                    "ST2001",
                    "'NotifyShipping' handles the tracked changes of 'Order', but tracking leaves out its tracked properties ('Status', 'Previous'), "
                    + "as their types are obsolete as an error (ST2006), so no tracking code is generated for 'Order': make that [Obsolete] a "
                    + "warning (without 'true'), mark 'Order' [Obsolete] too, or track properties of other types"),
            ]);

        Assert.DoesNotContain(run.GeneratedSources, static generated => generated.HintName.EndsWith(".Tracked.g.cs", StringComparison.Ordinal));
    }
}
