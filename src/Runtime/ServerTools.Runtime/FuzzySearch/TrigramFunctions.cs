namespace ServerTools;

/// <summary>
/// pg_trgm's comparisons for LINQ queries. On PostgreSQL (with <c>UseServerTools()</c>) they become pg_trgm's
/// index-accelerated operators and functions, with the threshold applied to the query's own transaction; on a provider
/// without pg_trgm, such as EF Core's in-memory provider, they run in memory with <see cref="Trigram"/>, with the same
/// results. The generated <c>FuzzySearch</c> methods are built from them.
/// </summary>
/// <remarks>
/// The <c>Is...</c> tests belong in a <c>Where</c> condition: the threshold is pg_trgm's setting for the query, so one
/// query uses one threshold per comparison. Their threshold must be greater than 0 and at most 1, as the generated
/// searches' is: another one raises <see cref="System.ArgumentOutOfRangeException"/>, in memory and on PostgreSQL. A null
/// value or term never matches and scores 0. NUL and unpaired surrogates, which PostgreSQL cannot store and pg_trgm
/// would read as separators, are sent to PostgreSQL as spaces.
/// </remarks>
public static class TrigramFunctions
{
    /// <summary>Whether <paramref name="value"/> is similar to <paramref name="term"/> at <paramref name="threshold"/>: pg_trgm's <c>value % term</c>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    public static bool IsSimilar(string? value, string? term, double threshold)
    {
        FuzzySearchQuery.CheckThreshold(threshold);
        return value is not null && term is not null && Similarity(value, term) >= threshold;
    }

    /// <summary>Whether <paramref name="term"/> is found in <paramref name="text"/> at <paramref name="threshold"/>: pg_trgm's <c>term &lt;% text</c>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    public static bool IsWordSimilar(string? term, string? text, double threshold)
    {
        FuzzySearchQuery.CheckThreshold(threshold);
        return term is not null && text is not null && WordSimilarity(term, text) >= threshold;
    }

    /// <summary>As <see cref="IsWordSimilar"/>, on whole-word boundaries: pg_trgm's <c>term &lt;&lt;% text</c>.</summary>
    /// <exception cref="System.ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    public static bool IsStrictWordSimilar(string? term, string? text, double threshold)
    {
        FuzzySearchQuery.CheckThreshold(threshold);
        return term is not null && text is not null && StrictWordSimilarity(term, text) >= threshold;
    }

    /// <summary>pg_trgm's <c>similarity(value, term)</c>; 0 when either is null.</summary>
    public static double Similarity(string? value, string? term)
        => value is null || term is null ? 0 : Trigram.Similarity(value, term);

    /// <summary>pg_trgm's <c>word_similarity(term, text)</c>; 0 when either is null.</summary>
    public static double WordSimilarity(string? term, string? text)
        => term is null || text is null ? 0 : Trigram.WordSimilarity(term, text);

    /// <summary>pg_trgm's <c>strict_word_similarity(term, text)</c>; 0 when either is null.</summary>
    public static double StrictWordSimilarity(string? term, string? text)
        => term is null || text is null ? 0 : Trigram.StrictWordSimilarity(term, text);

    /// <summary>
    /// PostgreSQL's <c>set_config(name, value, is_local)</c>, mapped by <c>UseServerTools()</c>: the threshold of a
    /// query's pg_trgm operators is set with it. In memory it does nothing.
    /// </summary>
    internal static string SetConfig(string name, string value, bool isLocal) => value;
}
