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
/// <remarks>
/// The setting holds one value for the whole statement. When a query tests one kind of similarity with several
/// thresholds (two searches chained, or two fields in one condition), every <c>Where</c> sets the lowest of them, so
/// each operator still finds its rows through the index, and each test whose threshold may be higher also compares its
/// score with its own threshold: <c>a % b AND similarity(a, b) &gt;= t</c>, pg_trgm's own comparison. A threshold
/// computed from the row cannot be set before the index is read: its test is the comparison alone, without the index.
/// Thresholds and terms are checked as in memory: a constant when the query is compiled, a parameter in .NET each time
/// the query runs (<see cref="TrigramParameters"/>), a threshold computed from the row by PostgreSQL, per row.
/// </remarks>
internal sealed class TrigramQueryRewriter : ExpressionVisitor
{
    private static readonly Dictionary<MethodInfo, (MethodInfo Operator, MethodInfo Score, string Setting)> s_tests = new()
    {
        [Method(nameof(TrigramFunctions.IsSimilar))] = (
            Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsAreSimilar)),
            Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsSimilarity)),
            "pg_trgm.similarity_threshold"),
        [Method(nameof(TrigramFunctions.IsWordSimilar))] = (
            Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsAreWordSimilar)),
            Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsWordSimilarity)),
            "pg_trgm.word_similarity_threshold"),
        [Method(nameof(TrigramFunctions.IsStrictWordSimilar))] = (
            Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsAreStrictWordSimilar)),
            Npgsql(nameof(NpgsqlTrigramsDbFunctionsExtensions.TrigramsStrictWordSimilarity)),
            "pg_trgm.strict_word_similarity_threshold"),
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

    /// <summary>The settings of the tests found in each enclosing <c>Where</c>, with the first threshold of each, innermost last.</summary>
    private readonly Stack<Dictionary<string, Expression>> _conditions = new();

    /// <summary>By setting: the different thresholds the query's tests use, but those computed from the row.</summary>
    private readonly Dictionary<string, List<Expression>> _thresholds;

    private TrigramQueryRewriter(Dictionary<string, List<Expression>> thresholds) => _thresholds = thresholds;

    /// <summary>Whether <paramref name="query"/> uses any of <see cref="TrigramFunctions"/>.</summary>
    public static bool Uses(Expression query) => new Finder().Find(query);

    /// <summary>The query with its <see cref="TrigramFunctions"/> in the form Npgsql translates.</summary>
    public static Expression Rewrite(Expression query)
    {
        var finder = new Finder();
        finder.Find(query, all: true);
        return new TrigramQueryRewriter(finder.Thresholds).Visit(query);
    }

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
                    + "Filter with it in Where (the condition of Count, Any, First, Single or Last is not one: write .Where(condition).Count()), "
                    + $"and project or order by a score (TrigramFunctions.{ScoreName(node.Method.Name)}) instead.");
            }

            var left = Sendable(Visit(node.Arguments[0]));
            var right = Sendable(Visit(node.Arguments[1]));
            var threshold = node.Arguments[2];
            if (RowDependent.In(threshold))
            {
                // The operator would read the setting when the index is scanned, before any row could set it: compare the
                // score itself (no index). pg_trgm's score of a NULL is NULL, so a null never matches, as in memory.
                return Expression.GreaterThanOrEqual(Expression.Call(test.Score, s_functions, left, right), Checked(threshold));
            }

            _conditions.Peek().TryAdd(test.Setting, threshold);
            var matches = Expression.Call(test.Operator, s_functions, left, right);
            return _thresholds[test.Setting].Count == 1
                ? matches
                : Expression.AndAlso(matches, Expression.GreaterThanOrEqual(Expression.Call(test.Score, s_functions, left, right), node.Arguments[2]));
        }

        if (s_scores.TryGetValue(node.Method, out var score))
        {
            // pg_trgm returns NULL for a NULL argument; TrigramFunctions scores it 0, as in memory.
            var value = Expression.Call(score, s_functions, Sendable(Visit(node.Arguments[0])), Sendable(Visit(node.Arguments[1])));
            return Expression.Coalesce(Expression.Convert(value, typeof(double?)), Expression.Constant(0d));
        }

        return base.VisitMethodCall(node);
    }

    /// <summary>The <see cref="TrigramFunctions"/> score of a test: <c>Similarity</c> for <c>IsSimilar</c>.</summary>
    private static string ScoreName(string test) => test switch
    {
        nameof(TrigramFunctions.IsWordSimilar) => nameof(TrigramFunctions.WordSimilarity),
        nameof(TrigramFunctions.IsStrictWordSimilar) => nameof(TrigramFunctions.StrictWordSimilarity),
        _ => nameof(TrigramFunctions.Similarity),
    };

    private LambdaExpression Condition(LambdaExpression predicate)
    {
        _conditions.Push(new Dictionary<string, Expression>(StringComparer.Ordinal));
        var body = Visit(predicate.Body);
        var settings = _conditions.Pop();

        // One threshold: this condition's own expression. Several: the lowest of the query's. (A threshold computed from
        // the row sets nothing: its test compares the score.)
        foreach (var (setting, threshold) in settings.OrderByDescending(static pair => pair.Key, StringComparer.Ordinal))
        {
            var thresholds = _thresholds[setting];
            body = Expression.AndAlso(SetThreshold(setting, thresholds.Count == 1 ? Setting(threshold) : LowestSetting(thresholds, 0)), body);
        }

        return Expression.Lambda(predicate.Type, body, predicate.Parameters);
    }

    /// <summary>
    /// The setting's text of the lowest of <paramref name="thresholds"/> from <paramref name="first"/> on: for two,
    /// <c>CASE WHEN a &lt;= b THEN setting(a) ELSE setting(b) END</c>.
    /// </summary>
    private static Expression LowestSetting(List<Expression> thresholds, int first)
    {
        if (first == thresholds.Count - 1)
        {
            return Setting(thresholds[first]);
        }

        var lowest = thresholds.Skip(first + 1).Select(other => Expression.LessThanOrEqual(thresholds[first], other)).Aggregate(Expression.AndAlso);
        return Expression.Condition(lowest, Setting(thresholds[first]), LowestSetting(thresholds, first + 1));
    }

    /// <summary>
    /// A threshold as the text of pg_trgm's setting (<see cref="FuzzySearchQuery.ThresholdSetting"/>): a constant's now,
    /// a parameter's in .NET each time the query runs (<see cref="TrigramParameters"/>), so that a threshold outside
    /// (0, 1] raises the <see cref="ArgumentOutOfRangeException"/> it raises in memory, and PostgreSQL reads back the very
    /// double, whatever its <c>extra_float_digits</c>.
    /// </summary>
    /// <remarks>
    /// A threshold computed in the query from a compiled query's parameters (<c>t * 0.5</c>) is neither: PostgreSQL checks
    /// it as it checks a row's (<see cref="Checked"/>), and raises it to the least positive <c>real</c>, as
    /// <see cref="FuzzySearchQuery.ThresholdSetting"/> does, before it becomes the setting's text.
    /// </remarks>
    private static Expression Setting(Expression threshold) => threshold switch
    {
        ConstantExpression { Value: double value } => Expression.Constant(FuzzySearchQuery.ThresholdSetting(value)),
        QueryParameterExpression => Expression.Call(TrigramParameters.ThresholdSettingMethod, threshold),
        _ => Expression.Call(TrigramParameters.ThresholdSettingMethod, Expression.Call(s_max, Checked(threshold), Expression.Constant(FuzzySearchQuery.LeastThreshold))),
    };

    private static readonly MethodInfo s_max = typeof(Math).GetMethod(nameof(Math.Max), [typeof(double), typeof(double)])!;

    /// <summary>
    /// A term or value with its NUL and unpaired surrogates as spaces, as the generated searches send their term: a
    /// constant's now, a parameter's each time the query runs (<see cref="TrigramParameters.Term"/>). A column holds none.
    /// </summary>
    private static Expression Sendable(Expression text) => text switch
    {
        ConstantExpression { Value: string value } => Expression.Constant(FuzzySearchQuery.Sendable(value)),
        QueryParameterExpression => Expression.Call(TrigramParameters.TermMethod, text),
        _ => text,
    };

    /// <summary>A threshold computed from the row, which PostgreSQL refuses per row when it is outside (0, 1], as .NET does.</summary>
    private static Expression Checked(Expression threshold)
        => ReplacingExpressionVisitor.Replace(s_checked.Parameters[0], threshold, s_checked.Body);

    /// <summary>
    /// <c>new[] { setting }.Any(t => set_config(name, t, true) != null)</c>: in SQL, an <c>EXISTS</c> over the text
    /// that sets the threshold for the transaction. It refers to no column, so PostgreSQL evaluates it once, before the
    /// scan, as a one-time filter.
    /// </summary>
    private static Expression SetThreshold(string name, Expression setting)
        => ReplacingExpressionVisitor.Replace(
            [s_setThreshold.Parameters[0], s_setThreshold.Parameters[1]],
            [Expression.Constant(name), setting],
            s_setThreshold.Body);

    /// <summary>
    /// <see cref="SetThreshold"/>'s condition written as C#, so the tree has the shape the compiler gives a query. It is
    /// only ever translated to SQL, never run in .NET.
    /// </summary>
    private static readonly Expression<Func<string, string, bool>> s_setThreshold =
        (name, setting) => new[] { setting }.Any(t => TrigramFunctions.SetConfig(name, t, true) != null);

    /// <summary>
    /// <see cref="Checked"/>'s threshold written as C#, only ever translated to SQL: outside (0, 1], the cast of the
    /// message to a double fails, and PostgreSQL's error quotes the message.
    /// </summary>
