using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ServerTools.Tests.Infrastructure;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// Thresholds and terms at the edges of what PostgreSQL accepts, through the generated searches and through
/// <see cref="TrigramFunctions"/> used directly: the same rows as in memory, or the same error.
/// </summary>
public sealed class FuzzySearchInputTests(FuzzySearchInputTests.Database database) : IClassFixture<FuzzySearchInputTests.Database>
{
    private static readonly Partner[] s_rows = [.. Partners.All.Select(static (partner, i) => new Partner { Id = i + 1, Name = partner.Name, Email = partner.Email, Notes = partner.Notes })];

    [Theory]
    [InlineData(1e-310)] // subnormal: PostgreSQL refuses it as a setting
    [InlineData(double.Epsilon)]
    [InlineData(1e-300)]
    [InlineData(1e-46)] // below the least positive real
    [InlineData(1.4012984643248171e-45)] // the least positive real
    public async Task A_threshold_too_small_for_pg_trgm_s_setting_finds_every_row_with_a_score_above_0_as_in_memory(double threshold)
    {
        await using var context = database.Create();

        var found = await context.Partners.FuzzySearch("jon smyth", threshold).Select(p => p.Id).ToListAsync();
        var byName = await context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "jon smyth", threshold)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync();

        Assert.Equal(FuzzySearchTests.Expected(s_rows, "jon smyth", threshold).Select(e => e.Partner.Id), found);
        Assert.Equal(s_rows.Where(p => Trigram.Similarity(p.Name, "jon smyth") > 0).Select(p => p.Id), byName);
        Assert.Equal(s_rows.AsQueryable().FuzzySearch("jon smyth", threshold).Select(p => p.Id), found);
    }

    [Fact]
    public async Task The_threshold_reaches_pg_trgm_to_the_last_bit_even_where_the_session_prints_doubles_with_15_digits()
    {
        // A threshold just above a row's score leaves the row out. Printed with 15 digits (extra_float_digits = 0, as some
        // poolers set it) it would read back as a value at most the score, and let the row in.
        const string term = "jon smyth";
        var (row, score) = s_rows
            .Select(p => (Row: p, Score: Trigram.Similarity(p.Name, term)))
            .First(pair => pair.Score > 0 && double.Parse(Math.BitIncrement(pair.Score).ToString("G15", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) <= pair.Score);
        var threshold = Math.BitIncrement(score);
        await using var context = database.Create();
        await context.Database.OpenConnectionAsync();
        await context.Database.ExecuteSqlRawAsync("SET extra_float_digits = 0");

        var above = await context.Partners.FuzzySearchByName(term, threshold).Select(p => p.Id).ToListAsync();
        var at = await context.Partners.FuzzySearchByName(term, score).Select(p => p.Id).ToListAsync();
        var directly = await context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, term, threshold)).Select(p => p.Id).ToListAsync();

        Assert.DoesNotContain(row.Id, above);
        Assert.Contains(row.Id, at);
        Assert.DoesNotContain(row.Id, directly);
        Assert.Equal(s_rows.AsQueryable().FuzzySearchByName(term, threshold).Select(p => p.Id), above);
    }

    [Fact]
    public async Task Trigram_functions_refuse_a_constant_threshold_outside_0_to_1_in_sql_as_in_memory()
    {
        await using var context = database.Create();

        AssertRange(await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", 0)).ToListAsync()));
        AssertRange(Assert.Throws<ArgumentOutOfRangeException>(() => s_rows.AsQueryable().Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", 0)).ToList()));
        AssertRange(await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => context.Partners.Where(p => TrigramFunctions.IsWordSimilar("smith", p.Notes, 1.5)).ToListAsync()));
    }

    [Fact]
    public async Task A_threshold_computed_from_the_row_outside_0_to_1_is_refused_by_postgresql_as_in_memory()
    {
        await using var context = database.Create();
        var low = 0.3;

        var error = await Assert.ThrowsAsync<PostgresException>(
            () => context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", p.Email == null ? 0 : low)).ToListAsync());
        var inMemory = Assert.Throws<ArgumentOutOfRangeException>(
            () => s_rows.AsQueryable().Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", p.Email == null ? 0 : low)).ToList());

        Assert.Contains("A fuzzy search threshold must be greater than 0 and at most 1 (pg_trgm's scale), but a row's is 0", error.MessageText, StringComparison.Ordinal);
        AssertRange(inMemory);
        Assert.Equal(
            s_rows.Where(p => Trigram.Similarity(p.Name, "smith") >= (p.Email == null ? 0.2 : low)).Select(p => p.Id),
            await context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", p.Email == null ? 0.2 : low)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync());
    }

    private static readonly Func<FuzzyContext, double, IAsyncEnumerable<int>> s_halfThreshold = EF.CompileAsyncQuery(
        (FuzzyContext db, double t) => db.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", t * 0.5)).OrderBy(p => p.Id).Select(p => p.Id));

    [Fact]
    public async Task A_threshold_computed_from_a_compiled_querys_parameter_is_checked_and_raised_to_the_least_real_by_postgresql()
    {
        await using var context = database.Create();

        var error = await Assert.ThrowsAsync<PostgresException>(async () => await s_halfThreshold(context, 3.0).ToListAsync());
        Assert.Contains("A fuzzy search threshold must be greater than 0 and at most 1", error.MessageText, StringComparison.Ordinal);

        Assert.Equal(
            s_rows.Where(p => Trigram.Similarity(p.Name, "smith") > 0).Select(p => p.Id),
            await s_halfThreshold(context, 2e-310).ToListAsync());
        Assert.Equal(
            s_rows.Where(p => Trigram.Similarity(p.Name, "smith") >= 0.3).Select(p => p.Id),
            await s_halfThreshold(context, 0.6).ToListAsync());
    }

    [Theory]
    [InlineData("smith\0jones")]
    [InlineData("smith\ud800jones")]
    [InlineData("joan \udc00smit")]
    public async Task Trigram_functions_send_nul_and_unpaired_surrogates_as_spaces_as_the_generated_searches_do(string term)
    {
        await using var context = database.Create();
        var expected = s_rows
            .Where(p => Trigram.Similarity(p.Name, term) >= 0.2 || (p.Notes is not null && Trigram.WordSimilarity(term, p.Notes) >= 0.2))
            .OrderBy(p => p.Id)
            .Select(p => (p.Id, Trigram.Similarity(p.Name, term)))
            .ToList();

        var found = await context.Partners
            .Where(p => TrigramFunctions.IsSimilar(p.Name, term, 0.2) || TrigramFunctions.IsWordSimilar(term, p.Notes, 0.2))
            .OrderBy(p => p.Id)
            .Select(p => new { p.Id, Score = TrigramFunctions.Similarity(p.Name, term) })
            .ToListAsync();
        var constant = await context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "smith\0jones", 0.2)).OrderBy(p => p.Id).Select(p => p.Id).ToListAsync();

        Assert.NotEmpty(expected);
        Assert.Equal(expected, found.Select(hit => (hit.Id, hit.Score)));
        Assert.Equal(s_rows.Where(p => Trigram.Similarity(p.Name, "smith jones") >= 0.2).Select(p => p.Id), constant);
    }

    [Fact]
    public async Task Without_use_server_tools_a_search_on_postgresql_says_to_add_it()
    {
        var options = new DbContextOptionsBuilder<FuzzyContext>().UseNpgsql(database.ConnectionString).Options;
        await using var context = new FuzzyContext(options);

        var search = Assert.Throws<InvalidOperationException>(() => context.Partners.FuzzySearch("smith"));
        var composed = Assert.Throws<InvalidOperationException>(() => context.Partners.Where(p => p.Id > 0).OrderBy(p => p.Id).FuzzySearchByEmail("smith"));

        Assert.Contains("Add .UseServerTools() after .UseNpgsql(...)", search.Message, StringComparison.Ordinal);
        Assert.Contains("'Partner'", search.Message, StringComparison.Ordinal);
        Assert.Equal(search.Message, composed.Message);
    }

    /// <summary>The error of a threshold outside (0, 1], from a search or from <see cref="TrigramFunctions"/>, in SQL or in memory.</summary>
    internal static void AssertRange(ArgumentOutOfRangeException error)
    {
        Assert.Equal("threshold", error.ParamName);
        Assert.Contains("greater than 0 and at most 1", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The partners of <see cref="Partners.All"/>, with the ids of <see cref="s_rows"/>.</summary>
    public sealed class Database() : SchemaFixture<FuzzyContext>(options => new FuzzyContext(options)), IAsyncLifetime
    {
        public new async Task InitializeAsync()
        {
            await base.InitializeAsync();
            await using var context = Create();
            context.Partners.AddRange(s_rows.Select(static p => new Partner { Id = p.Id, Name = p.Name, Email = p.Email, Notes = p.Notes }));
            await context.SaveChangesAsync();
        }
    }
}
