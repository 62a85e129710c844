using System.Threading.Tasks;
using ServerTools.Analyzers.Rules;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.Rules;

public sealed class RuleTargetNotEntityAnalyzerTests
{
    private const string Model = """
        using System.Collections.Generic;
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Metadata.Builders;

        namespace Shop;

        public interface IDiscounted
        {
            decimal Discount { get; }
        }

        public interface IArchived
        {
            bool Archived { get; }
        }

        public abstract class Document
        {
            public int Id { get; set; }
        }

        public class SaleOrder : Document, IDiscounted
        {
            public decimal Discount { get; set; }
            public Customer Customer { get; set; } = null!;
            public List<SaleOrderLine> Lines { get; set; } = [];
            public string Reference { get; set; } = "";
            public List<string> Labels { get; set; } = [];
            public System.Uri? Site { get; set; }
        }

        public class SaleOrderLine
        {
            public int Id { get; set; }
            public int Quantity { get; set; }
        }

        public class Customer
        {
            public int Id { get; set; }
            public string Name { get; set; } = "";
        }

        public class Invoice : Document
        {
        }

        public class Supplier
        {
            public int Id { get; set; }
        }

        public class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
        {
            public void Configure(EntityTypeBuilder<Supplier> builder) => builder.HasKey(static s => s.Id);
        }

        public class Warehouse
        {
            public int Id { get; set; }
        }

        public abstract class ShopContextBase : DbContext
        {
            public DbSet<Invoice> Invoices => Set<Invoice>();
        }

        public class ShopContext : ShopContextBase
        {
            public DbSet<SaleOrder> Orders => Set<SaleOrder>();

            protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Warehouse>();
        }

        public class SaleOrderDto
        {
            public decimal Discount { get; set; }
        }
        """;

    private static string Message(string rule, string target)
        => $"'{rule}' checks '{target}', which is not an entity of a DbContext in this project, nor a base class or interface of "
           + $"one: check that the rule is written for the entity meant (not a DTO or a view model), or map '{target}' as an entity";

    [Fact]
    public Task Rules_for_entities_their_navigations_base_classes_and_interfaces_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleTargetNotEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.discount_limit")]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Discount > 0.3m; }

        [ExceptionRule("any.discount")]
        public sealed class AnyDiscount : IExceptionRule<IDiscounted> { public bool Applies(IDiscounted entity) => entity.Discount > 0.5m; }

        [ExceptionRule("document.id")]
        public sealed class DocumentId : IExceptionRule<Document> { public bool Applies(Document document) => document.Id < 0; }

        [ExceptionRule("invoice.id")]
        public sealed class InvoiceId : IExceptionRule<Invoice> { public bool Applies(Invoice invoice) => invoice.Id < 0; }

        [ExceptionRule("line.quantity")]
        public sealed class LineQuantity : IExceptionRule<SaleOrderLine> { public bool Applies(SaleOrderLine line) => line.Quantity <= 0; }

        [ExceptionRule("customer.name")]
        public sealed class CustomerName : IExceptionRule<Customer> { public bool Applies(Customer customer) => customer.Name.Length == 0; }

        [ExceptionRule("supplier.id")]
        public sealed class SupplierId : IExceptionRule<Supplier> { public bool Applies(Supplier supplier) => supplier.Id < 0; }

        [ExceptionRule("warehouse.id")]
        public sealed class WarehouseId : IExceptionRule<Warehouse?> { public bool Applies(Warehouse? warehouse) => warehouse?.Id < 0; }

