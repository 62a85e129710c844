using System.Linq;
using System.Text;
using ServerTools.FuzzySearch;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>The names of the trigram indexes: PostgreSQL keeps 63 bytes of an identifier, so long names must stay apart.</summary>
public sealed class FuzzySearchIndexNameTests
{
    [Fact]
    public void A_name_that_fits_is_kept_as_is()
        => Assert.Equal("IX_Partners_Name_trgm", FuzzySearchModelConvention.IndexName("Partners", "Name"));

    [Fact]
    public void Long_names_with_the_same_start_stay_distinct_within_63_bytes_and_are_stable()
    {
        var table = new string('t', 40);
        var first = FuzzySearchModelConvention.IndexName(table, "CustomerReferenceNumberPrimary");
        var second = FuzzySearchModelConvention.IndexName(table, "CustomerReferenceNumberSecondary");

        Assert.NotEqual(first, second);
        Assert.All([first, second], name => Assert.Equal(63, Encoding.UTF8.GetByteCount(name)));
        Assert.StartsWith("IX_" + table, first, System.StringComparison.Ordinal);
        Assert.Equal(first, FuzzySearchModelConvention.IndexName(table, "CustomerReferenceNumberPrimary"));
    }

    [Fact]
    public void A_name_under_63_characters_but_over_63_bytes_is_cut_on_a_character_boundary()
    {
        // 2 bytes per 'é' and 4 per '𝔸': under 63 characters, over 63 bytes.
        var table = string.Concat(Enumerable.Repeat("é𝔸", 12));
        var first = FuzzySearchModelConvention.IndexName(table, "Nom");
        var second = FuzzySearchModelConvention.IndexName(table, "Prénom");

        Assert.NotEqual(first, second);
        Assert.All([first, second], name =>
        {
            Assert.InRange(Encoding.UTF8.GetByteCount(name), 1, 63);
            Assert.Equal(name, Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(name)));
        });
    }
}
