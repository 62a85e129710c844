using System;
using System.Globalization;
using System.Linq;
using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Query;
using ServerTools.FuzzySearch;

namespace ServerTools;

/// <summary>
/// Creates the <see cref="FuzzySearchQuery{T}"/> behind an entity's generated <c>FuzzySearch</c> methods, and checks the
/// arguments of a search.
/// </summary>
public static class FuzzySearchQuery
{
    /// <summary>The search over <paramref name="fields"/> of <typeparamref name="T"/>; equal scores come in no particular order.</summary>
    /// <param name="fields">The searchable fields, at least one.</param>
    /// <typeparam name="T">The entity type.</typeparam>
    public static FuzzySearchQuery<T> For<T>(params FuzzySearchField<T>[] fields)
        => new(fields, null, null);

    /// <summary>
    /// The search over <paramref name="fields"/> of <typeparamref name="T"/>; equal scores come in the order of
    /// <paramref name="tieBreaker"/>. An integer key orders the same in SQL and in memory; text and <see cref="Guid"/>
    /// keys need not (PostgreSQL sorts text by the column's collation and <c>uuid</c> by its bytes), which is why the
    /// generated searches use the entity's integer key, and none when it has none.
    /// </summary>
    /// <param name="tieBreaker">A key that orders equal scores, such as <c>entity =&gt; entity.Id</c>.</param>
    /// <param name="fields">The searchable fields, at least one.</param>
    /// <typeparam name="T">The entity type.</typeparam>
    /// <typeparam name="TKey">The type of the key.</typeparam>
    public static FuzzySearchQuery<T> For<T, TKey>(Expression<Func<T, TKey>> tieBreaker, params FuzzySearchField<T>[] fields)
    {
        ArgumentNullException.ThrowIfNull(tieBreaker);
        var byHit = Expression.Lambda<Func<FuzzySearchHit<T>, TKey>>(
            ReplacingExpressionVisitor.Replace(tieBreaker.Parameters[0], FuzzySearchQuery<T>.s_hitEntity.Body, tieBreaker.Body),
            FuzzySearchQuery<T>.s_hitEntity.Parameters);
        return new(fields, entities => Queryable.ThenBy(entities, tieBreaker), hits => Queryable.ThenBy(hits, byHit));
    }

    /// <summary>
    /// Checks a search's term and threshold, and returns the term as it is sent to the database: characters PostgreSQL
    /// cannot store (NUL, unpaired surrogates), which pg_trgm would treat as word separators anyway, become spaces. Null
    /// when the term has no word characters (blank, punctuation only): then no value can reach a threshold above 0, and
    /// the generated query asks the database for nothing.
    /// </summary>
    /// <param name="term">What the user searches for.</param>
    /// <param name="threshold">The least score of a match, greater than 0 and at most 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="term"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    public static string? Term(string term, double threshold)
    {
        ArgumentNullException.ThrowIfNull(term);
        CheckThreshold(threshold);
        var sendable = Sendable(term);
        return Trigram.HasTrigrams(sendable) ? sendable : null;
    }

    /// <summary>
    /// The first words of the error a threshold outside (0, 1] raises: in .NET, and in PostgreSQL for a threshold computed
    /// from the row.
    /// </summary>
    internal const string ThresholdRange = "A fuzzy search threshold must be greater than 0 and at most 1 (pg_trgm's scale)";

    /// <summary>
    /// The least threshold sent to PostgreSQL, the least positive <c>real</c>: pg_trgm's scores are <c>real</c>s, so any
    /// threshold above 0 and at most this finds the same rows (those that score above 0). PostgreSQL refuses to set a
    /// threshold below <see cref="double"/>'s least normal value (<c>1e-310</c> is "invalid").
    /// </summary>
    internal const double LeastThreshold = float.Epsilon;

    /// <summary>Throws when <paramref name="threshold"/> is not greater than 0 and at most 1.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    internal static void CheckThreshold(double threshold)
    {
        if (!(threshold > 0 && threshold <= 1))
        {
            throw new ArgumentOutOfRangeException(
                nameof(threshold),
                threshold,
                $"{ThresholdRange}, but it is {threshold.ToString(CultureInfo.InvariantCulture)}. "
                + "Use 0.3 (pg_trgm's default for similarity) and raise it for fewer, closer matches.");
        }
    }

    /// <summary>
    /// <paramref name="threshold"/>, checked, as the text pg_trgm's setting is given: the shortest that reads back as the
    /// same double (whatever the session's <c>extra_float_digits</c>), and at least <see cref="LeastThreshold"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is not greater than 0 and at most 1.</exception>
    internal static string ThresholdSetting(double threshold)
    {
        CheckThreshold(threshold);
        return Math.Max(threshold, LeastThreshold).ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Throws when <paramref name="source"/> is a query of a relational database through a context without
    /// <c>UseServerTools()</c> on PostgreSQL, which EF Core cannot translate: the model of such a context lacks the
    /// functions <c>UseServerTools()</c> maps. (EF Core's own error would name <c>TrigramFunctions</c> and advise client
    /// evaluation, which would load the whole table.)
    /// </summary>
    /// <exception cref="InvalidOperationException">The search cannot be translated.</exception>
    internal static void CheckTranslatable(IQueryable source)
    {
        var root = source.Expression;
        while (root is MethodCallExpression { Arguments.Count: > 0 } call)
        {
            root = call.Arguments[0];
        }

        if (root is EntityQueryRootExpression { EntityType.Model: var model }
            && model.FindRuntimeAnnotation(RelationalAnnotationNames.ModelDependencies) is not null
            && model.FindDbFunction(TrigramQueryRewriter.SetConfig) is null)
        {
            throw new InvalidOperationException(
                $"A fuzzy search of '{source.ElementType.Name}' cannot be translated to SQL by this context: it needs PostgreSQL (UseNpgsql) "
                + "and UseServerTools(), which turns the search into pg_trgm's operators. Add .UseServerTools() after .UseNpgsql(...) where "
                + "the context is configured (OnConfiguring or AddDbContext). On another database, load the rows and compare them with Trigram.Similarity.");
        }
    }

    /// <summary><paramref name="term"/> with NUL and unpaired surrogates replaced by spaces; the same string when it has none.</summary>
    internal static string Sendable(string term)
    {
        var index = FirstUnsendable(term, 0);
        if (index < 0)
        {
            return term;
        }

        return string.Create(term.Length, term, static (chars, source) =>
        {
            source.AsSpan().CopyTo(chars);
            for (var i = FirstUnsendable(source, 0); i >= 0; i = FirstUnsendable(source, i + 1))
            {
                chars[i] = ' ';
            }
        });
    }

    private static int FirstUnsendable(string text, int start)
    {
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\0')
            {
                return i;
            }

            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }
}
