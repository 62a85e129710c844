using System;
using System.Collections.Immutable;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using ServerTools.CompileTime.Tests.Harness;
using static ServerTools.CompileTime.Tests.ModuleAnalysis.ModuleAssert;

namespace ServerTools.CompileTime.Tests.ModuleAnalysis;

public sealed class ModuleAnalysisAnalyzerTests
{
    [Fact]
    public async Task Base_types_leave_out_the_frameworks_interfaces_made_of_the_entity_and_keep_the_others_a_rule_may_mean()
    {
        var compilation = TestCompilation.Create("""
            using System;
            using System.Collections.Generic;
            using System.ComponentModel;
            using System.ComponentModel.DataAnnotations;
            using Microsoft.EntityFrameworkCore;

            namespace Shop;

            public interface IEntity<T>
            {
            }

            public abstract record Document
            {
                public int Id { get; set; }
            }

            public record SaleOrder : Document, IComparable<SaleOrder>, IValidatableObject, INotifyPropertyChanged, IEntity<SaleOrder>
            {
                public event PropertyChangedEventHandler? PropertyChanged;

                public int CompareTo(SaleOrder? other) => 0;

                public IEnumerable<ValidationResult> Validate(ValidationContext context) => [];
            }

            public class ShopContext : DbContext
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();
            }
            """);
        string[] kept =
        [
            "Shop.Document", "Shop.IEntity<Shop.SaleOrder>", "System.ComponentModel.DataAnnotations.IValidatableObject", "System.ComponentModel.INotifyPropertyChanged",
        ];

        var withFramework = BaseTypes(await AnalyzeAsync(compilation, TestCompilation.FrameworkAssemblies));
        var withoutFramework = BaseTypes(await AnalyzeAsync(compilation));

        // IEquatable<T> of both records and IComparable<SaleOrder> go; a rule on them would mean SaleOrder or Document.
        Assert.Equal(kept, withFramework);
        // A build without ServerTools.targets tells the analyzer no framework assemblies: then every interface stays.
        Assert.Equal(
            [.. kept, "System.IComparable<Shop.SaleOrder>", "System.IEquatable<Shop.Document>", "System.IEquatable<Shop.SaleOrder>"],
            withoutFramework.Order(StringComparer.Ordinal));

        static string[] BaseTypes(ImmutableArray<Diagnostic> diagnostics)
            => Assert.Single(diagnostics, static d => d.Id == "ST9002").Properties["baseTypes"]!.Split('\n');
    }

    [Fact]
    public async Task Entities_rules_and_the_summary_of_a_module_are_reported_with_their_properties()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            public interface IDiscounted
            {
                decimal Discount { get; }
            }

            public abstract class Document
            {
                public int Id { get; set; }
            }

            [Audited]
            [FuzzySearchable(nameof(Name))]
            public partial class [|Partner|]
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            public partial class [|SaleOrder|] : Document, IDiscounted
            {
                [Tracked]
                public int State { get; set; }
                public decimal Discount { get; set; }
            }

            [TimeWindowed]
            public partial class [|Store|]
            {
                public int Id { get; set; }
            }

            public class [|Invoice|] : Document
            {
            }

            public class ShopContext : DbContext
            {
                public DbSet<Partner> Partners => Set<Partner>();
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();
                public DbSet<Store> Stores => Set<Store>();
                public DbSet<Invoice> Invoices => Set<Invoice>();
            }

