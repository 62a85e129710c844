using System;
using System.Collections.Generic;
using System.Linq;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;

namespace ServerTools.FuzzySearch;

/// <summary>
/// Turns the <see cref="TrigramFunctions"/> of a query into what Npgsql translates: each test into pg_trgm's operator
/// (<c>%</c>, <c>&lt;%</c>, <c>&lt;&lt;%</c>), which a GIN <c>gin_trgm_ops</c> index serves, and each score into pg_trgm's
/// function. The operators read their threshold from a setting, so the condition of every <c>Where</c> that tests
/// is prefixed with an uncorrelated <c>EXISTS</c> that sets it for the transaction (<c>set_config(..., true)</c>):
/// PostgreSQL plans it as a one-time filter above the scan, evaluated once before the index is read.
/// </summary>
internal sealed class TrigramQueryRewriter : ExpressionVisitor
{
    private static readonly Dictionary<MethodInfo, (MethodInfo Operator, string Setting)> s_tests = new()
    {
        [Method(nameof(TrigramFunctions.IsSimilar))] = (Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsAreSimilar)), "pg_trgm.similarity_threshold"),
        [Method(nameof(TrigramFunctions.IsWordSimilar))] = (Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsAreWordSimilar)), "pg_trgm.word_similarity_threshold"),
        [Method(nameof(TrigramFunctions.IsStrictWordSimilar))] = (Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsAreStrictWordSimilar)), "pg_trgm.strict_word_similarity_threshold"),
    };

    private static readonly Dictionary<MethodInfo, MethodInfo> s_scores = new()
    {
        [Method(nameof(TrigramFunctions.Similarity))] = Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsSimilarity)),
        [Method(nameof(TrigramFunctions.WordSimilarity))] = Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsWordSimilarity)),
        [Method(nameof(TrigramFunctions.StrictWordSimilarity))] = Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsStrictWordSimilarity)),
    };

    /// <summary>The method <c>UseServerTools()</c> maps to PostgreSQL's <c>set_config</c>.</summary>
    public static readonly MethodInfo SetConfig = typeof(TrigramFunctions).GetMethod(nameof(TrigramFunctions.SetConfig), BindingFlags.NonPublic | BindingFlags.Static)!;

    // As the query compiler leaves it after evaluating `EF.Functions`: a constant, which the translators skip.
    private static readonly Expression s_functions = Expression.Constant(EF.Functions, typeof(DbFunctions));

    /// <summary>The settings and thresholds of the tests found in each enclosing <c>Where</c>, innermost last.</summary>
    private readonly Stack<Dictionary<string, Expression>> _conditions = new();

    /// <summary>Whether <paramref name="query"/> uses any of <see cref="TrigramFunctions"/>.</summary>
    public static bool Uses(Expression query) => new Finder().Find(query);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method.DeclaringType == typeof(Queryable)
            && node.Method.Name == nameof(Queryable.Where)
            && node.Arguments[1] is UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression { Parameters.Count: 1 } predicate })
        {
            var source = Visit(node.Arguments[0]);
            return node.Update(null, [source, Expression.Quote(Condition(predicate))]);
        }

        if (s_tests.TryGetValue(node.Method, out var test))
        {
            if (_conditions.Count == 0)
            {
                throw new InvalidOperationException(
                    $"TrigramFunctions.{node.Method.Name} can only be used in a Where condition: its threshold is pg_trgm's setting for the whole query. "
                    + $"Filter with it in Where, and project or order by a score (TrigramFunctions.{node.Method.Name.Replace("Is", "", StringComparison.Ordinal)}) instead.");
            }

            var threshold = node.Arguments[2];
            var thresholds = _conditions.Peek();
            if (thresholds.TryGetValue(test.Setting, out var other) && !ExpressionEqualityComparer.Instance.Equals(other, threshold))
            {
                throw new InvalidOperationException(
                    $"One Where condition uses TrigramFunctions.{node.Method.Name} with two different thresholds, but pg_trgm has one threshold ({test.Setting}) "
                    + "per query. Use the same threshold for every field, or filter further with the scores (TrigramFunctions.Similarity(...) >= x).");
            }

            thresholds[test.Setting] = threshold;
            return Expression.Call(test.Operator, s_functions, Visit(node.Arguments[0]), Visit(node.Arguments[1]));
        }

        if (s_scores.TryGetValue(node.Method, out var score))
        {
            // pg_trgm returns NULL for a NULL argument; TrigramFunctions scores it 0, as in memory.
            var value = Expression.Call(score, s_functions, Visit(node.Arguments[0]), Visit(node.Arguments[1]));
            return Expression.Coalesce(Expression.Convert(value, typeof(double?)), Expression.Constant(0d));
        }

        return base.VisitMethodCall(node);
    }

    private LambdaExpression Condition(LambdaExpression predicate)
    {
        _conditions.Push(new Dictionary<string, Expression>(StringComparer.Ordinal));
        var body = Visit(predicate.Body);
        var thresholds = _conditions.Pop();

        foreach (var (setting, threshold) in thresholds.OrderByDescending(static pair => pair.Key, StringComparer.Ordinal))
        {
            body = Expression.AndAlso(SetThreshold(setting, threshold), body);
        }

        return Expression.Lambda(predicate.Type, body, predicate.Parameters);
    }

    /// <summary>
    /// <c>new[] { threshold }.Any(t => set_config(setting, t.ToString(), true) != null)</c>: in SQL, an <c>EXISTS</c> over
    /// the parameter that sets the threshold for the transaction. It refers to no column, so PostgreSQL evaluates it
    /// once, before the scan, as a one-time filter.
    /// </summary>
    private static Expression SetThreshold(string setting, Expression threshold)
        => ReplacingExpressionVisitor.Replace(
            [s_setThreshold.Parameters[0], s_setThreshold.Parameters[1]],
            [Expression.Constant(setting), threshold],
            s_setThreshold.Body);

    /// <summary>
    /// <see cref="SetThreshold"/>'s condition written as C#, so the tree has the shape the compiler gives a query. It is
    /// only ever translated to SQL (the double becomes text with PostgreSQL's <c>::text</c>), never run in .NET.
    /// </summary>
#pragma warning disable CA1305
    private static readonly Expression<Func<string, double, bool>> s_setThreshold =
        (setting, threshold) => new[] { threshold }.Any(t => TrigramFunctions.SetConfig(setting, t.ToString(), true) != null);
#pragma warning restore CA1305

    private static MethodInfo Method(string name) => typeof(TrigramFunctions).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;

    private static MethodInfo Npgsql(string name) => typeof(NpgsqlTrigramsDbFunctionsExtensions).GetMethod(name)!;

    private sealed class Finder : ExpressionVisitor
    {
        private bool _found;

        public bool Find(Expression expression)
        {
            Visit(expression);
            return _found;
        }

        public override Expression? Visit(Expression? node) => _found ? node : base.Visit(node);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (s_tests.ContainsKey(node.Method) || s_scores.ContainsKey(node.Method))
            {
                _found = true;
                return node;
            }

            return base.VisitMethodCall(node);
        }
    }
}
