using System.Threading.Tasks;
using ServerTools.Analyzers.Auditing;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Auditing;

public sealed class BulkOperationAnalyzerTests
{
    private const string Shop = """
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Shop;

        [Audited]
        public partial class Partner
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public class Company : Partner
        {
            public string? VatNumber { get; set; }
        }

        public class Product
        {
            public int Id { get; set; }
        }

        public class ShopContext : DbContext
        {
            public DbSet<Partner> Partners => Set<Partner>();
            public DbSet<Company> Companies => Set<Company>();
            public DbSet<Product> Products => Set<Product>();
        }
        """;

    private static string Message(string method, string entity)
        => $"{method} on '{entity}' changes rows without the change tracker, so no audit log is written: load the entities, "
           + "change them and call SaveChanges, or write the audit log yourself (suppress with #pragma warning disable ST1001 where that is intended)";

    [Fact]
    public Task ExecuteDelete_on_the_DbSet_of_an_audited_entity_is_reported_at_the_method_name() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Cleanup
        {
            public static int Run(ShopContext db) => db.Partners.[|ExecuteDelete|]();
        }
        """,
        [new("ST1001", Message("ExecuteDelete", "Partner"))],
        Shop);

    [Fact]
    public Task Every_bulk_method_on_a_filtered_query_is_reported() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Maintenance
        {
            public static async Task Run(ShopContext db, CancellationToken cancellationToken)
            {
                var stale = db.Partners.Where(p => p.Name == "");
                stale.[|ExecuteUpdate|](setters => setters.SetProperty(p => p.Name, "unknown"));
                await stale.[|ExecuteUpdateAsync|](setters => setters.SetProperty(p => p.Name, p => p.Name.Trim()), cancellationToken);
                stale.[|ExecuteDelete|]();
                await db.Set<Partner>().AsNoTracking().[|ExecuteDeleteAsync|](cancellationToken);
            }
        }
        """,
        [
            new("ST1001", Message("ExecuteUpdate", "Partner"), 0),
            new("ST1001", Message("ExecuteUpdateAsync", "Partner"), 1),
            new("ST1001", Message("ExecuteDelete", "Partner"), 2),
            new("ST1001", Message("ExecuteDeleteAsync", "Partner"), 3),
        ],
        Shop);

    [Fact]
    public Task Entity_derived_from_an_audited_class_is_reported_under_its_own_name() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Cleanup
        {
            public static int Run(ShopContext db) => db.Companies.[|ExecuteDelete|]();
        }
        """,
        [new("ST1001", Message("ExecuteDelete", "Company"))],
        Shop);

    [Fact]
    public Task Static_call_and_conditional_access_are_reported_at_the_method_name() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using System.Linq;
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Cleanup
        {
            public static int Run(ShopContext db) => EntityFrameworkQueryableExtensions.[|ExecuteDelete|](db.Partners);

            public static int? RunIfAny(IQueryable<Partner>? partners) => partners?.[|ExecuteDelete|]();
        }
        """,
        [
            new("ST1001", Message("ExecuteDelete", "Partner"), 0),
            new("ST1001", Message("ExecuteDelete", "Partner"), 1),
        ],
        Shop);

    [Fact]
    public Task Bulk_operation_made_a_delegate_from_a_method_group_is_reported_at_the_method_name() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using System;
        using System.Linq;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Cleanup
        {
            public static int Purge(ShopContext db)
            {
                Func<IQueryable<Partner>, int> purge = EntityFrameworkQueryableExtensions.[|ExecuteDelete|];
                Func<int> purgeCompanies = db.Companies.[|ExecuteDelete|];
                Func<IQueryable<Product>, int> purgeProducts = EntityFrameworkQueryableExtensions.ExecuteDelete;
                return purge(db.Partners) + purgeCompanies() + purgeProducts(db.Products);
            }

            public static Task<int> PurgeAsync(ShopContext db, Func<Func<IQueryable<Partner>, CancellationToken, Task<int>>, Task<int>> run)
                => run(EntityFrameworkQueryableExtensions.[|ExecuteDeleteAsync|]);
        }
        """,
        [
            new("ST1001", Message("ExecuteDelete", "Partner"), 0),
            new("ST1001", Message("ExecuteDelete", "Company"), 1),
            new("ST1001", Message("ExecuteDeleteAsync", "Partner"), 2),
        ],
        Shop);

    [Fact]
    public Task Bulk_operation_on_an_entity_that_is_not_audited_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new BulkOperationAnalyzer(),
        """
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Cleanup
        {
            public static Task<int> Run(ShopContext db) => db.Products.ExecuteDeleteAsync();
        }
        """,
        ["ST1001"],
        Shop);

    [Fact]
    public Task Method_of_the_same_name_that_is_not_EF_Cores_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new BulkOperationAnalyzer(),
        """
        using System.Linq;

        namespace Shop;

        public static class MyBulkExtensions
        {
            public static int ExecuteDelete<T>(this IQueryable<T> source) => source.Count();
        }

        public static class Cleanup
        {
            public static int Run(IQueryable<Partner> partners) => partners.ExecuteDelete();
        }
        """,
        ["ST1001"],
        Shop);

    private const string Tracked = """
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Orders;

        [Tracked(Operations = TrackedOperations.Update | TrackedOperations.Delete)]
        public partial class SaleOrder
        {
            public int Id { get; set; }
            public int State { get; set; }
        }

        [Tracked]
        public partial class Invoice
        {
            public int Id { get; set; }
            public decimal Total { get; set; }
        }

        public class RushOrder : SaleOrder
        {
            public bool Express { get; set; }
        }

        public partial class Shipment
        {
            public int Id { get; set; }

            [Tracked]
            public string Carrier { get; set; } = "";
        }

        [Audited]
        [Tracked(Operations = TrackedOperations.All)]
        public partial class Parcel
        {
            public int Id { get; set; }
            public decimal Weight { get; set; }
        }

        public partial class Courier
        {
            public int Id { get; set; }

            [Tracked(Operations = TrackedOperations.Delete)]
            public string Name { get; set; } = "";
        }

        public class Note
        {
            public int Id { get; set; }
        }

        public class OrdersContext : DbContext
        {
            public DbSet<SaleOrder> SaleOrders => Set<SaleOrder>();
            public DbSet<RushOrder> RushOrders => Set<RushOrder>();
            public DbSet<Shipment> Shipments => Set<Shipment>();
            public DbSet<Parcel> Parcels => Set<Parcel>();
            public DbSet<Note> Notes => Set<Note>();
            public DbSet<Courier> Couriers => Set<Courier>();
            public DbSet<Invoice> Invoices => Set<Invoice>();
        }
        """;

    private static string TrackingMessage(string method, string entity)
        => $"{method} on '{entity}' changes rows without the change tracker, so no On...Changed hook runs and no subscriber hears of it: "
           + "load the entities, change them and call SaveChanges (suppress with #pragma warning disable ST2004 where that is intended)";

    [Fact]
    public Task Bulk_operations_on_tracked_entities_are_reported_at_the_method_name() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using System.Linq;
        using System.Threading.Tasks;
        using Microsoft.EntityFrameworkCore;

        namespace Orders;

        public static class Maintenance
        {
            public static async Task Run(OrdersContext db)
            {
                await db.SaleOrders.Where(o => o.State == 0).[|ExecuteUpdateAsync|](s => s.SetProperty(o => o.State, 3));
                db.RushOrders.[|ExecuteDelete|]();
                db.Shipments.[|ExecuteUpdate|](s => s.SetProperty(x => x.Carrier, "DHL"));
                db.Couriers.[|ExecuteDelete|]();
            }
        }
        """,
        [
            new("ST2004", TrackingMessage("ExecuteUpdateAsync", "SaleOrder"), 0),
            new("ST2004", TrackingMessage("ExecuteDelete", "RushOrder"), 1),
            new("ST2004", TrackingMessage("ExecuteUpdate", "Shipment"), 2),
            new("ST2004", TrackingMessage("ExecuteDelete", "Courier"), 3),
        ],
        Tracked);

    [Fact]
    public Task An_audited_and_tracked_entity_gets_both_warnings_at_one_place() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;

        namespace Orders;

        public static class Cleanup
        {
            public static int Run(OrdersContext db) => db.Parcels.[|ExecuteDelete|]();
        }
        """,
        [
            new("ST1001", Message("ExecuteDelete", "Parcel"), 0),
            new("ST2004", TrackingMessage("ExecuteDelete", "Parcel"), 0),
        ],
        Tracked);

    [Fact]
    public Task ExecuteDelete_of_a_type_whose_deletes_reach_no_subscriber_is_not_reported_and_its_ExecuteUpdate_is() => DiagnosticAssert.VerifyAsync(
        new BulkOperationAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;

        namespace Orders;

        public static class Cleanup
        {
            public static int Delete(OrdersContext db) => db.Invoices.ExecuteDelete() + db.Shipments.ExecuteDelete();

            public static int Update(OrdersContext db) => db.Invoices.[|ExecuteUpdate|](s => s.SetProperty(i => i.Total, 0m));
        }
        """,
        [new("ST2004", TrackingMessage("ExecuteUpdate", "Invoice"), 0)],
        Tracked);

    [Fact]
    public Task Bulk_operation_on_an_entity_without_tracked_fields_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new BulkOperationAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;

        namespace Orders;

        public static class Cleanup
        {
            public static int Run(OrdersContext db) => db.Notes.ExecuteDelete();
        }
        """,
        ["ST2004", "ST1001"],
        Tracked);

    [Fact]
    public Task Bulk_operation_on_an_entity_whose_tracked_base_class_gets_no_code_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new BulkOperationAnalyzer(),
        """
        using System.Linq;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Orders;

        public abstract partial class Versioned<T>
        {
            public int Id { get; set; }
            [Tracked] public string Status { get; set; } = "";
        }

        public partial class Revision : Versioned<string> { }

        public static class Cleanup
        {
            public static int Run(IQueryable<Revision> revisions) => revisions.ExecuteUpdate(s => s.SetProperty(r => r.Status, "old"));
        }
        """,
        ["ST2004"]);

    [Fact]
    public Task Bulk_operation_on_an_entity_whose_tracked_properties_are_all_left_out_as_obsolete_is_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new BulkOperationAnalyzer(),
        """
        using System;
        using System.Linq;
        using Microsoft.EntityFrameworkCore;
        using ServerTools;

        namespace Orders;

        [Obsolete("Use Stage.", true)] public enum Status { Draft, Sent }

        public partial class Order
        {
            public int Id { get; set; }
            [Obsolete("Use Stage.")] [Tracked] public Status Status { get; set; }
            public int Stage { get; set; }
        }

        public static class Cleanup
        {
            public static int Run(IQueryable<Order> orders) => orders.ExecuteUpdate(s => s.SetProperty(o => o.Stage, 0));
        }
        """,
        ["ST2004"]);

    [Fact]
    public Task Pragma_suppresses_an_intended_bulk_operation() => DiagnosticAssert.VerifyNotReportedAsync(
        new BulkOperationAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public static class Cleanup
        {
            // The nightly purge writes its own audit summary.
        #pragma warning disable ST1001
            public static int Run(ShopContext db) => db.Partners.ExecuteDelete();
        #pragma warning restore ST1001
        }
        """,
        ["ST1001"],
        Shop);
}
