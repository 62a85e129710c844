using System;
using System.Linq;
using System.Text;

namespace ServerTools.Tests.FuzzySearch;

/// <summary>
/// <see cref="Trigram"/> on known cases. Every expected value here was read from PostgreSQL 15's pg_trgm on a UTF-8
/// database in the C.UTF-8 locale; <see cref="TrigramConformanceTests"/> compares thousands more with the live server.
/// </summary>
public sealed class TrigramTests
{
    [Fact]
    public void Documented_examples_give_the_values_PostgreSQL_gives()
    {
        Assert.Equal(4f / 7f, Trigram.Similarity("word", "words"));
        Assert.Equal(0.5714286, Trigram.Similarity("word", "words"), 1e-6);
        Assert.Equal(0.8f, Trigram.WordSimilarity("word", "two words"));
        Assert.Equal(4f / 7f, Trigram.StrictWordSimilarity("word", "two words"));
        Assert.Equal(["  w", " wo", "ord", "rd ", "wor"], Trigram.ShowTrigrams("word"));
    }

    [Fact]
    public void Results_are_PostgreSQL_single_precision_values_widened()
    {
        Assert.Equal(0.36363637f, Trigram.Similarity("Müller", "Mueller"));
        Assert.NotEqual(4.0 / 11.0, Trigram.Similarity("Müller", "Mueller"));
        Assert.Equal(0.8f, Trigram.WordSimilarity("müll", "Hans Müller-Lüdenscheidt"));
        Assert.Equal(0.5f, Trigram.StrictWordSimilarity("müll", "Hans Müller-Lüdenscheidt"));
        Assert.Equal(0.2f, Trigram.WordSimilarity("word", "w o r d s"));
        Assert.Equal(4f / 7f, Trigram.StrictWordSimilarity("word", "wor words wordy"));
    }

    [Fact]
    public void Word_similarity_takes_the_first_argument_as_the_term_searched_in_the_second()
    {
        Assert.Equal(1.0, Trigram.WordSimilarity("hans", "Hans Müller"));
        Assert.True(Trigram.WordSimilarity("Hans Müller", "hans") < 1.0);
    }

    [Fact]
    public void Case_punctuation_and_word_order_do_not_count()
    {
        Assert.Equal(1.0, Trigram.Similarity("WORD", "word"));
        Assert.Equal(1.0, Trigram.Similarity("hello world", "world hello"));
        Assert.Equal(1.0, Trigram.Similarity("a-b", "b a"));
        Assert.Equal(["  a", "  b", " a ", " b "], Trigram.ShowTrigrams("a-b"));
    }

    [Fact]
    public void Non_ASCII_trigrams_are_shown_as_PostgreSQL_hashes_them_in_its_signed_byte_order()
    {
        Assert.Equal(["0xe69b54", "0xe82c48"], Trigram.ShowTrigrams("é"));
        Assert.Equal(["0x9a07c3", "0xde3801", "  s", " st", "str", "tra", "0x76a40e"], Trigram.ShowTrigrams("Straße"));
        Assert.Equal(["0x94c17f", "0x9faaab", "0xa00a4f", "0x0dcaf5", "0x73b50b", "0x7ffca8"], Trigram.ShowTrigrams("Σοφία"));
    }

    [Fact]
    public void Lower_casing_is_glibc_towlower_where_it_differs_from_dotnet_invariant_casing()
    {
        // towlower maps U+0130 to 'i'; .NET's invariant casing leaves it unchanged.
        Assert.Equal(["  i", " is", "anb", "bul", "ist", "nbu", "sta", "tan", "ul "], Trigram.ShowTrigrams("İstanbul"));
        Assert.Equal(1.0, Trigram.Similarity("İstanbul", "istanbul"));
    }

    [Fact]
    public void Alphabetic_marks_and_symbols_are_word_characters_as_in_glibc()
    {
        // Devanagari vowel signs, Arabic harakat and circled letters are Other_Alphabetic: part of the word.
        Assert.Equal(3, Trigram.ShowTrigrams("कि").Length);
        Assert.Equal(3, Trigram.ShowTrigrams("بَ").Length);
        Assert.Equal(3, Trigram.ShowTrigrams("Ⓐb").Length);
        Assert.True(Trigram.HasTrigrams("ि"));
    }

