using System;

namespace ServerTools;

/// <summary>
/// Makes an entity searchable with typos, through PostgreSQL's pg_trgm: on the class, the string properties named in
/// <see cref="Fields"/>; on a string property, that property. At compile time ServerTools generates, in a static
/// class <c>{Entity}FuzzySearchExtensions</c> beside the entity, the queryable extensions <c>FuzzySearch</c> (best
/// first), <c>FuzzySearchScored</c> (entity and score) and one <c>FuzzySearchBy{Field}</c> per field;
/// <c>UseServerTools()</c> adds the <c>pg_trgm</c> extension and a GIN <c>gin_trgm_ops</c> index per field to the model.
/// </summary>
/// <remarks>
/// A row matches when any of its fields matches at the threshold; its score is the best of its fields' scores, each
/// multiplied by the field's <see cref="Weight"/>. The same search runs in memory with <see cref="Trigram"/> on a
/// provider without pg_trgm, such as EF Core's in-memory provider, with the same scores and order.
/// </remarks>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class FuzzySearchableAttribute : Attribute
{
    /// <summary>Marks a property, or a class whose fields are marked one by one.</summary>
    public FuzzySearchableAttribute()
    {
        Fields = [];
    }

    /// <summary>Marks a class and names its searchable string properties (use <c>nameof</c>).</summary>
    /// <param name="fields">The names of the searchable properties of the class.</param>
    public FuzzySearchableAttribute(params string[] fields)
    {
        Fields = fields ?? [];
    }

    /// <summary>The searchable properties named on the class; empty on a property.</summary>
    public string[] Fields { get; }

    /// <summary>
    /// How much a match in this field counts, greater than 0 and at most 1 (the default): a field's score is its
    /// similarity times its weight, so a weight below 1 ranks matches in that field lower. On the class, the weight
    /// of the fields it names.
    /// </summary>
    public double Weight { get; set; } = 1;

    /// <summary>
    /// How the search term is compared with the field. Default: <see cref="TrigramMatch.Similarity"/>, the whole
    /// value (names, codes). <see cref="TrigramMatch.WordSimilarity"/> finds a short term inside long text. On the
    /// class, the comparison of the fields it names.
    /// </summary>
    public TrigramMatch Mode { get; set; } = TrigramMatch.Similarity;
}

/// <summary>How a <see cref="FuzzySearchableAttribute">[FuzzySearchable]</see> field is compared with the search term.</summary>
public enum TrigramMatch
{
    /// <summary>
    /// The trigrams of the whole value against those of the term: pg_trgm's <c>similarity</c> and <c>%</c>
    /// (<see cref="Trigram.Similarity"/>). For names, codes and other short values.
    /// </summary>
    Similarity,

    /// <summary>
    /// The term against the best matching stretch of the value: pg_trgm's <c>word_similarity</c> and <c>&lt;%</c>
    /// (<see cref="Trigram.WordSimilarity"/>). For a short term inside long text.
    /// </summary>
    WordSimilarity,

    /// <summary>
    /// As <see cref="WordSimilarity"/>, with the stretch on whole-word boundaries: pg_trgm's
    /// <c>strict_word_similarity</c> and <c>&lt;&lt;%</c> (<see cref="Trigram.StrictWordSimilarity"/>).
    /// </summary>
    StrictWordSimilarity,
}
