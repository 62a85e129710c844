using System;
using System.Linq;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// <see cref="FuzzySearchQuery{T}"/> directly, in memory (LINQ to objects runs the same <see cref="TrigramFunctions"/>
/// as the in-memory provider), against the rule computed with <see cref="Trigram"/>. Its SQL and index use are tested
/// through the generated methods in FuzzySearchTests and FuzzySearchPlanTests.
/// </summary>
public sealed class FuzzySearchQueryTests
{
    private static readonly Partner[] s_partners = Partners.All.Select(static (partner, i) => new Partner
    {
        Id = i + 1,
        Name = partner.Name,
        Email = partner.Email,
        Notes = partner.Notes,
    }).ToArray();

    [Fact]
    public void A_search_finds_the_rows_any_field_matches_scored_by_the_best_weighted_field_best_first()
    {
        var query = FuzzySearchQuery.For(
            static (Partner partner) => partner.Id,
            new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1),
            new FuzzySearchField<Partner>(static partner => partner.Email, TrigramMatch.Similarity, 1),
            new FuzzySearchField<Partner>(static partner => partner.Notes, TrigramMatch.WordSimilarity, 0.5));
        const string Term = "jon smith";
        const double Threshold = 0.3;

        var hits = query.Scored(s_partners.AsQueryable(), Term, Threshold).ToList();

        // The documented rule, from Trigram directly: a row matches when any field reaches the threshold with its raw
        // score; it scores the best of the fields' scores times their weights (Notes: word similarity, weight 0.5).
        static double Similarity(string? value) => value is null ? 0 : Trigram.Similarity(value, Term);
        static double InNotes(string? notes) => notes is null ? 0 : Trigram.WordSimilarity(Term, notes);
        var expected = s_partners
            .Where(static p => Similarity(p.Name) >= Threshold || Similarity(p.Email) >= Threshold || InNotes(p.Notes) >= Threshold)
            .Select(static p => (p.Id, Score: Math.Max(Math.Max(Similarity(p.Name), Similarity(p.Email)), InNotes(p.Notes) * 0.5)))
            .OrderByDescending(static hit => hit.Score)
            .ThenBy(static hit => hit.Id)
            .ToList();
        Assert.True(expected.Count >= 3, "The sample should match several partners.");
        Assert.Equal(expected, hits.Select(static hit => (hit.Entity.Id, hit.Score)));
        Assert.Equal(hits.Select(static hit => hit.Entity), query.Search(s_partners.AsQueryable(), Term, Threshold));
    }

    [Fact]
    public void A_field_search_tests_and_orders_by_that_field_s_comparison_only()
    {
        var query = FuzzySearchQuery.For(
            static (Partner partner) => partner.Id,
            new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1),
            new FuzzySearchField<Partner>(static partner => partner.Notes, TrigramMatch.WordSimilarity, 0.5));

        var found = query.SearchBy(s_partners.AsQueryable(), 1, "invoice", 0.6).ToList();

        var expected = s_partners
            .Select(static partner => (Partner: partner, Score: partner.Notes is null ? 0 : Trigram.WordSimilarity("invoice", partner.Notes)))
            .Where(static pair => pair.Score >= 0.6)
            .OrderByDescending(static pair => pair.Score)
            .ThenBy(static pair => pair.Partner.Id)
            .Select(static pair => pair.Partner);
        Assert.NotEmpty(found);
        Assert.Equal(expected, found);
    }

    [Fact]
    public void Without_a_tie_breaker_the_score_alone_orders_so_in_memory_ties_keep_the_source_order()
    {
        var rows = new[] { new Partner { Id = 2, Name = "Smith" }, new Partner { Id = 1, Name = "Smith" } };
        var query = FuzzySearchQuery.For(new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1));

        Assert.Equal([2, 1], query.Search(rows.AsQueryable(), "smith", 0.3).Select(static partner => partner.Id));
    }

    [Fact]
    public void A_term_without_letters_or_digits_finds_nothing()
    {
        var query = FuzzySearchQuery.For(new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1));

        var search = query.Search(s_partners.AsQueryable(), " -- ", 0.01);
        var byField = query.SearchBy(s_partners.AsQueryable(), 0, "?!", 0.01);

        // Nothing is asked of the database: the condition is a constant false, not a trigram test (which would also find
        // nothing in memory, so the results alone could not tell).
        Assert.Empty(search);
        Assert.Empty(byField);
        Assert.Contains("Where(entity => False)", search.Expression.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("IsSimilar", byField.Expression.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_fields_and_arguments_are_refused_with_what_is_wrong()
    {
        var name = new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1);
        var query = FuzzySearchQuery.For(name);

        Assert.Equal("property", Assert.Throws<ArgumentNullException>(() => new FuzzySearchField<Partner>(null!, TrigramMatch.Similarity, 1)).ParamName);
        Assert.Contains("greater than 0 and at most 1", Assert.Throws<ArgumentOutOfRangeException>(() => new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 0)).Message, StringComparison.Ordinal);
        Assert.Equal("match", Assert.Throws<ArgumentOutOfRangeException>(() => new FuzzySearchField<Partner>(static partner => partner.Name, (TrigramMatch)7, 1)).ParamName);
        Assert.Contains("at least one field", Assert.Throws<ArgumentException>(() => FuzzySearchQuery.For<Partner>()).Message, StringComparison.Ordinal);
        Assert.Contains("no field may be null", Assert.Throws<ArgumentException>(() => FuzzySearchQuery.For(name, null!)).Message, StringComparison.Ordinal);
        Assert.Equal("tieBreaker", Assert.Throws<ArgumentNullException>(() => FuzzySearchQuery.For<Partner, int>(null!, name)).ParamName);
        Assert.Equal("field", Assert.Throws<ArgumentOutOfRangeException>(() => query.SearchBy(s_partners.AsQueryable(), 1, "smith", 0.3)).ParamName);
        Assert.Equal("source", Assert.Throws<ArgumentNullException>(() => query.Scored(null!, "smith", 0.3)).ParamName);
        Assert.Equal("term", Assert.Throws<ArgumentNullException>(() => query.Search(s_partners.AsQueryable(), null!, 0.3)).ParamName);
        Assert.Equal("threshold", Assert.Throws<ArgumentOutOfRangeException>(() => query.Search(s_partners.AsQueryable(), "smith", 1.5)).ParamName);
    }
}