    [Fact]
    public void Empty_strings_and_strings_without_words_have_no_trigrams_and_similarity_0()
    {
        foreach (var empty in new[] { "", " ", "-- !? --", "😀", "\t\n", "\uD800" })
        {
            Assert.False(Trigram.HasTrigrams(empty));
            Assert.Empty(Trigram.ShowTrigrams(empty));
            Assert.Equal(0.0, Trigram.Similarity(empty, empty));
            Assert.Equal(0.0, Trigram.Similarity(empty, "word"));
            Assert.Equal(0.0, Trigram.Similarity("word", empty));
            Assert.Equal(0.0, Trigram.WordSimilarity(empty, "word"));
            Assert.Equal(0.0, Trigram.WordSimilarity("word", empty));
            Assert.Equal(0.0, Trigram.StrictWordSimilarity(empty, "two words"));
            Assert.Equal(0.0, Trigram.StrictWordSimilarity("word", empty));
        }
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("  7 ", true)]
    [InlineData("...é", true)]
    [InlineData("東", true)]
    [InlineData("\U00010400", true)]
    [InlineData("\U00031350", false)]
    [InlineData("_", false)]
    public void Has_trigrams_when_a_word_character_is_present(string value, bool expected)
    {
        Assert.Equal(expected, Trigram.HasTrigrams(value));
        Assert.Equal(expected, Trigram.ShowTrigrams(value).Length > 0);
    }

    [Fact]
    public void Lone_surrogates_separate_words_and_pairs_do_not()
    {
        Assert.Equal(Trigram.ShowTrigrams("ab cd"), Trigram.ShowTrigrams("ab\uD800cd"));
        Assert.Equal(Trigram.ShowTrigrams("ab cd"), Trigram.ShowTrigrams("ab\uDC00cd"));
        Assert.Equal(Trigram.ShowTrigrams("ab cd"), Trigram.ShowTrigrams("ab\uDC00\uD800cd"));
        Assert.Equal(4, Trigram.ShowTrigrams("a\U00010400b").Length);
        Assert.Equal(1.0, Trigram.Similarity("\U00010400", "\U00010428"));
    }

    [Fact]
    public void Null_arguments_throw_ArgumentNullException_naming_the_parameter()
    {
        Assert.Equal("a", Assert.Throws<ArgumentNullException>(() => Trigram.Similarity(null!, "x")).ParamName);
        Assert.Equal("b", Assert.Throws<ArgumentNullException>(() => Trigram.Similarity("x", null!)).ParamName);
        Assert.Equal("term", Assert.Throws<ArgumentNullException>(() => Trigram.WordSimilarity(null!, "x")).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => Trigram.WordSimilarity("x", null!)).ParamName);
        Assert.Equal("term", Assert.Throws<ArgumentNullException>(() => Trigram.StrictWordSimilarity(null!, "x")).ParamName);
        Assert.Equal("text", Assert.Throws<ArgumentNullException>(() => Trigram.StrictWordSimilarity("x", null!)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => Trigram.ShowTrigrams(null!)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentNullException>(() => Trigram.HasTrigrams(null!)).ParamName);
    }

    [Fact]
    public void Ten_thousand_character_inputs_give_consistent_scores()
    {
        var text = LongText(10_000);
        var needle = text.Substring(5_000, 12);
        Assert.Equal(1.0, Trigram.Similarity(text, text));
        Assert.Equal(1.0, Trigram.WordSimilarity(text, text));
        Assert.Equal(1.0, Trigram.StrictWordSimilarity(text, text));
        Assert.True(Trigram.WordSimilarity(needle, text) > 0.5);
        Assert.Equal(text.Split(' ').SelectMany(Trigram.ShowTrigrams).Distinct().Count(), Trigram.ShowTrigrams(text).Length);
        Assert.True(Trigram.HasTrigrams(text));
    }

    /// <summary>Words of 1 to 8 letters from a small alphabet, mixed scripts, separated by single spaces.</summary>
    private static string LongText(int length)
    {
        const string Alphabet = "abcdeéσкλ東";
        var random = new Random(7);
        var builder = new StringBuilder(length);
        while (builder.Length < length)
        {
            var word = random.Next(1, 9);
            for (var i = 0; i < word && builder.Length < length; i++)
            {
                builder.Append(Alphabet[random.Next(Alphabet.Length)]);
            }

            if (builder.Length < length)
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }
}
