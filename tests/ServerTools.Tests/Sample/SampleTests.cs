using System;
using System.IO;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using ServerTools.Sample;
using ServerTools.Sample.Data;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.Sample;

/// <summary>The README's first command: the sample runs its scenario and exits 0.</summary>
public sealed class SampleTests(DatabaseFixture database) : IClassFixture<DatabaseFixture>
{
    [Fact]
    public async Task Sample_runs_its_scenario_on_PostgreSQL_and_exits_0()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exit = await Program.RunAsync(["--connection", database.ConnectionString], output, error);

        Assert.True(exit == Program.Success, $"exit {exit}\n{error}\n{output}");
        var report = output.ToString();
        Assert.Contains("applied migration", report, StringComparison.Ordinal);
        Assert.Contains("audit descriptor 'ServerTools.Sample.Model.Partner'", report, StringComparison.Ordinal);
        Assert.Matches(@"nortwind\s+Northwind Traders\s+0\.35\s+1", report);
        Assert.Matches(@"zebra\s+-\s+-\s+0", report);
        Assert.Contains("Open at 2026-03-02 09:00 UTC: Hamburg Speicherstadt, Sydney Surry Hills", report, StringComparison.Ordinal);
        Assert.Matches(@"Kolkata Park Street\s+Mon 14:30\s+closed\s+opens Tue 10:00 \+05:30", report);
        Assert.Matches(@"New York Brooklyn\s+Mon 04:00\s+closed\s+opens Mon 07:00 -05:00", report);
        Assert.Contains("Order SO-2026-0001 confirmed", report, StringComparison.Ordinal);
        Assert.Contains("warehouse: pick order SO-2026-0001 (Draft -> Confirmed, by Mia Verkauf, delivery attempt 1)", report, StringComparison.Ordinal);
        Assert.Contains("Confirmed sales: EUR 701.60", report, StringComparison.Ordinal);
        Assert.Equal("", error.ToString());
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
}
