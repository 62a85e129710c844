using System;
using System.Linq.Expressions;

namespace ServerTools;

/// <summary>
/// One searchable field of <typeparamref name="T"/> for a <see cref="FuzzySearchQuery{T}"/>: the property, how the
/// term is compared with it, and its weight. The expression form of the <see cref="FuzzySearchField"/> that
/// <see cref="FuzzySearchDescriptors"/> registers by name.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class FuzzySearchField<T>
{
    /// <summary>Creates the field.</summary>
    /// <param name="property">The property, such as <c>entity =&gt; entity.Name</c>.</param>
    /// <param name="match">How the term is compared with it.</param>
    /// <param name="weight">How much a match counts, greater than 0 and at most 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="property"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="match"/> is not a <see cref="TrigramMatch"/>, or <paramref name="weight"/> is not greater than 0 and at most 1.</exception>
    public FuzzySearchField(Expression<Func<T, string?>> property, TrigramMatch match, double weight)
    {
        ArgumentNullException.ThrowIfNull(property);
        if (match is not (TrigramMatch.Similarity or TrigramMatch.WordSimilarity or TrigramMatch.StrictWordSimilarity))
        {
            throw new ArgumentOutOfRangeException(nameof(match), match, "A fuzzy search field compares with TrigramMatch.Similarity, WordSimilarity or StrictWordSimilarity.");
        }

        if (!(weight > 0 && weight <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A fuzzy search field's weight must be greater than 0 and at most 1.");
        }

        Property = property;
        Match = match;
        Weight = weight;
    }

    /// <summary>The property, as an expression.</summary>
    public Expression<Func<T, string?>> Property { get; }

    /// <summary>How the term is compared with it.</summary>
    public TrigramMatch Match { get; }

    /// <summary>How much a match counts, greater than 0 and at most 1.</summary>
    public double Weight { get; }
}
