using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ServerTools.Build.Reports;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.SolutionReport;

/// <summary>
/// <c>servertools report</c> with a real build of a solution whose rules project references the data project:
/// Shop.Rules checks Shop.Data's entities, which Shop.Data's own build cannot know; Shop.Web references both.
/// </summary>
[Collection(RepositoryBuilds.Name)]
public sealed class LayeredSolutionReportTests : IDisposable
{
    private readonly ReportFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Rules_of_a_project_that_references_the_data_project_count_its_entities_as_rule_checked()
    {
        WriteProject("Shop.Data", [], """
            using Microsoft.EntityFrameworkCore;

            namespace Shop.Data.Model;

            public interface IHasPartner
            {
                Partner? Partner { get; }
            }

            public class SaleOrder : IHasPartner
            {
                public int Id { get; set; }
                public decimal Amount { get; set; }
                public Partner? Partner { get; set; }
            }

            public record Partner
            {
                public int Id { get; set; }
                public string Vat { get; set; } = "";
            }

            public class PriceList
            {
                public int Id { get; set; }
            }

            public class ShopContext(DbContextOptions<ShopContext> options) : DbContext(options)
            {
                public DbSet<SaleOrder> Orders => Set<SaleOrder>();
                public DbSet<Partner> Partners => Set<Partner>();
                public DbSet<PriceList> PriceLists => Set<PriceList>();
            }
            """);
        WriteProject("Shop.Rules", ["Shop.Data"], """
            using ServerTools;
            using Shop.Data.Model;

            namespace Shop.Rules;

            [ExceptionRule("sale.credit_limit", Severity = RuleSeverity.Blocking, Message = "The order exceeds the credit limit")]
            public sealed class CreditLimit : IExceptionRule<SaleOrder>
            {
                public bool Applies(SaleOrder order) => order.Amount > 10_000m;
            }

            [ExceptionRule("partner.vat_missing", Message = "The partner has no VAT number")]
            public sealed class VatMissing : IExceptionRule<Partner>
            {
                public bool Applies(Partner partner) => partner.Vat.Length == 0;
            }

            [ExceptionRule("order.partner_missing", Message = "The order has no partner")]
            public sealed class PartnerMissing : IExceptionRule<IHasPartner>
            {
                public bool Applies(IHasPartner order) => order.Partner is null;
            }
            """);
        var web = WriteProject("Shop.Web", ["Shop.Data", "Shop.Rules"], "namespace Shop.Web;\n\npublic static class Startup\n{\n}\n");

        // In the test run's configuration, so the repository's projects it references are up to date and not built again.
        var run = await ReportRun.RunAsync("report", web, "--configuration", BuildFacts.Configuration, "--output", _folder.Output, "--no-open");

        Assert.True(run.ExitCode == 0, run.ToString());
        var markdown = _folder.Markdown;
        Assert.Equal(("2", "0", "0"), ReportCommandTests.SummaryCells(markdown, "`Shop.Data`"));
        Assert.Equal(("0", "1", "2"), ReportCommandTests.SummaryCells(markdown, "`Shop.Rules`"));
        Assert.Equal(("0", "0", "0"), ReportCommandTests.SummaryCells(markdown, "`Shop.Web`"));
        Assert.Equal(("2", "1", "2"), ReportCommandTests.SummaryCells(markdown, "Total"));
        // order.partner_missing checks the interface: SaleOrder's report names it among its base types.
        Assert.Contains("| `Shop.Data.Model.SaleOrder` |  | `order.partner_missing`, `sale.credit_limit` |", markdown, StringComparison.Ordinal);
        Assert.Contains("data-chart=\"features\" data-module=\"Shop.Data\" data-feature=\"ExceptionRules\" data-value=\"2\"", _folder.Html, StringComparison.Ordinal);

        // The build hands the analyzer the .NET assemblies: the record's IEquatable<Partner>, which a rule would write as
        // Partner, is not among its base types.
        var data = ModuleReportJson.Read(File.ReadAllText(
            Directory.EnumerateFiles(Path.Combine(_folder.Root, "Shop.Data", "obj"), "module-report.json", SearchOption.AllDirectories).Single()));
        Assert.Equal(["Shop.Data.Model.IHasPartner"], data.Entities.Single(static e => e.Type == "Shop.Data.Model.SaleOrder").BaseTypes);
        Assert.Empty(data.Entities.Single(static e => e.Type == "Shop.Data.Model.Partner").BaseTypes);
    }

    /// <summary>A project that references ServerTools as the sample does: the runtime, the generators and analyzers, the report's targets.</summary>
    private string WriteProject(string name, string[] references, string source)
    {
        var src = Path.Combine(BuildFacts.RepositoryRoot, "src");
        return ReportTargetsProject.Write(
            _folder.Root,
            name,
            source,
            $"""
                <ProjectReference Include="{src}/Runtime/ServerTools.Runtime/ServerTools.Runtime.csproj" />
                <ProjectReference Include="{src}/Generators/ServerTools.Generators/ServerTools.Generators.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />
                <ProjectReference Include="{src}/Analyzers/ServerTools.Analyzers/ServerTools.Analyzers.csproj" OutputItemType="Analyzer" ReferenceOutputAssembly="false" />

            """ + string.Concat(references.Select(reference => $"    <ProjectReference Include=\"../{reference}/{reference}.csproj\" />\n")));
    }
}