            [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "A discount above 30% needs a manager",
                           RuleSets = new[] { "confirm", "invoice" })]
            public sealed class [|DiscountLimit|] : IExceptionRule<IDiscounted>
            {
                public bool Applies(IDiscounted entity) => entity.Discount > 0.30m;
            }

            [ExceptionRule("document.numbered", Severity = RuleSeverity.Warning)]
            public sealed class [|Numbered|] : IExceptionRule<Document>
            {
                public bool Applies(Document document) => document.Id == 0;
            }

            [ExceptionRule("sale.state", RuleSets = ["confirm"])]
            public sealed class [|StateRule|] : IExceptionRule<SaleOrder>, IExceptionRule<Invoice>
            {
                public bool Applies(SaleOrder order) => order.State < 0;
                public bool Applies(Invoice invoice) => invoice.Id < 0;
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Partner' of 'Shop.ShopContext': Audited, FuzzySearchable; no exception rule", 0),
                    ("type", "Shop.Partner"), ("features", "Audited\nFuzzySearchable"), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic(
                        "ST9002",
                        "Entity 'Shop.SaleOrder' of 'Shop.ShopContext': Tracked; checked by exception rules 'document.numbered', 'sale.discount_limit', 'sale.state'",
                        1),
                    ("type", "Shop.SaleOrder"), ("features", "Tracked"), ("rules", "document.numbered\nsale.discount_limit\nsale.state"), ("contexts", "Shop.ShopContext"),
                    ("baseTypes", "Shop.Document\nShop.IDiscounted")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Store' of 'Shop.ShopContext': TimeWindowed; no exception rule", 2),
                    ("type", "Shop.Store"), ("features", "TimeWindowed"), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic(
                        "ST9002",
                        "Entity 'Shop.Invoice' of 'Shop.ShopContext': no ServerTools feature; checked by exception rules 'document.numbered', 'sale.state'",
                        3),
                    ("type", "Shop.Invoice"), ("features", ""), ("rules", "document.numbered\nsale.state"), ("contexts", "Shop.ShopContext"), ("baseTypes", "Shop.Document")),
                Fact(
                    new ExpectedDiagnostic(
                        "ST9003",
                        "Exception rule 'sale.discount_limit' of 'Shop.DiscountLimit' checks 'Shop.IDiscounted' (blocking, in rule sets 'confirm', 'invoice')",
                        4),
                    ("id", "sale.discount_limit"), ("severity", "Blocking"), ("target", "Shop.IDiscounted"), ("sets", "confirm\ninvoice"), ("class", "Shop.DiscountLimit")),
                Fact(
                    new ExpectedDiagnostic("ST9003", "Exception rule 'document.numbered' of 'Shop.Numbered' checks 'Shop.Document' (warning, in every evaluation)", 5),
                    ("id", "document.numbered"), ("severity", "Warning"), ("target", "Shop.Document"), ("sets", ""), ("class", "Shop.Numbered")),
                Fact(
                    new ExpectedDiagnostic("ST9003", "Exception rule 'sale.state' of 'Shop.StateRule' checks 'Shop.Invoice' (warning, in rule set 'confirm')", 6),
                    ("id", "sale.state"), ("severity", "Warning"), ("target", "Shop.Invoice"), ("sets", "confirm"), ("class", "Shop.StateRule")),
                Fact(
                    new ExpectedDiagnostic("ST9003", "Exception rule 'sale.state' of 'Shop.StateRule' checks 'Shop.SaleOrder' (warning, in rule set 'confirm')", 6),
                    ("id", "sale.state"), ("severity", "Warning"), ("target", "Shop.SaleOrder"), ("sets", "confirm"), ("class", "Shop.StateRule")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 4 entities (1 audited, 1 tracked, 1 fuzzy searchable, 1 time-windowed), 3 exception rules (1 blocking, 2 warnings)",
            Counts(("entities", 4), ("audited", 1), ("tracked", 1), ("fuzzySearchable", 1), ("timeWindowed", 1), ("withRules", 2), ("rules", 3), ("blockingRules", 1), ("warningRules", 2)));
    }

    [Fact]
    public async Task A_module_without_a_DbContext_reports_a_zero_summary_and_no_entity()
    {
        var summary = await VerifyAsync(
            """
            using ServerTools;

            namespace Shop;

            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
            }

            public class Product
            {
                public int Id { get; set; }
            }
            """,
            []);

        Summary(
            summary,
            "Module 'TestProject': 0 entities (0 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts());
    }

    [Fact]
    public async Task Classes_that_are_neither_entities_nor_registered_rules_are_not_reported()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            public class [|SaleOrder|]
            {
                public int Id { get; set; }
            }

            [Audited]
            public partial class AuditedButNotMapped
            {
                public int Id { get; set; }
            }

            public class SaleOrderDto
            {
                public int Id { get; set; }
                public SaleOrder? Order { get; set; }
            }

            public class ShopContext : DbContext
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();
                public SaleOrderDto? Cached { get; set; }
                public static DbSet<SaleOrderDto>? Static { get; set; }
            }

            public class EmptyContext : DbContext
            {
            }

            public sealed class NotMarked : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => false;
            }

            [ExceptionRule("sale.abstract")]
            public abstract class NotCreatable : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => false;
            }

            [ExceptionRule("sale.value")]
            public sealed class ChecksAValueType : IExceptionRule<int>
            {
                public bool Applies(int value) => false;
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.SaleOrder' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 0),
                    ("type", "Shop.SaleOrder"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 1 entity (0 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 1)));
    }

    [Fact]
    public async Task An_entity_configured_only_by_an_IEntityTypeConfiguration_belongs_to_the_contexts_that_apply_it()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using Microsoft.EntityFrameworkCore.Metadata.Builders;
            using ServerTools;

            namespace Shop;

            [Audited]
            public partial class [|Supplier|]
            {
                public int Id { get; set; }
            }

            public class [|Warehouse|]
            {
                public int Id { get; set; }
            }

            public class [|Carrier|]
            {
                public int Id { get; set; }
            }

            public class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
            {
                public void Configure(EntityTypeBuilder<Supplier> builder) => builder.HasKey(static s => s.Id);
            }

            public abstract class Configuration<T> : IEntityTypeConfiguration<T>
                where T : class
            {
                public virtual void Configure(EntityTypeBuilder<T> builder)
                {
                }
            }

            public class CarrierConfiguration : Configuration<Carrier>
            {
            }

            public class PurchasingContext : DbContext
            {
                protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyConfiguration(new SupplierConfiguration());
            }

            public class StockContext : DbContext
            {
                public DbSet<Warehouse> Warehouses => Set<Warehouse>();

                // Another assembly's configurations: none of this module's.
                protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyConfigurationsFromAssembly(typeof(object).Assembly);
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Supplier' of 'Shop.PurchasingContext': Audited; no exception rule", 0),
                    ("type", "Shop.Supplier"), ("features", "Audited"), ("rules", ""), ("contexts", "Shop.PurchasingContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Warehouse' of 'Shop.StockContext': no ServerTools feature; no exception rule", 1),
                    ("type", "Shop.Warehouse"), ("features", ""), ("rules", ""), ("contexts", "Shop.StockContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Carrier' of no DbContext of this project: no ServerTools feature; no exception rule", 2),
                    ("type", "Shop.Carrier"), ("features", ""), ("rules", ""), ("contexts", "")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 3 entities (1 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 3), ("audited", 1)));
    }

    [Fact]
    public async Task An_entity_of_two_contexts_is_reported_once_with_both_and_base_contexts_count()
    {
        var summary = await VerifyAsync(
            """
            using System.Reflection;
            using Microsoft.EntityFrameworkCore;
            using Microsoft.EntityFrameworkCore.Metadata.Builders;

            namespace Shop;

            public class [|Partner|]
            {
                public int Id { get; set; }
            }

            public class [|SaleOrder|]
            {
                public int Id { get; set; }
            }

            public class [|Label|]
            {
                public int Id { get; set; }
            }

            public class LabelConfiguration : IEntityTypeConfiguration<Label>
            {
                public void Configure(EntityTypeBuilder<Label> builder) => builder.HasKey(static l => l.Id);
            }

            public abstract class PartnersContext : DbContext
            {
                public DbSet<Partner> Partners => Set<Partner>();
            }

            public class SalesContext : PartnersContext
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();
            }

            public class BillingContext : DbContext
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();

                protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyConfigurationsFromAssembly(typeof(BillingContext).Assembly);
            }

            public class ArchiveContext : DbContext
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();

                protected override void OnModelCreating(ModelBuilder modelBuilder)
                {
                    modelBuilder.ApplyConfigurationsFromAssembly(Assembly.GetExecutingAssembly());
                }
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Partner' of 'Shop.PartnersContext', 'Shop.SalesContext': no ServerTools feature; no exception rule", 0),
                    ("type", "Shop.Partner"), ("features", ""), ("rules", ""), ("contexts", "Shop.PartnersContext\nShop.SalesContext")),
                Fact(
                    new ExpectedDiagnostic(
                        "ST9002",
                        "Entity 'Shop.SaleOrder' of 'Shop.ArchiveContext', 'Shop.BillingContext', 'Shop.SalesContext': no ServerTools feature; no exception rule",
                        1),
                    ("type", "Shop.SaleOrder"), ("features", ""), ("rules", ""), ("contexts", "Shop.ArchiveContext\nShop.BillingContext\nShop.SalesContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Label' of 'Shop.ArchiveContext', 'Shop.BillingContext': no ServerTools feature; no exception rule", 2),
                    ("type", "Shop.Label"), ("features", ""), ("rules", ""), ("contexts", "Shop.ArchiveContext\nShop.BillingContext")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 3 entities (0 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 3)));
    }

    [Fact]
    public async Task A_generic_base_context_is_not_listed_and_its_entities_belong_to_the_contexts_derived_from_it()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using Microsoft.EntityFrameworkCore.Metadata.Builders;

            namespace Shop;

            public class [|Product|]
            {
                public int Id { get; set; }
            }

            public class [|Supplier|]
            {
                public int Id { get; set; }
            }

            public class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
            {
                public void Configure(EntityTypeBuilder<Supplier> builder) => builder.HasKey(static s => s.Id);
            }

            public abstract class AppContextBase<TSelf> : DbContext
                where TSelf : DbContext
            {
                public DbSet<Product> Products => Set<Product>();

                protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyConfiguration(new SupplierConfiguration());
            }

            public class ShopContext : AppContextBase<ShopContext>
            {
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Product' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 0),
                    ("type", "Shop.Product"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Supplier' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 1),
                    ("type", "Shop.Supplier"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 2 entities (0 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 2)));
    }

    [Fact]
    public async Task Nested_generic_and_referenced_entity_types_are_named_in_full_and_open_ones_are_skipped()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            public static partial class Catalog
            {
                [Tracked]
                public partial class [|Item|]
                {
                    public int Id { get; set; }
                }
            }

            public class [|Tagged|]<T>
            {
                public int Id { get; set; }
                public T Value { get; set; } = default!;
            }

            public class CatalogContext : DbContext
            {
                public DbSet<Catalog.Item> Items => Set<Catalog.Item>();
                public DbSet<Tagged<string>> Tags => Set<Tagged<string>>();
                public DbSet<AuditLog> AuditLogs => Set<AuditLog>();
            }

            public static class Modules
            {
                public class NestedContext : DbContext
                {
                    public DbSet<Catalog.Item> Items => Set<Catalog.Item>();
                }
            }

            public class GenericContext<TEntity> : DbContext
                where TEntity : class
            {
                public DbSet<TEntity> Entities => Set<TEntity>();
                public DbSet<Tagged<TEntity>> Tagged => Set<Tagged<TEntity>>();
            }

            [ExceptionRule("tag.empty")]
            public sealed class [|EmptyTag|] : IExceptionRule<Tagged<string>>
            {
                public bool Applies(Tagged<string> tag) => tag.Value.Length == 0;
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Catalog.Item' of 'Shop.CatalogContext', 'Shop.Modules.NestedContext': Tracked; no exception rule", 0),
                    ("type", "Shop.Catalog.Item"), ("features", "Tracked"), ("rules", ""), ("contexts", "Shop.CatalogContext\nShop.Modules.NestedContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Tagged<string>' of 'Shop.CatalogContext': no ServerTools feature; checked by exception rule 'tag.empty'", 1),
                    ("type", "Shop.Tagged<string>"), ("features", ""), ("rules", "tag.empty"), ("contexts", "Shop.CatalogContext")),
                Nowhere(
                    "ST9002",
                    "Entity 'ServerTools.AuditLog' of 'Shop.CatalogContext': no ServerTools feature; no exception rule",
                    ("type", "ServerTools.AuditLog"), ("features", ""), ("rules", ""), ("contexts", "Shop.CatalogContext")),
                Fact(
                    new ExpectedDiagnostic("ST9003", "Exception rule 'tag.empty' of 'Shop.EmptyTag' checks 'Shop.Tagged<string>' (warning, in every evaluation)", 2),
                    ("id", "tag.empty"), ("severity", "Warning"), ("target", "Shop.Tagged<string>"), ("sets", ""), ("class", "Shop.EmptyTag")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 3 entities (0 audited, 1 tracked, 0 fuzzy searchable, 0 time-windowed), 1 exception rule (0 blocking, 1 warning)",
            Counts(("entities", 3), ("tracked", 1), ("withRules", 1), ("rules", 1), ("warningRules", 1)));
    }

    [Fact]
    public async Task Entity_of_a_referenced_project_is_reported_without_a_location_in_a_workspace()
    {
        // In the IDE (or any MSBuildWorkspace) a project reference is a compilation reference: the entity is a source
        // symbol of the other project, and a diagnostic at its declaration would be outside the compilation analyzed.
        var domain = TestCompilation.Create(
            """
            using ServerTools;

            namespace Domain;

            [Audited]
            public partial class Partner
            {
                public int Id { get; set; }
            }
            """).WithAssemblyName("Domain");
        var marked = MarkedSource.Parse(
            """
            using Microsoft.EntityFrameworkCore;

            namespace App;

            public class AppContext : DbContext
            {
                public DbSet<Domain.Partner> Partners => Set<Domain.Partner>();
            }
            """);
        var app = TestCompilation.Create(marked.Text).AddReferences(domain.ToMetadataReference());
        Assert.DoesNotContain(app.GetDiagnostics(), static d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);

        var actual = await AnalyzeAsync(app);

        Compare(
            marked,
            [
                Nowhere(
                    "ST9002",
                    "Entity 'Domain.Partner' of 'App.AppContext': Audited; no exception rule",
                    ("type", "Domain.Partner"), ("features", "Audited"), ("rules", ""), ("contexts", "App.AppContext")),
            ],
            actual);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Rules_of_referenced_projects_are_attributed_to_the_entities_but_count_only_in_their_own_module(bool emitted)
    {
        // The usual layered solution: entities and most rules in a domain project, more rules in a rules-only project, the
        // DbContext and one rule of its own in the data project. A referenced project is emitted (a build) or a compilation
        // (the IDE).
        var domain = Rules.ReferencedRulesTests.Built(CSharpCompilation.Create(
            "Shop.Domain",
            [TestCompilation.Parse(
                """
                using ServerTools;

                namespace Shop.Domain;

                public interface IDiscounted
                {
                    decimal Discount { get; }
                }

                public abstract class Document
                {
                    public int Id { get; set; }
                    public string Number { get; set; } = "";
                }

                [Audited]
                public partial class SaleOrder : Document, IDiscounted
                {
                    public decimal Discount { get; set; }
                    public decimal AmountTotal { get; set; }
                }

                public class Customer
                {
                    public int Id { get; set; }
                    public string Email { get; set; } = "";
                }

                public class Quote
                {
                    public int Id { get; set; }
                }

                [ExceptionRule("sale.discount_limit", Severity = RuleSeverity.Blocking, Message = "Too much")]
                public sealed class DiscountLimit : IExceptionRule<SaleOrder>
                {
                    public bool Applies(SaleOrder order) => order.Discount > 0.30m;
                }

                [ExceptionRule("common.negative_discount")]
                public sealed class NegativeDiscount : IExceptionRule<IDiscounted>
                {
                    public bool Applies(IDiscounted entity) => entity.Discount < 0;
                }

                // Internal, with an internal constructor: a build's reference imports neither the class's nor its constructor's
                // non-public members, and the rule is registered all the same.
                [ExceptionRule("doc.number_missing")]
                internal sealed class NumberMissing : IExceptionRule<Document>
                {
                    internal NumberMissing()
                    {
                    }

                    public bool Applies(Document document) => document.Number.Length == 0;
                }

                [ExceptionRule("customer.no_email")]
                public sealed class NoEmail : IExceptionRule<Customer>
                {
                    public bool Applies(Customer customer) => customer.Email.Length == 0;
                }

                [ExceptionRule("quote.empty")]
                public sealed class EmptyQuote : IExceptionRule<Quote>
                {
                    public bool Applies(Quote quote) => quote.Id == 0;
                }

                // Not registered (ST5006 in this project's build): no entity is checked by it.
                [ExceptionRule(" ")]
                public sealed class Blank : IExceptionRule<SaleOrder>
                {
                    public bool Applies(SaleOrder order) => false;
                }
                """,
                "Domain.cs")],
            TestCompilation.References,
            TestCompilation.Options));
        var domainReference = TestCompilation.Reference(domain, emitted);
        var rules = Rules.ReferencedRulesTests.Built(CSharpCompilation.Create(
            "Shop.Rules",
            [TestCompilation.Parse(
                """
                using ServerTools;
                using Shop.Domain;

                namespace Shop.Rules;

                [ExceptionRule("sale.amount_cap", Severity = RuleSeverity.Blocking, Message = "Too large")]
                public sealed class AmountCap : IExceptionRule<SaleOrder>
                {
                    public bool Applies(SaleOrder order) => order.AmountTotal > 1_000_000m;
                }
                """,
                "Rules.cs")],
            [.. TestCompilation.References, domainReference],
            TestCompilation.Options));
        var marked = MarkedSource.Parse(
            """
            using Microsoft.EntityFrameworkCore;
            using ServerTools;
            using Shop.Domain;

            namespace Shop.Data;

            public class ShopContext : DbContext
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();
                public DbSet<Customer> Customers => Set<Customer>();
            }

            [ExceptionRule("partner.blocked_order", Severity = RuleSeverity.Blocking, Message = "The partner is blocked")]
            public sealed class [|BlockedOrder|] : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Id < 0;
            }
            """);
        var app = TestCompilation.Create(marked.Text).AddReferences(domainReference, TestCompilation.Reference(rules, emitted));
        Assert.DoesNotContain(app.GetDiagnostics(), static d => d.Severity == Microsoft.CodeAnalysis.DiagnosticSeverity.Error);

        var summary = Compare(
            marked,
            [
                Nowhere(
                    "ST9002",
                    "Entity 'Shop.Domain.Customer' of 'Shop.Data.ShopContext': no ServerTools feature; checked by exception rule 'customer.no_email'",
                    ("type", "Shop.Domain.Customer"), ("features", ""), ("rules", "customer.no_email"), ("contexts", "Shop.Data.ShopContext")),
                Nowhere(
                    "ST9002",
                    "Entity 'Shop.Domain.SaleOrder' of 'Shop.Data.ShopContext': Audited; checked by exception rules 'common.negative_discount', "
                    + "'doc.number_missing', 'partner.blocked_order', 'sale.amount_cap', 'sale.discount_limit'",
                    ("type", "Shop.Domain.SaleOrder"),
                    ("features", "Audited"),
                    ("rules", "common.negative_discount\ndoc.number_missing\npartner.blocked_order\nsale.amount_cap\nsale.discount_limit"),
                    ("contexts", "Shop.Data.ShopContext"),
                    ("baseTypes", "Shop.Domain.Document\nShop.Domain.IDiscounted")),
                Fact(
                    new ExpectedDiagnostic(
                        "ST9003", "Exception rule 'partner.blocked_order' of 'Shop.Data.BlockedOrder' checks 'Shop.Domain.SaleOrder' (blocking, in every evaluation)", 0),
                    ("id", "partner.blocked_order"), ("severity", "Blocking"), ("target", "Shop.Domain.SaleOrder"), ("sets", ""), ("class", "Shop.Data.BlockedOrder")),
            ],
            await AnalyzeAsync(app));

        // Both entities are rule-checked; the rules of the module are its own one, so a combined report counts each rule once.
        Summary(
            summary,
            "Module 'TestProject': 2 entities (1 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 1 exception rule (1 blocking, 0 warnings)",
            Counts(("entities", 2), ("audited", 1), ("withRules", 2), ("rules", 1), ("blockingRules", 1)));
    }

    [Fact]
    public async Task An_entity_counts_as_fuzzy_searchable_only_when_a_search_is_generated_for_it()
    {
        // Customer names a property it does not have and Tag names none (ST3005: no FuzzySearch is generated for
        // either); Partner names a string property and Note marks one, so both get a search.
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            [FuzzySearchable("Nmae")]
            public partial class [|Customer|]
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [FuzzySearchable]
            public partial class [|Tag|]
            {
                public int Id { get; set; }
                public string Label { get; set; } = "";
            }

            [FuzzySearchable(nameof(Name))]
            public partial class [|Partner|]
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            public partial class [|Note|]
            {
                public int Id { get; set; }
                [FuzzySearchable]
                public string Text { get; set; } = "";
            }

            public class ShopContext : DbContext
            {
                public DbSet<Customer> Customers => Set<Customer>();
                public DbSet<Tag> Tags => Set<Tag>();
                public DbSet<Partner> Partners => Set<Partner>();
                public DbSet<Note> Notes => Set<Note>();
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Customer' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 0),
                    ("type", "Shop.Customer"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Tag' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 1),
                    ("type", "Shop.Tag"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Partner' of 'Shop.ShopContext': FuzzySearchable; no exception rule", 2),
                    ("type", "Shop.Partner"), ("features", "FuzzySearchable"), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Note' of 'Shop.ShopContext': FuzzySearchable; no exception rule", 3),
                    ("type", "Shop.Note"), ("features", "FuzzySearchable"), ("rules", ""), ("contexts", "Shop.ShopContext")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 4 entities (0 audited, 0 tracked, 2 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 4), ("fuzzySearchable", 2)));
    }

    [Fact]
    public async Task An_entity_counts_as_tracked_only_when_tracking_code_is_generated_for_it_or_a_base_class()
    {
        // Order's one tracked property has a type obsolete as an error (ST2006: left out, no code); Entity<TKey> is generic
        // (ST0002: no code), so Supplier, tracked only through it, is not; Shipment tracks a property, and Parcel is
        // tracked as it.
        var summary = await VerifyAsync(
            """
            using System;
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            [Obsolete("Use OrderState.", true)]
            public enum OldState { Open }

            public partial class [|Order|]
            {
                public int Id { get; set; }
                [Obsolete("Use State.")]
                [Tracked]
                public OldState Status { get; set; }
            }

            public partial class Entity<TKey>
            {
                public TKey Id { get; set; } = default!;
                [Tracked]
                public string Name { get; set; } = "";
            }

            public class [|Supplier|] : Entity<int>
            {
            }

            public partial class [|Shipment|]
            {
                public int Id { get; set; }
                [Tracked]
                public string Status { get; set; } = "";
            }

            public class [|Parcel|] : Shipment
            {
            }

            public class ShopContext : DbContext
            {
                public DbSet<Order> Orders => Set<Order>();
                public DbSet<Supplier> Suppliers => Set<Supplier>();
                public DbSet<Shipment> Shipments => Set<Shipment>();
                public DbSet<Parcel> Parcels => Set<Parcel>();
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Order' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 0),
                    ("type", "Shop.Order"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Supplier' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 1),
                    ("type", "Shop.Supplier"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext"), ("baseTypes", "Shop.Entity<int>")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Shipment' of 'Shop.ShopContext': Tracked; no exception rule", 2),
                    ("type", "Shop.Shipment"), ("features", "Tracked"), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Parcel' of 'Shop.ShopContext': Tracked; no exception rule", 3),
                    ("type", "Shop.Parcel"), ("features", "Tracked"), ("rules", ""), ("contexts", "Shop.ShopContext"), ("baseTypes", "Shop.Shipment")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 4 entities (0 audited, 2 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 4), ("tracked", 2)));
    }

    [Fact]
    public async Task An_entity_derived_from_an_audited_and_tracked_class_is_audited_and_tracked_as_it()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            [Audited]
            [Tracked]
            public partial class [|Document|]
            {
                public int Id { get; set; }
            }

            public class [|Invoice|] : Document
            {
            }

            public class ShopContext : DbContext
            {
                public DbSet<Document> Documents => Set<Document>();
                public DbSet<Invoice> Invoices => Set<Invoice>();
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Document' of 'Shop.ShopContext': Audited, Tracked; no exception rule", 0),
                    ("type", "Shop.Document"), ("features", "Audited\nTracked"), ("rules", ""), ("contexts", "Shop.ShopContext")),
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Invoice' of 'Shop.ShopContext': Audited, Tracked; no exception rule", 1),
                    ("type", "Shop.Invoice"), ("features", "Audited\nTracked"), ("rules", ""), ("contexts", "Shop.ShopContext"), ("baseTypes", "Shop.Document")),
            ]);

        Summary(
            summary,
            "Module 'TestProject': 2 entities (2 audited, 2 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 2), ("audited", 2), ("tracked", 2)));
    }

    [Fact]
    public async Task An_entity_declared_in_generated_code_gets_no_diagnostic_of_its_own_but_counts_in_the_summary()
    {
        var summary = await VerifyAsync(
            """
            using Microsoft.EntityFrameworkCore;

            namespace Shop;

            public class [|Partner|]
            {
                public int Id { get; set; }
            }

            [System.CodeDom.Compiler.GeneratedCode("tool", "1.0")]
            public class Imported
            {
                public int Id { get; set; }
            }

            public class ShopContext : DbContext
            {
                public DbSet<Partner> Partners => Set<Partner>();
                public DbSet<Imported> Imported => Set<Imported>();
                public DbSet<Legacy> Legacy => Set<Legacy>();
            }
            """,
            [
                Fact(
                    new ExpectedDiagnostic("ST9002", "Entity 'Shop.Partner' of 'Shop.ShopContext': no ServerTools feature; no exception rule", 0),
                    ("type", "Shop.Partner"), ("features", ""), ("rules", ""), ("contexts", "Shop.ShopContext")),
            ],
            """
            // <auto-generated/>
            namespace Shop;

            public class Legacy
            {
                public int Id { get; set; }
            }
            """);

        Summary(
            summary,
            "Module 'TestProject': 3 entities (0 audited, 0 tracked, 0 fuzzy searchable, 0 time-windowed), 0 exception rules (0 blocking, 0 warnings)",
            Counts(("entities", 3)));
    }

    [Fact]
    public async Task The_analyzer_reports_its_three_diagnostics_as_compilation_end_information()
    {
        var analyzer = new ServerTools.Analyzers.ModuleAnalysis.ModuleAnalysisAnalyzer();

        Assert.Equal(["ST9001", "ST9002", "ST9003"], analyzer.SupportedDiagnostics.Select(static d => d.Id));
        Assert.All(analyzer.SupportedDiagnostics, static d =>
        {
            Assert.Equal(Microsoft.CodeAnalysis.DiagnosticSeverity.Info, d.DefaultSeverity);
            Assert.True(d.IsEnabledByDefault);
            Assert.Equal("ServerTools.ModuleAnalysis", d.Category);
            Assert.Contains(Microsoft.CodeAnalysis.WellKnownDiagnosticTags.CompilationEnd, d.CustomTags);
        });
        var diagnostics = await AnalyzeAsync(TestCompilation.Create("namespace Shop; public class Partner { }"));
        Assert.Equal("ST9001", Assert.Single(diagnostics).Id);
    }
}
