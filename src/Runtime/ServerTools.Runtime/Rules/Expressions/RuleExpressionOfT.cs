using System;
using System.Linq.Expressions;
using ServerTools.Rules;

namespace ServerTools;

/// <summary>
/// A data rule expression over <typeparamref name="T"/>, checked against the allow-list and compiled by
/// <see cref="RuleExpression.Compile{T}(string)"/>. Immutable and safe to share between threads.
/// </summary>
/// <typeparam name="T">The entity type the rule reads.</typeparam>
public sealed class RuleExpression<T>
    where T : class
{
    private readonly Func<object, bool> _evaluate;

    internal RuleExpression(CompiledRuleExpression compiled)
    {
        Text = compiled.Text;
        ParameterName = compiled.ParameterName;
        Expression = (Expression<Func<T, bool>>)compiled.Expression;
        _evaluate = compiled.Evaluate;
    }

    /// <summary>The expression's text, as written.</summary>
    public string Text { get; }

    /// <summary>The name the expression uses for the entity, such as <c>order</c>.</summary>
    public string ParameterName { get; }

    /// <summary>
    /// The expression as a lambda of plain member access, the form EF Core translates to SQL:
    /// <c>context.Orders.Where(rule.Expression)</c>. EF Core gives null navigations C#'s null semantics.
    /// </summary>
    public Expression<Func<T, bool>> Expression { get; }

    /// <summary>
    /// Evaluates the expression on <paramref name="entity"/> in memory, with the answer the SQL form gives for the
    /// same data: a null navigation reads as null instead of throwing. Throws only
    /// <see cref="ArithmeticException"/>s (<see cref="DivideByZeroException"/>, <see cref="OverflowException"/>),
    /// where PostgreSQL raises an error.
    /// </summary>
    /// <param name="entity">The entity to check; navigations the expression reads should be loaded.</param>
    public bool Evaluate(T entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return _evaluate(entity);
    }
}