#pragma warning disable CA1305
    private static readonly Expression<Func<double, double>> s_checked =
        threshold => threshold > 0 && threshold <= 1 ? threshold : Convert.ToDouble(FuzzySearchQuery.ThresholdRange + ", but a row's is " + threshold.ToString());
#pragma warning restore CA1305

    private static MethodInfo Method(string name) => typeof(TrigramFunctions).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;

    private static MethodInfo Npgsql(string name) => typeof(NpgsqlTrigramsDbFunctionsExtensions).GetMethod(name)!;

    /// <summary>Whether an expression reads a lambda's parameter (a row), so that it cannot be moved to another <c>Where</c>.</summary>
    private sealed class RowDependent : ExpressionVisitor
    {
        private bool _found;

        public static bool In(Expression expression)
        {
            var finder = new RowDependent();
            finder.Visit(expression);
            return finder._found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found = true;
            return node;
        }
    }

    /// <summary>Finds the uses of <see cref="TrigramFunctions"/>: whether there is one, or (<c>all</c>) every test's threshold.</summary>
    private sealed class Finder : ExpressionVisitor
    {
        private bool _found;
        private bool _all;

        public Dictionary<string, List<Expression>> Thresholds { get; } = new(StringComparer.Ordinal);

        public bool Find(Expression expression, bool all = false)
        {
            _all = all;
            Visit(expression);
            return _found;
        }

        public override Expression? Visit(Expression? node) => _found && !_all ? node : base.Visit(node);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (s_tests.TryGetValue(node.Method, out var test))
            {
                _found = true;
                if (!Thresholds.TryGetValue(test.Setting, out var thresholds))
                {
                    Thresholds.Add(test.Setting, thresholds = []);
                }

                var threshold = node.Arguments[2];
                if (threshold is ConstantExpression { Value: double value })
                {
                    FuzzySearchQuery.CheckThreshold(value);
                }

                if (!RowDependent.In(threshold) && !thresholds.Exists(known => ExpressionEqualityComparer.Instance.Equals(known, threshold)))
                {
                    thresholds.Add(threshold);
                }
            }
            else if (s_scores.ContainsKey(node.Method))
            {
                _found = true;
            }

            return base.VisitMethodCall(node);
        }
    }
}