        [ExceptionRule("any.object")]
        public sealed class AnyObject : IExceptionRule<object> { public bool Applies(object entity) => false; }
        """,
        ["ST5004"],
        Model);

    [Fact]
    public Task Rules_for_types_no_entity_is_or_derives_from_and_for_framework_types_are_reported_at_the_interface() => DiagnosticAssert.VerifyAsync(
        new RuleTargetNotEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("sale.dto_discount")]
        public sealed class DtoDiscount : [|IExceptionRule<SaleOrderDto>|]
        {
            public bool Applies(SaleOrderDto order) => order.Discount > 0.3m;
        }

        [ExceptionRule("any.archived")]
        public sealed class Archived : IExceptionRule<SaleOrder>, [|ServerTools.IExceptionRule<Shop.IArchived>|]
        {
            public bool Applies(SaleOrder order) => false;
            public bool Applies(IArchived entity) => entity.Archived;
        }

        public abstract class DtoRule<T> : IExceptionRule<T>
        {
            public abstract bool Applies(T entity);
        }

        [ExceptionRule("sale.dto_rule")]
        public sealed class DtoRule : [|DtoRule<SaleOrderDto>|]
        {
            public override bool Applies(SaleOrderDto entity) => false;
        }

        [ExceptionRule("site.secure")]
        public sealed class SecureSite : [|IExceptionRule<System.Uri>|]
        {
            public bool Applies(System.Uri site) => site.Scheme != "https";
        }
        """,
        [
            new("ST5004", Message("DtoDiscount", "SaleOrderDto"), 0),
            new("ST5004", Message("Archived", "IArchived"), 1),
            new("ST5004", Message("DtoRule", "SaleOrderDto"), 2),
            new("ST5004", Message("SecureSite", "Uri"), 3),
        ],
        Model);

    [Fact]
    public Task Nothing_is_reported_in_a_project_without_a_DbContext() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleTargetNotEntityAnalyzer(),
        """
        using Microsoft.EntityFrameworkCore;
        using Microsoft.EntityFrameworkCore.Metadata.Builders;
        using ServerTools;

        namespace Shop;

        public class SaleOrder
        {
            public int Id { get; set; }
            public decimal Discount { get; set; }
        }

        public class Supplier
        {
            public int Id { get; set; }
        }

        public class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
        {
            public void Configure(EntityTypeBuilder<Supplier> builder) => builder.HasKey(static s => s.Id);
        }

        [ExceptionRule("sale.discount_limit")]
        public sealed class DiscountLimit : IExceptionRule<SaleOrder> { public bool Applies(SaleOrder order) => order.Discount > 0.3m; }
        """,
        ["ST5004"]);

    private const string DiscriminatorModel = """
        using Microsoft.EntityFrameworkCore;

        namespace Shop;

        public class Order
        {
            public int Id { get; set; }
            public decimal Amount { get; set; }
        }

        public class SpecialOrder : Order
        {
        }

        public class ExportOrder : Order
        {
        }

        public class SampleOrder : Order
        {
        }

        public class ShopContext : DbContext
        {
            public DbSet<Order> Orders => Set<Order>();

            protected override void OnModelCreating(ModelBuilder modelBuilder)
            {
                modelBuilder.Entity<Order>().HasDiscriminator<string>("Kind").HasValue<SpecialOrder>("s").HasValue(typeof(ExportOrder), "e");
            }
        }
        """;

    [Fact]
    public Task Rules_for_derived_types_mapped_by_a_discriminator_value_are_not_reported() => DiagnosticAssert.VerifyNotReportedAsync(
        new RuleTargetNotEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("special.amount")]
        public sealed class SpecialAmount : IExceptionRule<SpecialOrder> { public bool Applies(SpecialOrder order) => order.Amount > 10m; }

        [ExceptionRule("export.amount")]
        public sealed class ExportAmount : IExceptionRule<ExportOrder> { public bool Applies(ExportOrder order) => order.Amount > 10m; }
        """,
        ["ST5004"],
        DiscriminatorModel);

    [Fact]
    public Task A_rule_for_a_derived_type_that_no_discriminator_value_maps_is_reported() => DiagnosticAssert.VerifyAsync(
        new RuleTargetNotEntityAnalyzer(),
        """
        using ServerTools;

        namespace Shop;

        [ExceptionRule("special.amount")]
        public sealed class SpecialAmount : IExceptionRule<SpecialOrder> { public bool Applies(SpecialOrder order) => order.Amount > 10m; }

        [ExceptionRule("sample.amount")]
        public sealed class SampleAmount : [|IExceptionRule<SampleOrder>|] { public bool Applies(SampleOrder order) => order.Amount > 10m; }
        """,
        [new("ST5004", Message("SampleAmount", "SampleOrder"), 0)],
        DiscriminatorModel);
}
