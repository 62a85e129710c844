using System;
using System.IO;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Sample;
using ServerTools.Sample.Data;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Sample;

/// <summary>The README's first command: the sample runs its scenario and exits 0; its report shows each feature at work.</summary>
public sealed class SampleTests(SampleTests.SampleRun run) : IClassFixture<SampleTests.SampleRun>
{
    [Fact]
    public void Sample_runs_its_scenario_on_PostgreSQL_and_exits_0()
    {
        var report = ReportOfSuccessfulRun();
        Assert.Equal("", run.Error);
        Assert.Contains("applied migration", report, StringComparison.Ordinal);
        Assert.Contains("audit descriptor 'ServerTools.Sample.Model.Partner'", report, StringComparison.Ordinal);
        Assert.Matches(@"nortwind\s+Northwind Traders\s+0\.35\s+1", report);
        Assert.Matches(@"zebra\s+-\s+-\s+0", report);
        Assert.Contains("The pop-up store closed for good: db.Stores.Remove(store) and SaveChanges deleted it (it had 1 weekly window).", report, StringComparison.Ordinal);
        Assert.Contains("Open at 2026-03-02 09:00 UTC: Hamburg Speicherstadt, Sydney Surry Hills", report, StringComparison.Ordinal);
        Assert.Matches(@"Kolkata Park Street\s+Mon 14:30\s+closed\s+opens Tue 10:00 \+05:30", report);
        Assert.Matches(@"New York Brooklyn\s+Mon 04:00\s+closed\s+opens Mon 07:00 -05:00", report);
        Assert.Contains("Order SO-2026-0001 confirmed", report, StringComparison.Ordinal);
        Assert.Contains("warehouse: pick order SO-2026-0001 (Draft -> Confirmed, by Mia Verkauf, delivery attempt 1)", report, StringComparison.Ordinal);
        Assert.Contains("Confirmed sales: EUR 2,275.40", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_adds_a_data_rule_after_SaveChanges_refused_an_unknown_property()
    {
        var report = ReportOfSuccessfulRun();
        Assert.Contains("_AddBusinessRules", report, StringComparison.Ordinal);
        Assert.Matches(@"refused by SaveChanges, nothing written: .*'Country'", report);
        Assert.Matches(@"10\s+sale\.credit_limit\s+Blocking\s+code: CreditLimitRule", report);
        Assert.Matches(@"20\s+sale\.large_quantity\s+Warning\s+code: LargeQuantityRule", report);
        Assert.Matches(@"30\s+sale\.export_review\s+Warning\s+data: order\.Partner\.CountryCode != ""DE"" && order\.AmountTotal > 1000m", report);
    }

    [Fact]
    public void Sample_confirms_an_order_whose_warnings_the_manager_ignored()
    {
        var report = ReportOfSuccessfulRun();
        Assert.Contains("SO-2026-0002: db.CheckRulesAsync(engine, order, \"confirm\") finds 2 warnings, nothing blocking.", report, StringComparison.Ordinal);
        Assert.Matches(@"Warning\s+sale\.large_quantity\s+A line is for more than 50 units", report);
        Assert.Matches(@"Warning\s+sale\.export_review\s+Orders above EUR 1,000 for customers outside Germany need an export review", report);
        Assert.Contains("Lena Hoffmann ignores them at 2026-03-02 12:05 UTC", report, StringComparison.Ordinal);
        Assert.Matches(@"SO-2026-0002\s+sale\.export_review\s+Warning\s+2026-03-02 12:00 UTC\s+by Lena Hoffmann \(u-1003\) at 2026-03-02 12:05 UTC", report);
        Assert.Contains("warehouse: pick order SO-2026-0002 (Draft -> Confirmed, by Mia Verkauf, delivery attempt 1)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_blocks_an_order_above_the_credit_limit_and_refuses_to_ignore_it()
    {
        var report = ReportOfSuccessfulRun();
        Assert.Contains("SO-2026-0003, at 2026-03-02 12:10 UTC: engine.Enforce(order, \"confirm\") throws BusinessRuleException:", report, StringComparison.Ordinal);
        Assert.Contains("A blocking business rule is broken: sale.credit_limit: The order total is above the customer's credit limit", report, StringComparison.Ordinal);
        Assert.Contains("State stays Draft", report, StringComparison.Ordinal);
        Assert.Contains("tries db.IgnoreRuleWarningsAsync: refused, BusinessRuleException", report, StringComparison.Ordinal);
        Assert.Matches(@"SO-2026-0003\s+sale\.credit_limit\s+Blocking\s+2026-03-02 12:10 UTC\s+-", report);
        Assert.DoesNotContain("pick order SO-2026-0003", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_lists_the_orders_that_break_the_data_rule_with_a_PostgreSQL_query()
    {
        var report = ReportOfSuccessfulRun();
        Assert.Contains("db.EntitiesViolatingRule<SaleOrder>(\"sale.export_review\"): the rule's expression as SQL, answered by PostgreSQL:", report, StringComparison.Ordinal);
        // The constants are parameters (EF Core names them @p, @p0 or @p1, depending on its version).
        var where = Regex.Match(report, @"WHERE p\.""CountryCode"" <> (@p\d*) AND s\.""AmountTotal"" > (@p\d*)");
        Assert.True(where.Success, report);
        Assert.Matches($@"-- {where.Groups[1].Value}='DE' \(DbType = StringFixedLength\)\s+-- {where.Groups[2].Value}='1000\.0'\s+SELECT", report);
        Assert.Contains("-> 1 order(s): SO-2026-0002", report, StringComparison.Ordinal);
        Assert.Contains("1 data rule(s), 3 stored rule violation(s) (2 of them warnings ignored)", report, StringComparison.Ordinal);
    }

    [Fact]
    public void Sample_model_matches_its_migrations()
    {
        using var context = new ShopDbContextFactory().CreateDbContext([]);

        Assert.False(context.Database.HasPendingModelChanges(), "The sample's model changed: add a migration (see docs/sample.md).");
    }

    [Fact]
    public async Task Unknown_option_is_a_usage_error_that_says_what_is_wrong()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Program.RunAsync(["--conection", "Host=x"], output, error);

        Assert.Equal(Program.UsageError, exit);
        Assert.Contains("--conection", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("--help", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The report of the class's run, which must have exited 0 (else the failure and the report are shown).</summary>
    private string ReportOfSuccessfulRun()
    {
        Assert.True(run.Exit == Program.Success, $"exit {run.Exit}\n{run.Error}\n{run.Report}");
        return run.Report;
    }

    /// <summary>One run of the sample on a database of its own, whose report every test of the class reads.</summary>
    public sealed class SampleRun : IAsyncLifetime
    {
        private readonly DatabaseFixture _database = new();

        public int Exit { get; private set; }

        public string Report { get; private set; } = "";

        public string Error { get; private set; } = "";

        public async Task InitializeAsync()
        {
            await _database.InitializeAsync();
            using var output = new StringWriter();
            using var error = new StringWriter();
            Exit = await Program.RunAsync(["--connection", _database.ConnectionString], output, error);
            Report = output.ToString();
            Error = error.ToString();
        }

        public Task DisposeAsync() => _database.DisposeAsync();
    }
}
