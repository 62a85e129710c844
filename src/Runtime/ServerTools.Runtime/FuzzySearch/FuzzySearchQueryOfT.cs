using System;
using System.Linq;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore.Query;

namespace ServerTools;

/// <summary>
/// The typo-tolerant search over the fields of <typeparamref name="T"/> that an entity's generated <c>FuzzySearch</c>,
/// <c>FuzzySearchScored</c> and <c>FuzzySearchBy{Field}</c> run: a <c>Where</c> with <see cref="TrigramFunctions"/>
/// tests, which <c>UseServerTools()</c> turns into pg_trgm's operators, then the scores, best first. Built with
/// <see cref="FuzzySearchQuery.For{T}(FuzzySearchField{T}[])"/>; one instance serves every search of the entity type.
/// The operators read a trigram index where there is one: <c>[FuzzySearchable]</c> fields get one through the model;
/// a search built by hand over other columns scans the table unless you add a GIN <c>gin_trgm_ops</c> index yourself.
/// </summary>
/// <typeparam name="T">The entity type.</typeparam>
public sealed class FuzzySearchQuery<T>
{
    /// <summary><c>hit =&gt; hit.Entity</c>.</summary>
    internal static readonly Expression<Func<FuzzySearchHit<T>, T>> s_hitEntity = static hit => hit.Entity;

    private static readonly Expression<Func<T, double, FuzzySearchHit<T>>> s_hit = static (entity, score) => new FuzzySearchHit<T> { Entity = entity, Score = score };
    private static readonly Expression<Func<T, bool>> s_none = static entity => false;

    private readonly FuzzySearchField<T>[] _fields;

    /// <summary>The fields' values, all on <see cref="_entity"/>, so that one lambda can test several.</summary>
    private readonly Expression[] _values;

    private readonly ParameterExpression _entity = Expression.Parameter(typeof(T), "entity");
    private readonly Func<IOrderedQueryable<T>, IOrderedQueryable<T>>? _thenBy;
    private readonly Func<IOrderedQueryable<FuzzySearchHit<T>>, IOrderedQueryable<FuzzySearchHit<T>>>? _thenByHit;

    internal FuzzySearchQuery(
        FuzzySearchField<T>[] fields,
        Func<IOrderedQueryable<T>, IOrderedQueryable<T>>? thenBy,
        Func<IOrderedQueryable<FuzzySearchHit<T>>, IOrderedQueryable<FuzzySearchHit<T>>>? thenByHit)
    {
        ArgumentNullException.ThrowIfNull(fields);
        if (fields.Length == 0 || Array.IndexOf(fields, null) >= 0)
        {
            throw new ArgumentException("A fuzzy search needs at least one field, and no field may be null.", nameof(fields));
        }

        _fields = (FuzzySearchField<T>[])fields.Clone();
        _values = Array.ConvertAll(_fields, field => ReplacingExpressionVisitor.Replace(field.Property.Parameters[0], _entity, field.Property.Body));
        _thenBy = thenBy;
        _thenByHit = thenByHit;
    }

    /// <summary>
    /// The entities whose fields match <paramref name="term"/> at <paramref name="threshold"/> or better, best first.
    /// A term without letters or digits finds nothing.
    /// </summary>
    /// <param name="source">The entities to search.</param>
    /// <param name="term">What the user typed.</param>
    /// <param name="threshold">The least score of a match, greater than 0 and at most 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="term"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="source"/> queries a relational database through a context without <c>UseServerTools()</c> on PostgreSQL.
    /// </exception>
    public IQueryable<T> Search(IQueryable<T> source, string term, double threshold)
        => Queryable.Select(Scored(source, term, threshold), s_hitEntity);

    /// <summary>As <see cref="Search"/>, with each entity's score: the best of its fields' scores, each times the field's weight.</summary>
    /// <inheritdoc cref="Search"/>
    public IQueryable<FuzzySearchHit<T>> Scored(IQueryable<T> source, string term, double threshold)
    {
        ArgumentNullException.ThrowIfNull(source);
        var search = FuzzySearchQuery.Term(term, threshold);
        FuzzySearchQuery.CheckTranslatable(source);
        var comparisons = new TrigramComparisons(search, threshold);
        Expression? test = null;
        Expression? best = null;
        for (var i = 0; i < _fields.Length; i++)
        {
            var field = _fields[i];
            var fieldTest = comparisons.Test(field.Match, _values[i]);
            test = test is null ? fieldTest : Expression.OrElse(test, fieldTest);

            // Written as the generated code wrote it before: the weight only where it is not 1, GREATEST in SQL.
            var score = comparisons.Score(field.Match, _values[i]);
            var weighted = field.Weight == 1 ? score : Expression.Multiply(score, Expression.Constant(field.Weight));
            best = best is null ? weighted : TrigramComparisons.Max(best, weighted);
        }

        var matches = Queryable.Where(source, search is null ? s_none : Expression.Lambda<Func<T, bool>>(test!, _entity));
        var hit = ReplacingExpressionVisitor.Replace([s_hit.Parameters[0], s_hit.Parameters[1]], [_entity, best!], s_hit.Body);
        var ordered = Queryable.OrderByDescending(Queryable.Select(matches, Expression.Lambda<Func<T, FuzzySearchHit<T>>>(hit, _entity)), static hit => hit.Score);
        return _thenByHit is null ? ordered : _thenByHit(ordered);
    }

    /// <summary>
    /// The entities whose field number <paramref name="field"/> (in the order given to
    /// <see cref="FuzzySearchQuery.For{T}(FuzzySearchField{T}[])"/>) matches <paramref name="term"/> at
    /// <paramref name="threshold"/> or better, best first by that field's score.
    /// </summary>
    /// <param name="source">The entities to search.</param>
    /// <param name="field">The index of the field.</param>
    /// <param name="term">What the user typed.</param>
    /// <param name="threshold">The least score of a match, greater than 0 and at most 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> or <paramref name="term"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="field"/> is not the index of a field, or <paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="source"/> queries a relational database through a context without <c>UseServerTools()</c> on PostgreSQL.
    /// </exception>
    public IQueryable<T> SearchBy(IQueryable<T> source, int field, string term, double threshold)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegative(field);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(field, _fields.Length);
        var search = FuzzySearchQuery.Term(term, threshold);
        FuzzySearchQuery.CheckTranslatable(source);
        var comparisons = new TrigramComparisons(search, threshold);
        var match = _fields[field].Match;
        var matches = Queryable.Where(source, search is null ? s_none : Expression.Lambda<Func<T, bool>>(comparisons.Test(match, _values[field]), _entity));
        var ordered = Queryable.OrderByDescending(matches, Expression.Lambda<Func<T, double>>(comparisons.Score(match, _values[field]), _entity));
        return _thenBy is null ? ordered : _thenBy(ordered);
    }
}
