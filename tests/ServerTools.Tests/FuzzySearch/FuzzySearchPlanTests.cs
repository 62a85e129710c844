using System;
using System.Collections.Generic;
using System.Data.Common;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// EXPLAIN of the generated search over a table large enough for PostgreSQL to prefer the trigram index: the index is
/// used at pg_trgm's default threshold and at others, because the threshold is set before the scan (a one-time filter).
/// </summary>
public sealed class FuzzySearchPlanTests(FuzzySearchPlanTests.LargeTable table) : IClassFixture<FuzzySearchPlanTests.LargeTable>
{
    [Theory]
    [InlineData(0.3)]
    [InlineData(0.5)]
    [InlineData(0.2)]
    public async Task The_generated_search_reads_the_trigram_indexes(double threshold)
    {
        var (plan, rows) = await table.ExplainAsync(context => context.Partners.FuzzySearch("jon smyth", threshold).Take(10));

        AssertPlan(plan, "One-Time Filter", present: true);
        AssertPlan(plan, "Bitmap Index Scan on \"IX_Partners_Name_trgm\"", present: true);
        AssertPlan(plan, "Bitmap Index Scan on \"IX_Partners_Email_trgm\"", present: true);
        AssertPlan(plan, "Seq Scan on \"Partners\"", present: false);
        Assert.Equal(
            FuzzySearchTests.Expected(table.Rows, "jon smyth", threshold).Take(10).Select(e => e.Partner.Id),
            rows);
    }

    [Fact]
    public async Task A_field_search_reads_its_field_s_index()
    {
        var (plan, _) = await table.ExplainAsync(context => context.Partners.FuzzySearchByName("smith", 0.45));

        AssertPlan(plan, "Bitmap Index Scan on \"IX_Partners_Name_trgm\"", present: true);
        AssertPlan(plan, "IX_Partners_Email_trgm", present: false);
    }

    private static void AssertPlan(string plan, string step, bool present)
        => Assert.True(plan.Contains(step, StringComparison.Ordinal) == present, $"The plan {(present ? "lacks" : "has")} '{step}':\n{plan}");

    /// <summary>30,000 partners with generated names and e-mails, analyzed.</summary>
    public sealed class LargeTable : SchemaFixture<FuzzyContext>, IAsyncLifetime
    {
        private readonly CommandRecorder _recorder = new();

        public LargeTable()
            : base(options => new FuzzyContext(options))
        {
        }

        public List<Partner> Rows { get; } = [];

        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
            // Names of random syllables over the whole alphabet: as varied in trigrams as real names, so each of the
            // term's trigrams is rare and the index is worth reading.
            var random = new Random(20261121);
            const string consonants = "bcdfghjklmnprstvwxz", vowels = "aeiouy";
            string Word() => string.Concat(Enumerable.Range(0, random.Next(2, 4)).Select(_ => $"{consonants[random.Next(consonants.Length)]}{vowels[random.Next(vowels.Length)]}{(random.Next(3) == 0 ? consonants[random.Next(consonants.Length)].ToString() : "")}"));
            for (var i = 1; i <= 30_000; i++)
            {
                var first = Word();
                var last = Word();
                Rows.Add(new Partner { Id = i, Name = char.ToUpperInvariant(first[0]) + first[1..] + " " + char.ToUpperInvariant(last[0]) + last[1..], Email = $"{first}.{last}@example.com" });
            }

            Rows.Add(new Partner { Id = 30_001, Name = "John Smith", Email = "john.smith@example.com" });
            Rows.Add(new Partner { Id = 30_002, Name = "Jon Smyth", Email = "jsmyth@example.org" });

            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using (var import = await connection.BeginBinaryImportAsync("COPY \"Partners\" (\"Id\", \"Name\", \"Email\") FROM STDIN (FORMAT BINARY)"))
            {
                foreach (var row in Rows)
                {
                    await import.StartRowAsync();
                    await import.WriteAsync(row.Id, NpgsqlDbType.Integer);
                    await import.WriteAsync(row.Name, NpgsqlDbType.Text);
                    await import.WriteAsync(row.Email!, NpgsqlDbType.Text);
                }

                await import.CompleteAsync();
            }

            // As autovacuum would: merge the GIN indexes' pending lists (the rows came after the indexes) and gather statistics.
            await using var analyze = new NpgsqlCommand("VACUUM ANALYZE \"Partners\"", connection);
            await analyze.ExecuteNonQueryAsync();
        }

        /// <summary>Runs the query, then EXPLAINs the very command EF Core sent, with its parameters.</summary>
        public async Task<(string Plan, List<int> Ids)> ExplainAsync(Func<FuzzyContext, IQueryable<Partner>> query)
        {
            var options = new DbContextOptionsBuilder<FuzzyContext>().UseNpgsql(ConnectionString).UseServerTools().AddInterceptors(_recorder).Options;
            await using var context = new FuzzyContext(options);
            var ids = await query(context).Select(p => p.Id).ToListAsync();
            var sent = _recorder.Last ?? throw new InvalidOperationException("No command was recorded.");

            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using var explain = new NpgsqlCommand("EXPLAIN " + sent.Text, connection);
            foreach (var (name, value) in sent.Parameters)
            {
                explain.Parameters.Add(new NpgsqlParameter(name, value));
            }

            var plan = new StringBuilder();
            await using var reader = await explain.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                plan.AppendLine(reader.GetString(0));
            }

            return (plan.ToString(), ids);
        }
    }

    private sealed record SentCommand(string Text, List<(string Name, object? Value)> Parameters);

    private sealed class CommandRecorder : DbCommandInterceptor
    {
        public SentCommand? Last { get; private set; }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Last = new SentCommand(command.CommandText, command.Parameters.Cast<DbParameter>().Select(p => (p.ParameterName, (object?)p.Value)).ToList());
            return ValueTask.FromResult(result);
        }
    }
}
