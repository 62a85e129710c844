using System;
using System.Linq;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// <see cref="FuzzySearchQuery{T}"/> directly, in memory (LINQ to objects runs the same <see cref="TrigramFunctions"/>
/// as the in-memory provider). Its SQL and index use are tested through the generated methods in FuzzySearchTests and
/// FuzzySearchPlanTests.
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
    public void A_query_built_by_hand_finds_what_the_generated_one_finds_with_the_same_scores()
    {
        var byHand = FuzzySearchQuery.For(
            static (Partner partner) => partner.Id,
            new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1),
            new FuzzySearchField<Partner>(static partner => partner.Email, TrigramMatch.Similarity, 1),
            new FuzzySearchField<Partner>(static partner => partner.Notes, TrigramMatch.WordSimilarity, 0.5));

        var hits = byHand.Scored(s_partners.AsQueryable(), "jon smyth", 0.3).ToList();
        var generated = s_partners.AsQueryable().FuzzySearchScored("jon smyth", 0.3).ToList();

        Assert.NotEmpty(hits);
        Assert.Equal(generated.Select(static hit => (hit.Entity.Id, hit.Score)), hits.Select(static hit => (hit.Entity.Id, hit.Score)));
        Assert.Equal("Jon Smyth", hits[0].Entity.Name);
        Assert.Equal(hits.Select(static hit => hit.Entity), byHand.Search(s_partners.AsQueryable(), "jon smyth", 0.3));
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

        Assert.Empty(query.Search(s_partners.AsQueryable(), " -- ", 0.01));
        Assert.Empty(query.SearchBy(s_partners.AsQueryable(), 0, "?!", 0.01));
    }

    [Fact]
    public void Bad_fields_and_arguments_are_refused_with_what_is_wrong()
    {
        var name = new FuzzySearchField<Partner>(static partner => partner.Name, TrigramMatch.Similarity, 1);
        var query = FuzzySearchQuery.For(name);

        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => new FuzzySearchField<Partner>(null!, TrigramMatch.Similarity, 1)).ParamName);
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
