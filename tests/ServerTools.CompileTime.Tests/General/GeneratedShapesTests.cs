using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using ServerTools.Analyzers.ModuleAnalysis;
using ServerTools.CompileTime.Tests.Harness;

namespace ServerTools.CompileTime.Tests.General;

/// <summary>
/// Legal declarations of unusual shape, across the generators: each gets code that compiles cleanly, in files and types of
/// its own, or none (and then an analyzer says why), and never stops a generator for the rest of the project.
/// </summary>
public sealed class GeneratedShapesTests
{
    [Fact]
    public void File_local_classes_get_no_code_and_the_other_entities_of_the_project_still_do()
    {
        var run = GeneratorHarness.Run(
            """
            using ServerTools;

            namespace Shop;

            [Audited, Tracked, TimeWindowed]
            public partial class Partner
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [FuzzySearchable(nameof(Name))]
            public class Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [ExceptionRule("partner.name")]
            public sealed class NameRequired : IExceptionRule<Partner>
            {
                public bool Applies(Partner partner) => partner.Name.Length == 0;
            }
            """,
            """
            using ServerTools;

            namespace Shop;

            [ExceptionRule("partner.seed")]
            file sealed class SeedRule : IExceptionRule<Partner>
            {
                public bool Applies(Partner partner) => partner.Id < 0;
            }

            [Audited, Tracked, TimeWindowed]
            file partial class SeedMarker
            {
                public int Id { get; set; }
                public string Note { get; set; } = "";
            }

            [FuzzySearchable(nameof(Name))]
            file class Lookup
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            file partial class Module
            {
                public partial class Entry
                {
                    public int Id { get; set; }
                    [Tracked, FuzzySearchable] public string Name { get; set; } = "";
                }
            }
            """).CompilesWithoutDiagnostics();

        Assert.Equal(
            [
                "ServerTools.ExceptionRules.g.cs", "Shop.Customer.FuzzySearch.g.cs", "Shop.Partner.Audited.g.cs", "Shop.Partner.TimeWindows.g.cs",
                "Shop.Partner.Tracked.g.cs",
            ],
            run.GeneratedSources.Select(static source => source.HintName));
        Assert.DoesNotContain("SeedRule", run.Source("ServerTools.ExceptionRules.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Keywords_in_names_are_escaped_in_code_only()
    {
        var run = GeneratorHarness.Run("""
            using ServerTools;

            namespace Tickets.@event;

            [Audited, Tracked, TimeWindowed, FuzzySearchable(nameof(Seat))]
            public partial class Booking
            {
                public int Id { get; set; }
                public string Seat { get; set; } = "";
            }

            public partial class Venue
            {
                [TimeWindowed, FuzzySearchable(nameof(Name))]
                public partial class @checked
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                }
            }

            [ExceptionRule("booking.seat")]
            public sealed class @fixed : IExceptionRule<Booking>
            {
                public bool Applies(Booking booking) => booking.Seat.Length == 0;
            }
            """).CompilesWithoutDiagnostics().VerifySnapshots();

        Assert.Equal(
            [
                "ServerTools.ExceptionRules.g.cs",
                "Tickets.event.Booking.Audited.g.cs", "Tickets.event.Booking.FuzzySearch.g.cs", "Tickets.event.Booking.TimeWindows.g.cs",
                "Tickets.event.Booking.Tracked.g.cs", "Tickets.event.Venue.checked.FuzzySearch.g.cs", "Tickets.event.Venue.checked.TimeWindows.g.cs",
            ],
            run.GeneratedSources.Select(static source => source.HintName));
        Assert.Contains("\"Tickets.event.Booking\",", run.Source("Tickets.event.Booking.Audited.g.cs"), StringComparison.Ordinal);
        Assert.Contains("\"Tickets.event.Booking\",", run.Source("Tickets.event.Booking.Tracked.g.cs"), StringComparison.Ordinal);
        Assert.Contains("static class VenuecheckedTimeWindowExtensions", run.Source("Tickets.event.Venue.checked.TimeWindows.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Entities_whose_names_differ_only_in_case_get_files_of_their_own()
    {
        const string Entity = """
                [Audited, Tracked, TimeWindowed, FuzzySearchable(nameof(Name))]
                public partial class {0}
                {{
                    public int Id {{ get; set; }}
                    public string Name {{ get; set; }} = "";
                }}
            """;
        var run = GeneratorHarness.Run(
            "using ServerTools;\nnamespace Shop\n{\n" + string.Format(CultureInfo.InvariantCulture, Entity, "Order") + "\n"
            + string.Format(CultureInfo.InvariantCulture, Entity, "ORDER") + "\n}\nnamespace SHOP\n{\n"
            + string.Format(CultureInfo.InvariantCulture, Entity, "Order") + "\n}\n").CompilesWithoutDiagnostics();

        Assert.Equal(
            [
                "SHOP.Order.Audited.g.cs", "SHOP.Order.FuzzySearch.g.cs", "SHOP.Order.TimeWindows.g.cs", "SHOP.Order.Tracked.g.cs",
                "Shop.ORDER.2.Audited.g.cs", "Shop.ORDER.2.FuzzySearch.g.cs", "Shop.ORDER.2.TimeWindows.g.cs", "Shop.ORDER.2.Tracked.g.cs",
                "Shop.Order.3.Audited.g.cs", "Shop.Order.3.FuzzySearch.g.cs", "Shop.Order.3.TimeWindows.g.cs", "Shop.Order.3.Tracked.g.cs",
            ],
            run.GeneratedSources.Select(static source => source.HintName));
    }

    [Fact]
    public void Nested_and_top_level_entities_whose_names_join_alike_get_extension_classes_of_their_own()
    {
        var run = GeneratorHarness.Run("""
            using System;
            using System.Linq;
            using ServerTools;

            namespace Shop;

            public partial class Mall
            {
                [TimeWindowed]
                public partial class Kiosk { public int Id { get; set; } }

                [FuzzySearchable(nameof(Name))]
                public class Tenant { public int Id { get; set; } public string Name { get; set; } = ""; }
            }

            [TimeWindowed]
            public partial class MallKiosk { public int Id { get; set; } }

            [FuzzySearchable(nameof(Name))]
            public class MallTenant { public int Id { get; set; } public string Name { get; set; } = ""; }

            public static class Queries
            {
                public static int Count(IQueryable<MallKiosk> kiosks, IQueryable<Mall.Kiosk> mallKiosks, IQueryable<MallTenant> tenants, IQueryable<Mall.Tenant> mallTenants)
                    => kiosks.WhereOpenAt(DateTimeOffset.UnixEpoch).Count() + mallKiosks.WhereOpenAt(DateTimeOffset.UnixEpoch).Count()
                       + tenants.FuzzySearch("x").Count() + mallTenants.FuzzySearch("x").Count();
            }
            """).CompilesWithoutDiagnostics();

        Assert.Contains("public static class MallKioskTimeWindowExtensions", run.Source("Shop.MallKiosk.TimeWindows.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public static class MallKiosk2TimeWindowExtensions", run.Source("Shop.Mall.Kiosk.TimeWindows.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public static class MallTenantFuzzySearchExtensions", run.Source("Shop.MallTenant.FuzzySearch.g.cs"), StringComparison.Ordinal);
        Assert.Contains("public static class MallTenant2FuzzySearchExtensions", run.Source("Shop.Mall.Tenant.FuzzySearch.g.cs"), StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_code_compiles_at_CSharp_9_the_lowest_language_version_ServerTools_supports()
    {
        var run = GeneratorHarness.Run(LanguageVersion.CSharp9, """
            using ServerTools;

            namespace Shop
            {
                [Audited]
                public partial class Partner
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                }

                [Tracked]
                public partial record Order
                {
                    public int Id { get; set; }
                    public string State { get; set; } = "";
                }

                [TimeWindowed(TimeZone = "Europe/Paris")]
                public partial class Store { public int Id { get; set; } }

                [FuzzySearchable(nameof(Name))]
                public class Customer
                {
                    public int Id { get; set; }
                    public string Name { get; set; } = "";
                }

                [ExceptionRule("sale.state", Message = "An order needs a state")]
                public sealed class StateRequired : IExceptionRule<Order>
                {
                    public bool Applies(Order order) => order.State.Length == 0;
                }
            }
            """).CompilesWithoutDiagnostics();

        Assert.Equal(5, run.GeneratedSources.Count);
    }

    [Fact]
    public async Task Records_get_the_code_of_every_feature_the_module_report_lists_for_them()
    {
        var run = GeneratorHarness.Run("""
            using Microsoft.EntityFrameworkCore;
            using ServerTools;

            namespace Shop;

            [Audited]
            public partial record Partner
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            [Tracked]
            public partial record Order
            {
                public int Id { get; set; }
                public string State { get; set; } = "";
            }

            public partial record Invoice
            {
                public int Id { get; set; }
                [Tracked] public decimal Total { get; set; }
            }

            [TimeWindowed(TimeZone = "Europe/Paris")]
            public partial record Store
            {
                public int Id { get; set; }
            }

            [FuzzySearchable(nameof(Name))]
            public record Customer
            {
                public int Id { get; set; }
                public string Name { get; set; } = "";
            }

            public partial record Payment(int Id, [property: Tracked, FuzzySearchable] string Reference);

            public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
            {
                public DbSet<Partner> Partners => Set<Partner>();
                public DbSet<Order> Orders => Set<Order>();
                public DbSet<Invoice> Invoices => Set<Invoice>();
                public DbSet<Store> Stores => Set<Store>();
                public DbSet<Customer> Customers => Set<Customer>();
                public DbSet<Payment> Payments => Set<Payment>();
            }
            """).CompilesWithoutDiagnostics();

        var facts = (await run.OutputCompilation.WithAnalyzers([new ModuleAnalysisAnalyzer()]).GetAnalyzerDiagnosticsAsync())
            .Where(static diagnostic => diagnostic.Id == "ST9002")
            .SelectMany(static diagnostic => diagnostic.Properties["features"]!.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(feature => diagnostic.Properties["type"] + "." + feature switch
                {
                    "FuzzySearchable" => "FuzzySearch",
                    "TimeWindowed" => "TimeWindows",
                    _ => feature,
                } + ".g.cs"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(run.GeneratedSources.Select(static source => source.HintName), facts);
        Assert.Equal(7, run.GeneratedSources.Count);
    }
}
