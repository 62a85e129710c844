using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Threading.Tasks;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>The generated searches on PostgreSQL: results, order and scores as the documented rule computes them with <see cref="Trigram"/>.</summary>
public sealed class FuzzySearchTests(FuzzyFixture database) : IClassFixture<FuzzyFixture>, IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        await using var context = database.Create();
        if (!await context.Partners.AnyAsync())
        {
            context.Partners.AddRange(Partners.Copies());
            context.Cities.AddRange(
                new City { Name = "Saint-Étienne", Description = "A city in the Loire, known for its football club" },
                new City { Name = "Sankt Petersburg", Description = "The northern capital on the Neva" },
                new City { Name = "San Francisco", Description = "Fog, hills and a bridge" });
            await context.SaveChangesAsync();
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("jon smyth", 0.3)]
    [InlineData("smith", 0.3)]
    [InlineData("invoice", 0.3)]
    [InlineData("jonh smiht", 0.2)]
    [InlineData("muller", 0.25)]
    [InlineData("smith", 0.5)]
    public async Task Finds_what_the_rule_finds_best_first_with_the_same_scores(string term, double threshold)
    {
        await using var context = database.Create();
        var all = await context.Partners.AsNoTracking().ToListAsync();

        var hits = await context.Partners.FuzzySearchScored(term, threshold).ToListAsync();

        var expected = Expected(all, term, threshold);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(e => e.Partner.Name), hits.Select(h => h.Entity.Name));
        Assert.All(expected.Zip(hits), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-6));
        Assert.Equal(expected.Select(e => e.Partner.Id), await context.Partners.FuzzySearch(term, threshold).Select(p => p.Id).ToListAsync());
    }

    [Fact]
    public async Task The_best_match_for_a_misspelt_name_comes_first_and_take_limits_in_sql()
    {
        await using var context = database.Create();
        var query = context.Partners.FuzzySearch("jon smyth").Take(2);

        var top = await query.ToListAsync();

        Assert.Equal("Jon Smyth", top[0].Name);
        Assert.Equal(Expected(await context.Partners.AsNoTracking().ToListAsync(), "jon smyth", 0.3).Take(2).Select(e => e.Partner.Name), top.Select(p => p.Name));
        Assert.Contains("LIMIT", query.ToQueryString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_threshold_below_pg_trgm_default_finds_matches_the_default_misses_and_does_not_stay_set()
    {
        await using var context = database.Create();
        await context.Database.OpenConnectionAsync(); // one session for the searches and the check after them
        var all = await context.Partners.AsNoTracking().ToListAsync();
        const string term = "smithson";
        var between = all.Where(p => Best(p, term) is >= 0.2 and < 0.3).Select(p => p.Name).ToList();
        Assert.NotEmpty(between);

        var low = await context.Partners.FuzzySearch(term, 0.2).Select(p => p.Name).ToListAsync();
        var standard = await context.Partners.FuzzySearch(term).Select(p => p.Name).ToListAsync();

        Assert.Superset(between.ToHashSet(), low.ToHashSet());
        Assert.Empty(between.Intersect(standard));
        Assert.Equal("0.3", await SettingAsync(context, "pg_trgm.similarity_threshold"));
    }

    [Fact]
    public async Task Inside_the_application_s_transaction_each_search_uses_its_own_threshold()
    {
        await using var context = database.Create();
        await using var transaction = await context.Database.BeginTransactionAsync();

        var strict = await context.Partners.FuzzySearch("smith", 0.6).Select(p => p.Name).ToListAsync();
        var loose = await context.Partners.FuzzySearch("smith", 0.25).Select(p => p.Name).ToListAsync();
        var strictAgain = await context.Partners.FuzzySearch("smith", 0.6).Select(p => p.Name).ToListAsync();

        Assert.True(loose.Count > strict.Count, $"0.25 found {loose.Count}, 0.6 found {strict.Count}");
        Assert.Equal(strict, strictAgain);
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task Inside_the_application_s_transaction_npgsql_s_own_trigram_operators_get_the_last_search_s_threshold()
    {
        // As docs/fuzzy-search.md says: EF.Functions.TrigramsAreSimilar has no threshold of its own, so it reads the setting.
        await using var context = database.Create();
        var atDefault = await context.Partners.CountAsync(p => EF.Functions.TrigramsAreSimilar(p.Name, "smithson"));
        await using var transaction = await context.Database.BeginTransactionAsync();

        await context.Partners.FuzzySearch("smithson", 0.2).ToListAsync();
        var afterSearch = await context.Partners.CountAsync(p => EF.Functions.TrigramsAreSimilar(p.Name, "smithson"));
        var ownThreshold = await context.Partners.Where(p => TrigramFunctions.IsSimilar(p.Name, "smithson", 0.3)).CountAsync();

        Assert.Equal(Partners.All.Count(p => Trigram.Similarity(p.Name, "smithson") >= 0.2), afterSearch);
        Assert.True(afterSearch > atDefault, $"0.2 found {afterSearch}, pg_trgm's default {atDefault}");
        Assert.Equal(atDefault, ownThreshold);
        await transaction.RollbackAsync();
    }

    [Fact]
    public async Task A_field_search_uses_that_field_only_and_its_comparison()
    {
        await using var context = database.Create();

        var byEmail = await context.Partners.FuzzySearchByEmail("jsmyth").Select(p => p.Name).ToListAsync();
        var byNotes = await context.Partners.FuzzySearchByNotes("invoice").Select(p => p.Name).ToListAsync();
        var cities = await context.Cities.FuzzySearchByName("saint etienne").Select(c => c.Name).ToListAsync();
        var byDescription = await context.Cities.FuzzySearchByDescription("footbal").Select(c => c.Name).ToListAsync();

        Assert.Equal("Jon Smyth", byEmail.First());
        Assert.DoesNotContain("John Smith", byEmail);
        Assert.Equal(
            Partners.All.Where(p => p.Notes is not null && Trigram.WordSimilarity("invoice", p.Notes) >= 0.6)
                .OrderByDescending(p => Trigram.WordSimilarity("invoice", p.Notes!)).Select(p => p.Name),
            byNotes);
        Assert.Equal(["Saint-Étienne"], cities);
        Assert.Equal(["Saint-Étienne"], byDescription);
    }

    [Fact]
    public async Task The_term_and_the_threshold_are_each_sent_once_as_a_parameter_to_every_field_s_operator()
    {
        await using var context = database.Create();

        var sql = context.Partners.FuzzySearch("jon smyth", 0.4).ToQueryString();

        // One parameter each, however many fields and clauses use them: the query's trees read them from one closure.
        // The threshold goes as the text pg_trgm's settings are given (exact whatever the session's extra_float_digits).
        Assert.StartsWith("-- @threshold='0.4' (Nullable = false)\n-- @search='jon smyth'\nSELECT", sql.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("(p.\"Name\" % @search) OR (p.\"Email\" % @search) OR (@search <% p.\"Notes\")", sql, StringComparison.Ordinal);
        Assert.Contains(
            "ORDER BY GREATEST(similarity(p.\"Name\", @search), COALESCE(similarity(p.\"Email\", @search), 0.0), COALESCE(word_similarity(@search, p.\"Notes\"), 0.0) * 0.5) DESC, p.\"Id\"",
            sql,
            StringComparison.Ordinal);
        Assert.Equal(2, sql.Split("(VALUES (@threshold::text))").Length - 1);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("?!-/+")]
    public async Task A_term_without_letters_or_digits_finds_nothing_without_asking_the_index(string term)
    {
        await using var context = database.Create();
        var query = context.Partners.FuzzySearch(term);

        Assert.Empty(await query.ToListAsync());
        Assert.DoesNotContain("%", query.ToQueryString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("O'Brien")]
    [InlineData("100%")]
    [InlineData("\"Quotes\"")]
    [InlineData("back\\slash")]
    [InlineData("50%_off")]
    [InlineData("smith\0jones")]
    [InlineData("smith\ud800jones")]
    [InlineData("joan \udc00smit")]
    [InlineData("🙂 smith 🙃")]
    [InlineData("Ολυμπιακή")]
    [InlineData("ивановъ")]
    [InlineData("MÜLLER")]
    [InlineData("\u200b\u00a0\t\r\nsmith")]
    public async Task Any_text_is_searched_as_pg_trgm_reads_it(string term)
    {
        await using var context = database.Create();
        var all = await context.Partners.AsNoTracking().ToListAsync();

        var found = await context.Partners.FuzzySearch(term, 0.2).Select(p => p.Name).ToListAsync();

        Assert.Equal(Expected(all, term.Replace('\0', ' ').Replace('\ud800', ' ').Replace('\udc00', ' '), 0.2).Select(e => e.Partner.Name), found);
    }

    [Fact]
    public async Task A_ten_thousand_character_term_is_searched()
    {
        await using var context = database.Create();
        var all = await context.Partners.AsNoTracking().ToListAsync();
        var term = string.Concat(Enumerable.Repeat("smith jones ", 834))[..10_000];

        var found = await context.Partners.FuzzySearch(term, 0.01).Select(p => p.Name).ToListAsync();

        Assert.Equal(Expected(all, term, 0.01).Select(e => e.Partner.Name), found);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.0000001)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public async Task A_threshold_outside_0_to_1_is_refused_with_the_allowed_range_by_searches_and_trigram_functions_in_sql_and_in_memory(double threshold)
    {
        await using var context = database.Create();
        var tests = new List<Expression<Func<Partner, bool>>>
        {
            p => TrigramFunctions.IsSimilar(p.Name, "smith", threshold),
            p => TrigramFunctions.IsWordSimilar("smith", p.Notes, threshold),
            p => TrigramFunctions.IsStrictWordSimilar("smith", p.Notes, threshold),
        };

        FuzzySearchInputTests.AssertRange(Assert.Throws<ArgumentOutOfRangeException>(() => context.Partners.FuzzySearch("smith", threshold)));
        foreach (var test in tests)
        {
            // On PostgreSQL in .NET, before the query is sent; in memory when a row is compared.
            FuzzySearchInputTests.AssertRange(await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => context.Partners.Where(test).ToListAsync()));
            FuzzySearchInputTests.AssertRange(Assert.Throws<ArgumentOutOfRangeException>(() => Partners.All.AsQueryable().Where(test).ToList()));
        }
    }

    [Fact]
    public async Task A_null_term_is_refused()
    {
        await using var context = database.Create();

        var error = Assert.Throws<ArgumentNullException>(() => context.Partners.FuzzySearch(null!));

        Assert.Equal("term", error.ParamName);
    }

    [Fact]
    public async Task The_model_creates_pg_trgm_and_a_trigram_index_per_field_beside_the_application_s_index()
    {
        await using var context = database.Create();
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('Partners', 'Cities') ORDER BY indexname", connection);
        var indexes = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                indexes[reader.GetString(0)] = reader.GetString(1);
            }
        }

        await using var extension = new NpgsqlCommand("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'", connection);
        Assert.Equal(1L, await extension.ExecuteScalarAsync());
        foreach (var (table, column) in new[] { ("Partners", "Name"), ("Partners", "Email"), ("Partners", "Notes"), ("Cities", "Name"), ("Cities", "Description") })
        {
            var definition = indexes[$"IX_{table}_{column}_trgm"];
            Assert.Contains($"USING gin (\"{column}\" gin_trgm_ops)", definition, StringComparison.Ordinal);
        }

        Assert.Contains("CREATE UNIQUE INDEX \"IX_Cities_Name\"", indexes["IX_Cities_Name"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_outside_a_where_condition_is_refused_with_what_to_use_instead()
    {
        await using var context = database.Create();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Partners.Select(p => TrigramFunctions.IsSimilar(p.Name, "smith", 0.4)).ToListAsync());

        Assert.Contains("can only be used in a Where condition", error.Message, StringComparison.Ordinal);
        Assert.Contains("(TrigramFunctions.Similarity)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_test_in_the_condition_of_count_is_refused_with_how_to_write_it_as_a_where()
    {
        await using var context = database.Create();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => context.Partners.CountAsync(p => TrigramFunctions.IsWordSimilar("invoice", p.Notes, 0.6)));

        Assert.Contains("the condition of Count, Any, First, Single or Last is not one: write .Where(condition).Count()", error.Message, StringComparison.Ordinal);
        Assert.Contains("(TrigramFunctions.WordSimilarity)", error.Message, StringComparison.Ordinal);
        Assert.Equal(
            Partners.All.Count(p => p.Notes is not null && Trigram.WordSimilarity("invoice", p.Notes) >= 0.6),
            await context.Partners.Where(p => TrigramFunctions.IsWordSimilar("invoice", p.Notes, 0.6)).CountAsync());
    }

    [Fact]
    public async Task Chained_searches_keep_each_its_own_threshold()
    {
        // pg_trgm has one threshold setting per statement. By name at 0.5 and by e-mail at 0.2 only John Smith
        // matches; both at 0.2 would add Smith & Wesson, both at 0.5 would find no one.
        await using var context = database.Create();
        var expected = Names(p => Trigram.Similarity(p.Name, "smith") >= 0.5 && p.Email is not null && Trigram.Similarity(p.Email, "smith") >= 0.2);
        Assert.Equal(["John Smith"], expected);
        Assert.NotEqual(expected, Names(p => Trigram.Similarity(p.Name, "smith") >= 0.2 && p.Email is not null && Trigram.Similarity(p.Email, "smith") >= 0.2));

        var nameFirst = await context.Partners.FuzzySearchByName("smith", 0.5).FuzzySearchByEmail("smith", 0.2).Select(p => p.Name).ToListAsync();
        var emailFirst = await context.Partners.FuzzySearchByEmail("smith", 0.2).FuzzySearchByName("smith", 0.5).Select(p => p.Name).ToListAsync();

        Assert.Equal(expected, nameFirst);
        Assert.Equal(expected, emailFirst);
        var sql = context.Partners.FuzzySearchByName("smith", 0.5).FuzzySearchByEmail("smith", 0.2).ToQueryString();
        Assert.Contains("p.\"Name\" % ", sql, StringComparison.Ordinal);
        Assert.Contains("p.\"Email\" % ", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_thresholds_in_one_condition_each_apply_to_their_own_test()
    {
        await using var context = database.Create();
        double low = 0.25, high = 0.3;
        var expected = Names(p => Trigram.Similarity(p.Name, "jon") >= high || (p.Email is not null && Trigram.Similarity(p.Email, "smith") >= low));
        Assert.Equal(["John Smith", "Jon Smyth", "Smith & Wesson"], expected);

        var names = await context.Partners
            .Where(p => TrigramFunctions.IsSimilar(p.Name, "jon", high) || TrigramFunctions.IsSimilar(p.Email, "smith", low))
            .Select(p => p.Name)
            .ToListAsync();

        Assert.Equal(expected, names.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_threshold_read_from_the_row_is_compared_per_row_alone_and_beside_another()
    {
        // The index is read before any row could set pg_trgm's threshold, so such a test compares the score instead.
        await using var context = database.Create();
        var expected = Names(p => Trigram.Similarity(p.Name, "smith") >= (p.Email == null ? 0.2 : 0.5));
        Assert.NotEqual(expected, Names(p => Trigram.Similarity(p.Name, "smith") >= 0.2));
        Assert.NotEqual(expected, Names(p => Trigram.Similarity(p.Name, "smith") >= 0.5));

        var alone = await context.Partners
            .Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", p.Email == null ? 0.2 : 0.5))
            .Select(p => p.Name)
            .ToListAsync();
        var beside = await context.Partners
            .Where(p => TrigramFunctions.IsSimilar(p.Name, "smith", p.Email == null ? 0.2 : 0.5))
            .Where(p => TrigramFunctions.IsSimilar(p.Email, "smith", 0.2))
            .Select(p => p.Name)
            .ToListAsync();

        Assert.Equal(expected, alone.Order(StringComparer.Ordinal));
        Assert.Equal(
            Names(p => Trigram.Similarity(p.Name, "smith") >= (p.Email == null ? 0.2 : 0.5) && p.Email != null && Trigram.Similarity(p.Email, "smith") >= 0.2),
            beside.Order(StringComparer.Ordinal));
    }

    private static List<string> Names(Func<Partner, bool> predicate)
        => [.. Partners.All.Where(predicate).Select(static p => p.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public async Task Trigram_functions_compose_with_the_application_s_own_linq()
    {
        await using var context = database.Create();
        var threshold = 0.4;

        var names = await context.Partners
            .Where(p => p.Email != null && TrigramFunctions.IsSimilar(p.Name, "john smith", threshold))
            .OrderByDescending(p => TrigramFunctions.Similarity(p.Name, "john smith"))
            .Select(p => new { p.Name, Score = TrigramFunctions.Similarity(p.Name, "john smith") })
            .ToListAsync();

        var expected = Partners.All
            .Where(p => p.Email != null && Trigram.Similarity(p.Name, "john smith") >= threshold)
            .OrderByDescending(p => Trigram.Similarity(p.Name, "john smith"))
            .ToList();
        Assert.Equal(expected.Select(p => p.Name), names.Select(n => n.Name));
        Assert.All(expected.Zip(names), pair => Assert.Equal(Trigram.Similarity(pair.First.Name, "john smith"), pair.Second.Score, 1e-6));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task In_memory_the_same_search_finds_the_same_entities_in_the_same_order(bool useServerTools)
    {
        var builder = new DbContextOptionsBuilder<FuzzyContext>().UseInMemoryDatabase($"fuzzy-{useServerTools}-{Guid.NewGuid():N}");
        if (useServerTools)
        {
            builder.UseServerTools();
        }

        await using var memory = new FuzzyContext(builder.Options);
        memory.Partners.AddRange(Partners.Copies());
        await memory.SaveChangesAsync();
        await using var postgres = database.Create();

        foreach (var (term, threshold) in new[] { ("jon smyth", 0.3), ("smith", 0.25), ("invoice", 0.3), ("müller", 0.2), ("🙂", 0.3) })
        {
            var inMemory = await memory.Partners.FuzzySearchScored(term, threshold).ToListAsync();
            var inSql = await postgres.Partners.FuzzySearchScored(term, threshold).ToListAsync();

            Assert.Equal(inSql.Select(h => h.Entity.Name), inMemory.Select(h => h.Entity.Name));
            Assert.All(inSql.Zip(inMemory), pair => Assert.Equal(pair.First.Score, pair.Second.Score, 1e-6));
        }

        Assert.Equal(
            await postgres.Partners.FuzzySearchByNotes("invoice").Select(p => p.Name).ToListAsync(),
            await memory.Partners.FuzzySearchByNotes("invoice").Select(p => p.Name).ToListAsync());
    }

    /// <summary>The documented rule: a partner matches when any field reaches the threshold; its score is the best weighted field score.</summary>
    internal static List<(Partner Partner, double Score)> Expected(IEnumerable<Partner> partners, string term, double threshold)
        => partners
            .Where(p => Trigram.Similarity(p.Name, term) >= threshold
                        || (p.Email is not null && Trigram.Similarity(p.Email, term) >= threshold)
                        || (p.Notes is not null && Trigram.WordSimilarity(term, p.Notes) >= threshold))
            .Select(p => (Partner: p, Score: Best(p, term)))
            .OrderByDescending(e => e.Score)
            .ThenBy(e => e.Partner.Id)
            .ToList();

    internal static double Best(Partner partner, string term) => Math.Max(
        Math.Max(Trigram.Similarity(partner.Name, term), partner.Email is null ? 0 : Trigram.Similarity(partner.Email, term)),
        partner.Notes is null ? 0 : Trigram.WordSimilarity(term, partner.Notes) * 0.5);

    private static async Task<string> SettingAsync(FuzzyContext context, string name)
    {
        var connection = (NpgsqlConnection)context.Database.GetDbConnection();
        await using var command = new NpgsqlCommand("SELECT current_setting($1)", connection) { Parameters = { new() { Value = name } } };
        return (string)(await command.ExecuteScalarAsync())!;
    }
}
