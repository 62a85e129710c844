using System;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace ServerTools;

/// <summary>
/// The <see cref="TrigramFunctions"/> calls of one search, as expressions over a field's value. Every template is a
/// lambda written in the constructor, so all of them read the term and threshold from one closure: EF Core sends each
/// as one parameter, and the query rewriter sees one threshold per comparison.
/// </summary>
internal sealed class TrigramComparisons
{
    private static readonly Expression<Func<double, double, double>> s_max = static (first, second) => Math.Max(first, second);

    private readonly Expression<Func<string?, bool>> _isSimilar;
    private readonly Expression<Func<string?, bool>> _isWordSimilar;
    private readonly Expression<Func<string?, bool>> _isStrictWordSimilar;
    private readonly Expression<Func<string?, double>> _similarity;
    private readonly Expression<Func<string?, double>> _wordSimilarity;
    private readonly Expression<Func<string?, double>> _strictWordSimilarity;

    public TrigramComparisons(string? search, double threshold)
    {
        _isSimilar = value => TrigramFunctions.IsSimilar(value, search, threshold);
        _isWordSimilar = value => TrigramFunctions.IsWordSimilar(search, value, threshold);
        _isStrictWordSimilar = value => TrigramFunctions.IsStrictWordSimilar(search, value, threshold);
        _similarity = value => TrigramFunctions.Similarity(value, search);
        _wordSimilarity = value => TrigramFunctions.WordSimilarity(search, value);
        _strictWordSimilarity = value => TrigramFunctions.StrictWordSimilarity(search, value);
    }

    /// <summary>Whether <paramref name="value"/> matches: pg_trgm's operator on PostgreSQL.</summary>
    public Expression Test(TrigramMatch match, Expression value) => Apply(
        match switch
        {
            TrigramMatch.WordSimilarity => _isWordSimilar,
            TrigramMatch.StrictWordSimilarity => _isStrictWordSimilar,
            _ => _isSimilar,
        },
        value);

    /// <summary>The unweighted score of <paramref name="value"/>: pg_trgm's function on PostgreSQL.</summary>
    public Expression Score(TrigramMatch match, Expression value) => Apply(
        match switch
        {
            TrigramMatch.WordSimilarity => _wordSimilarity,
            TrigramMatch.StrictWordSimilarity => _strictWordSimilarity,
            _ => _similarity,
        },
        value);

    /// <summary><c>Math.Max(first, second)</c>: <c>GREATEST</c> in SQL.</summary>
    public static Expression Max(Expression first, Expression second)
        => ReplacingExpressionVisitor.Replace([s_max.Parameters[0], s_max.Parameters[1]], [first, second], s_max.Body);

    private static Expression Apply(LambdaExpression template, Expression value)
        => ReplacingExpressionVisitor.Replace(template.Parameters[0], value, template.Body);
}
